"""Impact's contributions to the dashboards: value-stream metrics as XmR charts, RPIW impact,
the organisational series against peers (ITS); Tables 7.2, 7.3 and Section 8.2.

Registered in ``ImpactConfig.ready()``. The value-stream panel and Table 7.2 are built here
rather than in rpiw because they draw with impact's SPC and bar charts (impact builds on rpiw,
not the other way round). The ITS panel and Section 8.2 share :func:`its_directions`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go
from django.urls import reverse

from rpiw import selectors as rpiw_selectors
from vmi_programme.charts import figure_html, nhs_layout
from vmi_programme.dashboard_registry import (
    SummaryTableEntry,
    TrustPanel,
    register_summary_table,
    register_trust_panel,
)
from vmi_programme.models import Organisation
from vmi_programme.period import Period
from vmi_programme.summary_tables import (
    DECIMAL2,
    DECIMAL3,
    INT,
    MEAN,
    P_VALUE,
    PERCENT,
    RATIO,
    SUM,
    TEXT,
    Combine,
    SummaryTable,
    ratio,
    report_date,
)

from . import its_inference, rpiw_impact
from . import selectors as impact_selectors
from .analysis.spc import xmr
from .charts import rpiw_bars
from .spc_chart import ASSURANCE_ICONS, POINT_COLOURS, VARIATION_ICONS

SPARK_HEIGHT = 150
ITS_MEASURES = {
    "fft_ae_recommend": "A&E Friends and Family Test (% recommend)",
    "staff_turnover": "Staff turnover (%)",
}
ITS_CAUTION = (
    "The controlled ITS depends on the validity of the peers: matching partner trusts and peers "
    "before the intervention was not precise, so other peers may give other results; and these "
    "measures were not targeted by the programme, so a change cannot be credited to it "
    "(report § 8.3)."
)


# --- Value streams and their metrics ------------------------------------------------------


def _icon(table: dict, key: str | None) -> dict[str, str] | None:
    if key is None:
        return None
    label, letter, colour, *_ = table[key]
    return {"key": key, "label": label, "letter": letter, "colour": colour}


def _line(x, y, name: str, colour: str, *, mode: str = "lines", dash: str = "solid") -> dict:
    return {
        "type": "scatter",
        "x": x,
        "y": [None if v != v else float(v) for v in y],  # NaN → gap
        "mode": mode,
        "name": name,
        "line": {"color": colour, "width": 1.5, "dash": dash},
    }


@functools.cache
def _spark_layout_json() -> str:
    """The house style for small charts (nhs_layout once; each chart copies it)."""
    fig = nhs_layout(go.Figure(), height=SPARK_HEIGHT)
    fig.update_layout(showlegend=False, margin={"l": 40, "r": 10, "t": 10, "b": 30})
    return json.dumps(fig.layout.to_plotly_json())


def _spark_layout() -> dict:
    return json.loads(_spark_layout_json())


def metric_spark(metric, values: list, period: Period) -> dict[str, Any]:
    """A small XmR chart of a metric (``impact.analysis.spc``) with its icons and status."""
    latest = values[-1] if values else None
    on_target = None
    if latest is not None and metric.target is not None:
        better_low = metric.direction == "lower"
        on_target = latest.value <= metric.target if better_low else latest.value >= metric.target
    shown = [v for v in values if v.period_end >= period.start]
    result = None
    if len(values) >= 2:
        result = xmr(
            [float(v.value) for v in values],
            periods=[v.period_end for v in values],
            improvement="decrease" if metric.direction == "lower" else "increase",
            target=float(metric.target) if metric.target is not None else None,
        )
    chart = None
    if result is not None and shown and latest is not None:
        frame = result.to_frame().iloc[len(values) - len(shown) :]
        x = [str(p) for p in frame["period"]]
        colours = [POINT_COLOURS.get(v, "#768692") for v in frame["variation"]]
        traces = [
            _line(x, frame["value"], metric.name, "#768692", mode="lines+markers")
            | {"marker": {"size": 5, "color": colours}},
            _line(x, frame["mean"], "Mean", "#212b32"),
        ]
        if result.chart == "xmr":
            traces += [
                _line(x, frame[c], c.upper(), "#425563", dash="dash") for c in ("upl", "lpl")
            ]
        if metric.target is not None:
            traces.append(
                _line(x, [float(metric.target)] * len(x), "Target", "#d5281b", dash="dot")
            )
        described = (
            f"{metric.name}: {len(shown)} monthly values in the period, latest "
            f"{_plain(latest.value)} {metric.unit}"
            + (f" against a target of {_plain(metric.target)}" if metric.target is not None else "")
            + "."
        )
        chart = figure_html(
            go.Figure(data=traces, layout=_spark_layout(), _validate=False), description=described
        )
    return {
        "metric": metric,
        "latest": latest,
        "on_target": on_target,
        "chart": chart,
        "variation": _icon(VARIATION_ICONS, result.variation_icon) if result else None,
        "assurance": _assurance(result),
        "revised": bool(metric.change_requests.all()),
    }


def _plain(value: Any) -> str:
    """A stored decimal as a person writes it: 23.6, not 23.6000; 24, not 24.0000."""
    return f"{float(value):g}"


def _assurance(result: Any) -> dict[str, str] | None:
    """The assurance icon, only while the latest point is common cause.

    The process limits describe the whole series; once the latest point is a special cause the
    process has moved away from them, and "consistently failing the target" would describe the
    process that was, printed beside a latest value that meets the target (issue 17). Making
    Data Count recalculates the limits after a shift before judging assurance again.
    """
    if result is None or result.variation_icon not in (None, "common_cause"):
        return None
    return _icon(ASSURANCE_ICONS, result.assurance_icon)


def value_streams_panel(
    organisation: Organisation, period: Period, user: Any = None
) -> dict[str, Any]:
    streams = rpiw_selectors.value_stream_metrics(organisation, until=period.end)
    rows = []
    for stream in streams:
        metrics = [metric_spark(m, list(m.values.all()), period) for m in stream.metrics.all()]
        rows.append(
            {
                "stream": stream,
                "url": reverse("rpiw:value-stream-detail", args=[stream.pk]),
                "has_golden_thread": stream.has_golden_thread,
                "metrics": metrics,
                "on_target": sum(1 for m in metrics if m["on_target"]),
            }
        )
    return {
        "title": "Value streams and their metrics",
        "detail_url": reverse("rpiw:value-stream-list") + f"?trust={organisation.short_name}",
        "streams": rows,
    }


# --- RPIW impact --------------------------------------------------------------------------


def rpiw_impact_panel(
    organisation: Organisation, period: Period, user: Any = None
) -> dict[str, Any]:
    pairs = rpiw_selectors.measure_pairs(
        kinds=rpiw_selectors.TABLE_7_2_KINDS,
        organisations=[organisation],
        workshop_from=period.start,
        workshop_to=period.end,
    )
    filters = rpiw_impact.Filters()
    table2 = rpiw_impact.table_7_2(pairs, filters)
    tests = rpiw_impact.table_7_3(pairs, filters)
    cells = table2["total"]["cells"]
    lead, defects, ratio = cells["lead_time"], cells["defects"], cells["defect_ratio"]
    effects = [
        {"label": rpiw_impact.MEASURE_LABELS[kind], **result} for kind, result in tests.items()
    ]
    return {
        "title": "RPIW impact so far",
        "detail_url": reverse("impact:rpiw-impact")
        + f"?trust={organisation.short_name}&start={period.start}&end={period.end}",
        "lead": lead,
        "hours_removed": (lead["baseline"] - lead["post"]) if lead["n"] else None,
        "defects": defects,
        "defects_removed": (defects["baseline"] - defects["post"]) if defects["n"] else None,
        "ratio": ratio,
        "effects": effects,
        "caution": rpiw_impact.CAUTION,
    }


def _decimal(value: Decimal | float | None) -> Decimal:
    """A Table 7.2 sum of a cell with measures (n > 0, so never None there)."""
    return Decimal(0) if value is None else Decimal(value)


def table_7_2_rpiw_measures(as_of: dt.date | None = None) -> SummaryTable:
    rows, total = rpiw_selectors.table_7_2(as_at=as_of)
    flat = []
    for row in [*rows, total]:
        record: dict[str, Any] = {"trust": row.trust}
        for kind in ("lead_time", "defects", "defect_ratio"):
            cell = getattr(row, kind)
            record |= {
                f"{kind}_n": cell.n,
                f"{kind}_baseline": cell.baseline,
                f"{kind}_post": cell.post,
                f"{kind}_reduction": cell.reduction,
                # hidden: baseline − post, so a reduction over some trusts can be recomputed
                f"{kind}_removed": _decimal(cell.baseline) - _decimal(cell.post)
                if cell.n
                else None,
            }
        flat.append(record)
    columns = [("trust", "NHS trust")]
    labels = {"lead_time": "Lead time (hrs)", "defects": "Defects", "defect_ratio": "Defect ratio"}
    for kind, label in labels.items():
        columns += [
            (f"{kind}_n", f"{label}: N"),
            (f"{kind}_baseline", f"{label}: baseline"),
            (f"{kind}_post", f"{label}: post (90 days)"),
            (f"{kind}_reduction", f"{label}: reduction"),
        ]
    formats = {"trust": TEXT}
    formats |= {f"defect_ratio_{p}": RATIO for p in ("baseline", "post")}
    formats |= {f"{k}_reduction": PERCENT for k in labels}
    # Over some trusts: N and the sums add up, the defect ratios are the mean of the trusts'
    # means (as the Total row), each reduction is recomputed from what was removed.
    totals: dict[str, Combine] = {}
    for kind in labels:
        mean_or_sum = MEAN if kind == "defect_ratio" else SUM
        totals |= {
            f"{kind}_n": SUM,
            f"{kind}_baseline": mean_or_sum,
            f"{kind}_post": mean_or_sum,
            f"{kind}_reduction": ratio(f"{kind}_removed", f"{kind}_baseline", scale=100),
        }
    lead = total.lead_time
    notes = []
    if lead.n:
        notes.append(
            f"{_decimal(lead.baseline) - _decimal(lead.post):,.0f} hours of process lead time removed "
            f"({lead.reduction:.0f}%); defects reduced {total.defects.reduction or 0:.0f}%."
        )
    bars = [
        {
            "trust": r.trust,
            "n": r.lead_time.n,
            "baseline": float(_decimal(r.lead_time.baseline)),
            "post": float(_decimal(r.lead_time.post)),
        }
        for r in rows
        if r.lead_time.n
    ]
    return SummaryTable(
        key="7-2",
        title="Table 7.2: RPIW measures, baseline vs 90-day follow-up",
        caption="Lead time and defects are sums over each trust's RPIWs; defect ratios are means"
        + (f"; measurements up to {report_date(as_of)}." if as_of else "; all records."),
        columns=columns,
        rows=flat,
        formats=formats,
        totals=totals,
        detail_url=reverse("rpiw:table-7-2"),
        detail_label="Table 7.2",
        cautions=[rpiw_impact.CAUTION],
        notes=notes,
        charts=[rpiw_bars(bars, label="Process lead time (hours)", unit="hours (sum)")]
        if bars
        else [],
    )


def _computed_p_note(defects: dict) -> str:
    """The report marks every Table 7.3 test p < .001; say which p the records actually give."""
    if "t" not in defects:
        return "The app shows the p it computes, not the report's stars."
    return (
        f"The app shows the p it computes (total defects: t = {defects['t']:.3f} on "
        f"{defects['df']} df gives p ≈ {defects['p_value']:.4f}), not the report's stars."
    )


def table_7_3_paired_tests(as_of: dt.date | None = None) -> SummaryTable:
    pairs = rpiw_selectors.measure_pairs(kinds=rpiw_selectors.TABLE_7_2_KINDS, as_at=as_of)
    results = rpiw_impact.table_7_3(pairs, rpiw_impact.Filters())
    rows = []
    for kind, result in results.items():
        row: dict[str, Any] = {"key": kind, "variable": rpiw_impact.MEASURE_LABELS[kind]}
        if "error" not in result:
            row |= {
                name: result.get(name)
                for name in (
                    "baseline_mean",
                    "baseline_se",
                    "post_mean",
                    "post_se",
                    "t",
                    "df",
                    "p_value",
                    "r",
                )
            }
        rows.append(row)
    lead = {"baseline_mean": INT, "baseline_se": INT, "post_mean": INT, "post_se": INT}
    return SummaryTable(
        key="7-3",
        title="Table 7.3: paired t-tests over all trusts",
        caption="Dependent (paired) t-test of baseline vs 90-day follow-up, df = n − 1, effect "
        "size r = √(t² / (t² + df)); lead time in minutes.",
        columns=[
            ("variable", "Variable"),
            ("baseline_mean", "Baseline mean"),
            ("baseline_se", "Baseline SE"),
            ("post_mean", "Post mean"),
            ("post_se", "Post SE"),
            ("t", "t"),
            ("df", "df"),
            ("p_value", "p"),
            ("r", "r"),
        ],
        rows=rows,
        formats={
            "variable": TEXT,
            "baseline_mean": DECIMAL3,
            "baseline_se": DECIMAL3,
            "post_mean": DECIMAL3,
            "post_se": DECIMAL3,
            "t": DECIMAL3,
            "df": INT,
            "p_value": P_VALUE,
            "r": DECIMAL3,
        },
        detail_url=reverse("impact:rpiw-impact"),
        detail_label="RPIW impact with filters and per-trust tests",
        cautions=[rpiw_impact.CAUTION],
        notes=[_computed_p_note(results.get("defects", {}))],
        row_formats={"lead_time": lead},
        # every row is a test over all trusts: not recomputed for a filter (no ``totals``)
        total_rows=tuple(str(kind) for kind in results),
    )


# --- Organisational series against peers (ITS) -------------------------------------------


def _direction(coefficient: dict | None, *, better: str | None, up: str, down: str) -> str:
    """'rising (p < .001)' / 'no significant change (p = .42)' for a stored coefficient."""
    if not coefficient or coefficient.get("p_value") is None:
        return "–"
    p = coefficient["p_value"]
    p_text = "p < .001" if p < 0.001 else f"p = {p:.3f}".replace("0.", ".", 1)
    if p >= 0.05:
        return f"no significant change ({p_text})"
    word = up if coefficient["estimate"] > 0 else down
    if better in ("higher", "lower"):
        good = (coefficient["estimate"] > 0) == (better == "higher")
        word += ", improving" if good else ", worsening"
    return f"{word} ({p_text})"


def its_directions(result: dict[str, Any]) -> dict[str, Any]:
    """The Section 8.2 statements of one stored ITS result, in words with their p-values."""
    better = (result.get("measure") or {}).get("direction")
    own = result.get("own") or {}
    terms = {**own.get("coefficients", {}), **own.get("derived", {})}
    observed = [p["observed"] for p in own.get("fitted", []) if p.get("observed") is not None]
    pre = observed[: own.get("n_pre", 0)]
    controlled = (result.get("controlled") or {}).get("differences", {})
    peer_group = result.get("peer_group") or {}
    peer_terms = {**peer_group.get("coefficients", {}), **peer_group.get("derived", {})}
    return {
        "pre_mean": sum(pre) / len(pre) if pre else None,
        "mean": sum(observed) / len(observed) if observed else None,
        "trend_after": _direction(
            terms.get("post_slope"), better=better, up="rising", down="falling"
        ),
        "trend_change": _direction(
            terms.get("slope_change"), better=better, up="steeper upward", down="steeper downward"
        ),
        "vs_peers": _direction(
            controlled.get("post_mean_difference"),
            better=better,
            up="above peers",
            down="below peers",
        )
        if controlled
        else "no peers",
        "peer_trend": _direction(
            peer_terms.get("post_slope"), better=better, up="rising", down="falling"
        )
        if peer_terms
        else "–",
    }


def its_panel(
    organisation: Organisation, period: Period | None = None, user: Any = None
) -> dict[str, Any]:
    """The trust's newest stored ITS runs (whatever the period: they are stored results)."""
    runs = impact_selectors.latest_its_runs(list(ITS_MEASURES), organisation)
    rows = [
        {
            "measure": ITS_MEASURES[measure],
            "job": job,
            "url": reverse("impact:its-run-detail", args=[job.pk]),
            **its_directions(job.result),
        }
        for (measure, _), job in sorted(runs.items())
    ]
    return {
        "title": "Organisational series vs peers",
        "detail_url": reverse("impact:its-run-list"),
        "rows": rows,
        "caution": ITS_CAUTION,
    }


