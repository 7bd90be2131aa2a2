"""Building a survey in the browser's pages (#17): the survey, its sections and questions
(added, changed, reordered), its waves (added, changed, closed), and inviting several people
at once with the person picker; errors name their field, another trust's survey is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from factories import PersonFactory
from training import services
from training.models import (
    Invitation,
    Question,
    QuestionKind,
    Survey,
    SurveySection,
    SurveyWave,
)
from training.views_surveys import SURVEYS_PAGE_SIZE

pytestmark = pytest.mark.django_db
# The app's idea of today (settings.TIME_ZONE), not the machine's.
TODAY = timezone.localdate()


@pytest.fixture
def survey(trust):
    return Survey.objects.create(organisation=trust, title="SASH staff survey")


@pytest.fixture
def section(survey):
    return SurveySection.objects.create(survey=survey, order=1, key="skills", title="Skills")


def _question(section, order, code, kind=QuestionKind.LIKERT):
    return Question.objects.create(
        section=section, order=order, code=code, text=f"About {code}", kind=kind
    )


def test_a_kpo_creates_a_survey_of_their_trust_and_is_taken_to_it(client, kpo_user, trust):
    client.force_login(kpo_user)
    assert client.get(reverse("training:survey-new")).status_code == 200
    response = client.post(
        reverse("training:survey-new"), {"owner": trust.pk, "title": "Huddle survey"}
    )
    survey = Survey.objects.get(title="Huddle survey")
    assert survey.organisation == trust
    assert response.status_code == 302 and response.url == reverse(
        "training:survey", args=[survey.pk]
    )
    page = client.get(response.url).content.decode()
    assert "Add a section" in page and "Add a wave" in page


def test_a_kpo_may_not_create_a_partnership_survey(client, kpo_user):
    client.force_login(kpo_user)
    response = client.post(reverse("training:survey-new"), {"owner": "partnership", "title": "X"})
    assert response.status_code == 400 and "owner" in response.context["form"].errors
    assert not Survey.objects.exists()


def test_a_survey_without_a_title_is_refused_naming_the_field_and_keeping_what_was_typed(
    client, kpo_user, trust
):
    client.force_login(kpo_user)
    response = client.post(
        reverse("training:survey-new"), {"owner": trust.pk, "title": "", "description": "Kept"}
    )
    assert response.status_code == 400
    assert "title" in response.context["form"].errors
    assert "Kept" in response.content.decode()


def test_sections_and_questions_are_added_in_order_with_the_next_order_offered(
    client, kpo_user, survey
):
    client.force_login(kpo_user)
    response = client.post(
        reverse("training:section-new", args=[survey.pk]),
        {"title": "Skills", "key": "skills", "order": 1},
    )
    assert response.status_code == 302
    section = survey.sections.get()
    url = reverse("training:question-new", args=[section.pk])
    for code in ("built_skills", "use_daily"):
        form = client.get(url).context["form"]
        response = client.post(
            url,
            {
                "text": f"L4L {code}",
                "kind": QuestionKind.LIKERT,
                "code": code,
                "required": "on",
                "order": form["order"].initial,
            },
        )
        assert response.status_code == 302, response.context["form"].errors
    assert [q.code for q in section.questions.order_by("order")] == ["built_skills", "use_daily"]
    assert list(section.questions.values_list("order", flat=True).order_by("order")) == [1, 2]


def test_a_question_whose_code_is_taken_is_refused_on_the_code(client, kpo_user, section):
    _question(section, 1, "skills")
    client.force_login(kpo_user)
    response = client.post(
        reverse("training:question-new", args=[section.pk]),
        {"text": "Again", "kind": QuestionKind.LIKERT, "code": "skills", "order": 2},
    )
    assert response.status_code == 400
    assert "code" in response.context["form"].errors
    assert section.questions.count() == 1


def test_a_name_generator_question_stores_its_settings_and_refuses_a_minimum_above_the_maximum(
    client, kpo_user, section
):
    client.force_login(kpo_user)
    url = reverse("training:question-new", args=[section.pk])
    data = {
        "text": "Who do you go to?",
        "kind": QuestionKind.NAME_GENERATOR,
        "code": "network",
        "order": 1,
        "name_generator_min_names": 5,
        "name_generator_max_names": 3,
        "name_generator_interactions": ["advice"],
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "name_generator_max_names" in response.context["form"].errors
    response = client.post(url, {**data, "name_generator_max_names": 8})
    assert response.status_code == 302
    question = section.questions.get()
    assert question.config == {"min_names": 5, "max_names": 8, "interactions": ["advice"]}
    # A Likert question stores none of the name generator's settings.
    client.post(
        reverse("training:question-edit", args=[question.pk]),
        {**data, "kind": QuestionKind.LIKERT, "name_generator_max_names": 8},
    )
    question.refresh_from_db()
    assert question.kind == QuestionKind.LIKERT and question.config == {}


def test_questions_move_up_and_down_within_their_section(client, kpo_user, section):
    first, second, third = (_question(section, n, f"q{n}") for n in (1, 2, 3))
    client.force_login(kpo_user)
    response = client.post(reverse("training:question-move", args=[third.pk, "up"]))
    assert response.status_code == 302
    assert [q.code for q in section.questions.order_by("order")] == ["q1", "q3", "q2"]
    client.post(reverse("training:question-move", args=[first.pk, "down"]))
    assert [q.code for q in section.questions.order_by("order")] == ["q3", "q1", "q2"]
    # The first cannot go further up: nothing changes.
    client.post(reverse("training:question-move", args=[third.pk, "up"]))
    assert [q.code for q in section.questions.order_by("order")] == ["q3", "q1", "q2"]
    assert client.get(reverse("training:question-move", args=[third.pk, "up"])).status_code == 405


def test_a_question_with_answers_keeps_its_kind(kpo_user, section, trust):
    from django.core.exceptions import ValidationError

    question = _question(section, 1, "skills")
    wave = SurveyWave.objects.create(
        survey=section.survey, name="Now", opens_on=TODAY, closes_on=TODAY
    )
    (invitation,) = services.invite(wave, [PersonFactory(organisation=trust)], TODAY)
    services.save_response(invitation, {f"q-{question.pk}": "4"}, submit=False)
    with pytest.raises(ValidationError) as error:
        services.update_question(question=question, data={"kind": QuestionKind.FREE_TEXT})
    assert "kind" in error.value.message_dict


def test_a_wave_is_added_changed_and_closed_today(client, kpo_user, survey):
    client.force_login(kpo_user)
    response = client.post(
        reverse("training:wave-new", args=[survey.pk]),
        {"name": "Spring", "opens_on": TODAY - dt.timedelta(days=3), "closes_on": TODAY},
    )
    assert response.status_code == 302
    wave = survey.waves.get()
    response = client.post(
        reverse("training:wave-edit", args=[wave.pk]),
        {"name": "Spring 2026", "opens_on": wave.opens_on, "closes_on": TODAY + dt.timedelta(30)},
    )
    assert response.status_code == 302
    response = client.post(reverse("training:wave-close", args=[wave.pk]))
    closed_on = timezone.localdate()  # the run may cross midnight after TODAY was read
    assert response.status_code == 302
    wave.refresh_from_db()
    assert wave.name == "Spring 2026" and wave.closes_on == closed_on


def test_a_wave_closing_before_it_opens_is_refused_on_the_closing_date(client, kpo_user, survey):
    client.force_login(kpo_user)
    response = client.post(
        reverse("training:wave-new", args=[survey.pk]),
        {"name": "Backwards", "opens_on": "2026-05-01", "closes_on": "2026-04-01"},
    )
    assert response.status_code == 400
    assert "closes_on" in response.context["form"].errors
    assert not SurveyWave.objects.exists()


def test_a_wave_not_yet_open_cannot_be_closed_and_says_why(client, kpo_user, survey):
    wave = SurveyWave.objects.create(
        survey=survey,
        name="Later",
        opens_on=TODAY + dt.timedelta(days=10),
        closes_on=TODAY + dt.timedelta(days=20),
    )
    client.force_login(kpo_user)
    # Not offered on the survey's page; refused with the reason if posted anyway.
    assert (
        "Close today"
        not in client.get(reverse("training:survey", args=[survey.pk])).content.decode()
    )
    response = client.post(reverse("training:wave-close", args=[wave.pk]), follow=True)
    assert "cannot close before it opens" in response.content.decode()
    wave.refresh_from_db()
    assert wave.closes_on == TODAY + dt.timedelta(days=20)


def test_another_trusts_survey_is_refused_on_every_page(client, kpo_user, other_trust):
    survey = Survey.objects.create(organisation=other_trust, title="Leeds survey")
    section = SurveySection.objects.create(survey=survey, order=1, key="a", title="A")
    question = _question(section, 1, "a1")
    wave = SurveyWave.objects.create(survey=survey, name="W", opens_on=TODAY, closes_on=TODAY)
    client.force_login(kpo_user)
    gets = [
        reverse("training:survey", args=[survey.pk]),
        reverse("training:survey-edit", args=[survey.pk]),
        reverse("training:section-new", args=[survey.pk]),
        reverse("training:section-edit", args=[section.pk]),
        reverse("training:question-new", args=[section.pk]),
        reverse("training:question-edit", args=[question.pk]),
        reverse("training:wave-new", args=[survey.pk]),
        reverse("training:wave-edit", args=[wave.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 403, url
    posts = [
        reverse("training:question-move", args=[question.pk, "up"]),
        reverse("training:wave-close", args=[wave.pk]),
        reverse("training:survey-edit", args=[survey.pk]),
    ]
    for url in posts:
        assert client.post(url, {"title": "Mine"}).status_code == 403, url
    survey.refresh_from_db()
    assert survey.title == "Leeds survey"
    assert client.get(reverse("training:survey", args=[999999])).status_code == 404


def test_a_kpo_sees_a_partnership_survey_without_changing_it_and_the_regulator_changes_it(
    client, kpo_user, regulator_user
):
    survey = Survey.objects.create(title="L4L participant survey")
    client.force_login(kpo_user)
    page = client.get(reverse("training:survey", args=[survey.pk]))
    assert page.status_code == 200 and "Add a wave" not in page.content.decode()
    assert client.get(reverse("training:wave-new", args=[survey.pk])).status_code == 403
    client.force_login(regulator_user)
    response = client.post(
        reverse("training:wave-new", args=[survey.pk]),
        {"name": "Nov 2018", "opens_on": "2018-11-01", "closes_on": "2018-11-30"},
    )
    assert response.status_code == 302 and survey.waves.get().name == "Nov 2018"


def test_the_survey_list_shows_only_surveys_the_user_may_see(client, kpo_user, survey, other_trust):
    Survey.objects.create(organisation=other_trust, title="Leeds survey")
    Survey.objects.create(title="Partnership survey")
    client.force_login(kpo_user)
    page = client.get(reverse("training:survey-list")).content.decode()
    assert "SASH staff survey" in page and "Partnership survey" in page
    assert "Leeds survey" not in page


# --- Inviting several people at once with the picker ---------------------------------------


@pytest.fixture
def open_wave(survey):
    return SurveyWave.objects.create(
        survey=survey, name="Now", opens_on=TODAY, closes_on=TODAY + dt.timedelta(days=30)
    )


def test_a_kpo_invites_several_people_chosen_in_one_picker(client, kpo_user, trust, open_wave):
    ann, bob, _ = (PersonFactory(organisation=trust, full_name=n) for n in ("Ann", "Bob", "Cy"))
    client.force_login(kpo_user)
    url = reverse("training:wave-invitations", args=[open_wave.pk])
    html = client.get(url).content.decode()
    assert "<select" in html and "multiple" in html and "data-person-search=" in html
    assert "person_picker.js" in html
    response = client.post(url, {"people": [ann.pk, bob.pk]})
    assert response.status_code == 302
    assert set(Invitation.objects.values_list("person__full_name", flat=True)) == {"Ann", "Bob"}
    # Those invited are no longer offered; choosing one again is refused naming the field.
    response = client.post(url, {"people": [ann.pk]})
    assert response.status_code == 400 and "people" in response.context["form"].errors
    assert Invitation.objects.count() == 2


def test_inviting_nobody_or_another_trusts_person_is_refused_on_the_field(
    client, kpo_user, other_trust, open_wave
):
    leeds = PersonFactory(organisation=other_trust, full_name="Leeds Person")
    client.force_login(kpo_user)
    url = reverse("training:wave-invitations", args=[open_wave.pk])
    response = client.post(url, {})
    assert response.status_code == 400
    assert response.context["form"].errors["people"] == [
        "Choose at least one participant to invite."
    ]
    response = client.post(url, {"people": [leeds.pk]})
    assert response.status_code == 400 and "people" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_a_second_wave_of_the_same_name_or_a_taken_section_place_is_refused_on_the_field(
    client, kpo_user, section
):
    survey = section.survey
    SurveyWave.objects.create(survey=survey, name="Spring", opens_on=TODAY, closes_on=TODAY)
    client.force_login(kpo_user)
    response = client.post(
        reverse("training:wave-new", args=[survey.pk]),
        {"name": "Spring", "opens_on": TODAY, "closes_on": TODAY},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "name": ["This survey has a wave of this name already."]
    }
    response = client.post(
        reverse("training:section-new", args=[survey.pk]),
        {"title": "Value", "key": "value", "order": section.order},
    )
    assert response.status_code == 400 and list(response.context["form"].errors) == ["order"]


def test_a_waves_edit_page_shows_its_dates_so_saving_keeps_them(client, kpo_user, survey):
    wave = SurveyWave.objects.create(
        survey=survey, name="Spring", opens_on=dt.date(2019, 3, 1), closes_on=dt.date(2019, 3, 31)
    )
    client.force_login(kpo_user)
    html = client.get(reverse("training:wave-edit", args=[wave.pk])).content.decode()
    # A date input shows only ISO dates: an en-GB 01/03/2019 would be blank, and lost on save.
    assert 'value="2019-03-01"' in html and 'value="2019-03-31"' in html


@pytest.mark.parametrize("size", [2, 30])
def test_the_survey_list_and_a_surveys_page_query_the_same_at_two_sizes(
    client, kpo_user, trust, size, django_assert_max_num_queries
):
    for n in range(size):
        survey = Survey.objects.create(organisation=trust, title=f"Survey {n:02}")
        section = SurveySection.objects.create(survey=survey, order=1, key="a", title="A")
        for q in range(1, 4):
            _question(section, q, f"q{q}")
        SurveyWave.objects.create(survey=survey, name="W", opens_on=TODAY, closes_on=TODAY)
    client.force_login(kpo_user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("training:survey-list"))
    assert len(response.context["rows"]) == min(size, SURVEYS_PAGE_SIZE)  # one page
    with django_assert_max_num_queries(12):
        assert client.get(reverse("training:survey", args=[survey.pk])).status_code == 200
