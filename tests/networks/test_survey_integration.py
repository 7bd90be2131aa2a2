"""The name-generator question inside training's survey page, answered on networks' page."""

from __future__ import annotations

from django.urls import reverse

from networks.services import NamedPerson, save_name_generator_answer
from training.surveys import Question


def test_the_survey_page_links_the_name_generator_to_its_answer_page(client, respondent):
    page = client.get(reverse("training:take", args=[respondent.token]))
    assert page.status_code == 200
    assert reverse("networks:answer", args=[respondent.token]) in page.text
    assert "You have not named anyone yet" in page.text
    assert "not available" not in page.text


def test_the_survey_page_shows_how_many_people_were_named(client, respondent, colleagues):
    save_name_generator_answer(
        respondent,
        [
            NamedPerson(name="Ann Archer", interactions=["advice"]),
            NamedPerson(name="Ben Baker", interactions=["expertise"]),
        ],
    )
    page = client.get(reverse("training:take", args=[respondent.token]))
    assert "You have named 2 people" in page.text


def test_the_answer_page_links_back_to_the_survey(client, respondent):
    page = client.get(reverse("networks:answer", args=[respondent.token]))
    assert reverse("training:take", args=[respondent.token]) in page.text


def test_submitting_the_survey_requires_names_when_the_question_is_required(
    client, respondent, wave
):
    Question.objects.filter(kind="name_generator").update(required=True)
    response = client.post(reverse("training:take-submit", args=[respondent.token]))
    assert response.status_code == 400
    assert "There is a problem" in response.text
