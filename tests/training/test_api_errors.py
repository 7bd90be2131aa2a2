"""The training API: model validation in the one error shape; a programme in use answers 409."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from training import services
from training.models import AssessmentMethod, AssessmentResult, Module, Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(kpo_user):
    client = APIClient()
    client.force_authenticate(kpo_user)
    return client


@pytest.fixture
def own_programme(trust):
    programme = Programme.objects.create(
        organisation=trust,
        code="SASH-LM",
        name="Lean for managers",
        assessment_method=AssessmentMethod.HOMEWORK,
    )
    Module.objects.create(programme=programme, number=1, title="Flow")
    Module.objects.create(programme=programme, number=2, title="Standard work")
    return programme


def test_deleting_a_programme_with_cohorts_and_assessed_modules_answers_409(
    api, trust, own_programme, make_cohort, participant
):
    cohort = make_cohort(own_programme, trust)
    make_cohort(own_programme, trust, name="Cohort 2")
    enrolment, _ = services.enrol(participant, cohort, dt.date(2019, 1, 1))
    services.record_assessment(
        enrolment,
        own_programme.modules.get(number=1),
        submitted_on=dt.date(2019, 2, 1),
        result=AssessmentResult.PASS,
        assessed_on=dt.date(2019, 2, 2),
    )

    response = api.delete(f"/api/training/programmes/{own_programme.pk}/")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "This programme cannot be deleted: 1 assessment and 2 cohorts depend on it.",
        "dependents": {"assessments": 1, "cohorts": 2},
    }
    assert own_programme.modules.count() == 2  # nothing was deleted, the modules neither


def test_deleting_a_module_nothing_depends_on_still_works(api, own_programme):
    module = own_programme.modules.get(number=2)
    assert api.delete(f"/api/training/modules/{module.pk}/").status_code == 204


def test_a_record_level_error_of_the_model_is_a_non_field_error(api, trust, l4l):
    response = api.post(
        "/api/training/cohorts/",
        {
            "programme": l4l.pk,
            "organisation": trust.pk,
            "name": "Backwards",
            "starts_on": "2019-06-01",
            "planned_end_on": "2019-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["non_field_errors"]
    assert "cohort_ends_after_start" in body["non_field_errors"][0]


def test_a_field_error_of_the_model_names_the_field(api, trust, l4l, alt, make_cohort, participant):
    cohort = make_cohort(l4l, trust)
    enrolment, _ = services.enrol(participant, cohort, dt.date(2019, 1, 1))
    response = api.post(
        "/api/training/assessments/",
        {
            "enrolment": enrolment.pk,
            "module": alt.modules.first().pk,
            "submitted_on": "2019-02-01",
            "result": "pass",
            "assessed_on": "2019-02-02",
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["module"]
    assert "belongs to ALT" in response.json()["module"][0]
