"""Writes for the compact: versions, the closing agenda item of every TGB, reflections, breaches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.models import AgendaItem, AgendaItemLink, Meeting, MeetingKind, MeetingSeries
from governance.services import meetings as meeting_services
from vmi_programme.models import Organisation, OrganisationKind, Partnership, Person
from vmi_programme.writes import save_validated

from . import analysis
from .models import (
    BREACH_TRANSITIONS,
    Breach,
    BreachEvent,
    BreachState,
    Compact,
    CompactVersion,
    Fulfilment,
    PartyType,
    Promise,
    PromiseRating,
    Reflection,
)
from .rules import was_present

REFLECTION_ITEM_TITLE = "Reflections on the compact"


# ---- compact and versions ------------------------------------------------------------------


def _add_promises(version: CompactVersion, promises: Sequence[Mapping[str, Any]]) -> None:
    if not promises:
        raise ValidationError({"promises": "A compact version needs at least one promise."})
    keys = [p.get("key") for p in promises]
    if len(keys) != len(set(keys)):
        raise ValidationError({"promises": "Each promise needs its own key."})
    for index, promise in enumerate(promises, start=1):
        save_validated(
            Promise(
                version=version,
                key=promise.get("key", ""),
                party=promise.get("party", ""),
                heading=promise.get("heading", ""),
                order=promise.get("order", index),
                text=promise.get("text", ""),
            )
        )


@transaction.atomic
def create_compact(
    partnership: Partnership,
    board: MeetingSeries,
    title: str,
    *,
    shared_vision: str,
    promises: Sequence[Mapping[str, Any]],
    effective_from: dt.date,
    change_note: str = "",
    created_by: Any = None,
) -> Compact:
    """A partnership's compact with its first version; its TGB meetings get their closing item."""
    compact = save_validated(Compact(partnership=partnership, board=board, title=title))
    version = save_validated(
        CompactVersion(
            compact=compact,
            number=1,
            shared_vision=shared_vision,
            effective_from=effective_from,
            change_note=change_note,
            created_by=created_by,
        )
    )
    _add_promises(version, promises)
    sync_reflection_items(compact)
    return compact


@transaction.atomic
def renegotiate(
    compact: Compact,
    *,
    shared_vision: str,
    promises: Sequence[Mapping[str, Any]],
    effective_from: dt.date,
    change_note: str,
    agreed_at: Meeting | None = None,
    created_by: Any = None,
) -> CompactVersion:
    """A new version: earlier ones stay as they were. Promises keep their key when reworded."""
    latest = compact.versions.select_for_update().order_by("-number").first()
    if latest and effective_from <= latest.effective_from:
        raise ValidationError(
            {
                "effective_from": f"A new version takes effect after version {latest.number} "
                f"({latest.effective_from:%-d %B %Y})."
            }
        )
    if not change_note.strip():
        raise ValidationError({"change_note": "Say what was renegotiated and why."})
    if agreed_at is not None and agreed_at.series_id != compact.board_id:
        raise ValidationError({"agreed_at": "Choose a meeting of this compact's TGB."})
    version = save_validated(
        CompactVersion(
            compact=compact,
            number=(latest.number + 1) if latest else 1,
            shared_vision=shared_vision,
            effective_from=effective_from,
            change_note=change_note,
            agreed_at=agreed_at,
            created_by=created_by,
        )
    )
    _add_promises(version, promises)
    sync_reflection_items(compact)
    return version


def version_in_force(compact: Compact, date: dt.date) -> CompactVersion | None:
    return compact.versions.in_force_on(date).first()


def promise_texts(version: CompactVersion) -> list[analysis.PromiseText]:
    return [
        analysis.PromiseText(p.key, p.party, p.heading, p.text)
        for p in sorted(version.promises.all(), key=lambda p: (p.party, p.heading, p.order))
    ]


# ---- the closing agenda item of every TGB --------------------------------------------------


def _closing_item(meeting: Meeting) -> AgendaItem | None:
    return meeting.agenda_items.filter(is_locked=True, title=REFLECTION_ITEM_TITLE).first()


def _link_version(item: AgendaItem, version: CompactVersion | None) -> None:
    version_type = ContentType.objects.get_for_model(CompactVersion)
    stale = AgendaItemLink.objects.filter(agenda_item=item, content_type=version_type)
    if version is not None:
        stale = stale.exclude(object_id=version.pk)
    stale.delete()  # only a link that pointed at a version no longer in force on that date
    if version is not None:
        meeting_services.link_agenda_item(item, version)


@transaction.atomic
def add_reflection_item(meeting: Meeting) -> AgendaItem | None:
    """Close a TGB meeting's agenda with the locked "Reflections on the compact" item.

    The item links to the compact version in force on the meeting date. Other meetings are
    left alone; calling this twice adds nothing.
    """
    if meeting.series.kind != MeetingKind.TGB:
        return None
    item = _closing_item(meeting) or meeting_services.add_agenda_item(
        meeting,
        REFLECTION_ITEM_TITLE,
        locked=True,
        notes="Each member present reflects on the compact's promises and what they learned.",
    )
    compact = Compact.objects.filter(board_id=meeting.series_id).first()
    _link_version(item, version_in_force(compact, meeting.date) if compact else None)
    return item


