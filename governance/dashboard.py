"""Governance's contributions to the dashboards: the daily-work and TGT panels, Table 4.1.

Registered in ``GovernanceConfig.ready()``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from vmi_programme.dashboard_registry import (
    SummaryTableEntry,
    TrustPanel,
    register_summary_table,
    register_trust_panel,
)
from vmi_programme.models import Organisation
from vmi_programme.period import Period
from vmi_programme.summary_tables import TEXT, SummaryTable, report_date

from .selectors import daily_work as daily_work_selectors
from .selectors.context import table_4_1
from .selectors.meetings import attendance_rates


def daily_work_panel(
    organisation: Organisation, period: Period, user: Any = None
) -> dict[str, Any]:
    summary = daily_work_selectors.daily_work_summary(organisation, period.start, period.end)
    return {"title": "Daily work", "detail_url": reverse("daily-work"), "summary": summary}


def tgt_panel(organisation: Organisation, period: Period, user: Any = None) -> dict[str, Any]:
    series = daily_work_selectors.tgt_series(organisation)
    panel: dict[str, Any] = {
        "title": "TGT attendance and actions",
        "detail_url": reverse("governance"),
        "series": series,
    }
    if series is None:
        return panel
    _, meetings = attendance_rates(series, period.start, period.end)
    expected = sum(m.members for m in meetings)
    present = sum(m.present for m in meetings)
    panel |= {
        "detail_url": reverse("meeting-series", args=[series.pk]),
        "meetings": len(meetings),
        "attendance": present / expected if expected else None,
        "overdue": daily_work_selectors.overdue_actions_of_series(series, period.end),
    }
    return panel


TABLE_4_1_COLUMNS = [
    ("trust", "Trust"),
    ("cqc_pre", "CQC pre"),
    ("cqc_during", "CQC during"),
    ("cqc_latest", "CQC latest"),
    ("ceo", "CEO"),
    ("cultural_work", "Cultural work ≥2 years before"),
]


def table_4_1_context(as_of: dt.date | None = None) -> SummaryTable:
    """Table 4.1 as a summary table: one row per partner trust (keyed by its short name, so the
    summary filters, sorts and pages it), the context as columns. The report printed the trusts
    as columns; the rows follow every summary table's order (by short name, as
    ``vmi_programme.models.partner_trusts``)."""
    context = sorted(table_4_1(as_of=as_of), key=lambda row: row.organisation.short_name)
    rows = [
        {"trust": r.organisation.short_name}
        | {key: getattr(r, key) for key, _ in TABLE_4_1_COLUMNS[1:]}
        for r in context
    ]
    return SummaryTable(
        key="4-1",
        title="Table 4.1: context",
        caption="CQC ratings before, during and after the programme start, CEO tenures and "
        f"values-based cultural work, as of {report_date(as_of or timezone.localdate())}.",
        columns=TABLE_4_1_COLUMNS,
        rows=rows,
        formats=dict.fromkeys((key for key, _ in TABLE_4_1_COLUMNS), TEXT),
        detail_url=reverse("trust-context"),
        detail_label="Trust context and leadership stability",
        wrap=True,
        notes=[
            "Leadership stability and values-based cultural work before the programme made "
            "a receptive context for change (report § 4)."
        ],
    )


def register() -> None:
    register_trust_panel(
        TrustPanel(
            "daily_work",
            daily_work_panel,
            "governance/_trust_daily_work_panel.html",
            order=70,
        )
    )
    register_trust_panel(TrustPanel("tgt", tgt_panel, "governance/_trust_tgt_panel.html", order=90))
    # version 2: one row per trust (version 1 had the trusts as columns)
    register_summary_table(SummaryTableEntry("4-1", table_4_1_context, order=410, version=2))
