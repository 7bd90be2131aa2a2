"""RPIWs' contributions to the dashboards: the pipeline and golden-thread panels, Table 7.1.

Registered in ``RpiwConfig.ready()``. The value-stream panel (each metric as an XmR chart) and
Table 7.2 (with its bar chart and caution) are impact's, which builds on rpiw.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from vmi_programme.dashboard_registry import (
    SummaryTableEntry,
    TrustPanel,
    register_summary_table,
    register_trust_panel,
)
from vmi_programme.models import Organisation
from vmi_programme.period import Period
from vmi_programme.summary_tables import TEXT, SummaryTable, report_date

from . import selectors
from .models import ACTIVE_STATUSES, STAGES, RpiwStatus


def rpiw_pipeline_panel(organisation: Organisation, period: Period, user: Any) -> dict[str, Any]:
    rpiws = selectors.rpiws_planned_in(organisation, period.start, period.end)
    stages = [
        {
            "status": stage,
            "label": RpiwStatus(stage).label,
            "count": sum(1 for r in rpiws if r.status == stage),
        }
        for stage in STAGES
    ]
    ended = [r for r in rpiws if r.status in (RpiwStatus.CANCELLED, RpiwStatus.STOOD_DOWN)]
    due = selectors.followups_due(
        selectors.rpiws_for(user).filter(
            value_stream__organisation=organisation, status__in=ACTIVE_STATUSES
        ),
        start=period.end - dt.timedelta(days=365),
        end=period.end,
    )
    overdue = [d for d in due if d.due_on < period.end]
    return {
        "title": "RPIW pipeline",
        "detail_url": reverse("rpiw:rpiw-list") + f"?trust={organisation.short_name}",
        "stages": stages,
        "total": len(rpiws),
        "ended": ended,
        "stood_down": [r for r in ended if r.status == RpiwStatus.STOOD_DOWN],
        "overdue": overdue,
        "pace": selectors.workshops_per_year(organisation, period.end),
    }


def golden_thread_panel(
    organisation: Organisation, period: Period | None = None, user: Any = None
) -> dict[str, Any]:
    """Priorities and objectives with and without value streams today (whatever the period)."""
    thread = selectors.golden_thread(organisation)
    objectives = [o for p in thread.priorities for o in p.objectives]
    seen, unique = set(), []
    for o in objectives:
        if o.objective.pk not in seen:
            seen.add(o.objective.pk)
            unique.append(o)
    priorities = [p for p in thread.priorities if p.priority is not None]
    return {
        "title": "Golden thread",
        "detail_url": reverse("rpiw:golden-thread") + f"?trust={organisation.short_name}",
        "priorities_with_work": [p.priority for p in priorities if p.has_work],
        "priorities_without_work": thread.priorities_without_work,
        "objectives_with_work": [o.objective for o in unique if o.streams],
        "objectives_without_work": [o.objective for o in unique if not o.streams],
        "unaligned_streams": [t.value_stream for t in thread.unaligned_streams],
    }


def table_7_1_value_streams(as_of: dt.date | None = None) -> SummaryTable:
    day = as_of or selectors.REPORT_AS_AT
    rows, total = selectors.table_7_1(day)
    return SummaryTable(
        key="7-1",
        title="Table 7.1: value streams and RPIWs",
        caption=f"As at {report_date(day)}: value streams started, RPIWs whose workshop had "
        "started, and those with complete (baseline and 90-day) measures.",
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


def register() -> None:
    register_trust_panel(
        TrustPanel("pipeline", rpiw_pipeline_panel, "rpiw/_trust_pipeline_panel.html", order=20)
    )
    register_trust_panel(
        TrustPanel(
            "golden_thread",
            golden_thread_panel,
            "rpiw/_trust_golden_thread_panel.html",
            order=40,
        )
    )
    register_summary_table(SummaryTableEntry("7-1", table_7_1_value_streams, order=710))
