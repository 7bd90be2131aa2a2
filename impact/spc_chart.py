"""SPC charts of any series as page fragments: Plotly figure, icons and a plain summary.

Any page with a measure over time (production-board measures, value-stream metrics,
organisational series) calls :func:`spc_chart` (any chart of the family, with baselines and
marks) or :func:`xmr_chart` (XmR only) with plain values and periods and renders
``chart.html`` plus ``{% include "impact/_spc_icons.html" with chart=chart %}``. It is cheap
(no model fitting), so it is computed when the page is drawn rather than stored as a job.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import plotly.graph_objects as go
from django.utils.safestring import SafeString

from vmi_programme.charts import figure_html, mark_points, nhs_layout

from .analysis.run_chart import RunChartResult, run_chart
from .analysis.spc import XmRResult, xmr
from .analysis.spc_attribute import CHARTS as ATTRIBUTE_CHARTS
from .analysis.spc_attribute import NEEDS_DENOMINATOR, ControlChartResult, attribute_chart

VARIATION_ICONS = {
    "common_cause": ("Common cause variation", "C", "#a5a5a5", "No significant change."),
    "improvement_high": (
        "Special cause: improvement (high)",
        "H",
        "#005eb8",
        "Significant improvement, with high values.",
    ),
    "improvement_low": (
        "Special cause: improvement (low)",
        "L",
        "#005eb8",
        "Significant improvement, with low values.",
    ),
    "concern_high": (
        "Special cause: concern (high)",
        "H",
        "#ed8b00",
        "Significant deterioration, with high values.",
    ),
    "concern_low": (
        "Special cause: concern (low)",
        "L",
        "#ed8b00",
        "Significant deterioration, with low values.",
    ),
    "neither_high": (
        "Special cause: high (neither better nor worse)",
        "H",
        "#330072",
        "Significantly high values; this measure has no better direction.",
    ),
    "neither_low": (
        "Special cause: low (neither better nor worse)",
        "L",
        "#330072",
        "Significantly low values; this measure has no better direction.",
    ),
}
ASSURANCE_ICONS = {
    "pass": ("Consistently passing the target", "P", "#005eb8"),
    "fail": ("Consistently failing the target", "F", "#ed8b00"),
    "inconsistent": ("Hit and miss: the target lies within the process limits", "?", "#a5a5a5"),
}
POINT_COLOURS = {
    "special_cause_improvement": "#005eb8",
    "special_cause_concern": "#ed8b00",
    "special_cause_neither": "#330072",
}


@dataclass
class XmRChart:
    """What a page shows: the figure, the icons and the library's result (for tables/API)."""

    html: SafeString
    result: XmRResult
    variation: dict[str, str] | None
    assurance: dict[str, str] | None
    summary: str

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.result.to_dict(),
            "variation": self.variation,
            "assurance": self.assurance,
            "summary": self.summary,
        }


def xmr_chart(
    values: Sequence[Any],
    periods: Sequence[Any],
    *,
    title: str,
    unit: str = "",
    improvement: str | None = None,
    target: float | None = None,
    **options: Any,
) -> XmRChart:
    """An XmR chart of ``values`` (Making Data Count rules) with its icons.

    Raises ValueError (from :func:`impact.analysis.spc.xmr`) on non-numeric or missing values.
    """
    result = xmr(values, periods=periods, improvement=improvement, target=target, **options)
    frame = result.to_frame()
    x = [str(p) for p in frame["period"]] if "period" in frame else list(range(len(frame)))
    fig = go.Figure()
    fig.add_scatter(
        x=x, y=frame["value"], mode="lines+markers", name=title, line={"color": "#768692"},
        marker={
            "size": 7,
            "color": [POINT_COLOURS.get(v, "#768692") for v in frame["variation"]],
        },
    )  # fmt: skip
    fig.add_scatter(x=x, y=frame["mean"], mode="lines", name="Mean", line={"color": "#212b32"})
    if result.chart == "xmr":
        for column, name in (("upl", "Upper process limit"), ("lpl", "Lower process limit")):
            fig.add_scatter(
                x=x, y=frame[column], mode="lines", name=name,
                line={"color": "#425563", "dash": "dash"},
            )  # fmt: skip
    else:
        fig.add_scatter(x=x, y=frame["median"], mode="lines", name="Median", line={"dash": "dot"})
    if target is not None:
        fig.add_hline(y=target, line={"color": "#d5281b", "dash": "dot"}, annotation_text="Target")
    nhs_layout(fig, title=title, y_title=unit)
    variation = _icon(VARIATION_ICONS, result.variation_icon)
    assurance = _icon(ASSURANCE_ICONS, result.assurance_icon)
    summary = _summary(result, variation, assurance)
    return XmRChart(figure_html(fig, description=summary), result, variation, assurance, summary)


