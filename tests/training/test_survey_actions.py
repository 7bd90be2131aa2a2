"""The survey page's two POST-only actions, reached by the respondent's link (no account):
save and come back later, or submit."""

import datetime as dt

import pytest
from django.urls import reverse

from training import question_kinds, services
from training.models import Question, QuestionKind, Response, Survey, SurveySection, SurveyWave

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave(db, l4l):
    survey = Survey.objects.create(title="L4L participant survey", programme=l4l)
    section = SurveySection.objects.create(survey=survey, order=1, key="skills", title="Skills")
    Question.objects.create(
        section=section, order=1, code="skills", text="L4L built my skills.",
        kind=QuestionKind.LIKERT,
    )  # fmt: skip
    today = dt.date.today()
    return SurveyWave.objects.create(
        survey=survey,
        name="Now",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
    )


@pytest.fixture
def invitation(wave, participant):
    (invitation,) = services.invite(wave, [participant], dt.date.today())
    return invitation


def _skills(wave):
    return question_kinds.field_name(Question.objects.get(section__survey=wave.survey))


def test_saving_keeps_the_answers_open_and_goes_back_to_the_page(client, wave, invitation):
    response = client.post(
        reverse("training:take-save", args=[invitation.token]), {_skills(wave): "4"}
    )
    assert response.status_code == 302
    assert response.url == reverse("training:take", args=[invitation.token])
    saved = Response.objects.get()
    assert saved.completed_at is None and saved.answers.get().likert == 4


def test_submitting_completes_the_response(client, wave, invitation):
    response = client.post(
        reverse("training:take-submit", args=[invitation.token]), {_skills(wave): "5"}
    )
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    assert Response.objects.get().completed_at is not None


@pytest.mark.parametrize("name", ["training:take-save", "training:take-submit"])
def test_each_action_refuses_a_get(client, invitation, name):
    assert client.get(reverse(name, args=[invitation.token])).status_code == 405


@pytest.mark.parametrize("name", ["training:take-save", "training:take-submit"])
def test_each_action_refuses_a_link_that_is_not_an_invitation(client, wave, name):
    response = client.post(reverse(name, args=["not-a-real-token"]), {})
    assert response.status_code == 404
    assert not Response.objects.exists()


def test_the_survey_page_itself_takes_no_post(client, invitation):
    assert client.post(reverse("training:take", args=[invitation.token])).status_code == 405
