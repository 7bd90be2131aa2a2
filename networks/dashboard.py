"""Networks' contributions to the dashboards: the improvement-network panel and Table 5.4.

Registered in ``NetworksConfig.ready()``. Both read stored network runs (jobs), never compute.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import plotly.graph_objects as go
from django.urls import reverse

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
            "Table 5.4: improvement networks",
            "",
            [("measure", "Measure")],
            [],
            missing="No network survey yet.",
        )
    table = selectors.table_5_4(wave)
    rows, columns = selectors.table_5_4_export_rows(table)
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


def register() -> None:
    register_trust_panel(
        TrustPanel("network", network_panel, "networks/_trust_panel.html", order=50)
    )
    register_summary_table(SummaryTableEntry("5-4", table_5_4_networks, order=540))
