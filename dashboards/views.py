"""Pages of the dashboards: the trust dashboard, the partnership summary, the TGT monthly report."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from dashboards import read_model, summary_view, tgt_report
from dashboards import trust as trust_panels
from dashboards.models import SnapshotKind
from dashboards.period import period_from, presets
from vmi_programme.access import (
    Action,
    actor_for,
    can,
    can_view_partnership,
    own_partner_trust,
    require,
    visible_organisations,
)
from vmi_programme.exports import export_response, wants_export
from vmi_programme.models import Organisation, OrganisationKind, Role
from vmi_programme.period import add_months, month_start, parse_month


def _partner_trust(key: str) -> Organisation:
    """A partner trust by short name (any case) or id; 404 for anything else."""
    trusts = Organisation.objects.filter(kind=OrganisationKind.PARTNER_TRUST)
    found = (
        trusts.filter(pk=int(key)).first()
        if key.isdigit()
        else trusts.filter(short_name__iexact=key).first()
    )
    if found is None:
        raise Http404("No partner trust by that name.")
    return found


def dashboard_index(request):
    """Your own trust's dashboard, or a choice of the trusts you may view."""
    own = own_partner_trust(request.user)
    trusts = visible_organisations(request.user).filter(kind=OrganisationKind.PARTNER_TRUST)
    if own is not None and not trusts.exclude(pk=own.pk).exists():
        return redirect("trust-dashboard", trust=own.short_name)
    return render(
        request,
        "dashboards/index.html",
        {"trusts": trusts.order_by("short_name"), "own": own},
    )


def _rendered(
    request, reading: read_model.Reading, template: str, context: Callable[[], dict], part: str = ""
) -> str:
    """The stored figures rendered once per build and access scope (Django's cache); the
    context (which unpickles the figures) is made only when the cache does not have it.
    ``part`` tells apart renderings of the same figures (a page of a table, a filter)."""
    figures = hashlib.sha256(f"{reading.version}:{part}".encode()).hexdigest()
    key = f"read-model:{template}:{figures}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(template, context(), request=request)
        cache.set(key, html, settings.READ_MODEL_RENDER_CACHE_SECONDS)
    return html


def trust_dashboard(request, trust: str):
    organisation = _partner_trust(trust)
    require(request.user, Action.VIEW, organisation)
    period = period_from(request.GET, default="programme")
    reading = read_model.read(
        SnapshotKind.TRUST, organisation, read_model.period_key(period), request.user
    )
    body = None
    if reading.built:

        def context() -> dict:
            panels = dict(reading.data)
            return {
                "organisation": organisation,
                "insights": panels.pop("insights"),
                "panel_layout": trust_panels.layout(panels),
            }

        body = _rendered(request, reading, "dashboards/_trust_body.html", context)
    return render(
        request,
        "dashboards/trust.html",
        {
            "organisation": organisation,
            "period": period,
            "presets": presets(),
            "reading": reading,
            "body": body,
            "can_view_partnership": can_view_partnership(request.user),
            "report_month": _last_full_month(period.end),
        },
    )


def _last_full_month(day: dt.date) -> dt.date:
    return month_start(day)


def partnership_summary(request):
    if not can_view_partnership(request.user):
        raise PermissionDenied("The partnership summary is for those who may view the partnership.")
    as_of = None
    if request.GET.get("as_of"):
        try:
            as_of = dt.date.fromisoformat(request.GET["as_of"])
        except ValueError:
            as_of = None
    reading = read_model.read(
        SnapshotKind.PARTNERSHIP,
        None,
        as_of.isoformat() if as_of else read_model.PUBLISHED,
        request.user,
    )
    if fmt := wants_export(request):
        table = next((t for t in reading.data or [] if t.key == request.GET.get("table", "")), None)
        if table is None:
            raise Http404("No such table (or it is still being prepared).")
        # Values as the page prints them (and the raw figures beside), titled and dated: live
        # data is dated by the day it is downloaded, never called "as published" (issue 17).
        figures_of = as_of or timezone.localtime()
        return export_response(
            table.rows,
            f"partnership-{table.key}-{as_of or timezone.localdate()}",
            fmt=fmt,
            columns=table.columns,
            title=table.title,
            as_of=figures_of,
            shown=table.cells,
        )
    body = None
    if reading.built:

        def context() -> dict:
            facts = summary_view.trust_facts()
            filters = summary_view.filters_from(request.GET)
            return {
                "tables": [
                    summary_view.page_of(t, facts, filters, request.GET) for t in reading.data
                ],
                "as_of": as_of,
                "filters": filters,
                "choices": summary_view.choices(facts),
                "published_cohort": _published_cohort(),
                "query": request.GET,
            }

        # Rendered once per build of the tables and per filter, sort and page asked for.
        query = urlencode(sorted(request.GET.items()))
        body = _rendered(request, reading, "dashboards/_partnership_body.html", context, part=query)
    return render(
        request,
        "dashboards/partnership.html",
        {"as_of": as_of, "reading": reading, "body": body},
    )


