"""Writes for national priorities and trusts' strategic objectives."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from governance.models import NationalPriority, StrategicObjective
from vmi_programme.models import Organisation
from vmi_programme.writes import model_update, save_validated


@transaction.atomic
def create_national_priority(code: str, title: str, **fields: Any) -> NationalPriority:
    return save_validated(NationalPriority(code=code, title=title, **fields))


# What the national-priority form edits; its code is the stable key other records use.
NATIONAL_PRIORITY_EDITABLE = ("title", "description", "set_by", "active_from", "active_until")


@transaction.atomic
def update_national_priority(priority: NationalPriority, **fields: Any) -> NationalPriority:
    """Change a national priority: ``fields`` may hold only ``NATIONAL_PRIORITY_EDITABLE``
    (anything else, including its ``code``, raises ``TypeError``)."""
    return model_update(instance=priority, fields=NATIONAL_PRIORITY_EDITABLE, data=fields)[0]


# What the objective form edits; an objective stays with its trust, and its national
# priorities are set as a whole (``national_priorities``).
STRATEGIC_OBJECTIVE_EDITABLE = ("title", "description", "active_from", "active_until")


@transaction.atomic
def save_strategic_objective(
    objective: StrategicObjective | None = None,
    *,
    organisation: Organisation | None = None,
    national_priorities: Iterable[NationalPriority] | None = None,
    **fields: Any,
) -> StrategicObjective:
    """Create (no ``objective``, for ``organisation``) or update an objective and its aligned
    national priorities (replaced when given).

    ``fields`` may hold only ``STRATEGIC_OBJECTIVE_EDITABLE`` (anything else raises
    ``TypeError``); an existing objective keeps its organisation.
    """
    objective = objective or StrategicObjective(organisation=organisation)
    model_update(instance=objective, fields=STRATEGIC_OBJECTIVE_EDITABLE, data=fields)
    if national_priorities is not None:
        objective.national_priorities.set(national_priorities)
    return objective
