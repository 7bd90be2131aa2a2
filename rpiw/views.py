"""Pages of the rpiw app: the KPO workspace, value streams and metrics, RPIWs, Tables 7.1/7.2."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.views.decorators.http import require_POST, require_safe

from vmi_programme.access import (
    Action,
    actor_for,
    can,
    can_view_partnership,
    require,
    sees_trust_records,
    visible_organisations,
)
from vmi_programme.exports import export_response, wants_export
from vmi_programme.models import Organisation
from vmi_programme.pagination import PAGE_COUNT_CAP, CappedCountPaginator
from vmi_programme.person_picker import search_url

from . import charts, selectors, services, sustainment
from .forms import (
    DEFAULT_TEAM_ROLES,
    AsAtForm,
    ChangeRequestForm,
    DecisionForm,
    MeasureForm,
    MeasureFormSet,
    MeasurementForm,
    MetricForm,
    MetricValueForm,
    RpiwForm,
    StatusForm,
    TeamFormSet,
    ValueStreamForm,
    apply_errors,
)
from .models import (
    MAX_MEASURES_PER_RPIW,
    MeasureKind,
    MetricChangeRequest,
    PlanningTask,
    Point,
    Rpiw,
    RpiwStatus,
    TeamRole,
    ValueStream,
    ValueStreamMetric,
)


def _own_organisation(request) -> Organisation:
    """The user's trust, which they must be allowed to change (KPO, executives, analysts)."""
    actor = actor_for(request.user)
    if not actor or not actor.organisation_id:
        raise PermissionDenied("Your account belongs to no trust.")
    organisation = get_object_or_404(Organisation, pk=actor.organisation_id)
    require(request.user, Action.CHANGE, organisation)
    return organisation


def _person(request):
    from vmi_programme.models import Person

    return Person.objects.filter(user=request.user).first()


# --- Workspace ------------------------------------------------------------------------------


def workspace(request):
    space = selectors.workspace(request.user)
    if space.organisation is None:
        # No trust of one's own (the regulator, the CI partner): the trusts' RPIWs where the
        # user may see them, else the partnership's Table 7.1.
        if sees_trust_records(request.user):
            return redirect("rpiw:rpiw-list")
        return redirect("rpiw:table-7-1")
    return render(
        request,
        "rpiw/workspace.html",
        {
            "space": space,
            "can_change": space.organisation is not None
            and can(request.user, Action.CHANGE, space.organisation),
            "unread": selectors.unread_notifications(request.user)[:10],
        },
    )


@require_POST
def notifications_read(request):
    services.mark_notifications_read(request.user)
    return redirect(request.POST.get("next") or "rpiw:workspace")


# --- Value streams and metrics --------------------------------------------------------------

VALUE_STREAM_COLUMNS = [
    ("trust", "Trust"),
    ("name", "Value stream"),
    ("status", "Status"),
    ("started_on", "Started"),
    ("selection", "Selection"),
    ("objectives", "Objectives served"),
    ("golden_thread", "Golden thread"),
    ("rpiws", "RPIWs"),
    ("metrics", "Metrics"),
]


VALUE_STREAM_PAGE_SIZE = 25  # as the other lists (2,491 value streams at national size)


def value_stream_list(request):
    streams = selectors.value_streams_for(request.user)
    trust = request.GET.get("trust")
    if trust:
        streams = streams.filter(organisation__short_name=trust)
    if fmt := wants_export(request):
        rows = [
            {
                "trust": s.organisation.short_name,
                "name": s.name,
                "status": s.get_status_display(),
                "started_on": s.started_on,
                "selection": s.get_selection_display(),
                "objectives": "; ".join(o.title for o in s.objectives.all()),
                "golden_thread": "yes" if s.has_golden_thread else "no golden thread",
                "rpiws": s.rpiw_count,
                "metrics": s.metric_count,
            }
            for s in streams
        ]
        return export_response(rows, "value-streams", fmt=fmt, columns=VALUE_STREAM_COLUMNS)
    page = CappedCountPaginator(streams, VALUE_STREAM_PAGE_SIZE, cap=PAGE_COUNT_CAP).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "rpiw/value_stream_list.html",
        {
            "page": page,
            "streams": page.object_list,
            "trust": trust,
            "trust_options": _options(selectors.rpiw_trusts_for(request.user)),
        },
    )


