"""The partnership summary (regulator / TGB): the report's tables computed live, trusts side by side.

Each builder calls the owning app's selector and only reshapes its answer into a
:class:`~dashboards.tables.SummaryTable`. Tables are "as published" by default
(each at the report's own date or survey wave); ``as_of`` recomputes every dated table on
that date instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import plotly.graph_objects as go
from django.urls import reverse
from django.utils import timezone

from compact import selectors as compact_selectors
from dashboards.tables import DECIMAL2, DECIMAL3, INT, P_VALUE, PERCENT, RATIO, TEXT, SummaryTable
from governance.selectors.context import table_4_1
from impact import selectors as impact_selectors
from networks import selectors as network_selectors
from training import selectors as training_selectors
from vmi_programme.charts import figure_html, nhs_layout

TABLE_5_1_AS_OF = dt.date(2021, 3, 31)  # "training as of March 2021"
REPORT_TRUST_ORDER = ("SASH", "LTHT", "UHCW", "SATH", "BHRUT")  # Table 4.1's column order
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


def build(as_of: dt.date | None = None) -> list[SummaryTable]:
    """Every table of the summary, in the report's order."""
    return [builder(as_of) for builder in BUILDERS]


def table_by_key(key: str, as_of: dt.date | None = None) -> SummaryTable | None:
    """One table (for a download), built alone."""
    for builder in BUILDERS:
        if builder.key == key:
            return builder(as_of)
    return None


def _keyed(key: str):
    def mark(fn):
        fn.key = key
        return fn

    return mark


# --- Section 4 ----------------------------------------------------------------------------


@_keyed("4-1")
def table_4_1_context(as_of: dt.date | None = None) -> SummaryTable:
    context = table_4_1(as_of=as_of)
    order = {name: i for i, name in enumerate(REPORT_TRUST_ORDER)}
    context.sort(key=lambda row: (order.get(row.organisation.short_name, 99), row.organisation.pk))
    names = [row.organisation.short_name for row in context]
    attributes = [
        ("cqc_pre", "CQC pre"),
        ("cqc_during", "CQC during"),
        ("cqc_latest", "CQC latest"),
        ("ceo", "CEO"),
        ("cultural_work", "Cultural work ≥2 years before"),
    ]
    rows = [
        {
            "key": key,
            "attribute": label,
            **{n: getattr(r, key) for n, r in zip(names, context, strict=True)},
        }
        for key, label in attributes
    ]
    return SummaryTable(
        key="4-1",
        title="Table 4.1: context",
        caption="CQC ratings before, during and after the programme start, CEO tenures and "
        f"values-based cultural work, as of {_date(as_of or timezone.localdate())}.",
        columns=[("attribute", "Context"), *[(n, n) for n in names]],
        rows=rows,
        formats=dict.fromkeys(names, TEXT) | {"attribute": TEXT},
        detail_url=reverse("trust-context"),
        detail_label="Trust context and leadership stability",
        wrap=True,
        notes=[
            "Leadership stability and values-based cultural work before the programme made "
            "a receptive context for change (report § 4)."
        ],
    )


# --- Section 5 ----------------------------------------------------------------------------


@_keyed("5-1")
def table_5_1_training(as_of: dt.date | None = None) -> SummaryTable:
    from training.selectors import table_5_1, table_5_1_export_rows

    day = as_of or TABLE_5_1_AS_OF
    table = table_5_1(day)
    rows, columns = table_5_1_export_rows(table)
    diffusion = [r for r in rows if r["trust"] != "Total"]
    fig = go.Figure(
        go.Bar(
            x=[r["trust"] for r in diffusion],
            y=[r["diffusion"] for r in diffusion],
            text=[f"{r['diffusion']}%" for r in diffusion],
            textposition="outside",
            name="Diffusion",
        )
    )
    nhs_layout(fig, y_title="Diffusion (% of headcount)", height=280)
    return SummaryTable(
        key="5-1",
        title="Table 5.1: training",
        caption=f"L4L and ALT completed and in progress per trust on {_date(day)}; diffusion = "
        "(total complete + total in progress) / headcount.",
        columns=columns,
        rows=rows,
        formats={"trust": TEXT, "diffusion": PERCENT},
        detail_url=reverse("training:table-5-1"),
        detail_label="Table 5.1 with executives' participation",
        charts=[
            figure_html(
                fig,
                description="Training diffusion per trust: "
                + ", ".join(f"{r['trust']} {r['diffusion']}%" for r in diffusion)
                + ".",
                element_id="chart-5-1",
            )
        ],
    )