def _icon(table: dict, key: str | None) -> dict[str, str] | None:
    if key is None:
        return None
    label, letter, colour, *rest = table[key]
    return {"key": key, "label": label, "letter": letter, "colour": colour, "text": "".join(rest)}


def _summary(result: XmRResult, variation, assurance) -> str:
    if result.chart == "run":
        return (
            f"Run chart of {len(result.values)} points (too few for process limits). "
            + " ".join(result.notes)
        )
    limits = result.limits
    parts = [
        f"XmR chart of {len(result.values)} points: mean {limits.mean:.3g}, process limits "
        f"{limits.lpl:.3g} to {limits.upl:.3g}.",
        f"Latest point: {variation['label'].lower()}." if variation else "",
        f"Assurance: {assurance['label'].lower()}." if assurance else "",
        f"{sum(result.special_cause)} point(s) show special-cause variation.",
    ]
    return " ".join(p for p in parts if p)


# --------------------------------------------------------------------------- the SPC family

CHARTS: dict[str, str] = {
    "xmr": "XmR chart (individuals)",
    "run": "Run chart",
    **ATTRIBUTE_CHARTS,
}
MARK_COLOURS = {
    "rpiw": "#009639",
    "definition": "#ae2573",
    "fix": "#005eb8",
    "rebase": "#005eb8",
}


@dataclass(frozen=True)
class ChartMark:
    """Something to mark on a chart at a date: an RPIW, a definition change, a baseline."""

    on: dt.date
    label: str
    kind: str  # "rpiw", "definition", "fix" or "rebase"
    points: int | None = None  # a fixed baseline's length, shaded on the chart
    detail: str = ""


@dataclass
class SpcChart:
    """A chart of the family for a page: figure, icons, summary and what it marks."""

    html: SafeString
    kind: str
    result: XmRResult | ControlChartResult | RunChartResult
    variation: dict[str, str] | None
    assurance: dict[str, str] | None
    summary: str
    options: list[tuple[str, str]]
    marks: list[ChartMark] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return CHARTS[self.kind]

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.result.to_dict(),
            "kind": self.kind,
            "variation": self.variation,
            "assurance": self.assurance,
            "summary": self.summary,
            "notes": self.notes,
        }


def chart_options(*, has_denominators: bool) -> list[tuple[str, str]]:
    """The charts a series can be drawn as: P/U charts need a denominator for every point."""
    return [
        (key, label)
        for key, label in CHARTS.items()
        if has_denominators or key not in NEEDS_DENOMINATOR
    ]


def default_chart(*, has_denominators: bool, proportion: bool) -> str:
    """The chart for a measure's kind: P′ for a proportion with denominators, U′ for a rate
    with exposure, XmR otherwise (a run chart when there are too few points for limits).

    Laney's P′/U′ rather than P/U because with the large denominators of monthly NHS data the
    binomial (Poisson) limits are too narrow and nearly every month looks special; where the
    model does hold σz ≈ 1 and P′ ≈ P (Laney 2002). P, U, C, G and T are chosen with ?chart=.
    """
    if has_denominators:
        return "pp" if proportion else "up"
    return "xmr"


