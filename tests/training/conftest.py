"""Fixtures for the training tests: L4L and ALT programmes, cohorts and participants."""

import datetime as dt

import pytest

from factories import PersonFactory
from training.models import AssessmentMethod, Cohort, Module, Programme


def make_programme(code: str, modules: int, method=AssessmentMethod.HOMEWORK, order=1) -> Programme:
    programme = Programme.objects.create(
        code=code, name=code, assessment_method=method, order=order
    )
    Module.objects.bulk_create(
        Module(programme=programme, number=i, title=f"{code} module {i}")
        for i in range(1, modules + 1)
    )
    return programme


@pytest.fixture
def l4l(db):
    return make_programme("L4L", 6)


@pytest.fixture
def alt(db):
    return make_programme("ALT", 15, AssessmentMethod.TEACH_BACK, order=2)


@pytest.fixture
def make_cohort():
    def make(programme, organisation, name="Cohort 1", starts_on=dt.date(2019, 1, 7)):
        return Cohort.objects.create(
            programme=programme, organisation=organisation, name=name, starts_on=starts_on
        )

    return make


@pytest.fixture
def participant(trust):
    return PersonFactory(organisation=trust, full_name="Ann Lee", email="ann.lee@sash.nhs.uk")
