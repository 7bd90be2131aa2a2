"""The TGT monthly report a KPO prepares for its trust's guiding team, generated from live data.

Sections: value-stream progress against metrics, RPIWs done and coming, follow-ups due,
training, the improvement network, actions from the last TGT, and the insight flags. The same
context renders as a page and as a PDF (``render_pdf``, xhtml2pdf: pure Python).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from dashboards import insights, trust
from governance.models import AgendaItem, Meeting, MeetingStatus
from governance.selectors import daily_work as daily_work_selectors
from governance.services import meetings as meeting_services
from vmi_programme.models import Organisation
from vmi_programme.period import Period, add_months, month_end

LOOK_AHEAD_MONTHS = 2


def report_period(month: dt.date) -> Period:
    return Period(month, month_end(month))


def build(organisation: Organisation, month: dt.date, user: Any) -> dict[str, Any]:
    period = report_period(month)
    history = Period(dt.date(2000, 1, 1), period.end)  # metric charts need their whole history
    coming_end = month_end(add_months(month, LOOK_AHEAD_MONTHS))
    year = Period(add_months(month, -11), period.end)
    panels = {
        "training": trust.panel("training", organisation, year, user),
        "value_streams": trust.panel("value_streams", organisation, history, user),
        "pipeline": trust.panel("pipeline", organisation, period, user),
        "golden_thread": trust.panel("golden_thread", organisation, period, user),
        "network": trust.panel("network", organisation, period, user),
    }
    from rpiw.models import ACTIVE_STATUSES, RpiwStatus
    from rpiw.selectors import followups_due, rpiws_for

    trust_rpiws = rpiws_for(user).filter(value_stream__organisation=organisation)
    done = list(
        trust_rpiws.filter(workshop_end__gte=period.start, workshop_end__lte=period.end)
        .exclude(status__in=[RpiwStatus.CANCELLED, RpiwStatus.STOOD_DOWN, RpiwStatus.PLANNED])
        .order_by("workshop_start")
    )
    coming = list(
        trust_rpiws.filter(
            workshop_start__gt=period.end,
            workshop_start__lte=coming_end,
            status__in=[RpiwStatus.PLANNED, RpiwStatus.PREPARING],
        ).order_by("workshop_start")
    )
    due = followups_due(
        trust_rpiws.filter(status__in=ACTIVE_STATUSES),
        start=period.end - dt.timedelta(days=365),
        end=month_end(add_months(month, 1)),
    )
    series = daily_work_selectors.tgt_series(organisation)
    last_tgt = None
    if series is not None:
        last_tgt = (
            Meeting.objects.filter(series=series, date__lte=period.end, status=MeetingStatus.HELD)
            .prefetch_related("actions__owner")
            .order_by("-date")
            .first()
        )
    report = {
        "organisation": organisation,
        "month": month,
        "period": period,
        "panels": panels,
        "done": done,
        "coming": coming,
        "coming_end": coming_end,
        "due_next": [d for d in due if d.due_on >= period.start],
        "overdue": [d for d in due if d.due_on < period.start],
        "last_tgt": last_tgt,
        "last_tgt_actions": list(last_tgt.actions.all()) if last_tgt else [],
        "insights": insights.for_trust(organisation, period, panels),
        "next_tgt": next_tgt_meeting(organisation, month),
    }
    return report


def next_tgt_meeting(organisation: Organisation, month: dt.date) -> Meeting | None:
    """The trust's first TGT meeting after the report's month (where the report is discussed)."""
    series = daily_work_selectors.tgt_series(organisation)
    if series is None:
        return None
    return (
        Meeting.objects.filter(series=series, date__gt=month_end(month))
        .select_related("series")
        .order_by("date")
        .first()
    )


def report_title(organisation: Organisation, month: dt.date) -> str:
    return f"KPO monthly report to the TGT: {organisation.short_name}, {month:%B %Y}"


def report_urls(organisation: Organisation, month: dt.date) -> tuple[str, str]:
    args = [organisation.short_name, f"{month:%Y-%m}"]
    return reverse("tgt-report", args=args), reverse("tgt-report-pdf", args=args)


@transaction.atomic
def attach_to_agenda(
    meeting: Meeting, organisation: Organisation, month: dt.date, base_url: str
) -> AgendaItem:
    """Put the report on the meeting's agenda (once), its page and PDF in the item's notes."""
    title = report_title(organisation, month)
    existing = meeting.agenda_items.filter(title=title).first()
    if existing is not None:
        return existing
    page, pdf = report_urls(organisation, month)
    return meeting_services.add_agenda_item(
        meeting,
        title,
        notes=f"Report: {base_url}{page}\nPDF: {base_url}{pdf}",
    )


def render_pdf(context: dict[str, Any]) -> bytes:
    """The report as PDF (xhtml2pdf renders the print template; no browser, no system libs)."""
    from xhtml2pdf import pisa

    html = render_to_string(
        "dashboards/tgt_report_pdf.html", {**context, "pdf_charts": metric_charts(context)}
    )
    out = io.BytesIO()
    status = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if status.err:
        raise ValueError("The PDF could not be rendered.")
    return out.getvalue()


#: How many months of each metric the PDF's charts show, up to the report's month.
CHART_MONTHS = 24


def metric_charts(context: dict[str, Any]) -> list[dict[str, str]]:
    """Each value-stream metric's last two years to the report's month, as a chart the PDF can
    hold (``pdf_charts``: the page's Plotly charts need a browser)."""
    from dashboards.pdf_charts import data_uri, line_chart_svg

    end = context["period"].end
    charts = []
    for stream in context["panels"]["value_streams"]["streams"]:
        for entry in stream["metrics"]:
            metric = entry["metric"]
            points = [
                (v.period_end, float(v.value)) for v in metric.values.all() if v.period_end <= end
            ][-CHART_MONTHS:]
            if not points:
                continue
            label = f"{stream['stream'].name}: {metric.name}"
            target = float(metric.target) if metric.target is not None else None
            unit = f" {metric.unit}" if metric.unit else ""
            charts.append(
                {
                    "label": label,
                    "description": (
                        f"{len(points)} monthly values to {points[-1][0]:%B %Y}, latest "
                        f"{points[-1][1]:g}{unit}"
                        + (f", target {target:g}" if target is not None else "")
                    ),
                    "src": data_uri(line_chart_svg(points, target=target, label=label)),
                }
            )
    return charts