def on_meeting_created(sender, meeting: Meeting, created_by=None, **kwargs) -> None:
    """Receiver of governance.signals.meeting_created."""
    add_reflection_item(meeting)


@transaction.atomic
def sync_reflection_items(compact: Compact) -> int:
    """Give every meeting of the compact's TGB its closing item, linked to the right version."""
    meetings = Meeting.objects.filter(series_id=compact.board_id).select_related("series")
    for meeting in meetings:
        add_reflection_item(meeting)
    return len(meetings)


# ---- reflections ---------------------------------------------------------------------------


def _compact_of_meeting(meeting: Meeting) -> Compact:
    compact = Compact.objects.filter(board_id=meeting.series_id).first()
    if compact is None:
        raise ValidationError({"meeting": "Reflections on the compact are made at its TGB."})
    return compact


@transaction.atomic
def record_reflection(
    meeting: Meeting,
    person: Person,
    ratings: Mapping[Promise | int, str],
    learned: str = "",
    *,
    recorded_at: dt.datetime | None = None,
) -> Reflection:
    """One present member's reflection: a judgement on each promise they chose, what they learned.

    Refused: someone not present at that meeting, a promise of another compact version, a
    second reflection by the same member at the same meeting, an empty reflection.
    """
    compact = _compact_of_meeting(meeting)
    version = version_in_force(compact, meeting.date)
    if version is None:
        raise ValidationError(
            {"meeting": f"No version of the compact was in force on {meeting.date:%-d %B %Y}."}
        )
    if not was_present(person, meeting):
        raise ValidationError(
            {
                "person": f"{person.full_name} was not present at this meeting, so cannot reflect on it."
            }
        )
    if Reflection.objects.filter(meeting=meeting, person=person).exists():
        raise ValidationError(
            {"person": f"{person.full_name} has already reflected on this meeting."}
        )
    if not ratings and not learned.strip():
        raise ValidationError({"ratings": "Judge at least one promise or write what you learned."})
    promise_ids = {getattr(p, "pk", p) for p in ratings}
    promises = {p.pk: p for p in Promise.objects.filter(pk__in=promise_ids)}
    for promise_id in promise_ids:
        promise = promises.get(promise_id)
        if promise is None or promise.version_id != version.pk:
            raise ValidationError(
                {
                    "ratings": f"Reflect on the promises of version {version.number}, the "
                    f"version in force at this meeting; promise {promise_id} is not one of them."
                }
            )
    reflection = save_validated(
        Reflection(
            meeting=meeting,
            person=person,
            version=version,
            learned=learned,
            recorded_at=recorded_at or timezone.now(),
        )
    )
    for promise, fulfilment in ratings.items():
        if fulfilment not in Fulfilment.values:
            raise ValidationError(
                {"ratings": f"Choose fulfilled, partly or not fulfilled, not {fulfilment!r}."}
            )
        save_validated(
            PromiseRating(
                reflection=reflection,
                promise=promises[getattr(promise, "pk", promise)],
                fulfilment=fulfilment,
            )
        )
    return reflection


# ---- breaches ------------------------------------------------------------------------------


