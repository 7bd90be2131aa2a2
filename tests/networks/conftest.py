"""Fixtures for the networks tests: a survey wave with a name generator, invitees, colleagues."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from factories import PersonFactory
from training.surveys import Invitation, Question, QuestionKind, Survey, SurveySection, SurveyWave
from vmi_programme.models import Role


@pytest.fixture
def wave(db):
    survey = Survey.objects.create(title="L4L participant survey")
    section = SurveySection.objects.create(survey=survey, order=1, key="network", title="Network")
    Question.objects.create(
        section=section,
        order=1,
        code="network_names",
        text="Who do you talk to about improvement?",
        kind=QuestionKind.NAME_GENERATOR,
        required=False,
        config={"min_names": 2, "max_names": 10},
    )
    today = timezone.localdate()
    return SurveyWave.objects.create(
        survey=survey,
        name="December 2018",
        opens_on=today - dt.timedelta(days=5),
        closes_on=today + dt.timedelta(days=25),
    )


@pytest.fixture
def colleagues(trust):
    """Six people of the trust with distinct names."""
    names = ["Ann Archer", "Ben Baker", "Cat Carter", "Dan Dyer", "Eve Evans", "Fay Fisher"]
    return [
        PersonFactory(organisation=trust, full_name=name, department="Surgery") for name in names
    ]


@pytest.fixture
def invite(wave):
    def make(person, target_wave=None):
        return Invitation.objects.create(wave=target_wave or wave, person=person)

    return make


@pytest.fixture
def respondent(trust, invite):
    person = PersonFactory(organisation=trust, full_name="Rita Respondent", job_title="Matron")
    return invite(person)


@pytest.fixture
def analyst(trust, make_user):
    return make_user(trust, Role.ANALYST, username="analyst")


@pytest.fixture
def executive(trust, make_user):
    return make_user(trust, Role.EXECUTIVE, username="ceo")


@pytest.fixture
def other_kpo(other_trust, make_user):
    return make_user(other_trust, Role.KPO_FACILITATOR, username="otherkpo")


@pytest.fixture(autouse=True)
def _jobs_run_in_process(request):
    """Run recorded jobs in-process, whatever the broker; ``services`` tests use the real worker."""
    if request.node.get_closest_marker("services"):
        yield
        return
    from vmi_programme.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved
