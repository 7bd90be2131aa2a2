"""Pages for governance meetings: the meeting list, a series, a meeting and its records."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from governance import charts
from governance.forms import (
    ActionForm,
    AgendaItemForm,
    AttendanceForm,
    DecisionForm,
    MeetingForm,
    PeriodForm,
)
from governance.models import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MeetingAction,
    MeetingKind,
    MeetingSeries,
    Membership,
)
from governance.selectors import meetings as selectors
from governance.services import meetings as meeting_services
from vmi_programme import deletes
from vmi_programme.access import Action, can, require
from vmi_programme.form_page import form_page
from vmi_programme.models import Person


def meeting_list(request):
    kind = request.GET.get("kind") if request.GET.get("kind") in MeetingKind.values else None
    meetings = selectors.meetings_for(request.user, kind=kind)
    page = Paginator(meetings, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "governance/meeting_list.html",
        {
            "page": page,
            "kind": kind,
            "kinds": MeetingKind.choices,
            "series_list": selectors.series_for(request.user),
        },
    )


def series_detail(request, pk: int):
    series = get_object_or_404(MeetingSeries.objects.select_related("organisation"), pk=pk)
    require(request.user, Action.VIEW, series)
    on = _date(request.GET.get("on")) or dt.date.today()
    period = PeriodForm(request.GET if "start" in request.GET else None)
    start = end = None
    if period.is_bound and period.is_valid():
        start, end = period.cleaned_data["start"], period.cleaned_data["end"]
    by_member, by_meeting = selectors.attendance_rates(series, start, end)
    return render(
        request,
        "governance/series_detail.html",
        {
            "series": series,
            "on": on,
            "members": selectors.members_on(series, on),
            "period": period,
            "by_member": by_member,
            "chart": charts.attendance_chart(series, by_meeting),
            "meetings": selectors.meetings_for(request.user, series_id=series.pk)[:12],
            "can_change": can(request.user, Action.CHANGE, series),
        },
    )


@require_POST
def membership_end(request, pk: int, membership_pk: int):
    """End someone's membership of a series (they left the board or handed over their seat)."""
    series = get_object_or_404(MeetingSeries, pk=pk)
    require(request.user, Action.CHANGE, series)
    membership = get_object_or_404(Membership, pk=membership_pk, series=series)
    posted = request.POST.get("ended_on", "")
    # No date posted means "from today": the usual case is someone leaving now.
    ended_on = _date(posted) if posted else dt.date.today()
    try:
        if ended_on is None:
            raise ValidationError("Enter the end date as YYYY-MM-DD.")
        meeting_services.end_membership(membership, ended_on)
        messages.success(request, f"{membership.person.full_name}'s membership ended.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("meeting-series", pk=series.pk)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def meeting_detail(request, pk: int):
    meeting = get_object_or_404(Meeting.objects.select_related("series"), pk=pk)
    require(request.user, Action.VIEW, meeting)
    meeting = selectors.meeting_detail(pk)
    members = selectors.members_on(meeting.series, meeting.date)
    attended = {a.person_id: a for a in meeting.attendances.all()}
    return render(
        request,
        "governance/meeting_detail.html",
        {
            "meeting": meeting,
            "roll": [(m, attended.get(m.person_id)) for m in members],
            "can_change": can(request.user, Action.CHANGE, meeting),
            "today": dt.date.today(),
        },
    )


def _changeable_meeting(request, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("series__organisation"), pk=pk)
    require(request.user, Action.CHANGE, meeting)
    return meeting


def _people_for(meeting: Meeting):
    """People who may present, deputise or own actions: the trust's people, or everyone in the
    partnership's organisations for partnership-level meetings."""
    if meeting.series.organisation_id:
        return Person.objects.filter(organisation_id=meeting.series.organisation_id)
    # A subquery rather than .distinct(): callers combine this with other querysets (|), and
    # Django cannot combine a distinct queryset with a non-distinct one.
    return Person.objects.filter(
        pk__in=Membership.objects.filter(series=meeting.series).values("person_id")
    )


def meeting_create(request, series_pk: int):
    series = get_object_or_404(MeetingSeries, pk=series_pk)
    require(request.user, Action.CHANGE, series)
    form = MeetingForm(request.POST or None, instance=Meeting(series=series))

    def save(data):
        return meeting_services.create_meeting(series, created_by=request.user, **data)

    return form_page(
        request,
        form,
        save,
        heading="Add a meeting",
        caption=series.name,
        back_url=reverse("meeting-series", args=[series.pk]),
        success="Meeting added.",
        next_url=lambda meeting: reverse("meeting-detail", args=[meeting.pk]),
    )


def meeting_edit(request, pk: int):
    meeting = _changeable_meeting(request, pk)
    form = MeetingForm(request.POST or None, instance=Meeting.objects.get(pk=pk))
    back = reverse("meeting-detail", args=[pk])
    return form_page(
        request,
        form,
        lambda data: meeting_services.update_meeting(meeting, **data),
        heading="Edit meeting",
        caption=str(meeting),
        back_url=back,
        success="Meeting saved.",
    )


def agenda_item_add(request, pk: int):
    meeting = _changeable_meeting(request, pk)
    form = AgendaItemForm(request.POST or None, people=_people_for(meeting))
    return form_page(
        request,
        form,
        lambda data: meeting_services.add_agenda_item(meeting, **data),
        heading="Add an agenda item",
        caption=str(meeting),
        back_url=reverse("meeting-detail", args=[pk]),
        success="Agenda item added.",
    )


@require_POST
def agenda_item_remove(request, pk: int, item_pk: int):
    meeting = _changeable_meeting(request, pk)
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)
    deletes.check_delete(request.user, item)  # ADR 9: a refusal answers the 409 page
    try:
        meeting_services.remove_agenda_item(item)
        messages.success(request, "Agenda item removed.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("meeting-detail", pk=pk)


def attendance_record(request, pk: int):
    meeting = _changeable_meeting(request, pk)
    members = Person.objects.filter(
        memberships__in=selectors.members_on(meeting.series, meeting.date)
    )
    form = AttendanceForm(
        request.POST or None,
        instance=Attendance(meeting=meeting),
        members=members,
        people=_people_for(meeting) | Person.objects.filter(pk__in=members),
    )
    if request.method == "POST" and form.is_bound:
        # Recording again corrects the earlier record rather than failing as a duplicate.
        form.instance = (
            Attendance.objects.filter(
                meeting=meeting, person_id=request.POST.get("person") or None
            ).first()
            or form.instance
        )
    return form_page(
        request,
        form,
        lambda data: meeting_services.record_attendance(
            meeting, data["person"], data["status"], data.get("deputy")
        ),
        heading="Record attendance",
        caption=str(meeting),
        back_url=reverse("meeting-detail", args=[pk]),
        success="Attendance recorded.",
    )


def decision_add(request, pk: int):
    meeting = _changeable_meeting(request, pk)
    # The instance carries the meeting so the model's own check (the agenda item belongs to this
    # meeting) runs against it during form validation.
    form = DecisionForm(request.POST or None, instance=Decision(meeting=meeting), meeting=meeting)
    return form_page(
        request,
        form,
        lambda data: meeting_services.record_decision(meeting, **data),
        heading="Record a decision",
        caption=str(meeting),
        back_url=reverse("meeting-detail", args=[pk]),
        success="Decision recorded.",
    )


def action_add(request, pk: int):
    meeting = _changeable_meeting(request, pk)
    form = ActionForm(
        request.POST or None,
        instance=MeetingAction(meeting=meeting),
        meeting=meeting,
        people=_people_for(meeting),
    )
    return form_page(
        request,
        form,
        lambda data: meeting_services.add_action(meeting, **data),
        heading="Add an action",
        caption=str(meeting),
        back_url=reverse("meeting-detail", args=[pk]),
        success="Action added.",
    )


@require_POST
def action_status(request, pk: int, action_pk: int):
    meeting = _changeable_meeting(request, pk)
    action = get_object_or_404(MeetingAction, pk=action_pk, meeting=meeting)
    try:
        meeting_services.set_action_status(action, request.POST.get("status", ""))
        messages.success(request, "Action updated.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("meeting-detail", pk=pk)


def overdue_actions_panel(user) -> dict:
    actions = list(selectors.overdue_actions_for(user)[:11])
    return {"actions": actions[:10], "more": max(0, len(actions) - 10)}
