"""Who may see and change training records, pages and API."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from factories import PersonFactory, user_with_roles
from training import services
from training.models import Response, Survey, SurveyWave
from vmi_programme.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(trust, l4l, make_cohort, participant):
    cohort = make_cohort(l4l, trust)
    services.enrol(participant, cohort, dt.date(2019, 1, 1))
    return cohort


def test_anonymous_users_are_sent_to_log_in(client, cohort):
    assert client.get("/training/").status_code == 302
    assert client.get("/training/table-5-1/").status_code == 302


def test_another_trusts_kpo_can_neither_see_nor_change_a_cohort(client, cohort, other_trust):
    stranger = user_with_roles(other_trust, Role.KPO_FACILITATOR, username="stranger")
    client.force_login(stranger)
    assert client.get(f"/training/cohorts/{cohort.pk}/").status_code == 403
    assert (
        client.post(
            f"/training/cohorts/{cohort.pk}/assessments/", {"assessed_on": "2019-03-01"}
        ).status_code
        == 403
    )
    assert cohort.name not in client.get("/training/").content.decode()


def test_the_regulator_sees_every_trust_and_table_5_1_but_cannot_record_assessments(
    client, cohort, regulator_user
):
    client.force_login(regulator_user)
    assert client.get(f"/training/cohorts/{cohort.pk}/").status_code == 200
    assert client.get("/training/table-5-1/").status_code == 200
    assert client.get(f"/training/cohorts/{cohort.pk}/assessments/").status_code == 403


def test_an_executive_sees_their_trusts_diffusion(client, cohort, trust):
    ceo = user_with_roles(trust, Role.EXECUTIVE, username="ceo")
    client.force_login(ceo)
    response = client.get("/training/diffusion/")
    assert response.status_code == 200
    assert trust.name in response.content.decode()


def test_the_api_lists_only_the_users_trust_and_respondents_only_to_their_kpo(
    cohort, kpo_user, other_trust, regulator_user, l4l, participant
):
    api = APIClient()
    survey = Survey.objects.create(title="S", programme=l4l)
    wave = SurveyWave.objects.create(
        survey=survey, name="W", opens_on=dt.date(2018, 11, 1), closes_on=dt.date(2018, 11, 30)
    )
    (invitation,) = services.invite(wave, [participant], dt.date(2018, 11, 1))
    Response.objects.create(
        invitation=invitation, started_at="2018-11-02T10:00Z", updated_at="2018-11-02T10:00Z"
    )
    stranger = user_with_roles(other_trust, Role.KPO_FACILITATOR, username="stranger")
    api.force_authenticate(stranger)
    assert api.get("/api/training/enrolments/").json()["count"] == 0
    assert api.get("/api/training/responses/").json()["count"] == 0
    assert api.get("/api/training/programmes/").json()["count"] == 1  # partnership programme
    api.force_authenticate(regulator_user)
    assert api.get("/api/training/enrolments/").json()["count"] == 1
    assert api.get("/api/training/responses/").json()["count"] == 0  # no identities
    api.force_authenticate(kpo_user)
    enrolments = api.get("/api/training/enrolments/").json()["results"]
    assert enrolments[0]["status"] == "in_progress"
    assert api.get("/api/training/responses/").json()["count"] == 1


def test_the_api_refuses_an_assessment_for_a_module_of_another_programme(cohort, kpo_user, alt):
    api = APIClient()
    api.force_authenticate(kpo_user)
    enrolment = cohort.enrolments.get()
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
    assert "belongs to ALT" in response.json()["module"][0]


def test_the_api_refuses_enrolling_into_another_trusts_cohort(
    kpo_user, other_trust, l4l, make_cohort, trust
):
    api = APIClient()
    api.force_authenticate(kpo_user)
    foreign = make_cohort(l4l, other_trust, "Theirs")
    person = PersonFactory(organisation=other_trust)
    response = api.post(
        "/api/training/enrolments/",
        {"person": person.pk, "cohort": foreign.pk, "enrolled_on": "2019-01-01"},
        format="json",
    )
    assert response.status_code == 403
