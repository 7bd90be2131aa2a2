"""Writes for governance meetings: series, membership, meetings, agendas, attendance, actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction

from governance.models import (
    ActionStatus,
    AgendaItem,
    AgendaItemLink,
    Attendance,
    Decision,
    Meeting,
    MeetingAction,
    MeetingKind,
    MeetingSeries,
    Membership,
)
from governance.signals import meeting_created
from vmi_programme.models import Organisation, Person
from vmi_programme.writes import model_update, save_validated


@transaction.atomic
def create_series(
    kind: str, name: str, organisation: Organisation | None = None, **fields: Any
) -> MeetingSeries:
    return save_validated(MeetingSeries(kind=kind, name=name, organisation=organisation, **fields))


@transaction.atomic
def add_membership(
    series: MeetingSeries,
    person: Person,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    role: str = "",
) -> Membership:
    return save_validated(
        Membership(
            series=series, person=person, started_on=started_on, ended_on=ended_on, role=role
        )
    )


@transaction.atomic
def end_membership(membership: Membership, ended_on: dt.date) -> Membership:
    membership.ended_on = ended_on
    return save_validated(membership)


@transaction.atomic
def create_meeting(
    series: MeetingSeries,
    date: dt.date,
    *,
    agenda: Iterable[dict] = (),
    created_by: Any = None,
    **fields: Any,
) -> Meeting:
    """The one way to create a meeting: saves it, its first agenda items, then tells other apps.

    ``agenda`` is a list of ``add_agenda_item`` keyword dicts. Receivers of
    ``governance.signals.meeting_created`` run inside this transaction.
    """
    meeting = save_validated(Meeting(series=series, date=date, **fields))
    for item in agenda:
        add_agenda_item(meeting, **item)
    meeting_created.send(sender=Meeting, meeting=meeting, created_by=created_by)
    return meeting


# What the meeting form edits; a meeting stays in its series.
MEETING_EDITABLE = ("date", "start_time", "end_time", "location", "status", "minutes")


@transaction.atomic
def update_meeting(meeting: Meeting, **fields: Any) -> Meeting:
    """Change a meeting's details: ``fields`` may hold only ``MEETING_EDITABLE`` (anything else
    raises ``TypeError``)."""
    return model_update(instance=meeting, fields=MEETING_EDITABLE, data=fields)[0]


@transaction.atomic
def add_agenda_item(
    meeting: Meeting,
    title: str,
    *,
    presenter: Person | None = None,
    links: Iterable[Any] = (),
    locked: bool = False,
    duration_minutes: int | None = None,
    notes: str = "",
) -> AgendaItem:
    """Add an item; an unlocked item goes before any locked closing items, a locked one last."""
    items = list(meeting.agenda_items.select_for_update().order_by("order"))
    trailing_locked = []
    for item in reversed(items):
        if not item.is_locked:
            break
        trailing_locked.append(item)
    if locked or not trailing_locked:
        order = (items[-1].order if items else 0) + 1
    else:
        order = trailing_locked[-1].order
        for item in trailing_locked:  # highest first, so no two items ever share an order
            item.order += 1
            item.save(update_fields=["order"])
    item = save_validated(
        AgendaItem(
            meeting=meeting,
            order=order,
            title=title,
            presenter=presenter,
            is_locked=locked,
            duration_minutes=duration_minutes,
            notes=notes,
        )
    )
    for target in links:
        link_agenda_item(item, target)
    return item


# What the agenda-item form edits, and its place; an item stays in its meeting, and whether it
# is a locked closing item is decided by the service that adds it.
AGENDA_ITEM_EDITABLE = ("title", "presenter", "duration_minutes", "notes", "order")


@transaction.atomic
def update_agenda_item(item: AgendaItem, **fields: Any) -> AgendaItem:
    """Change an agenda item: ``fields`` may hold only ``AGENDA_ITEM_EDITABLE`` (anything else
    raises ``TypeError``).

    A locked item keeps its title and place (``ValidationError``); an unlocked one cannot be
    moved after the first locked item.
    """
    if item.is_locked and set(fields) - {"presenter", "notes", "duration_minutes"}:
        raise ValidationError({"title": "A required agenda item keeps its title and place."})
    if "order" in fields:
        first_locked = (
            item.meeting.agenda_items.filter(is_locked=True)
            .exclude(pk=item.pk)
            .order_by("order")
            .first()
        )
        if first_locked is not None and fields["order"] >= first_locked.order:
            raise ValidationError(
                {"order": f"“{first_locked.title}” closes the agenda; place this item before it."}
            )
    return model_update(instance=item, fields=AGENDA_ITEM_EDITABLE, data=fields)[0]


@transaction.atomic
def link_agenda_item(item: AgendaItem, target: Any) -> AgendaItemLink:
    """Link an agenda item to any saved model instance (value stream, RPIW, reflection…)."""
    if getattr(target, "pk", None) is None:
        raise ValidationError({"target": "Link to a saved record."})
    link, _ = AgendaItemLink.objects.get_or_create(
        agenda_item=item,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
    )
    return link


@transaction.atomic
def remove_agenda_item(item: AgendaItem) -> None:
    """Remove an item and close the gap; a locked item is refused."""
    if item.is_locked:
        raise ValidationError("This agenda item is required and cannot be removed.")
    meeting, order = item.meeting, item.order
    item.delete()
    for later in meeting.agenda_items.filter(order__gt=order).order_by("order"):
        later.order -= 1
        later.save(update_fields=["order"])


def agenda_items_linked_to(target: Any):
    """Agenda items (with their meetings) that link to ``target``."""
    return AgendaItem.objects.filter(
        links__content_type=ContentType.objects.get_for_model(target), links__object_id=target.pk
    ).select_related("meeting__series")


@transaction.atomic
def record_attendance(
    meeting: Meeting, person: Person, status: str, deputy: Person | None = None
) -> Attendance:
    """Record (or correct) one member's attendance at a meeting."""
    attendance = Attendance.objects.filter(meeting=meeting, person=person).first() or Attendance(
        meeting=meeting, person=person
    )
    attendance.status, attendance.deputy = status, deputy
    return save_validated(attendance)