def _published_cohort() -> int | None:
    """The partnership whose five trusts the report published (the saved filter)."""
    from vmi_programme.models import Partnership

    return (
        Partnership.objects.filter(short_name__in=["NHS-VMI", "NHS–VMI"])
        .values_list("pk", flat=True)
        .first()
        or Partnership.objects.order_by("started_on", "pk").values_list("pk", flat=True).first()
    )


def _report_month(text: str) -> dt.date:
    month = parse_month(text)
    if month is None or month > timezone.localdate():
        raise Http404("Give a month as YYYY-MM, not in the future.")
    return month


def tgt_report_index(request):
    """This month's report for your own trust (or the partnership's first trust you may view)."""
    own = own_partner_trust(request.user)
    if own is None:
        own = (
            visible_organisations(request.user)
            .filter(kind=OrganisationKind.PARTNER_TRUST)
            .order_by("short_name")
            .first()
        )
    if own is None:
        raise PermissionDenied("There is no trust whose TGT report you may view.")
    month = month_start(timezone.localdate())
    return redirect("tgt-report", trust=own.short_name, month=f"{month:%Y-%m}")


def _report(request, trust_key: str, month_text: str):
    organisation = _partner_trust(trust_key)
    require(request.user, Action.VIEW, organisation)
    month = _report_month(month_text)
    reading = read_model.read(SnapshotKind.TGT_REPORT, organisation, f"{month:%Y-%m}", request.user)
    report = dict(reading.data) if reading.data is not None else None
    return organisation, month, report, reading


def _preparing(request, reading, organisation, month, status: int = 200):
    """The report's figures are being built by a job: its progress, then the report."""
    title = tgt_report.report_title(organisation, month)
    context = {"reading": reading, "title": title}
    return render(request, "dashboards/preparing.html", context, status=status)


def tgt_report_page(request, trust: str, month: str):
    organisation = _partner_trust(trust)
    require(request.user, Action.VIEW, organisation)
    month_start_day = _report_month(month)
    reading = read_model.read(
        SnapshotKind.TGT_REPORT, organisation, f"{month_start_day:%Y-%m}", request.user
    )
    if not reading.built:
        return _preparing(request, reading, organisation, month_start_day)
    # The report's figures are rendered once per build; the meeting it goes to is looked up
    # now (one query), so the page reads no stored figures when the rendering is cached.
    meeting = tgt_report.next_tgt_meeting(organisation, month_start_day)
    body = _rendered(
        request, reading, "dashboards/_tgt_report_body.html", lambda: dict(reading.data)
    )
    title = tgt_report.report_title(organisation, month_start_day)
    report = {
        "organisation": organisation,
        "month": month_start_day,
        "title": title,
        "next_tgt": meeting,
        "body": body,
        "reading": reading,
        "previous_month": add_months(month_start_day, -1),
        "next_month": add_months(month_start_day, 1)
        if add_months(month_start_day, 1) <= timezone.localdate()
        else None,
        "can_attach": meeting is not None and can(request.user, Action.CHANGE, meeting),
        "attached": meeting is not None and meeting.agenda_items.filter(title=title).exists(),
    }
    return render(request, "dashboards/tgt_report.html", report)


def tgt_report_pdf(request, trust: str, month: str):
    organisation, month_start_day, report, reading = _report(request, trust, month)
    if report is None:  # 202: accepted, the PDF follows once its figures are built
        return _preparing(request, reading, organisation, month_start_day, status=202)
    response = HttpResponse(tgt_report.render_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="tgt-report-{organisation.short_name}-{month_start_day:%Y-%m}.pdf"'
    )
    return response


@require_POST
def tgt_report_attach(request, trust: str, month: str):
    organisation = _partner_trust(trust)
    require(request.user, Action.VIEW, organisation)
    month_day = _report_month(month)
    meeting = tgt_report.next_tgt_meeting(organisation, month_day)
    if meeting is None:
        messages.error(request, "There is no TGT meeting after this month to attach the report to.")
        return redirect("tgt-report", trust=organisation.short_name, month=month)
    require(request.user, Action.CHANGE, meeting)
    tgt_report.attach_to_agenda(
        meeting, organisation, month_day, request.build_absolute_uri("/").rstrip("/")
    )
    messages.success(request, f"The report is on the agenda of {meeting}.")
    return redirect("meeting-detail", meeting.pk)


def dashboards_panel(user) -> dict:
    """The landing-page panel: your trust's dashboard and/or the partnership summary."""
    own = own_partner_trust(user)
    actor = actor_for(user)
    return {
        "own_trust": own if own is not None and can(user, Action.VIEW, own) else None,
        "partnership": can_view_partnership(user)
        and bool(actor and actor.has_role(Role.REGULATOR, Role.TGB_MEMBER, Role.ADMINISTRATOR)),
    }