def spc_chart(
    values: Sequence[float],
    periods: Sequence[dt.date],
    *,
    kind: str,
    title: str,
    denominators: Sequence[float] | None = None,
    scale: float = 1.0,
    unit: str = "",
    improvement: str | None = None,
    target: float | None = None,
    baselines: Sequence[ChartMark] = (),
    marks: Sequence[ChartMark] = (),
) -> SpcChart:
    """A ``kind`` chart (a key of :data:`CHARTS`) of ``values`` at ``periods`` (dates).

    For P/U charts ``values`` are numerators and ``denominators`` their denominators, and the
    plotted proportion or rate is multiplied by ``scale`` (100 for a percentage; ``target`` is
    in the same scaled unit). ``baselines`` (kind "fix" with ``points``, or "rebase") become
    the limits' segments: a change at the n-th point starts a new segment there; a fixed
    baseline's limits come from its first ``points`` points. ``marks`` are drawn as labelled
    lines. Raises ValueError on bad values (from the analysis functions).
    """
    if kind not in CHARTS:
        raise ValueError(f"chart must be one of {', '.join(CHARTS)}; got {kind!r}")
    if len(periods) != len(values):
        raise ValueError("one period per value is needed")
    has_denominators = denominators is not None
    if kind in NEEDS_DENOMINATOR and not has_denominators:
        raise ValueError(f"a {CHARTS[kind]} needs a denominator for every point")
    labels = [p.isoformat()[:10] for p in periods]
    notes: list[str] = []
    recalculate_at, fixed = _segments(baselines, list(periods), notes)
    result: XmRResult | ControlChartResult | RunChartResult
    factor = scale if kind in NEEDS_DENOMINATOR else 1.0
    if kind == "run":
        if recalculate_at:
            notes.append("a run chart has one median: recalculations apply to control charts")
        result = run_chart(
            [v / d * factor for v, d in zip(values, denominators, strict=True)]
            if has_denominators
            else values,
            periods=labels,
            baseline=fixed.get(0),
        )
    elif kind == "xmr":
        plotted = (
            [v / d * scale for v, d in zip(values, denominators, strict=True)]
            if has_denominators
            else list(values)
        )
        result = xmr(
            plotted, periods=labels, improvement=improvement, target=target,  # type: ignore[arg-type]
            baseline=fixed or None, recalculate_at=recalculate_at or None,
        )  # fmt: skip
    else:
        result = attribute_chart(
            kind,  # type: ignore[arg-type]
            values,
            denominators if kind in NEEDS_DENOMINATOR else None,
            periods=labels,
            improvement=improvement,  # type: ignore[arg-type]
            target=None if target is None else target / factor,
            baseline=fixed or None,
            recalculate_at=recalculate_at or None,
        )
    fig = go.Figure()
    y, centre, upl, lpl, colours = _lines(result, factor)
    fig.add_scatter(
        x=labels, y=y, mode="lines+markers", name=title, line={"color": "#768692"},
        marker={"size": 7, "color": colours},
    )  # fmt: skip
    centre_name = "Median" if kind in ("run", "g") else "Centre line"
    fig.add_scatter(
        x=labels, y=centre, mode="lines", name=centre_name,
        line={"color": "#212b32", "shape": "hvh"},
    )  # fmt: skip
    if upl is not None and lpl is not None:
        for line, name in ((upl, "Upper process limit"), (lpl, "Lower process limit")):
            fig.add_scatter(
                x=labels, y=line, mode="lines", name=name,
                line={"color": "#425563", "dash": "dash", "shape": "hvh"},
            )  # fmt: skip
    if target is not None and kind != "run":
        fig.add_hline(y=target, line={"color": "#d5281b", "dash": "dot"})
    drawn = [*baselines, *marks]
    mark_points(
        fig,
        [
            (label, mark.label, MARK_COLOURS.get(mark.kind, "#425563"))
            for mark in drawn
            if (label := _label_at(mark.on, list(periods), labels)) is not None
        ],
        spans=[
            (label, labels[min(start + (mark.points or 1) - 1, len(labels) - 1)], "#005eb8")
            for mark in baselines
            if mark.kind == "fix"
            and (start := _index_at(mark.on, list(periods))) is not None
            and (label := labels[start])
        ],
    )
    nhs_layout(fig, title=title, y_title=unit, height=420)
    fig.update_xaxes(type="category", nticks=14)
    variation_key = getattr(result, "variation_icon", None)
    assurance_key = getattr(result, "assurance_icon", None)
    variation = _icon(VARIATION_ICONS, variation_key)
    assurance = _icon(ASSURANCE_ICONS, assurance_key)
    summary = _family_summary(kind, result, variation, assurance, factor, drawn)
    return SpcChart(
        html=figure_html(fig, description=summary),
        kind=kind,
        result=result,
        variation=variation,
        assurance=assurance,
        summary=summary,
        options=chart_options(has_denominators=has_denominators),
        marks=list(drawn),
        notes=notes,
    )


