"""The compact's contributions to the dashboards: its trust panel and the partnership table.

Registered in ``CompactConfig.ready()``.
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
from vmi_programme.summary_tables import INT, TEXT, SummaryTable, report_date

from . import charts, selectors
from .analysis import monthly_fulfilment, recent_fulfilment
from .models import BreachState, PartyType


def compact_panel(organisation: Organisation, period: Period, user: Any = None) -> dict[str, Any]:
    compact = selectors.partnership_compact()
    panel: dict[str, Any] = {
        "title": "The compact",
        "detail_url": reverse("compact:index"),
        "compact": compact,
    }
    if compact is None:
        return panel
    records = [
        r for r in selectors.rating_records(compact, since=period.start) if r.date <= period.end
    ]
    fulfilment = recent_fulfilment(records, period.end, months=period.months, by="party")
    panel |= {
        "fulfilment": [
            {"party": party, "point": point} for party, point in sorted(fulfilment.items())
        ],
        "open_breaches": selectors.open_breaches_of(compact, organisation, period.end),
    }
    return panel


def compact_fulfilment(as_of: dt.date | None = None) -> SummaryTable:
    day = as_of or timezone.localdate()
    compact = selectors.partnership_compact()
    columns = [("measure", "Measure")]
    if compact is None:
        return SummaryTable("compact", "The compact", "", columns, [], missing="No compact yet.")
    summary = selectors.partnership_summary(compact, day)
    by_trust = selectors.breaches_by_organisation(compact, day)
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
    by_party = monthly_fulfilment(selectors.rating_records(compact), by="party")
    figures = []
    if by_party:
        figures.append(
            charts.fulfilment_chart(
                by_party,
                dict(PartyType.choices),
                description="Share of compact judgements 'fulfilled' per month, regulator's "
                "and hospitals' promises.",
            )
        )
    return SummaryTable(
        key="compact",
        title="The compact: fulfilment and breaches",
        caption="Reflections at the close of every TGB and breaches called out, as of "
        f"{report_date(day)}.",
        columns=[("measure", "Measure"), ("value", "Value")],
        rows=rows,
        formats={"measure": TEXT, "value": INT},
        detail_url=reverse("compact:index"),
        detail_label="The compact, its reflections and breaches",
        charts=figures,
    )


def register() -> None:
    register_trust_panel(
        TrustPanel("compact", compact_panel, "compact/_trust_panel.html", order=80)
    )
    register_summary_table(SummaryTableEntry("compact", compact_fulfilment, order=900))