@_keyed("5-2")
def table_5_2_survey(as_of: dt.date | None = None) -> SummaryTable:
    from training.selectors import wave_item_results, wave_response_table

    wave = training_selectors.l4l_survey_wave(as_of)
    columns = [("measure", "Measure")]
    if wave is None:
        return SummaryTable(
            "5-2", "Table 5.2: L4L survey", "", columns, [], missing="No survey yet."
        )
    table = wave_response_table(wave)
    trusts = [*table["rows"], table["total"]]
    columns += [(r["trust"], r["trust"]) for r in trusts]
    measures = [
        ("invitations", "Invitations"),
        ("responses", "Responses (started)"),
        ("graduates", "of whom L4L graduates"),
        ("in_progress", "of whom L4L in progress"),
        ("response_rate", "Response rate"),
    ]
    rows = [
        {"key": key, "measure": label, **{r["trust"]: r[key] for r in trusts}}
        for key, label in measures
    ]
    headlines = wave_item_results(wave)["headlines"]
    notes = [
        f"{h['overall']['share']}% of respondents agree: {h['question'].text}" for h in headlines
    ]
    return SummaryTable(
        key="5-2",
        title="Table 5.2: L4L participant survey",
        caption=f"Invitations and responses in the {wave.name} wave, with respondents' L4L "
        "status on the day it opened.",
        columns=columns,
        rows=rows,
        formats={"measure": TEXT},
        row_formats={"response_rate": PERCENT},
        detail_url=reverse("training:wave", args=[wave.pk]),
        detail_label=f"{wave.name} survey results",
        notes=notes,
    )


@_keyed("5-4")
def table_5_4_networks(as_of: dt.date | None = None) -> SummaryTable:
    from networks.selectors import table_5_4, table_5_4_export_rows

    wave = network_selectors.network_wave(as_of)
    if wave is None:
        return SummaryTable(
            "5-4",
            "Table 5.4: improvement networks",
            "",
            [("measure", "Measure")],
            [],
            missing="No network survey yet.",
        )
    table = table_5_4(wave)
    rows, columns = table_5_4_export_rows(table)
    for row, source in zip(rows, table["rows"], strict=True):
        row["key"] = source["key"]
    notes = []
    if table["missing"]:
        notes.append(
            "No stored network run yet for "
            + ", ".join(t.short_name for t in table["missing"])
            + "."
        )
    if table["stale"]:
        notes.append(
            "Stale (the nominations changed since the run): "
            + ", ".join(t.short_name for t in table["stale"])
            + "."
        )
    return SummaryTable(
        key="5-4",
        title="Tables 5.3 and 5.4: improvement networks",
        caption=f"Network size and brokering (triad census) per trust in the {wave.name} wave, "
        "from the stored network runs.",
        columns=columns,
        rows=rows,
        formats={"measure": TEXT},
        detail_url=reverse("networks:table-5-4") + f"?wave={wave.pk}",
        detail_label="Network maps and Table 5.4",
        notes=notes
        + [
            "Technical capability is necessary but not sufficient: reciprocity tells a "
            "high-performing network from a struggling one (report § 5, implications)."
        ],
    )


# --- Section 7 ----------------------------------------------------------------------------


