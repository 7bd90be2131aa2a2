"""Training's contributions to the dashboards: the diffusion panel and Tables 5.1 and 5.2.

Registered in ``TrainingConfig.ready()``.
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
from vmi_programme.summary_tables import PERCENT, SUM, TEXT, SummaryTable, ratio, report_date

from . import selectors
from .progress import COMPLETED, IN_PROGRESS

TABLE_5_1_AS_OF = dt.date(2021, 3, 31)  # "training as of March 2021"


def training_panel(organisation: Organisation, period: Period, user: Any = None) -> dict[str, Any]:
    series = selectors.diffusion_series(organisation, period.start, period.end)
    codes = sorted({code for point in series for code in point["programmes"]})
    fig = go.Figure()
    for code in codes:
        fig.add_scatter(
            x=[p["date"] for p in series],
            y=[sum(p["programmes"].get(code, (0, 0))) for p in series],
            mode="lines",
            name=f"{code} (completed + in progress)",
        )
    nhs_layout(fig, y_title="People", height=240)
    first, last = (series[0], series[-1]) if series else ({}, {})
    programmes = selectors.partnership_programmes()
    executives = selectors.executive_participation(period.end, [organisation.pk])
    l4l_index = next((i for i, p in enumerate(programmes) if p.code == "L4L"), None)
    rows = []
    for row in executives:
        statuses = dict(zip([p.code for p in programmes], row["statuses"], strict=True))
        rows.append({"person": row["person"], "statuses": statuses})
    not_in_l4l = [
        r["person"]
        for r in executives
        if l4l_index is not None and r["statuses"][l4l_index] not in (COMPLETED, IN_PROGRESS)
    ]
    description = (
        f"Diffusion rose from {first.get('diffusion')}% to {last.get('diffusion')}% of headcount "
        f"between {period.start:%B %Y} and {period.end:%B %Y}."
        if series
        else "No training records in this period."
    )
    return {
        "title": "Training diffusion",
        "detail_url": reverse("training:diffusion")
        + f"?trust={organisation.short_name}&as_of={period.end}",
        "chart": figure_html(fig, description=description) if series else None,
        "description": description,
        "diffusion_start": first.get("diffusion"),
        "diffusion_end": last.get("diffusion"),
        "latest": last.get("programmes", {}),
        "codes": codes,
        "executives": rows,
        "programme_codes": [p.code for p in programmes],
        "executives_not_in_l4l": not_in_l4l,
    }


def table_5_1_training(as_of: dt.date | None = None) -> SummaryTable:
    day = as_of or TABLE_5_1_AS_OF
    table = selectors.table_5_1(day)
    rows, columns = selectors.table_5_1_export_rows(table)
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
        caption=f"L4L and ALT completed and in progress per trust on {report_date(day)}; "
        "diffusion = (total complete + total in progress) / headcount.",
        columns=columns,
        rows=rows,
        formats={"trust": TEXT, "diffusion": PERCENT},
        # over some trusts: the counts and headcounts add up, diffusion is recomputed from them
        totals={key: SUM for key, _ in columns[1:]}
        | {"diffusion": ratio(("completed", "in_progress"), "headcount", scale=100, places=0)},
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


TABLE_5_2_COLUMNS = [
    ("trust", "Trust"),
    ("invitations", "Invitations"),
    ("responses", "Responses (started)"),
    ("graduates", "of whom L4L graduates"),
    ("in_progress", "of whom L4L in progress"),
    ("response_rate", "Response rate"),
]


def table_5_2_survey(as_of: dt.date | None = None) -> SummaryTable:
    """Table 5.2 as a summary table: one row per trust invited in the wave (keyed by its short
    name, in every summary table's order: by short name, as ``vmi_programme.models.partner_trusts``),
    then the total. The report printed the trusts as columns."""
    wave = selectors.l4l_survey_wave(as_of)
    if wave is None:
        return SummaryTable(
            "5-2", "Table 5.2: L4L survey", "", TABLE_5_2_COLUMNS[:1], [], missing="No survey yet."
        )
    table = selectors.wave_response_table(wave)
    keys = [key for key, _ in TABLE_5_2_COLUMNS]
    rows = [{key: row[key] for key in keys} for row in [*table["rows"], table["total"]]]
    headlines = selectors.wave_item_results(wave)["headlines"]
    notes = [
        f"{h['overall']['share']}% of respondents agree: {h['question'].text}" for h in headlines
    ]
    return SummaryTable(
        key="5-2",
        title="Table 5.2: L4L participant survey",
        caption=f"Invitations and responses in the {wave.name} wave, with respondents' L4L "
        "status on the day it opened.",
        columns=TABLE_5_2_COLUMNS,
        rows=rows,
        formats={"trust": TEXT, "response_rate": PERCENT},
        # over some trusts: the counts add up, the response rate is recomputed from them
        totals=dict.fromkeys(keys[1:-1], SUM)
        | {"response_rate": ratio("responses", "invitations", scale=100, places=0)},
        detail_url=reverse("training:wave", args=[wave.pk]),
        detail_label=f"{wave.name} survey results",
        notes=notes,
    )


def register() -> None:
    register_trust_panel(
        TrustPanel("training", training_panel, "training/_trust_panel.html", order=10)
    )
    register_summary_table(SummaryTableEntry("5-1", table_5_1_training, order=510))
    # version 2: one row per trust (version 1 had the trusts as columns)
    register_summary_table(SummaryTableEntry("5-2", table_5_2_survey, order=520, version=2))
