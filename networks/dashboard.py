"""Networks' contributions to the dashboards: the improvement-network panel and Table 5.4.

Registered in ``NetworksConfig.ready()``. Both read stored network runs (jobs), never compute.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import plotly.graph_objects as go
from django.urls import reverse

from training.surveys import SurveyWave
from vmi_programme.charts import figure_html, nhs_layout
from vmi_programme.dashboard_registry import (
    SummaryTableEntry,
    TrustPanel,
    register_summary_table,
    register_trust_panel,
)
from vmi_programme.models import Organisation
from vmi_programme.period import Period
from vmi_programme.summary_tables import TEXT, SummaryTable

from . import selectors


def network_thumbnail(result: dict[str, Any], trust: str) -> Any:
    """A small map of the stored layout: respondents dark, collaborators light, ties grey."""
    actors = result.get("actors", [])
    where = {a["key"]: (a["x"], a["y"]) for a in actors}
    xs, ys = [], []
    for tie in result.get("ties", []):
        if tie["source"] in where and tie["target"] in where:
            (x0, y0), (x1, y1) = where[tie["source"]], where[tie["target"]]
            xs += [x0, x1, None]
            ys += [y0, y1, None]
    fig = go.Figure()
    fig.add_scatter(
        x=xs,
        y=ys,
        mode="lines",
        line={"color": "#aeb7bd", "width": 0.5},
        hoverinfo="skip",
        name="Ties",
    )
    for respondent, colour, name in (
        (True, "#005eb8", "Respondents"),
        (False, "#ffb81c", "Collaborators"),
    ):
        group = [a for a in actors if a["respondent"] is respondent]
        fig.add_scatter(
            x=[a["x"] for a in group], y=[a["y"] for a in group], mode="markers",
            marker={"size": 4, "color": colour}, name=name, hoverinfo="skip",
        )  # fmt: skip
    nhs_layout(fig, height=220)
    fig.update_layout(showlegend=False, margin={"l": 5, "r": 5, "t": 5, "b": 5}, hovermode=False)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return figure_html(
        fig,
        description=f"Map of {trust}'s improvement network: {len(actors)} people, "
        f"{len(result.get('ties', []))} ties.",
    )


def network_panel(organisation: Organisation, period: Period, user: Any = None) -> dict[str, Any]:
    wave = selectors.network_wave(period.end, organisation)
    panel: dict[str, Any] = {
        "title": "Improvement network",
        "detail_url": reverse("networks:index"),
        "wave": wave,
    }
    if wave is None:
        return panel
    job = selectors.stored_result(organisation, wave)
    panel["detail_url"] = reverse("networks:wave", args=[organisation.pk, wave.pk])
    if job is None:
        return panel
    summary = (job.result or {}).get("summary", {})
    panel |= {
        "job": job,
        "summary": summary,
        "reciprocity": summary.get("reciprocity"),
        "detached": summary.get("respondents_outside_largest_component"),
        "thumbnail": network_thumbnail(job.result or {}, organisation.short_name),
    }
    return panel


def table_5_4_networks(as_of: dt.date | None = None) -> SummaryTable:
    wave = selectors.network_wave(as_of)
    if wave is None:
        return SummaryTable(
            "5-4",
            "Tables 5.3 and 5.4: improvement networks",
            "",
            selectors.TABLE_5_4_COLUMNS[:1],
            [],
            missing="No network survey yet.",
        )
    return table_5_4_summary(wave)


NAMED = 10  # trusts named in a note; beyond that the note counts the rest


def _names(trusts: list[Organisation]) -> str:
    names = ", ".join(t.short_name for t in trusts[:NAMED])
    return names + (f" and {len(trusts) - NAMED} more" if len(trusts) > NAMED else "")


def table_5_4_summary(wave: SurveyWave) -> SummaryTable:
    """Tables 5.3 and 5.4 of a wave as a summary table: one row per trust (keyed by its short
    name, in the order of every summary table), the measures as columns. The networks page
    and its downloads show the same table."""
    table = selectors.table_5_4(wave)
    rows, columns = selectors.table_5_4_export_rows(table)
    notes = []
    if table["missing"]:
        notes.append("No stored network run yet for " + _names(table["missing"]) + ".")
    if table["stale"]:
        notes.append(
            "Stale (the nominations changed since the run): " + _names(table["stale"]) + "."
        )
    return SummaryTable(
        key="5-4",
        title="Tables 5.3 and 5.4: improvement networks",
        caption=f"Network size (Table 5.3) and brokering by triad census (Table 5.4) per trust "
        f"in the {wave.name} wave, from the stored network runs.",
        columns=columns,
        rows=rows,
        formats={"trust": TEXT},
        detail_url=reverse("networks:table-5-4") + f"?wave={wave.pk}",
        detail_label="Network maps and Table 5.4",
        notes=notes
        + [
            "Technical capability is necessary but not sufficient: reciprocity tells a "
            "high-performing network from a struggling one (report § 5, implications)."
        ],
    )


def register() -> None:
    register_trust_panel(
        TrustPanel("network", network_panel, "networks/_trust_panel.html", order=50)
    )
    # version 2: one row per trust (8cd28da; version 1 had the measures as rows)
    register_summary_table(SummaryTableEntry("5-4", table_5_4_networks, order=540, version=2))
