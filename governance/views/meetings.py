"""Pages for governance meetings: the meeting list, a series, a meeting and its records."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from governance import charts
from governance.forms import (
    ActionForm,
    AgendaItemForm,
    AgendaLinkForm,
    DecisionForm,
    MeetingAttendanceForm,
    MeetingForm,
    MembershipForm,
    PeriodForm,
    SeriesForm,
)
from governance.models import (
    AgendaItem,
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
from vmi_programme.access import Action, actor_for, can, require
from vmi_programme.form_page import FORM_METHODS, form_page, posted
from vmi_programme.models import Organisation, Person
from vmi_programme.person_picker import partnership_people, search_url
from vmi_programme.scope import Scope


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
            "can_add_series": bool(_series_kinds(request)[0]),
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


def _series_kinds(request) -> tuple[list[str], Organisation | None]:
    """The kinds of series this user may set up, and their own trust (a TGT's)."""
    actor = actor_for(request.user)
    own = Organisation.objects.filter(pk=actor.organisation_id).first() if actor else None
    kinds: list[str] = []
    if own is not None and own.is_trust and can(request.user, Action.CHANGE, own):
        kinds.append(MeetingKind.TGT)
    if can(request.user, Action.CHANGE, Scope.partnership()):
        kinds += [MeetingKind.TGB, MeetingKind.KPO_LEADS]
    return kinds, own


@FORM_METHODS
def series_create(request):
    """Set up a standing meeting: the trust's TGT, or a partnership-level TGB or KPO leads'."""
    kinds, own = _series_kinds(request)
    if not kinds:
        raise PermissionDenied("You may not set up meeting series.")
    form = SeriesForm(posted(request), kinds=kinds)
    if form.is_bound:
        # The trust follows from the kind: a TGT is the user's trust's, the others the
        # partnership's; setting it before validation lets the model's own checks run.
        form.instance.organisation = own if form.data.get("kind") == MeetingKind.TGT else None

    def save(data):
        return meeting_services.create_series(organisation=form.instance.organisation, **data)

    return form_page(
        request,
        form,
        save,
        heading="Set up a meeting series",
        back_url=reverse("governance"),
        success="Meeting series set up; add its members.",
        next_url=lambda series: reverse("meeting-series", args=[series.pk]),
    )


@FORM_METHODS
def membership_add(request, pk: int):
    """Add someone to a series (a seat on the TGT, TGB or KPO leads' meeting) from a date."""
    series = get_object_or_404(MeetingSeries.objects.select_related("organisation"), pk=pk)
    require(request.user, Action.CHANGE, series)
    if series.organisation_id:
        people = Person.objects.filter(organisation_id=series.organisation_id)
        search = search_url(organisation=series.organisation_id)
    else:
        people = partnership_people()
        search = search_url(partnership=True)
    form = MembershipForm(
        posted(request),
        instance=Membership(series=series),
        people=people,
        search=search,
        initial={"started_on": dt.date.today()},
    )
    return form_page(
        request,
        form,
        lambda data: meeting_services.add_membership(series, **data),
        heading="Add a member",
        caption=series.name,
        back_url=reverse("meeting-series", args=[series.pk]),
        success="Member added.",
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
    return (
        Person.objects.filter(
            pk__in=Membership.objects.filter(series=meeting.series).values("person_id")
        )
        | partnership_people()
    )


def _search_for(meeting: Meeting) -> str:
    """Where the person picker looks: the trust's people, or the partnership's."""
    if meeting.series.organisation_id:
        return search_url(organisation=meeting.series.organisation_id)
    return search_url(partnership=True)


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


@FORM_METHODS
def agenda_item_add(request, pk: int):
    meeting = _changeable_meeting(request, pk)
    form = AgendaItemForm(
        posted(request),
        people=_people_for(meeting),
        search=_search_for(meeting),
        meeting=meeting,
        user=request.user,
    )

    def save(data):
        data = {k: v for k, v in data.items() if not k.startswith("link_")}
        return meeting_services.add_agenda_item(meeting, links=form.links(), **data)

    return form_page(
        request,
        form,
        save,
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


@FORM_METHODS
def agenda_item_edit(request, pk: int, item_pk: int):
    """Change an agenda item's title, presenter, time or notes (a required closing item keeps
    its title)."""
    meeting = _changeable_meeting(request, pk)
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)
    form = AgendaItemForm(
        posted(request),
        instance=AgendaItem.objects.get(pk=item.pk),
        people=_people_for(meeting),
        search=_search_for(meeting),
    )
    if item.is_locked:
        del form.fields["title"]  # the programme names it; update_agenda_item refuses a change
    return form_page(
        request,
        form,
        lambda data: meeting_services.update_agenda_item(item, **data),
        heading="Edit an agenda item",
        caption=f"{meeting}: {item.title}",
        back_url=reverse("meeting-detail", args=[pk]),
        success="Agenda item saved.",
    )


@FORM_METHODS
def agenda_item_link(request, pk: int, item_pk: int):
    """Link an agenda item to what it is about: an RPIW, a metric change, a value stream, a
    document (the kinds the apps registered in ``governance.agenda_links``)."""
    meeting = _changeable_meeting(request, pk)
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)
    form = AgendaLinkForm(posted(request), meeting=meeting, user=request.user)

    def save(data):
        return [meeting_services.link_agenda_item(item, target) for target in form.links()]

    return form_page(
        request,
        form,
        save,
        heading="Link an agenda item",
        caption=f"{meeting}: {item.title}",
        back_url=reverse("meeting-detail", args=[pk]),
        success="Agenda item linked.",
        submit_label="Link",
    )


@FORM_METHODS
def attendance_record(request, pk: int):
    """The whole meeting's attendance on one form: every member that day, saved in one submit."""
    meeting = _changeable_meeting(request, pk)
    memberships = selectors.members_on(meeting.series, meeting.date).order_by("person__full_name")
    form = MeetingAttendanceForm(
        posted(request),
        memberships=memberships,
        recorded={a.person_id: a for a in meeting.attendances.all()},
        people=_people_for(meeting),
        search=_search_for(meeting),
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting_services.record_meeting_attendance(meeting, entries=form.entries())
        except ValidationError as exc:
            form.add_validation_error(exc)
        else:
            messages.success(request, "Attendance recorded.")
            return redirect("meeting-detail", pk=pk)
    return render(
        request,
        "governance/attendance_form.html",
        {"meeting": meeting, "form": form},
        status=400 if request.method == "POST" else 200,
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
        search=_search_for(meeting),
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