def _record_event(
    breach: Breach,
    from_state: str,
    to_state: str,
    by: Person,
    *,
    meeting: Meeting | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> BreachEvent:
    return save_validated(
        BreachEvent(
            breach=breach,
            from_state=from_state,
            to_state=to_state,
            by=by,
            meeting=meeting,
            note=note,
            at=at or timezone.now(),
        )
    )


def _party_organisation_check(compact: Compact, party: str, organisation: Organisation | None):
    if organisation is None:
        return
    if not compact.partnership.members.filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": "Choose a party to this partnership."})
    expected = (
        OrganisationKind.REGULATOR
        if party == PartyType.REGULATOR
        else OrganisationKind.PARTNER_TRUST
    )
    if organisation.kind != expected:
        raise ValidationError(
            {"organisation": f"{organisation} is not on the {PartyType(party).label.lower()} side."}
        )


@transaction.atomic
def call_out_breach(
    meeting: Meeting,
    called_out_by: Person,
    *,
    promises: Iterable[Promise],
    party: str,
    what_happened: str,
    occurred_on: dt.date,
    organisation: Organisation | None = None,
    at: dt.datetime | None = None,
) -> Breach:
    """A TGB member calls out a breach of one or more of one party's promises at a TGB meeting."""
    compact = _compact_of_meeting(meeting)
    promises = list(promises)
    if not promises:
        raise ValidationError({"promises": "Name the promise (or promises) that was breached."})
    if party not in PartyType.values:
        raise ValidationError({"party": "Choose the regulator or the hospitals."})
    version = version_in_force(compact, meeting.date)
    if version is None or any(p.version_id != version.pk for p in promises):
        number = version.number if version else "—"
        raise ValidationError(
            {"promises": f"Choose promises of version {number}, in force at this meeting."}
        )
    if any(p.party != party for p in promises):
        raise ValidationError(
            {"promises": f"Choose promises among the {PartyType(party).label.lower()}."}
        )
    if occurred_on > meeting.date:
        raise ValidationError({"occurred_on": "A breach is called out after it happened."})
    _party_organisation_check(compact, party, organisation)
    breach = save_validated(
        Breach(
            compact=compact,
            version=version,
            party=party,
            organisation=organisation,
            what_happened=what_happened,
            occurred_on=occurred_on,
            raised_at=meeting,
            called_out_by=called_out_by,
        )
    )
    breach.promises.set(promises)
    _record_event(
        breach,
        "",
        BreachState.CALLED_OUT,
        called_out_by,
        meeting=meeting,
        note=what_happened,
        at=at,
    )
    return breach


def _move(breach: Breach, to_state: str) -> str:
    """Check the move is allowed; return the state it leaves."""
    current = Breach.objects.select_for_update().get(pk=breach.pk).state
    if to_state not in BREACH_TRANSITIONS[current]:
        if current in (BreachState.REPAIRED, BreachState.RENEGOTIATED):
            message = f"This breach is already {BreachState(current).label.lower()}."
        elif current == BreachState.CALLED_OUT:
            message = (
                "A breach is discussed at the TGB before it is "
                f"{BreachState(to_state).label.lower()}: record the discussion first."
            )
        else:
            message = f"A {BreachState(current).label.lower()} breach cannot become {BreachState(to_state).label.lower()}."
        raise ValidationError({"state": message})
    return current


@transaction.atomic
def discuss_breach(
    breach: Breach,
    meeting: Meeting,
    by: Person,
    *,
    what_happened: str,
    why: str,
    do_better: str,
    at: dt.datetime | None = None,
) -> Breach:
    """Record the TGB's collective reflection: what happened, why, what could be done better."""
    previous = _move(breach, BreachState.DISCUSSED)
    if meeting.series_id != breach.compact.board_id:
        raise ValidationError({"meeting": "A breach is discussed at the compact's TGB."})
    if meeting.date < breach.raised_at.date:
        raise ValidationError({"meeting": "Choose a meeting on or after the one it was raised at."})
    if not (what_happened.strip() and why.strip() and do_better.strip()):
        raise ValidationError(
            {"discussion_what": "Record what happened, why, and what could be done better."}
        )
    breach.state = BreachState.DISCUSSED
    breach.discussed_at = meeting
    breach.discussion_what, breach.discussion_why = what_happened, why
    breach.discussion_better = do_better
    save_validated(breach)
    _record_event(breach, previous, BreachState.DISCUSSED, by, meeting=meeting, note=why, at=at)
    return breach


@transaction.atomic
def repair_breach(
    breach: Breach,
    by: Person,
    *,
    repaired_on: dt.date,
    resolution: str,
    meeting: Meeting | None = None,
    at: dt.datetime | None = None,
) -> Breach:
    previous = _move(breach, BreachState.REPAIRED)
    if repaired_on < breach.discussed_at.date:
        raise ValidationError({"closed_on": "A breach is repaired after it was discussed."})
    if not resolution.strip():
        raise ValidationError({"resolution": "Say how the relationship was repaired."})
    breach.state, breach.closed_on, breach.resolution = (
        BreachState.REPAIRED,
        repaired_on,
        resolution,
    )
    save_validated(breach)
    _record_event(
        breach, previous, BreachState.REPAIRED, by, meeting=meeting, note=resolution, at=at
    )
    return breach


@transaction.atomic
def renegotiate_breach(
    breach: Breach,
    version: CompactVersion,
    by: Person,
    *,
    resolution: str,
    at: dt.datetime | None = None,
) -> Breach:
    """Close a discussed breach by pointing at the new compact version that changed its promise."""
    previous = _move(breach, BreachState.RENEGOTIATED)
    if version.compact_id != breach.compact_id or version.number <= breach.version.number:
        raise ValidationError({"renegotiated_version": "Choose a later version of this compact."})
    breached = {p.key for p in breach.promises.all()}
    changed = analysis.changed_keys(promise_texts(breach.version), promise_texts(version))
    if not breached & changed:
        raise ValidationError(
            {
                "renegotiated_version": f"Version {version.number} does not change any of the "
                "breached promises."
            }
        )
    breach.state, breach.renegotiated_version = BreachState.RENEGOTIATED, version
    breach.closed_on = max(version.effective_from, breach.discussed_at.date)
    breach.resolution = resolution
    save_validated(breach)
    _record_event(
        breach,
        previous,
        BreachState.RENEGOTIATED,
        by,
        meeting=version.agreed_at,
        note=resolution,
        at=at,
    )
    return breach