def value_stream_new(request):
    organisation = _own_organisation(request)
    form = ValueStreamForm(
        request.POST or None,
        organisation=organisation,
        search=search_url(organisation=organisation),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        objectives = data.pop("objectives")
        try:
            stream = services.save_value_stream(
                organisation=organisation, objectives=objectives, **data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Value stream '{stream.name}' created.")
            return redirect("rpiw:value-stream-detail", pk=stream.pk)
    return render(request, "rpiw/form.html", {"form": form, "title": "New value stream"})


def value_stream_edit(request, pk: int):
    stream = get_object_or_404(ValueStream, pk=pk)
    require(request.user, Action.CHANGE, stream)
    form = ValueStreamForm(
        request.POST or None,
        instance=stream,
        organisation=stream.organisation,
        search=search_url(organisation=stream.organisation_id),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        objectives = data.pop("objectives")
        try:
            services.save_value_stream(stream, objectives=objectives, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Value stream saved.")
            return redirect("rpiw:value-stream-detail", pk=stream.pk)
    return render(request, "rpiw/form.html", {"form": form, "title": f"Edit {stream.name}"})


def value_stream_detail(request, pk: int):
    try:
        stream = selectors.value_stream_detail(pk)
    except ValueStream.DoesNotExist:
        raise Http404 from None
    require(request.user, Action.VIEW, stream)
    return render(
        request,
        "rpiw/value_stream_detail.html",
        {"stream": stream, "can_change": can(request.user, Action.CHANGE, stream)},
    )


def metric_new(request, pk: int):
    stream = get_object_or_404(ValueStream, pk=pk)
    require(request.user, Action.CHANGE, stream)
    form = MetricForm(request.POST or None, initial={"frequency": "monthly"})
    if request.method == "POST" and form.is_valid():
        try:
            metric = services.add_metric(stream, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Metric '{metric.name}' added.")
            return redirect("rpiw:metric-detail", pk=metric.pk)
    return render(
        request, "rpiw/form.html", {"form": form, "title": f"New metric for {stream.name}"}
    )


def _metric(request, pk: int, action: Action) -> ValueStreamMetric:
    """The metric with what its page shows, if the user may take ``action`` on it."""
    try:
        metric = selectors.metric_detail(pk)
    except ValueStreamMetric.DoesNotExist:
        raise Http404 from None
    require(request.user, action, metric)
    return metric


def _metric_page(request, metric, *, value_form=None, change_form=None, status: int = 200):
    """The metric page; an action that failed shows it again with its form and errors."""
    return render(
        request,
        "rpiw/metric_detail.html",
        {
            "metric": metric,
            "stream": metric.value_stream,
            "chart": charts.metric_chart(metric),
            "can_change": can(request.user, Action.CHANGE, metric),
            "can_approve": can(request.user, Action.APPROVE, metric),
            "value_form": value_form or MetricValueForm(prefix="value"),
            "change_form": change_form or ChangeRequestForm(prefix="change"),
        },
        status=status,
    )


@require_safe  # its actions have their own URLs; a stray POST is refused, not ignored
def metric_detail(request, pk: int):
    return _metric_page(request, _metric(request, pk, Action.VIEW))


@require_POST
def metric_value_record(request, pk: int):
    metric = _metric(request, pk, Action.CHANGE)
    form = MetricValueForm(request.POST, prefix="value")
    if form.is_valid():
        try:
            services.record_metric_value(metric, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Value recorded.")
            return redirect("rpiw:metric-detail", pk=metric.pk)
    return _metric_page(request, metric, value_form=form, status=400)


@require_POST
def metric_change_propose(request, pk: int):
    metric = _metric(request, pk, Action.CHANGE)
    form = ChangeRequestForm(request.POST, prefix="change")
    if form.is_valid():
        try:
            person = _person(request)
            if person is None:
                raise ValidationError("Your account has no staff record.")
            services.propose_metric_change(metric, proposed_by=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Change proposed: the TGT will decide it.")
            return redirect("rpiw:metric-detail", pk=metric.pk)
    return _metric_page(request, metric, change_form=form, status=400)


@require_POST
def change_withdraw(request, pk: int):
    """Withdraw a proposed metric change before the TGT decides it (proposed in error, or
    overtaken)."""
    change = get_object_or_404(
        MetricChangeRequest.objects.select_related("metric__value_stream"), pk=pk
    )
    require(request.user, Action.CHANGE, change)
    try:
        services.withdraw_metric_change(change)
        messages.success(request, "Change request withdrawn.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{reverse('rpiw:metric-detail', args=[change.metric_id])}#changes")


def change_decide(request, pk: int):
    change = get_object_or_404(
        MetricChangeRequest.objects.select_related("metric__value_stream__organisation"), pk=pk
    )
    require(request.user, Action.APPROVE, change)
    form = DecisionForm(request.POST or None, meetings=services.decision_meetings(change))
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_metric_change(
                change,
                user=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                meeting=form.cleaned_data["meeting"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Decision recorded.")
            return redirect("rpiw:metric-detail", pk=change.metric_id)
    return render(request, "rpiw/change_decide.html", {"change": change, "form": form})


# --- Golden thread --------------------------------------------------------------------------


def golden_thread(request):
    trusts = selectors.partner_trusts().filter(pk__in=visible_organisations(request.user))
    actor = actor_for(request.user)
    chosen = request.GET.get("trust")
    organisation = None
    if chosen:
        organisation = get_object_or_404(trusts, short_name=chosen)
    elif actor and actor.organisation_id:
        organisation = trusts.filter(pk=actor.organisation_id).first()
    if organisation is None:
        organisation = trusts.first()
    if organisation is None:
        raise PermissionDenied("You may not view any trust's golden thread.")
    thread = selectors.golden_thread(organisation)
    without_work = selectors.priorities_without_work(trusts)
    return render(
        request,
        "rpiw/golden_thread.html",
        {"thread": thread, "trusts": trusts, "without_work": without_work},
    )


# --- RPIWs ----------------------------------------------------------------------------------

RPIW_COLUMNS = [
    ("reference", "Reference"),
    ("trust", "Trust"),
    ("value_stream", "Value stream"),
    ("title", "Title"),
    ("status", "Status"),
    ("workshop_start", "Workshop start"),
    ("workshop_end", "Workshop end"),
    ("facilitator", "Facilitator"),
    ("measures", "Measures"),
    ("status_reason", "Reason (cancelled / stood down)"),
]


RPIW_PAGE_SIZE = 25  # as the other lists; the filters and the download reach the rest


def rpiw_list(request):
    rpiws = selectors.rpiws_for(request.user).order_by("-workshop_start", "reference")
    filters = {k: request.GET.get(k, "") for k in ("trust", "status", "value_stream")}
    if filters["trust"]:
        rpiws = rpiws.filter(value_stream__organisation__short_name=filters["trust"])
    if filters["status"]:
        rpiws = rpiws.filter(status=filters["status"])
    if filters["value_stream"].isdigit():
        rpiws = rpiws.filter(value_stream_id=int(filters["value_stream"]))
    if fmt := wants_export(request):
        rows = [
            {
                "reference": r.reference,
                "trust": r.value_stream.organisation.short_name,
                "value_stream": r.value_stream.name,
                "title": r.title,
                "status": r.get_status_display(),
                "workshop_start": r.workshop_start,
                "workshop_end": r.workshop_end,
                "facilitator": r.facilitator.full_name if r.facilitator else "",
                "measures": r.measure_count,
                "status_reason": r.status_reason,
            }
            for r in rpiws
        ]
        return export_response(rows, "rpiws", fmt=fmt, columns=RPIW_COLUMNS)
    # One page at a time: a count and one page's rows (with their measure counts), read once,
    # with only the columns the page shows.
    shown = rpiws.select_related(None).select_related("value_stream__organisation")
    shown = shown.only(
        "pk",
        "reference",
        "title",
        "status",
        "status_reason",
        "workshop_start",
        "value_stream__name",
        "value_stream__organisation__short_name",
    )
    # The count stops at 1,000 (ADR 10): counting 100,000 RPIWs costs more than the page.
    paginator = CappedCountPaginator(shown, RPIW_PAGE_SIZE, cap=PAGE_COUNT_CAP)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "rpiw/rpiw_list.html",
        {
            "page": page,
            "rpiws": page.object_list,
            "filters": filters,
            "statuses": RpiwStatus.choices,
            # 200 options at national size: joined here, not looped over in the template
            "trust_options": _options(selectors.rpiw_trusts_for(request.user)),
        },
    )


def _options(values: list[str]) -> str:
    """A datalist's ``<option>`` elements (escaped)."""
    return format_html_join("", '<option value="{}">', ((v,) for v in values))


def measurement_export(request):
    """All measurements the user may view, in the import's columns (CSV or XLSX)."""
    from .imports import COLUMNS

    filters = {}
    if trust := request.GET.get("trust"):
        filters["measure__rpiw__value_stream__organisation__short_name"] = trust
    if rpiw := request.GET.get("rpiw"):
        filters["measure__rpiw__reference"] = rpiw
    rows = selectors.measurement_rows(request.user, **filters)
    return export_response(
        rows,
        f"rpiw-measures-{trust or rpiw or 'all'}",
        fmt=wants_export(request) or "csv",
        columns=[(c.name, c.heading) for c in COLUMNS],
    )


def _default_team(request, organisation) -> list[dict]:
    me = _person(request)
    rows = []
    for role in DEFAULT_TEAM_ROLES:
        row = {"role": role}
        if role == TeamRole.FACILITATOR and me is not None:
            row["person"] = me.pk
        rows.append(row)
    return rows


def rpiw_new(request):
    organisation = _own_organisation(request)
    me = _person(request)
    initial = {
        "facilitator": me.pk if me else None,
        "workshop_start": timezone.localdate() + dt.timedelta(weeks=8),
        "value_stream": request.GET.get("value_stream"),
    }
    search = search_url(organisation=organisation)
    form = RpiwForm(request.POST or None, organisation=organisation, search=search, initial=initial)
    team = TeamFormSet(
        request.POST or None,
        prefix="team",
        organisation=organisation,
        search=search,
        initial=None if request.POST else _default_team(request, organisation),
    )
    measures = MeasureFormSet(request.POST or None, prefix="measures")
    if request.method == "POST" and form.is_valid() and team.is_valid() and measures.is_valid():
        data = dict(form.cleaned_data)
        stream = data.pop("value_stream")
        try:
            with transaction.atomic():
                rpiw = services.create_rpiw(
                    stream,
                    user=request.user,
                    team=team.members(),
                    **data,
                )
                for form_row in measures:
                    if spec := form_row.measure():
                        services.add_measure(rpiw, **spec)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{rpiw.reference} created with its planning checklist.")
            return redirect("rpiw:rpiw-detail", pk=rpiw.pk)
    return render(
        request,
        "rpiw/rpiw_form.html",
        {"form": form, "team": team, "measures": measures, "title": "New RPIW"},
    )


def rpiw_edit(request, pk: int):
    rpiw = get_object_or_404(Rpiw.objects.select_related("value_stream__organisation"), pk=pk)
    require(request.user, Action.CHANGE, rpiw)
    organisation = rpiw.value_stream.organisation
    search = search_url(organisation=organisation)
    form = RpiwForm(request.POST or None, instance=rpiw, organisation=organisation, search=search)
    # An RPIW stays in the value stream it was planned in (not in RPIW_EDITABLE): shown, fixed.
    form.fields["value_stream"].disabled = True
    team = TeamFormSet(
        request.POST or None,
        prefix="team",
        organisation=organisation,
        search=search,
        initial=None
        if request.POST
        else [{"role": m.role, "name": m.name, "person": m.person_id} for m in rpiw.team.all()]
        + [{"role": ""}, {"role": ""}],
    )
    if request.method == "POST" and form.is_valid() and team.is_valid():
        data = dict(form.cleaned_data)
        del data["value_stream"]
        try:
            with transaction.atomic():
                services.update_rpiw(rpiw, **data)
                services.set_team(rpiw, team.members())
        except ValidationError as exc:
            rpiw.refresh_from_db()
            apply_errors(form, exc)
        else:
            messages.success(request, "RPIW saved.")
            return redirect("rpiw:rpiw-detail", pk=rpiw.pk)
    return render(
        request,
        "rpiw/rpiw_form.html",
        {"form": form, "team": team, "title": f"Edit {rpiw.reference}", "rpiw": rpiw},
    )


def _rpiw(request, pk: int, action: Action) -> Rpiw:
    """The RPIW with what its page shows, if the user may take ``action`` on it."""
    try:
        rpiw = selectors.rpiw_detail(pk)
    except Rpiw.DoesNotExist:
        raise Http404 from None
    require(request.user, action, rpiw)
    return rpiw


def _rpiw_page(request, rpiw, *, measurement_form=None, status_form=None, status: int = 200):
    """The RPIW page; an action that failed shows it again with its form and errors."""
    can_change = can(request.user, Action.CHANGE, rpiw)
    measures = list(rpiw.measures.all())
    rows = []
    for measure in measures:
        cells = []
        for day in (0, *rpiw.follow_up_days):
            measurement = measure.follow_up(day) if day else measure.baseline
            cells.append(
                {
                    "day": day,
                    "due_on": rpiw.due_on(day) if day else None,
                    "measurement": measurement,
                }
            )
        form = measurement_form
        if form is None or form.measure.pk != measure.pk:
            form = MeasurementForm(measure=measure, prefix=f"m{measure.pk}")
        rows.append(
            {
                "measure": measure,
                "cells": cells,
                "chart": charts.measure_chart(measure),
                "form": form,
            }
        )
    return render(
        request,
        "rpiw/rpiw_detail.html",
        {
            "rpiw": rpiw,
            "rows": rows,
            "points": [(0, "Baseline")] + [(d, f"{d} days") for d in rpiw.follow_up_days],
            "status_form": status_form or StatusForm(rpiw=rpiw, prefix="status"),
            "can_change": can_change,
            "can_add_measure": can_change and len(measures) < MAX_MEASURES_PER_RPIW,
            "has_patient_rep": rpiw.has_patient_representative(),
            "today": timezone.localdate(),
            "sustainment": _rpiw_sustainment(rpiw),
        },
        status=status,
    )


def _rpiw_sustainment(rpiw) -> dict:
    """Each measure's verdict at 60/90/120 days and the RPIW's roll-up (no query: prefetched)."""
    thresholds = selectors.sustainment_thresholds()
    today = timezone.localdate()
    records = selectors.rpiw_sustainment_records(rpiw)
    rollup = sustainment.rollup(records, thresholds, as_of=today)
    return {
        "rule": sustainment.rule_text(thresholds),
        "days": [d for d in sustainment.CHECKPOINTS if d in rpiw.follow_up_days],
        "rows": [
            {
                "name": record.name,
                "verdicts": sustainment.verdicts(record, thresholds, as_of=today),
                "latest": sustainment.latest_known(record, thresholds, as_of=today),
            }
            for record in records
        ],
        "rollup": rollup.as_dict(),
    }


@require_safe  # its actions have their own URLs; a stray POST is refused, not ignored
def rpiw_detail(request, pk: int):
    return _rpiw_page(request, _rpiw(request, pk, Action.VIEW))


@require_POST
def measurement_record(request, pk: int, measure_pk: int):
    """Record a baseline or follow-up value of one of the RPIW's measures."""
    rpiw = _rpiw(request, pk, Action.CHANGE)
    # From the prefetched measures, so a measure of another RPIW is a 404 here too.
    measure = next((m for m in rpiw.measures.all() if m.pk == measure_pk), None)
    if measure is None:
        raise Http404
    form = MeasurementForm(request.POST, measure=measure, prefix=f"m{measure.pk}")
    if form.is_valid():
        try:
            services.record_measurement(measure, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            label = Point(form.cleaned_data["point"]).label
            messages.success(request, f"{measure.name}: {label.lower()} recorded.")
            return redirect(f"{reverse('rpiw:rpiw-detail', args=[rpiw.pk])}#measures")
    return _rpiw_page(request, rpiw, measurement_form=form, status=400)


@require_POST
def rpiw_status_change(request, pk: int):
    rpiw = _rpiw(request, pk, Action.CHANGE)
    form = StatusForm(request.POST, rpiw=rpiw, prefix="status")
    if form.is_valid():
        try:
            services.change_status(
                rpiw,
                form.cleaned_data["status"],
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Status changed.")
            return redirect("rpiw:rpiw-detail", pk=rpiw.pk)
    return _rpiw_page(request, rpiw, status_form=form, status=400)


@require_POST
def planning_task_toggle(request, pk: int, task_pk: int):
    """Tick a planning step done today, or untick it."""
    rpiw = get_object_or_404(Rpiw.objects.select_related("value_stream"), pk=pk)
    require(request.user, Action.CHANGE, rpiw)
    task = get_object_or_404(PlanningTask, pk=task_pk, rpiw=rpiw)
    services.complete_planning_task(task, None if task.done_on else timezone.localdate())
    return redirect(f"{reverse('rpiw:rpiw-detail', args=[rpiw.pk])}#planning")


def measure_new(request, pk: int):
    rpiw = get_object_or_404(Rpiw.objects.select_related("value_stream"), pk=pk)
    require(request.user, Action.CHANGE, rpiw)
    form = MeasureForm(request.POST or None, initial={"direction": "lower"})
    if request.method == "POST" and form.is_valid():
        try:
            measure = services.add_measure(rpiw, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Measure '{measure.name}' added.")
            return redirect(f"{reverse('rpiw:rpiw-detail', args=[rpiw.pk])}#measures")
    due = [(day, rpiw.due_on(day)) for day in rpiw.follow_up_days]
    return render(
        request,
        "rpiw/measure_form.html",
        {"form": form, "rpiw": rpiw, "due": due, "kinds": MeasureKind},
    )


# --- Tables 7.1 and 7.2 ---------------------------------------------------------------------


def _partnership_only(request) -> None:
    if not can_view_partnership(request.user):
        raise PermissionDenied("Partnership summaries are for partnership members.")


def _as_at(request) -> tuple[AsAtForm, dt.date | None, int]:
    form = AsAtForm(request.GET or None)
    as_at, post_day = selectors.REPORT_AS_AT, selectors.DEFAULT_POST_DAY
    if form.is_bound and form.is_valid():
        if "as_at" in request.GET:
            as_at = form.cleaned_data["as_at"]  # empty = all records
        post_day = form.cleaned_data["post_day"] or post_day
    elif not form.is_bound:
        form = AsAtForm(initial={"as_at": as_at, "post_day": post_day})
    return form, as_at, post_day


def table_7_1(request):
    _partnership_only(request)
    form, as_at, post_day = _as_at(request)
    rows, total = selectors.table_7_1(as_at, post_day=post_day)
    if fmt := wants_export(request):
        return export_response(
            [vars(r) for r in [*rows, total]],
            f"table-7-1-{as_at or 'all'}",
            fmt=fmt,
            columns=[
                ("trust", "NHS trust"),
                ("value_streams", "Value streams"),
                ("rpiws", "Number of RPIWs developed"),
                ("complete", "RPIWs with complete measures"),
                ("ended_without_workshop", "RPIWs cancelled or stood down"),
                ("unaligned_value_streams", "Value streams with no golden thread"),
            ],
        )
    return render(
        request,
        "rpiw/table_7_1.html",
        {
            "rows": rows,
            "total": total,
            "form": form,
            "as_at": as_at,
            "post_day": post_day,
            "report_as_at": selectors.REPORT_AS_AT,
        },
    )


def table_7_2(request):
    _partnership_only(request)
    form, as_at, post_day = _as_at(request)
    if "as_at" not in request.GET:
        as_at = None  # Table 7.2 uses every record unless a date is asked for
        form = AsAtForm(initial={"post_day": post_day})
    rows, total = selectors.table_7_2(post_day=post_day, as_at=as_at)
    if fmt := wants_export(request):
        export_rows = []
        for r in [*rows, total]:
            export_rows.append(
                {
                    "trust": r.trust,
                    "lt_n": r.lead_time.n,
                    "lt_b": _num(r.lead_time.baseline, 0),
                    "lt_p": _num(r.lead_time.post, 0),
                    "d_n": r.defects.n,
                    "d_b": _num(r.defects.baseline, 0),
                    "d_p": _num(r.defects.post, 0),
                    "r_n": r.defect_ratio.n,
                    "r_b": _num(r.defect_ratio.baseline, 2),
                    "r_p": _num(r.defect_ratio.post, 2),
                }
            )
        return export_response(
            export_rows,
            f"table-7-2-post-{post_day}",
            fmt=fmt,
            columns=[
                ("trust", "NHS trust"),
                ("lt_n", "Lead time N"),
                ("lt_b", "Lead time baseline (hrs)"),
                ("lt_p", f"Lead time post {post_day} days (hrs)"),
                ("d_n", "Defects N"),
                ("d_b", "Defects baseline"),
                ("d_p", f"Defects post {post_day} days"),
                ("r_n", "Defect ratio N"),
                ("r_b", "Defect ratio baseline (mean)"),
                ("r_p", f"Defect ratio post {post_day} days (mean)"),
            ],
        )
    return render(
        request,
        "rpiw/table_7_2.html",
        {"rows": rows, "total": total, "form": form, "post_day": post_day, "as_at": as_at},
    )


def _num(value, places: int):
    return None if value is None else round(float(value), places)
