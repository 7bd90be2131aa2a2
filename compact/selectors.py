"""Reads for the compact: versions and their promises, fulfilment records, participation, breaches."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from governance.models import AgendaItem, Attendance, AttendanceStatus, Meeting
from governance.selectors.meetings import latest_held
from vmi_programme.access import Action, restrict
from vmi_programme.models import Organisation

from . import analysis, rules
from .models import (
    HEADING_ORDER,
    Breach,
    BreachEvent,
    BreachState,
    Compact,
    CompactVersion,
    Heading,
    PartyType,
    Promise,
    PromiseRating,
    Reflection,
)

RECENT_MONTHS = 6


def compacts_for(user: Any) -> QuerySet[Compact]:
    return restrict(
        Compact.objects.select_related("partnership", "board"), user, Action.VIEW, via=None
    )


def version_for_display(compact: Compact, today: dt.date | None = None) -> CompactVersion | None:
    """The version in force today (or, before the first takes effect, the first)."""
    versions = compact.versions.prefetch_related("promises")
    today = today or dt.date.today()
    return versions.in_force_on(today).first() or versions.order_by("number").first()


def version_by_number(compact: Compact, number: int) -> CompactVersion:
    return (
        compact.versions.select_related("agreed_at", "created_by")
        .prefetch_related("promises")
        .get(number=number)
    )


def versions_of(compact: Compact) -> QuerySet[CompactVersion]:
    return compact.versions.select_related("agreed_at").annotate(
        promise_count=Count("promises", distinct=True)
    )


@dataclass
class HeadingRow:
    heading: str
    label: str
    regulator: list = field(default_factory=list)
    hospital: list = field(default_factory=list)


def grouped_promises(promises: list[Promise], recent: dict | None = None) -> list[HeadingRow]:
    """Promises under their headings, regulator on the left and hospitals on the right."""
    rows = {h: HeadingRow(h, Heading(h).label) for h in Heading.values}
    for promise in sorted(promises, key=lambda p: (HEADING_ORDER[p.heading], p.order)):
        promise.recent = (recent or {}).get(promise.key)
        getattr(rows[promise.heading], promise.party).append(promise)
    return [row for row in rows.values() if row.regulator or row.hospital]


def rating_records(
    compact: Compact, *, since: dt.date | None = None
) -> list[analysis.RatingRecord]:
    """Every rating made on this compact (any version), as plain records for analysis."""
    ratings = PromiseRating.objects.filter(reflection__version__compact=compact)
    if since:
        ratings = ratings.filter(reflection__meeting__date__gte=since)
    return [
        analysis.RatingRecord(date, key, party, fulfilment)
        for date, key, party, fulfilment in ratings.values_list(
            "reflection__meeting__date", "promise__key", "promise__party", "fulfilment"
        )
    ]


def recent_by_promise(compact: Compact, today: dt.date) -> dict[str, analysis.FulfilmentPoint]:
    since = today.replace(day=1) - dt.timedelta(days=31 * RECENT_MONTHS)
    return analysis.recent_fulfilment(
        rating_records(compact, since=since), today, months=RECENT_MONTHS, by="promise"
    )


def participation(compact: Compact, *, limit: int | None = None) -> QuerySet[Meeting]:
    """TGB meetings, newest first, with how many were present and how many reflected."""
    meetings = (
        Meeting.objects.filter(series_id=compact.board_id)
        .annotate(
            present_count=Count(
                "attendances",
                filter=Q(attendances__status=AttendanceStatus.PRESENT)
                | Q(attendances__deputy__isnull=False),
                distinct=True,
            ),
            reflected_count=Count("reflections", distinct=True),
        )
        .order_by("-date")
    )
    return meetings[:limit] if limit else meetings


def agreement_meetings(compact: Compact, *, today: dt.date | None = None) -> QuerySet[Meeting]:
    """The TGB meetings a new version may be recorded as agreed at: the board's latest that
    have taken place, newest first (``latest_held``)."""
    return latest_held(Meeting.objects.filter(series_id=compact.board_id), today=today)


def breach_counts(compact: Compact) -> dict[str, int]:
    counts = Counter(dict(compact.breaches.values_list("state").annotate(n=Count("pk"))))
    return {state: counts.get(state, 0) for state in BreachState.values}


def partnership_summary(compact: Compact, today: dt.date) -> dict:
    """What everyone who may view the partnership sees: overall fulfilment and breach counts."""
    records = rating_records(compact)
    monthly = analysis.monthly_fulfilment(records, by="all")
    last_year = analysis.recent_fulfilment(records, today, months=12, by="all").get("all")
    meetings = Meeting.objects.filter(series_id=compact.board_id, date__lte=today)
    return {
        "monthly": monthly,
        "last_year": last_year,
        "breaches": breach_counts(compact),
        "meetings_held": meetings.count(),
        "meetings_with_reflections": meetings.filter(reflections__isnull=False).distinct().count(),
    }


def breaches_of(compact: Compact) -> QuerySet[Breach]:
    return (
        compact.breaches.select_related(
            "raised_at", "discussed_at", "organisation", "called_out_by", "renegotiated_version"
        )
        .prefetch_related("promises")
        .order_by("-occurred_on", "-pk")
    )


def breach_detail(pk: int) -> Breach:
    return (
        Breach.objects.select_related(
            "compact__board",
            "version",
            "raised_at",
            "discussed_at",
            "organisation",
            "called_out_by",
            "renegotiated_version",
        )
        .prefetch_related(
            "promises",
            Prefetch("events", BreachEvent.objects.select_related("by", "meeting")),
        )
        .get(pk=pk)
    )


def tgb_meeting(pk: int) -> Meeting:
    """A meeting with what its reflections page shows: agenda, attendance, reflections."""
    return (
        Meeting.objects.select_related("series")
        .prefetch_related(
            Prefetch("agenda_items", AgendaItem.objects.select_related("presenter")),
            Prefetch("attendances", Attendance.objects.select_related("person", "deputy")),
            Prefetch(
                "reflections",
                Reflection.objects.select_related("person").prefetch_related(
                    Prefetch("ratings", PromiseRating.objects.select_related("promise"))
                ),
            ),
            Prefetch(
                "breaches_raised",
                Breach.objects.select_related("organisation").order_by("pk"),
            ),
        )
        .get(pk=pk)
    )


def landing_panel(user: Any) -> dict:
    """The home-page panel: the compact is visible to everyone, not only the TGB."""
    compact = compacts_for(user).first()
    if compact is None:
        return {"compact": None}
    today = dt.date.today()
    last_quarter = analysis.recent_fulfilment(
        rating_records(compact, since=today - dt.timedelta(days=100)), today, months=3, by="all"
    ).get("all")
    return {
        "compact": compact,
        "last_quarter": last_quarter,
        "open_breaches": compact.breaches.exclude(
            state__in=[BreachState.REPAIRED, BreachState.RENEGOTIATED]
        ).count(),
        "takes_part": rules.can_take_part(user),
    }


PARTY_LABELS = dict(PartyType.choices)


# Read by the dashboards (dashboards).


def partnership_compact():
    from compact.models import Compact

    return Compact.objects.select_related("board").order_by("pk").first()


def breaches_by_organisation(compact, as_of: dt.date) -> dict[str, dict[str, int]]:
    """Breaches called out by ``as_of`` per organisation: all, and still open then."""
    from compact.models import BreachState

    closed = [BreachState.REPAIRED, BreachState.RENEGOTIATED]
    rows = (
        compact.breaches.filter(raised_at__date__lte=as_of)
        .values("organisation__short_name")
        .annotate(
            all=Count("pk"),
            open=Count("pk", filter=~Q(state__in=closed) | Q(closed_on__gt=as_of)),
        )
        .order_by("organisation__short_name")
    )
    return {
        (r["organisation__short_name"] or "Regulator / partnership"): {
            "all": r["all"],
            "open": r["open"],
        }
        for r in rows
    }


def open_breaches_of(compact, organisation: Organisation, as_of: dt.date) -> list:
    """Breaches concerning a trust, called out by ``as_of`` and not repaired or renegotiated
    by then."""
    from compact.models import BreachState

    closed = [BreachState.REPAIRED, BreachState.RENEGOTIATED]
    return list(
        compact.breaches.filter(organisation=organisation, raised_at__date__lte=as_of)
        .filter(~Q(state__in=closed) | Q(closed_on__gt=as_of))
        .select_related("raised_at")
        .order_by("-occurred_on")
    )
