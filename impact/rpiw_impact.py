"""RPIW impact (report Section 7): Table 7.3 (paired t-tests with effect sizes) and Table 7.2
under the impact page's filters, from the rpiw app's baseline/follow-up pairs
(:class:`rpiw.selectors.MeasurePair`, read by :func:`rpiw.selectors.measure_pairs`; Table 7.2
is computed by :func:`rpiw.selectors.table_7_2_from_pairs`). No queries here: functions take
pairs; the statistics are in ``impact.analysis.paired``.

Definitions (those of ``rpiw.demo.measures`` and the report):

* post = the chosen follow-up (90 days by default, as the report; or "last" = the latest
  follow-up recorded). A pair is complete when it has a baseline and that follow-up.
* Lead time is converted to minutes for Table 7.3 and summed in hours for Table 7.2; defects
  are summed; defect ratios (defects / output, recomputed per measure) are averaged. Table 7.2's
  Total row gives ratio means as the unweighted mean of the trusts' means, as the report does;
  Table 7.3 uses the pooled mean over all pairs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rpiw.constants import MINUTES_PER_UNIT
from rpiw.selectors import TABLE_7_2_KINDS, MeasurePair, table_7_2_from_pairs

from .analysis.paired import paired_ttest

MEASURE_TYPES = tuple(kind.value for kind in TABLE_7_2_KINDS)  # lead_time, defects, defect_ratio
MEASURE_LABELS = {
    "lead_time": "Process lead time",
    "defects": "Total defects",
    "defect_ratio": "Defect ratio",
}
TABLE_7_2_UNITS = {"lead_time": "hours (sum)", "defects": "defects (sum)", "defect_ratio": "mean"}
TABLE_7_3_UNITS = {"lead_time": "minutes", "defects": "defects", "defect_ratio": "ratio"}
POST_CHOICES = ("30", "60", "90", "120", "last")

#: Table 7.3 as the report prints it, shown beside the computed values (never used as a result).
PUBLISHED_TABLE_7_3 = {
    "lead_time": {"baseline_mean": 3569, "baseline_se": 829, "post_mean": 1360, "post_se": 100,
                  "t": 4.077, "df": 81, "r": 0.413},
    "defects": {"baseline_mean": 58.998, "baseline_se": 17.596, "post_mean": 19.377,
                "post_se": 7.304, "t": 3.385, "df": 53, "r": 0.422},
    "defect_ratio": {"baseline_mean": 0.582, "baseline_se": 0.026, "post_mean": 0.213,
                     "post_se": 0.022, "t": 12.768, "df": 89, "r": 0.804},
}  # fmt: skip
#: decimals the report prints each Table 7.3 figure with
PUBLISHED_DECIMALS = {
    "lead_time": {"baseline_mean": 0, "baseline_se": 0, "post_mean": 0, "post_se": 0},
    "defects": {"baseline_mean": 3, "baseline_se": 3, "post_mean": 3, "post_se": 3},
    "defect_ratio": {"baseline_mean": 3, "baseline_se": 3, "post_mean": 3, "post_se": 3},
}
_DEFECTS_MEANS = (
    "Table 7.2's integer totals fix the means at 3,185 / 54 = 58.981 and 1,046 / 54 = "
    "19.370; the report's 58.998 and 19.377 would need non-integer defect counts."
)
WHY_DIFFERENT = {
    ("lead_time", "baseline_se"): (
        "The report's lead-time figures cannot all hold at once: with its means, t = 4.077 "
        "needs sd(baseline − post) ≈ 4,908 min, but SEs of 829 and 100 force sd(baseline − "
        "post) ≥ 6,601 (t ≤ 3.03). The demo records keep t, df, r and the post SE, so the "
        "baseline SE comes out lower."
    ),
    ("defects", "baseline_mean"): _DEFECTS_MEANS,
    ("defects", "post_mean"): _DEFECTS_MEANS,
}
FIELD_LABELS = {
    "baseline_mean": "baseline mean",
    "baseline_se": "baseline standard error",
    "post_mean": "post mean",
    "post_se": "post standard error",
    "t": "t",
    "df": "df",
    "r": "r",
}
CAUTION = (
    "The value streams and RPIWs chosen by each trust varied in their opportunity and scope for "
    "improvement, so change must be compared within trusts, not between them (report § 7.3)."
)


@dataclass(frozen=True)
class Filters:
    trusts: Sequence[str] = ()
    value_stream: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    measure_types: Sequence[str] = MEASURE_TYPES
    post: str = "90"

    def keep(self, pair: MeasurePair) -> bool:
        if self.trusts and pair.trust not in self.trusts:
            return False
        if self.value_stream and pair.value_stream != self.value_stream:
            return False
        if pair.kind not in self.measure_types:
            return False
        when = pair.workshop_end
        if self.start and (when is None or when < self.start):
            return False
        return not (self.end and (when is None or when > self.end))


def complete_pairs(
    pairs: Iterable[MeasurePair], filters: Filters
) -> dict[str, list[tuple[MeasurePair, float, float]]]:
    """(pair, baseline, post) per measure type for the pairs that pass the filters and have both."""
    by_type: dict[str, list[tuple[MeasurePair, float, float]]] = {t: [] for t in MEASURE_TYPES}
    for pair in pairs:
        values = pair.paired(filters.post) if filters.keep(pair) else None
        if values is not None:
            by_type[pair.kind].append((pair, float(values[0]), float(values[1])))
    return {t: by_type[t] for t in filters.measure_types}


def table_7_2(pairs: Iterable[MeasurePair], filters: Filters) -> dict[str, Any]:
    """Table 7.2 (:func:`rpiw.selectors.table_7_2_from_pairs`) over the pairs that pass the
    filters, as plain numbers keyed by measure type: per trust with a complete pair and in
    total, N, baseline and post (sums of lead time in hours and of defects; mean defect ratio)
    and the % reduction."""
    rows, total = table_7_2_from_pairs(
        [pair for pair in pairs if filters.keep(pair)], post=filters.post
    )

    def plain(row) -> dict[str, Any]:
        cells = row.cells
        return {
            "trust": row.trust,
            "cells": {kind: cells[kind].as_dict() for kind in filters.measure_types},
        }

    return {"rows": [plain(row) for row in rows], "total": plain(total)}


def table_7_3(pairs: Iterable[MeasurePair], filters: Filters) -> dict[str, dict[str, Any]]:
    """Paired t-test (baseline − post) per measure type over the filtered complete pairs.

    Each entry holds the test's fields (n, means, SEs, t, df, p, r, CI...) or ``error`` with
    the library's message when it cannot be computed (fewer than 2 pairs, zero variance).
    """
    out: dict[str, dict[str, Any]] = {}
    for kind, items in complete_pairs(pairs, filters).items():
        try:
            result = paired_ttest([b for _, b, _ in items], [p for _, _, p in items])
        except ValueError as exc:
            out[kind] = {"n": len(items), "error": str(exc)}
        else:
            out[kind] = result.to_dict()
    return out


def table_7_3_by_trust(
    pairs: Sequence[MeasurePair], filters: Filters
) -> dict[str, dict[str, dict[str, Any]]]:
    """Table 7.3 within each trust (the report did not attempt this for its small samples)."""
    trusts = sorted({p.trust for p in pairs if filters.keep(p)})
    return {
        trust: table_7_3(pairs, Filters(**{**filters.__dict__, "trusts": (trust,)}))
        for trust in trusts
    }


def compare_with_report(computed: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Where a computed Table 7.3 figure differs from the report at the report's precision,
    with the reason (for the page's footnotes)."""
    notes = []
    for kind, published in PUBLISHED_TABLE_7_3.items():
        result = computed.get(kind)
        if not result or "error" in result:
            continue
        for key, value in published.items():
            decimals = PUBLISHED_DECIMALS[kind].get(key, 3)
            ours = result[key]
            if key == "df":
                same = int(ours) == int(value)
            else:
                same = round(ours, decimals) == round(value, decimals)
            if not same:
                notes.append(
                    {
                        "measure_type": kind,
                        "field": key,
                        "field_label": FIELD_LABELS[key],
                        "computed": ours,
                        "published": value,
                        "why": WHY_DIFFERENT.get(
                            (kind, key),
                            "The records shown here differ from the report's (filters, or "
                            "other data than the evaluation's).",
                        ),
                    }
                )
    return notes


def pairs_from_demo_programme(programme: Any) -> list[MeasurePair]:
    """MeasurePairs from ``rpiw.demo.measures.generate()`` output (for checks without a DB)."""
    streams: defaultdict[str, str] = defaultdict(str)
    pairs = []
    for rpiw in programme.rpiws:
        for measure in rpiw["measures"]:
            kind = measure["type"]
            if kind not in MEASURE_TYPES:
                continue
            pairs.append(
                MeasurePair(
                    trust=rpiw["trust"],
                    value_stream=rpiw.get("value_stream", streams[rpiw["trust"]]),
                    rpiw=rpiw["reference"],
                    kind=kind,
                    baseline=_demo_number(kind, measure, measure["baseline"]),
                    followups={
                        int(day): _demo_number(kind, measure, value)
                        for day, value in measure["followups"].items()
                    },
                    workshop_end=rpiw.get("workshop_end"),
                )
            )
    return pairs


def _demo_number(kind: str, measure: dict, value: Any) -> float | None:
    if value is None:
        return None
    if kind == "defect_ratio":
        return value["defects"] / value["output"]
    if kind == "lead_time":
        return float(value) * MINUTES_PER_UNIT[measure["unit"]]
    return float(value)
