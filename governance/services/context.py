"""Writes for trust context: CQC ratings, CEO tenures, special measures, cultural work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from governance.models import CeoTenure, CqcRating, CulturalWork, SpecialMeasuresPeriod
from vmi_programme.models import Organisation, Person
from vmi_programme.writes import model_update, save_validated


@transaction.atomic
def record_cqc_rating(organisation: Organisation, rating: str, published_on: dt.date) -> CqcRating:
    return save_validated(
        CqcRating(organisation=organisation, rating=rating, published_on=published_on)
    )


@transaction.atomic
def record_ceo_tenure(
    organisation: Organisation,
    person: Person,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    *,
    is_interim: bool = False,
) -> CeoTenure:
    return save_validated(
        CeoTenure(
            organisation=organisation,
            person=person,
            started_on=started_on,
            ended_on=ended_on,
            is_interim=is_interim,
        )
    )


# What correcting or ending a tenure changes; the trust and the person stay.
CEO_TENURE_EDITABLE = ("started_on", "ended_on", "is_interim")


@transaction.atomic
def update_ceo_tenure(tenure: CeoTenure, **fields: Any) -> CeoTenure:
    """Correct or end a CEO tenure: ``fields`` may hold only ``CEO_TENURE_EDITABLE`` (else
    ``TypeError``); the model refuses two substantive CEOs at once."""
    return model_update(instance=tenure, fields=CEO_TENURE_EDITABLE, data=fields)[0]


@transaction.atomic
def record_special_measures(
    organisation: Organisation, started_on: dt.date, ended_on: dt.date | None = None
) -> SpecialMeasuresPeriod:
    return save_validated(
        SpecialMeasuresPeriod(organisation=organisation, started_on=started_on, ended_on=ended_on)
    )


# What correcting or ending a period of special measures changes; the trust stays.
SPECIAL_MEASURES_EDITABLE = ("started_on", "ended_on")


@transaction.atomic
def update_special_measures(period: SpecialMeasuresPeriod, **fields: Any) -> SpecialMeasuresPeriod:
    """Correct or end a period: ``fields`` may hold only ``SPECIAL_MEASURES_EDITABLE`` (else
    ``TypeError``)."""
    return model_update(instance=period, fields=SPECIAL_MEASURES_EDITABLE, data=fields)[0]


# A trust has one record of its cultural work, found by its organisation.
CULTURAL_WORK_EDITABLE = ("preceded_programme", "name", "description")


@transaction.atomic
def record_cultural_work(
    organisation: Organisation, preceded_programme: bool, **fields: Any
) -> CulturalWork:
    """Record (or correct) the trust's own improvement work before the programme.

    ``fields`` may hold only ``name`` and ``description`` (see ``CULTURAL_WORK_EDITABLE``);
    anything else raises ``TypeError``.
    """
    work = CulturalWork.objects.filter(organisation=organisation).first() or CulturalWork(
        organisation=organisation
    )
    data = {**fields, "preceded_programme": preceded_programme}
    return model_update(instance=work, fields=CULTURAL_WORK_EDITABLE, data=data)[0]
