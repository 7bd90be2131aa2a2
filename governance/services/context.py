"""Writes for trust context: CQC ratings, CEO tenures, special measures, cultural work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from governance.models import CeoTenure, CqcRating, CulturalWork, SpecialMeasuresPeriod
from vmi_programme.models import Organisation, Person


def _saved(obj):
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def record_cqc_rating(organisation: Organisation, rating: str, published_on: dt.date) -> CqcRating:
    return _saved(CqcRating(organisation=organisation, rating=rating, published_on=published_on))


@transaction.atomic
def record_ceo_tenure(
    organisation: Organisation,
    person: Person,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    *,
    is_interim: bool = False,
) -> CeoTenure:
    return _saved(
        CeoTenure(
            organisation=organisation,
            person=person,
            started_on=started_on,
            ended_on=ended_on,
            is_interim=is_interim,
        )
    )


@transaction.atomic
def record_special_measures(
    organisation: Organisation, started_on: dt.date, ended_on: dt.date | None = None
) -> SpecialMeasuresPeriod:
    return _saved(
        SpecialMeasuresPeriod(organisation=organisation, started_on=started_on, ended_on=ended_on)
    )


@transaction.atomic
def record_cultural_work(
    organisation: Organisation, preceded_programme: bool, **fields: Any
) -> CulturalWork:
    work = CulturalWork.objects.filter(organisation=organisation).first() or CulturalWork(
        organisation=organisation
    )
    work.preceded_programme = preceded_programme
    for name, value in fields.items():
        setattr(work, name, value)
    return _saved(work)