@dataclass(frozen=True)
class AttendanceEntry:
    """One member's line of a meeting's attendance: their status and, if they sent one, a
    deputy (only when they were not present)."""

    person: Person
    status: str
    deputy: Person | None = None


@transaction.atomic
def record_meeting_attendance(
    meeting: Meeting, *, entries: Sequence[AttendanceEntry]
) -> list[Attendance]:
    """Record (or correct) the whole meeting's attendance at once, all or nothing.

    Every entry is validated (the model's rules: a member of the series on the meeting date, a
    deputy only for a member who was not present, nobody deputising for themselves); if any is
    refused, nothing is written and one ``ValidationError`` names each member refused (keyed by
    ``"person-<id>"``, the field ``record_meeting_attendance`` callers map back to a row).
    Members left out of ``entries`` keep whatever was recorded for them.
    """
    # Locks this meeting's attendance rows only (no join: the default ordering would add one).
    existing = {
        a.person_id: a for a in meeting.attendances.order_by().select_for_update(of=("self",))
    }
    rows, errors = [], {}
    for entry in entries:
        row = existing.get(entry.person.pk) or Attendance(meeting=meeting, person=entry.person)
        row.status, row.deputy = entry.status, entry.deputy
        try:
            row.full_clean()
        except ValidationError as exc:
            errors[f"person-{entry.person.pk}"] = [
                message for messages in exc.message_dict.values() for message in messages
            ]
        rows.append(row)
    if errors:
        raise ValidationError(errors)
    for row in rows:
        row.save()
    return rows


@transaction.atomic
def record_decision(meeting: Meeting, text: str, agenda_item: AgendaItem | None = None) -> Decision:
    return save_validated(Decision(meeting=meeting, text=text, agenda_item=agenda_item))


@transaction.atomic
def add_action(
    meeting: Meeting,
    description: str,
    owner: Person | None,
    due_on: dt.date,
    agenda_item: AgendaItem | None = None,
) -> MeetingAction:
    return save_validated(
        MeetingAction(
            meeting=meeting,
            description=description,
            owner=owner,
            due_on=due_on,
            agenda_item=agenda_item,
        )
    )


@transaction.atomic
def set_action_status(
    action: MeetingAction, status: str, completed_on: dt.date | None = None
) -> MeetingAction:
    action.status = status
    action.completed_on = (completed_on or dt.date.today()) if status == ActionStatus.DONE else None
    return save_validated(action)


def require_tgt_meeting(meeting: Meeting, organisation: Organisation | int) -> None:
    """Refuse unless ``meeting`` is a TGT of ``organisation`` (for approvals recorded at a TGT)."""
    organisation_id = getattr(organisation, "pk", organisation)
    if meeting.series.kind != MeetingKind.TGT or meeting.series.organisation_id != organisation_id:
        raise ValidationError({"meeting": "Choose a TGT meeting of this trust."})
