"""Writes for national priorities and trusts' strategic objectives."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from governance.models import NationalPriority, StrategicObjective
from vmi_programme.models import Organisation


@transaction.atomic
def create_national_priority(code: str, title: str, **fields: Any) -> NationalPriority:
    priority = NationalPriority(code=code, title=title, **fields)
    priority.full_clean()
    priority.save()
    return priority


@transaction.atomic
def save_strategic_objective(
    objective: StrategicObjective | None = None,
    *,
    organisation: Organisation | None = None,
    national_priorities: Iterable[NationalPriority] | None = None,
    **fields: Any,
) -> StrategicObjective:
    """Create (no ``objective``) or update an objective and its aligned national priorities."""
    objective = objective or StrategicObjective(organisation=organisation)
    for name, value in fields.items():
        setattr(objective, name, value)
    objective.full_clean()
    objective.save()
    if national_priorities is not None:
        objective.national_priorities.set(national_priorities)
    return objective
