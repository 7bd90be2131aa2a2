"""RPIWs' contributions to the dashboards: the pipeline, golden-thread and sustainment panels,
Table 7.1 and sustainment by trust.

Registered in ``RpiwConfig.ready()``. The value-stream panel (each metric as an XmR chart) and
Table 7.2 (with its bar chart and caution) are impact's, which builds on rpiw.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
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
from vmi_programme.summary_tables import (
    PERCENT,
    SUM,
    TEXT,
    SummaryTable,
    ratio,
    report_date,
    with_totals,
)

from . import selectors, sustainment
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
        totals=dict.fromkeys(
            (
                "value_streams",
                "rpiws",
                "complete",
                "ended_without_workshop",
                "unaligned_value_streams",
            ),
            SUM,
        ),
        detail_url=reverse("rpiw:table-7-1"),
        detail_label="Table 7.1",
    )


# --- Sustainment (rpiw.sustainment; the rules in docs/SUSTAINMENT.md) ------------------------

#: The two windows sustainment and pace are compared over: the 365 days to the period's end and
#: the 365 before (the span of ``selectors.workshops_per_year``, the report's "pace").
TREND_DAYS = 365


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _rollup_row(rollup: sustainment.Rollup) -> dict[str, Any]:
    row = rollup.as_dict()
    row["percent_sustained"] = _percent(rollup.share_sustained)
    return row


def _window(end: dt.date) -> tuple[dt.date, dt.date]:
    return end - dt.timedelta(days=TREND_DAYS - 1), end


def sustainment_panel(organisation: Organisation, period: Period, user: Any) -> dict[str, Any]:
    """Verdicts of the trust's RPIW measures at checkpoints falling due in the period (data as at
    its end), rolled up for the trust, by value stream and by RPIW, and the trend of the two
    years to its end against the RPIW pace. Plain data; three queries whatever the data."""
    thresholds = selectors.sustainment_thresholds()
    records = selectors.sustainment_records(organisations=[organisation], as_at=period.end)
    window, as_of = (period.start, period.end), period.end

    streams = sustainment.rollup_by(
        records, lambda r: r.value_stream, thresholds, window=window, as_of=as_of
    )
    rpiws = sustainment.rollup_by(
        records, lambda r: r.rpiw_id, thresholds, window=window, as_of=as_of
    )
    references = {r.rpiw_id: r.rpiw for r in records}
    with_losses = sorted(
        (
            {"rpiw_id": pk, "reference": references[pk], **_rollup_row(rollup)}
            for pk, rollup in rpiws.items()
            if rollup.lost
        ),
        key=lambda row: (-row["lost"], row["reference"]),
    )
    current_window = _window(period.end)
    previous_window = _window(current_window[0] - dt.timedelta(days=1))
    current = sustainment.rollup(records, thresholds, window=current_window, as_of=as_of)
    previous = sustainment.rollup(records, thresholds, window=previous_window, as_of=as_of)
    current_pace = selectors.workshops_per_year(organisation, current_window[1])
    previous_pace = selectors.workshops_per_year(organisation, previous_window[1])
    return {
        "title": "Sustainment of RPIW measures",
        "detail_url": reverse("rpiw:rpiw-list") + f"?trust={organisation.short_name}",
        "rule": sustainment.rule_text(thresholds),
        "thresholds": {
            "sustained": _percent(thresholds.sustained),
            "lost": _percent(thresholds.lost),
        },
        "trust": _rollup_row(sustainment.rollup(records, thresholds, window=window, as_of=as_of)),
        "checkpoints": [
            {"day": day, **_rollup_row(rollup)}
            for day, rollup in sustainment.checkpoint_rollups(
                records, thresholds, window=window, as_of=as_of
            ).items()
        ],
        "value_streams": [
            {"name": name, **_rollup_row(rollup)} for name, rollup in sorted(streams.items())
        ],
        "rpiws_with_losses": with_losses,
        "trend": {
            "previous": {
                "start": previous_window[0],
                "end": previous_window[1],
                "pace": previous_pace,
                **_rollup_row(previous),
            },
            "current": {
                "start": current_window[0],
                "end": current_window[1],
                "pace": current_pace,
                **_rollup_row(current),
            },
            "min_measures": sustainment.TREND_MIN_MEASURES,
            "falls_while_pace_rises": sustainment.falls_while_pace_rises(
                previous, current, previous_pace=previous_pace, current_pace=current_pace
            ),
        },
    }


#: The sustainment table reads every measurement: the read model builds it in this many parts,
#: side by side on the bulk workers (``SummaryTableEntry.parts``).
SUSTAINMENT_PARTS = 8


def sustainment_by_trust(
    as_of: dt.date | None = None, part: tuple[int, int] | None = None
) -> SummaryTable:
    """Per partner trust: measures by their verdict at the latest known checkpoint, the share
    sustained, and the share sustained at each checkpoint; the totals row pools every trust's
    measures (Σ of the counts, the shares of the sums). ``part=(i, n)``: only the trusts whose
    id is i modulo n, no totals row (the read model joins the parts). Two queries."""
    thresholds = selectors.sustainment_thresholds()
    organisations = list(selectors.partner_trusts())
    if part is not None:
        organisations = [o for o in organisations if o.pk % part[1] == part[0]]
    records = selectors.sustainment_records(organisations=organisations, as_at=as_of)
    day = as_of or timezone.localdate()
    by_trust: dict[str, list[sustainment.MeasureRecord]] = {}
    for record in records:
        by_trust.setdefault(record.trust, []).append(record)
    del records  # a trust's records are dropped once its row is made

    def row(trust: str, group: list[sustainment.MeasureRecord]) -> dict[str, Any]:
        out = {"trust": trust, **_rollup_row(sustainment.rollup(group, thresholds, as_of=day))}
        for checkpoint, rollup in sustainment.checkpoint_rollups(
            group, thresholds, as_of=day
        ).items():
            out[f"at_{checkpoint}"] = _percent(rollup.share_sustained)
            # hidden: what the share is of, so a total over some trusts can be recomputed
            out[f"at_{checkpoint}_sustained"] = rollup.sustained
            out[f"at_{checkpoint}_known"] = rollup.known
        return out

    rows = []
    for name in sorted(o.short_name for o in organisations):
        rows.append(row(name, by_trust.pop(name, [])))
    when = f"As of {report_date(as_of)}" if as_of else "From every measurement recorded"
    table = SummaryTable(
        key="sustainment",
        title="Sustainment of RPIW measures",
        caption=f"{when}: each RPIW measure at its latest known checkpoint (60, 90 or 120 "
        "days after the workshop), judged by the share of its 30-day improvement that remains.",
        columns=[
            ("trust", "NHS trust"),
            ("measures", "Measures"),
            ("sustained", "Sustained"),
            ("partly", "Partly sustained"),
            ("lost", "Lost"),
            ("unknown", "Not yet known"),
            ("no_gain", "No 30-day improvement"),
            ("percent_sustained", "Share sustained"),
            *((f"at_{d}", f"Sustained at {d} days") for d in sustainment.CHECKPOINTS),
        ],
        rows=rows,
        formats={
            "trust": TEXT,
            "percent_sustained": PERCENT,
            **{f"at_{d}": PERCENT for d in sustainment.CHECKPOINTS},
        },
        totals=dict.fromkeys(
            ("measures", "sustained", "partly", "lost", "unknown", "no_gain", "known"), SUM
        )
        | {
            "percent_sustained": ratio("sustained", "known", scale=100, places=1),
            "share_sustained": ratio("sustained", "known"),
        }
        | {
            f"at_{d}": ratio(f"at_{d}_sustained", f"at_{d}_known", scale=100, places=1)
            for d in sustainment.CHECKPOINTS
        },
        notes=[
            sustainment.rule_text(thresholds),
            "Share sustained: sustained ÷ (sustained + partly + lost); measures not yet known or "
            "without a 30-day improvement are left out of it. 'Sustained at N days' is the "
            "same share among the measures with a verdict at that checkpoint. The Total row "
            "pools the measures of every trust.",
        ],
        detail_url=reverse("rpiw:rpiw-list"),
        detail_label="RPIWs",
    )
    return table if part is not None else with_totals(table)


def check_sustainment_setting(app_configs: Any = None, **kwargs: Any) -> list[checks.Error]:
    """``manage.py check`` (and every start) reports a bad ``SUSTAINMENT`` setting."""
    try:
        selectors.sustainment_thresholds()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="rpiw.E001")]
    return []


def register() -> None:
    checks.register(check_sustainment_setting)
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
    register_trust_panel(
        TrustPanel("sustainment", sustainment_panel, "rpiw/_trust_sustainment_panel.html", order=35)
    )
    register_summary_table(
        SummaryTableEntry("sustainment", sustainment_by_trust, order=740, parts=SUSTAINMENT_PARTS)
    )
