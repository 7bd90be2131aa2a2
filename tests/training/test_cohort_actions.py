"""The cohort page's two POST-only actions: enrol a participant, record a withdrawal."""

import datetime as dt

import pytest
from django.urls import reverse

from factories import PersonFactory, user_with_roles
from training import services
from training.models import Enrolment
from vmi_programme.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(trust, l4l, make_cohort):
    return make_cohort(l4l, trust)


@pytest.fixture
def enrolment(cohort, participant):
    enrolment, _warning = services.enrol(participant, cohort, dt.date(2019, 1, 1))
    return enrolment


@pytest.fixture
def newcomer(trust):
    return PersonFactory(organisation=trust, full_name="Bob Day")


@pytest.fixture
def actions(cohort, enrolment, newcomer):
    """Each action's URL and a valid POST for it."""
    return {
        "enrol": (
            reverse("training:cohort-enrol", args=[cohort.pk]),
            {"person": newcomer.pk, "enrolled_on": "2019-01-02"},
        ),
        "withdraw": (
            reverse("training:cohort-withdraw", args=[cohort.pk]),
            {"enrolment": enrolment.pk, "withdrawn_on": "2019-02-01", "reason": "Moved trust"},
        ),
    }


@pytest.mark.parametrize("name", ["enrol", "withdraw"])
def test_each_action_refuses_a_get(client, kpo_user, actions, name):
    client.force_login(kpo_user)
    url, _data = actions[name]
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("name", ["enrol", "withdraw"])
def test_each_action_refuses_another_trusts_kpo(client, other_trust, actions, name):
    client.force_login(user_with_roles(other_trust, Role.KPO_FACILITATOR, username="ltht-kpo"))
    url, data = actions[name]
    assert client.post(url, data).status_code == 403


def test_enrolling_a_participant(client, kpo_user, cohort, newcomer, actions):
    client.force_login(kpo_user)
    url, data = actions["enrol"]
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == reverse("training:cohort", args=[cohort.pk])
    assert Enrolment.objects.filter(cohort=cohort, person=newcomer).exists()


def test_a_person_of_another_trust_cannot_be_enrolled(client, kpo_user, cohort, other_trust):
    stranger = PersonFactory(organisation=other_trust)
    client.force_login(kpo_user)
    response = client.post(
        reverse("training:cohort-enrol", args=[cohort.pk]),
        {"person": stranger.pk, "enrolled_on": "2019-01-02"},
    )
    assert response.status_code == 400
    assert not Enrolment.objects.filter(person=stranger).exists()


def test_recording_a_withdrawal(client, kpo_user, enrolment, actions):
    client.force_login(kpo_user)
    url, data = actions["withdraw"]
    assert client.post(url, data).status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.withdrawn_on == dt.date(2019, 2, 1)
    assert enrolment.withdrawal_reason == "Moved trust"


def test_the_cohort_page_takes_no_post_now_its_actions_have_urls(client, kpo_user, cohort):
    client.force_login(kpo_user)
    assert client.post(reverse("training:cohort", args=[cohort.pk])).status_code == 405