@_keyed("7-1")
def table_7_1_value_streams(as_of: dt.date | None = None) -> SummaryTable:
    from rpiw.selectors import REPORT_AS_AT, table_7_1

    day = as_of or REPORT_AS_AT
    rows, total = table_7_1(day)
    return SummaryTable(
        key="7-1",
        title="Table 7.1: value streams and RPIWs",
        caption=f"As at {_date(day)}: value streams started, RPIWs whose workshop had started, "
        "and those with complete (baseline and 90-day) measures.",
        columns=[
            ("trust", "NHS trust"),
            ("value_streams", "Value streams"),
            ("rpiws", "RPIWs developed"),
            ("complete", "RPIWs with complete measures"),
            ("ended_without_workshop", "Cancelled or stood down"),
            ("unaligned_value_streams", "Value streams with no golden thread"),
        ],
        rows=[vars(r) for r in [*rows, total]],
        formats={"trust": TEXT},
        detail_url=reverse("rpiw:table-7-1"),
        detail_label="Table 7.1",
    )


@_keyed("7-2")
def table_7_2_rpiw_measures(as_of: dt.date | None = None) -> SummaryTable:
    from impact.charts import rpiw_bars
    from rpiw.selectors import table_7_2

    rows, total = table_7_2(as_at=as_of)
    flat = []
    for row in [*rows, total]:
        record = {"trust": row.trust}
        for kind in ("lead_time", "defects", "defect_ratio"):
            cell = getattr(row, kind)
            record |= {
                f"{kind}_n": cell.n,
                f"{kind}_baseline": cell.baseline,
                f"{kind}_post": cell.post,
                f"{kind}_reduction": cell.reduction,
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
    lead = total.lead_time
    notes = []
    if lead.n:
        notes.append(
            f"{lead.baseline - lead.post:,.0f} hours of process lead time removed "
            f"({lead.reduction:.0f}%); defects reduced {total.defects.reduction or 0:.0f}%."
        )
    bars = [
        {
            "trust": r.trust,
            "n": r.lead_time.n,
            "baseline": float(r.lead_time.baseline),
            "post": float(r.lead_time.post),
        }
        for r in rows
        if r.lead_time.n
    ]
    return SummaryTable(
        key="7-2",
        title="Table 7.2: RPIW measures, baseline vs 90-day follow-up",
        caption="Lead time and defects are sums over each trust's RPIWs; defect ratios are means"
        + (f"; measurements up to {_date(as_of)}." if as_of else "; all records."),
        columns=columns,
        rows=flat,
        formats=formats,
        detail_url=reverse("rpiw:table-7-2"),
        detail_label="Table 7.2",
        cautions=[_rpiw_caution()],
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


@_keyed("7-3")
def table_7_3_paired_tests(as_of: dt.date | None = None) -> SummaryTable:
    from impact import rpiw_impact
    from rpiw.selectors import TABLE_7_2_KINDS, measure_pairs

    pairs = measure_pairs(kinds=TABLE_7_2_KINDS, as_at=as_of)
    results = rpiw_impact.table_7_3(pairs, rpiw_impact.Filters())
    rows = []
    for kind, result in results.items():
        row = {"key": kind, "variable": rpiw_impact.MEASURE_LABELS[kind]}
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
        cautions=[_rpiw_caution()],
        notes=[_computed_p_note(results.get("defects", {}))],
        row_formats={"lead_time": lead},
    )


def _rpiw_caution() -> str:
    from impact.rpiw_impact import CAUTION

    return CAUTION


# --- Section 8.2 --------------------------------------------------------------------------


@_keyed("8-2")
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
                "computed": job.finished_at.date() if job.finished_at else None,
                "stale": "stale: data changed since" if job.stale else "no",
            }
        )
    return SummaryTable(
        key="8-2",
        title="Section 8.2: organisational series against peers (interrupted time series)",
        caption="From the newest stored ITS run of each trust and measure (July 2015 "
        "intervention): the trend after the programme started, its change, and the trust "
        "against the mean of its peers after July 2015. Significant = p < .05.",
        columns=[
            ("measure", "Measure"),
            ("trust", "Trust"),
            ("pre_mean", "Mean before July 2015"),
            ("mean", "Mean over the series"),
            ("trend_after", "Trend after July 2015"),
            ("trend_change", "Change in trend"),
            ("vs_peers", "After July 2015 vs peers"),
            ("peer_trend", "Peers' trend after"),
            ("stale", "Stale?"),
        ],
        rows=rows,
        formats=dict.fromkeys(
            ("measure", "trust", "trend_after", "trend_change", "vs_peers", "peer_trend", "stale"),
            TEXT,
        )
        | {"pre_mean": DECIMAL2, "mean": DECIMAL2},
        detail_url=reverse("impact:index"),
        detail_label="ITS runs with charts and coefficients",
        wrap=True,
        cautions=[ITS_CAUTION],
        missing="" if rows else "No stored ITS runs yet.",
    )


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


