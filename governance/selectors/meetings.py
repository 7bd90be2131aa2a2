"""Reads for governance meetings: visible meetings, membership on a date, attendance rates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from governance.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingAction,
    MeetingSeries,
    MeetingStatus,
    Membership,
)
from vmi_programme.access import Action, restrict


def series_for(user: Any) -> QuerySet[MeetingSeries]:
    return restrict(
        MeetingSeries.objects.select_related("organisation"),
        user,
        Action.VIEW,
        via="organisation",
        null_is_partnership=True,
        members_via="",
    )


def meetings_for(user: Any, *, kind: str | None = None, series_id: int | None = None):
    meetings = restrict(
        Meeting.objects.select_related("series__organisation"),
        user,
        Action.VIEW,
        via="series__organisation",
        null_is_partnership=True,
        members_via="series",
    ).annotate(
        agenda_count=Count("agenda_items", distinct=True),
        present_count=Count(
            "attendances", filter=Q(attendances__status=AttendanceStatus.PRESENT), distinct=True
        ),
        open_actions=Count("actions", filter=Q(actions__status="open"), distinct=True),
    )
    if kind:
        meetings = meetings.filter(series__kind=kind)
    if series_id:
        meetings = meetings.filter(series_id=series_id)
    return meetings.order_by("-date", "series__kind")


def meeting_detail(pk: int) -> Meeting:
    return (
        Meeting.objects.select_related("series__organisation")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                AgendaItem.objects.select_related("presenter").prefetch_related(
                    "links__content_type", "links__target"
                ),
            ),
            Prefetch("attendances", Attendance.objects.select_related("person", "deputy")),
            "decisions",
            Prefetch("actions", MeetingAction.objects.select_related("owner")),
        )
        .get(pk=pk)
    )


def series_meetings(
    series_id: int, *, since: dt.date | None = None, until: dt.date | None = None
) -> QuerySet[Meeting]:
    """A series' meetings in date order, from ``since`` and up to ``until`` when given (e.g. a
    board's meetings held since a breach was raised)."""
    meetings = Meeting.objects.filter(series_id=series_id)
    if since is not None:
        meetings = meetings.filter(date__gte=since)
    if until is not None:
        meetings = meetings.filter(date__lte=until)
    return meetings.order_by("date")


#: How many meetings a form offers as where something was decided or agreed.
LATEST_HELD = 12


def latest_held(
    meetings: QuerySet[Meeting], *, since: dt.date | None = None, today: dt.date | None = None
) -> QuerySet[Meeting]:
    """The latest ``LATEST_HELD`` of ``meetings`` that have taken place (from ``since`` when
    given), newest first: where a metric change is decided or a compact version agreed, not ~140
    meetings back to 2015 nor future ones."""
    held = meetings.filter(date__lte=today or timezone.localdate())
    if since is not None:
        held = held.filter(date__gte=since)
    latest = held.order_by("-date", "-pk").values_list("pk", flat=True)[:LATEST_HELD]
    return held.filter(pk__in=list(latest)).order_by("-date", "-pk")


def meeting_with_series(pk: int) -> Meeting:
    """One meeting and its series; raises ``Meeting.DoesNotExist``."""
    return Meeting.objects.select_related("series").get(pk=pk)


def members_on(series: MeetingSeries, date: dt.date) -> QuerySet[Membership]:
    return series.memberships.active_on(date).select_related("person__organisation")


def overdue_actions_for(user: Any, today: dt.date | None = None) -> QuerySet[MeetingAction]:
    """Open actions past their due date owned by the signed-in user's person record."""
    person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
    if person is None:
        return MeetingAction.objects.none()
    return (
        MeetingAction.objects.overdue(today)
        .filter(owner=person)
        .select_related("meeting__series")
        .order_by("due_on")
    )


@dataclass
class MemberAttendance:
    person: Any
    expected: int = 0
    present: int = 0
    apologies: int = 0
    absent: int = 0
    deputised: int = 0
    not_recorded: int = 0

    @property
    def rate(self) -> float | None:
        """Share of the meetings this person was a member for that they attended in person."""
        return self.present / self.expected if self.expected else None


@dataclass
class MeetingAttendance:
    meeting: Meeting
    members: int
    present: int
    deputised: int

    @property
    def rate(self) -> float | None:
        return self.present / self.members if self.members else None


def attendance_rates(
    series: MeetingSeries, start: dt.date | None = None, end: dt.date | None = None
) -> tuple[list[MemberAttendance], list[MeetingAttendance]]:
    """Attendance per member and per held meeting of a series, over [start, end].

    A member is expected at every held meeting while their membership is in force; the rate is
    present / expected. A deputy counts as ``deputised``, not as present. Three queries.
    """
    meetings = series.meetings.filter(status=MeetingStatus.HELD).order_by("date")
    if start:
        meetings = meetings.filter(date__gte=start)
    if end:
        meetings = meetings.filter(date__lte=end)
    meetings = list(meetings)
    memberships = list(series.memberships.select_related("person"))
    records: dict[tuple[int, int], Attendance] = {
        (a.meeting_id, a.person_id): a
        for a in Attendance.objects.filter(meeting__in=[m.pk for m in meetings])
    }
    per_member: dict[int, MemberAttendance] = {}
    per_meeting = []
    for meeting in meetings:
        counts: dict[str, int] = defaultdict(int)
        members = [m for m in memberships if m.is_active_on(meeting.date)]
        for membership in members:
            row = per_member.setdefault(
                membership.person_id, MemberAttendance(person=membership.person)
            )
            row.expected += 1
            record = records.get((meeting.pk, membership.person_id))
            if record is None:
                row.not_recorded += 1
                continue
            setattr(row, record.status, getattr(row, record.status) + 1)
            counts[record.status] += 1
            if record.deputy_id:
                row.deputised += 1
                counts["deputised"] += 1
        per_meeting.append(
            MeetingAttendance(meeting, len(members), counts["present"], counts["deputised"])
        )
    members_sorted = sorted(per_member.values(), key=lambda r: r.person.full_name)
    return members_sorted, per_meeting