def section_8_2_its(as_of: dt.date | None = None) -> SummaryTable:
    runs = impact_selectors.latest_its_runs(list(ITS_MEASURES))
    rows = []
    for (measure, trust), job in sorted(runs.items(), key=lambda item: (item[0][0], item[0][1])):
        summary = its_directions(job.result)
        rows.append(
            {
                "key": f"{measure}-{trust}",
                "measure": ITS_MEASURES[measure],
                "trust": trust,
                **summary,
                **its_inference.placebo_summary(job.result),
                "computed": job.finished_at.date() if job.finished_at else None,
                "stale": "stale: data changed since" if job.stale else "no",
            }
        )
    return SummaryTable(
        key="8-2",
        title="Section 8.2: organisational series against peers (interrupted time series)",
        caption="From the newest stored ITS run of each trust and measure (July 2015 "
        "intervention): the trend after the programme started, its change, and the trust "
        "against the mean of its peers after July 2015 (Newey–West errors), and where that "
        "gap ranks when each peer in turn is analysed as if treated (placebo permutation "
        "test). Significant = p < .05; the two tests are flagged where they disagree.",
        columns=[
            ("measure", "Measure"),
            ("trust", "Trust"),
            ("pre_mean", "Mean before July 2015"),
            ("mean", "Mean over the series"),
            ("trend_after", "Trend after July 2015"),
            ("trend_change", "Change in trend"),
            ("vs_peers", "After July 2015 vs peers"),
            ("peer_trend", "Peers' trend after"),
            ("permutation", "Vs peers: placebo rank"),
            ("agreement", "HAC and placebo test"),
            ("stale", "Stale?"),
        ],
        rows=rows,
        formats=dict.fromkeys(
            (
                "measure",
                "trust",
                "trend_after",
                "trend_change",
                "vs_peers",
                "permutation",
                "agreement",
                "peer_trend",
                "stale",
            ),
            TEXT,
        )
        | {"pre_mean": DECIMAL2, "mean": DECIMAL2},
        detail_url=reverse("impact:index"),
        detail_label="ITS runs with charts and coefficients",
        wrap=True,
        cautions=[ITS_CAUTION],
        missing="" if rows else "No stored ITS runs yet.",
    )


def register() -> None:
    for panel in (
        TrustPanel("impact", rpiw_impact_panel, "impact/_trust_rpiw_impact_panel.html", order=30),
        TrustPanel("its", its_panel, "impact/_trust_its_panel.html", order=60),
        # wide, so last on the page
        TrustPanel(
            "value_streams",
            value_streams_panel,
            "impact/_trust_value_streams_panel.html",
            order=100,
        ),
    ):
        register_trust_panel(panel)
    for table in (
        SummaryTableEntry("7-2", table_7_2_rpiw_measures, order=720),
        SummaryTableEntry("7-3", table_7_3_paired_tests, order=730),
        SummaryTableEntry("8-2", section_8_2_its, order=820),
    ):
        register_summary_table(table)