# --- The compact --------------------------------------------------------------------------


@_keyed("compact")
def compact_fulfilment(as_of: dt.date | None = None) -> SummaryTable:
    from compact import charts as compact_charts
    from compact.models import BreachState, PartyType

    day = as_of or timezone.localdate()
    compact = compact_selectors.partnership_compact()
    columns = [("measure", "Measure")]
    if compact is None:
        return SummaryTable("compact", "The compact", "", columns, [], missing="No compact yet.")
    summary = compact_selectors.partnership_summary(compact, day)
    by_trust = compact_selectors.breaches_by_organisation(compact, day)
    rows = [
        {"key": "meetings_held", "measure": "TGB meetings held", "value": summary["meetings_held"]},
        {
            "key": "meetings_with_reflections",
            "measure": "TGB meetings closing with reflections on the compact",
            "value": summary["meetings_with_reflections"],
        },
    ]
    last_year = summary["last_year"]
    rows.append(
        {
            "key": "fulfilled_last_year",
            "measure": "Promises judged fulfilled, last 12 months",
            "value": f"{last_year.percent_fulfilled}% of {last_year.total} judgements"
            if last_year
            else None,
        }
    )
    for state in BreachState:
        rows.append(
            {
                "key": f"breaches_{state.value}",
                "measure": f"Breaches {state.label.lower()}",
                "value": summary["breaches"][state.value],
            }
        )
    for name, counts in by_trust.items():
        rows.append(
            {
                "key": f"breaches_{name}",
                "measure": f"Breaches called out: {name}",
                "value": f"{counts['all']} ({counts['open']} open)",
            }
        )
    records = compact_selectors.rating_records(compact)
    from compact.analysis import monthly_fulfilment

    by_party = monthly_fulfilment(records, by="party")
    charts = []
    if by_party:
        charts.append(
            compact_charts.fulfilment_chart(
                by_party,
                dict(PartyType.choices),
                description="Share of compact judgements 'fulfilled' per month, regulator's "
                "and hospitals' promises.",
            )
        )
    return SummaryTable(
        key="compact",
        title="The compact: fulfilment and breaches",
        caption=f"Reflections at the close of every TGB and breaches called out, as of {_date(day)}.",
        columns=[("measure", "Measure"), ("value", "Value")],
        rows=rows,
        formats={"measure": TEXT, "value": INT},
        detail_url=reverse("compact:index"),
        detail_label="The compact, its reflections and breaches",
        charts=charts,
    )


BUILDERS = [
    table_4_1_context,
    table_5_1_training,
    table_5_2_survey,
    table_5_4_networks,
    table_7_1_value_streams,
    table_7_2_rpiw_measures,
    table_7_3_paired_tests,
    section_8_2_its,
    compact_fulfilment,
]


def _date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"