def _index_at(on: dt.date, periods: list[dt.date]) -> int | None:
    """The first point at or after ``on`` (None when ``on`` is after the last point)."""
    position = int(np.searchsorted(np.array(periods, dtype="datetime64[D]"), np.datetime64(on)))
    return position if position < len(periods) else None


def _label_at(on: dt.date, periods: list[dt.date], labels: list[str]) -> str | None:
    if not periods or on < periods[0]:
        return None  # before the chart starts: nothing to mark
    index = _index_at(on, periods)
    return None if index is None else labels[index]


def _segments(
    baselines: Sequence[ChartMark], periods: list[dt.date], notes: list[str]
) -> tuple[list[int], dict[int, int]]:
    """Segment starts and fixed baselines (start → points) from a chart's baseline changes."""
    starts: set[int] = set()
    fixed: dict[int, int] = {}
    for mark in sorted(baselines, key=lambda m: m.on):
        index = _index_at(mark.on, periods)
        if index is None:
            notes.append(f"{mark.label} ({mark.on}) is after the last point: not applied yet")
            continue
        if index > 0:
            starts.add(index)
        if mark.kind == "fix" and mark.points:
            fixed[index] = mark.points
        elif index in fixed:
            del fixed[index]  # a later rebase at the same point replaces the fix
    return sorted(starts), fixed


def _lines(
    result: XmRResult | ControlChartResult | RunChartResult, factor: float
) -> tuple[list[float], list[float], list[float] | None, list[float] | None, list[str]]:
    """Plotted values, centre line, limits (None for a run chart) and point colours."""
    if isinstance(result, RunChartResult):
        colours = [
            "#330072" if shift or trend else "#768692"
            for shift, trend in zip(result.shift, result.trend, strict=True)
        ]
        return list(result.values), [result.median] * len(result.values), None, None, colours
    colours = [POINT_COLOURS.get(v or "", "#768692") for v in result.variation]
    if isinstance(result, XmRResult):
        frame = result.to_frame()
        upl = None if result.chart == "run" else _nan_to_none(frame["upl"])
        lpl = None if result.chart == "run" else _nan_to_none(frame["lpl"])
        return list(frame["value"]), _nan_to_none(frame["mean"]), upl, lpl, colours
    scaled = [
        [v * factor for v in column]
        for column in (result.values, result.centre, result.upl, result.lpl)
    ]
    upl, lpl = (
        (_nan_to_none(scaled[2]), _nan_to_none(scaled[3])) if result.has_limits else (None, None)
    )
    return scaled[0], scaled[1], upl, lpl, colours


def _nan_to_none(values: Any) -> list[Any]:
    return [None if isinstance(v, float) and math.isnan(v) else float(v) for v in values]


def _family_summary(
    kind: str,
    result: XmRResult | ControlChartResult | RunChartResult,
    variation: dict[str, str] | None,
    assurance: dict[str, str] | None,
    factor: float,
    marks: Sequence[ChartMark],
) -> str:
    n = len(result.values)
    if isinstance(result, RunChartResult):
        text = [f"Run chart of {n} points, median {result.median:.3g}."]
        text.append(
            "Signals: " + "; ".join(result.signals) + "."
            if result.signals
            else "No run-chart signal."
        )
        text.extend(result.notes)
    elif isinstance(result, XmRResult):
        text = [_summary(result, variation, assurance)]
    else:
        special = sum(result.special_cause)
        if result.has_limits:
            text = [
                f"{CHARTS[kind]} of {n} points: centre {result.centre[-1] * factor:.3g}, latest "
                f"limits {result.lpl[-1] * factor:.3g} to {result.upl[-1] * factor:.3g}.",
                f"Latest point: {variation['label'].lower()}." if variation else "",
                f"Assurance: {assurance['label'].lower()}." if assurance else "",
                f"{special} point(s) show special-cause variation.",
            ]
            if kind in ("pp", "up") and result.sigma_z[-1] is not None:
                text.append(f"Laney's σz = {result.sigma_z[-1]:.2f}.")
        else:
            text = [f"{CHARTS[kind]} of {n} points without limits.", *result.notes]
    if marks:
        text.append("Marked: " + "; ".join(f"{m.label} ({m.on:%b %Y})" for m in marks) + ".")
    return " ".join(t for t in text if t)
