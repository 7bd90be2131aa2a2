"""Survey links: one response per invitation, save and resume, no account needed; the tests."""

import datetime as dt

import pytest
from scipy import stats

from training import analysis, question_kinds, services
from training.models import (
    Invitation,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveySection,
    SurveyWave,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave(db, l4l):
    survey = Survey.objects.create(title="L4L participant survey", programme=l4l)
    skills = SurveySection.objects.create(
        survey=survey, order=1, key="skills", title="Skills and knowledge"
    )
    network = SurveySection.objects.create(survey=survey, order=2, key="network", title="Network")
    Question.objects.create(
        section=skills,
        order=1,
        code="skills",
        text="L4L built my skills.",
        kind=QuestionKind.LIKERT,
    )
    Question.objects.create(
        section=skills,
        order=2,
        code="why",
        text="Why?",
        kind=QuestionKind.FREE_TEXT,
        required=False,
    )
    Question.objects.create(
        section=network,
        order=1,
        code="names",
        text="Name people.",
        kind=QuestionKind.NAME_GENERATOR,
        required=False,
    )
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


def field(wave, code):
    return question_kinds.field_name(Question.objects.get(section__survey=wave.survey, code=code))


def test_a_respondent_needs_no_account_and_can_save_and_resume(client, wave, invitation):
    url = f"/training/s/{invitation.token}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "L4L built my skills." in page.content.decode()
    assert f"/networks/answer/{invitation.token}/" in page.content.decode()  # name generator
    client.post(f"{url}save/", {field(wave, "why"): "Time"})
    response = Response.objects.get()
    assert response.completed_at is None
    resumed = client.get(url).content.decode()
    assert ">\nTime</textarea>" in resumed  # Django's textarea starts with a newline
    invitation.refresh_from_db()
    assert invitation.opened_at is not None


def test_submitting_requires_the_required_questions(client, wave, invitation):
    url = f"/training/s/{invitation.token}/"
    html = client.post(f"{url}submit/").content.decode()
    assert "nhsuk-error-summary" in html and "Answer this question." in html
    assert Response.objects.get().completed_at is None


def test_one_response_per_invitation_a_used_link_is_refused(client, wave, invitation):
    url = f"/training/s/{invitation.token}/"
    done = client.post(f"{url}submit/", {field(wave, "skills"): "5"})
    assert "Thank you" in done.content.decode()
    again = client.get(url)
    assert again.status_code == 410
    assert "already been completed" in again.content.decode()
    assert client.post(f"{url}submit/", {field(wave, "skills"): "1"}).status_code == 410
    assert Response.objects.get().answers.get().likert == 5


def test_an_unknown_link_is_a_clear_404(client, wave):
    response = client.get("/training/s/not-a-real-token/")
    assert response.status_code == 404
    assert "not recognised" in response.content.decode()


def test_a_closed_wave_refuses_answers(client, wave, invitation):
    wave.closes_on = wave.opens_on
    wave.save()
    with pytest.raises(services.SurveyLinkError, match="open from"):
        services.open_invitation(invitation.token, today=wave.opens_on + dt.timedelta(days=2))


def test_each_invitation_has_its_own_link_and_a_person_is_invited_once(wave, participant, trust):
    from factories import PersonFactory

    other = PersonFactory(organisation=trust)
    first = services.invite(wave, [participant, other], dt.date.today())
    assert len({i.token for i in first}) == 2
    assert services.invite(wave, [participant], dt.date.today()) == []
    assert Invitation.objects.count() == 2


def test_the_name_generator_is_a_question_kind_another_app_can_register():
    assert "name_generator" in QuestionKind.values

    class Dummy(question_kinds.QuestionKindHandler):
        kind = "name_generator"

    handler = Dummy()
    installed = question_kinds._HANDLERS.get("name_generator")  # networks' own handler
    question_kinds.register(handler)
    try:
        assert question_kinds.handler_for(Question(kind="name_generator")) is handler
    finally:
        if installed is not None:
            question_kinds.register(installed)
        else:
            question_kinds._HANDLERS.pop("name_generator")
    with pytest.raises(ValueError):
        Dummy.kind = "nominations"
        question_kinds.register(Dummy())


GROUPS = {"SASH": [5, 5, 4, 4, 4, 3, 5], "SATH": [2, 3, 4, 2, 1, 3], "BHRUT": [3, 4, 2, 3, 4, 4]}


def test_kruskal_wallis_matches_scipy():
    result = analysis.kruskal_wallis(GROUPS)
    h, p = stats.kruskal(*GROUPS.values())
    assert (result.method, result.df, result.n) == ("Kruskal–Wallis H", 2, 19)
    assert result.statistic == pytest.approx(h) and result.p_value == pytest.approx(p)


def test_chi_square_on_agreement_matches_scipy():
    result = analysis.chi_square_agreement(GROUPS)
    table = [[6, 1], [1, 5], [3, 3]]
    chi2, p, df, _ = stats.chi2_contingency(table, correction=False)
    assert result.method == "Pearson chi-square"
    assert (result.statistic, result.p_value, result.df) == (
        pytest.approx(chi2),
        pytest.approx(p),
        df,
    )
    assert result.warning == "some expected counts are below 5"


def test_the_tests_refuse_bad_input_clearly():
    with pytest.raises(ValueError, match="at least two groups"):
        analysis.kruskal_wallis({"SASH": [4, 5]})
    with pytest.raises(ValueError, match="outside 1–5"):
        analysis.chi_square_agreement({"SASH": [4, 6], "SATH": [1]})
    with pytest.raises(ValueError, match="Everyone agrees"):
        analysis.chi_square_agreement({"SASH": [4, 5], "SATH": [5]})
