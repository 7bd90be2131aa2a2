"""Writes for daily work: teams, huddles, production boards and versioned standard work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.models import (
    BoardMeasure,
    BoardValue,
    Huddle,
    ProductionBoard,
    StandardWorkDocument,
    StandardWorkVersion,
    Team,
)
from vmi_programme.models import Organisation, Person
from vmi_programme.writes import model_update, save_validated

# What the team form edits; a team stays in the trust it was created in.
TEAM_EDITABLE = ("name", "kind", "lead")


@transaction.atomic
def save_team(
    team: Team | None = None, *, organisation: Organisation | None = None, **fields: Any
) -> Team:
    """Create (no ``team``, in ``organisation``) or update a team.

    ``fields`` may hold only ``TEAM_EDITABLE`` (anything else raises ``TypeError``); an existing
    team keeps its organisation.
    """
    team = team or Team(organisation=organisation)
    return model_update(instance=team, fields=TEAM_EDITABLE, data=fields)[0]


@transaction.atomic
def record_huddle(team: Team, date: dt.date, attendance_count: int, **fields: Any) -> Huddle:
    return save_validated(Huddle(team=team, date=date, attendance_count=attendance_count, **fields))


@transaction.atomic
def create_board(team: Team, title: str) -> ProductionBoard:
    return save_validated(ProductionBoard(team=team, title=title))


@transaction.atomic
def add_board_measure(
    board: ProductionBoard, name: str, target: Decimal, **fields: Any
) -> BoardMeasure:
    return save_validated(BoardMeasure(board=board, name=name, target=target, **fields))


# What the board form edits; a board stays with its team.
BOARD_EDITABLE = ("title",)


@transaction.atomic
def update_board(board: ProductionBoard, **fields: Any) -> ProductionBoard:
    """Rename a board: ``fields`` may hold only ``BOARD_EDITABLE`` (else ``TypeError``)."""
    return model_update(instance=board, fields=BOARD_EDITABLE, data=fields)[0]


# What the measure form edits; a measure stays on its board (its values belong to it).
BOARD_MEASURE_EDITABLE = ("name", "unit", "target", "direction")


@transaction.atomic
def update_board_measure(measure: BoardMeasure, **fields: Any) -> BoardMeasure:
    """Change a measure: ``fields`` may hold only ``BOARD_MEASURE_EDITABLE`` (else ``TypeError``)."""
    return model_update(instance=measure, fields=BOARD_MEASURE_EDITABLE, data=fields)[0]


@transaction.atomic
def record_board_values(
    board: ProductionBoard, recorded_on: dt.date, values: Mapping[BoardMeasure, Decimal]
) -> list[BoardValue]:
    """Update a board: a value for each given measure on one date, all or nothing.

    A measure of another board is refused (``ValidationError``); a second value for the same day
    replaces the first, as ``record_board_value`` does.
    """
    if not values:
        raise ValidationError({"recorded_on": "Enter at least one value."})
    for measure in values:
        if measure.board_id != board.pk:
            raise ValidationError({"measure": f"{measure.name} is not on this board."})
    return [record_board_value(measure, recorded_on, value) for measure, value in values.items()]


@transaction.atomic
def record_board_value(measure: BoardMeasure, recorded_on: dt.date, value: Decimal) -> BoardValue:
    """Record a board value; a second value for the same day replaces the first."""
    row = BoardValue.objects.filter(measure=measure, recorded_on=recorded_on).first()
    row = row or BoardValue(measure=measure, recorded_on=recorded_on)
    row.value = value
    return save_validated(row)


@transaction.atomic
def create_standard_work(
    *,
    organisation: Organisation,
    owner: Person,
    title: str,
    steps: Sequence[str],
    changed_by: Any = None,
    team: Team | None = None,
    emergency_response: bool = False,
    reason: str = "First version.",
    at: dt.datetime | None = None,
) -> StandardWorkDocument:
    document = save_validated(
        StandardWorkDocument(
            organisation=organisation, owner=owner, team=team, emergency_response=emergency_response
        )
    )
    revise_standard_work(
        document, title=title, steps=steps, reason=reason, changed_by=changed_by, at=at
    )
    return document


@transaction.atomic
def revise_standard_work(
    document: StandardWorkDocument,
    *,
    title: str,
    steps: Sequence[str],
    reason: str,
    changed_by: Any = None,
    at: dt.datetime | None = None,
) -> StandardWorkVersion:
    """Write a new version; earlier versions are kept unchanged and stay readable."""
    document = StandardWorkDocument.objects.select_for_update().get(pk=document.pk)
    version = save_validated(
        StandardWorkVersion(
            document=document,
            number=document.current_version + 1,
            title=title,
            steps=[step.strip() for step in steps if step and step.strip()],
            reason=reason,
            changed_by=changed_by if getattr(changed_by, "pk", None) else None,
            changed_at=at or timezone.now(),
        )
    )
    document.current_version = version.number
    document.save(update_fields=["current_version"])
    return version
