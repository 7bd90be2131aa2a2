"""The name generator: limits, self and duplicate names, interaction types, matching, search."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from factories import PersonFactory
from networks.models import Collaborator, Nomination
from networks.services import NamedPerson, save_name_generator_answer
from training.surveys import Response
from vmi_programme.models import Job, Person


def named(*names, kinds=("advice",)):
    return [NamedPerson(name=name, interactions=list(kinds)) for name in names]


def assert_nothing_written(respondent):
    assert not Nomination.objects.exists()
    assert not Collaborator.objects.exists()
    assert not Response.objects.filter(invitation=respondent).exists()


@pytest.mark.parametrize("count", [0, 1, 11])
def test_answer_outside_two_to_ten_names_is_refused_and_nothing_written(
    respondent, colleagues, count
):
    names = [f"Person Number{i}" for i in range(count)]
    with pytest.raises(ValidationError) as error:
        save_name_generator_answer(respondent, named(*names))
    assert "at least 2" in str(error.value) or "at most 10" in str(error.value)
    assert_nothing_written(respondent)


def test_naming_oneself_is_refused(respondent, colleagues):
    entries = named("Ann Archer", "rita  RESPONDENT")
    with pytest.raises(ValidationError) as error:
        save_name_generator_answer(respondent, entries)
    assert "cannot name yourself" in str(error.value)
    assert_nothing_written(respondent)


def test_choosing_oneself_from_the_list_is_refused(respondent, colleagues):
    entries = [
        NamedPerson(person_id=colleagues[0].pk, interactions=["advice"]),
        NamedPerson(person_id=respondent.person_id, interactions=["advice"]),
    ]
    with pytest.raises(ValidationError, match="cannot name yourself"):
        save_name_generator_answer(respondent, entries)
    assert_nothing_written(respondent)


def test_naming_the_same_person_twice_is_refused(respondent, colleagues):
    entries = [
        NamedPerson(person_id=colleagues[0].pk, interactions=["advice"]),
        NamedPerson(name="ann archer", interactions=["expertise"]),
    ]
    with pytest.raises(ValidationError, match="twice"):
        save_name_generator_answer(respondent, entries)
    assert_nothing_written(respondent)


def test_unknown_interaction_type_is_refused(respondent, colleagues):
    entries = named("Ann Archer") + named("Ben Baker", kinds=["friendship"])
    with pytest.raises(ValidationError, match="Unknown interaction type 'friendship'"):
        save_name_generator_answer(respondent, entries)
    assert_nothing_written(respondent)


def test_a_name_without_interaction_type_is_refused(respondent, colleagues):
    entries = named("Ann Archer") + named("Ben Baker", kinds=[])
    with pytest.raises(ValidationError, match="expertise, advice or influence"):
        save_name_generator_answer(respondent, entries)


def test_names_are_matched_to_the_trusts_people_or_recorded_as_new_collaborators(
    respondent, colleagues, other_trust
):
    PersonFactory(organisation=other_trust, full_name="Gil Green")  # same name, other trust
    entries = named("  ann   ARCHER ", kinds=["advice", "influence"]) + named("Gil Green")
    entries[1].role, entries[1].department = "Porter", "Estates"
    nominations = save_name_generator_answer(respondent, entries)
    assert [n.alter for n in nominations][0] == colleagues[0]
    new = nominations[1].alter
    assert new.organisation == respondent.person.organisation
    assert (new.full_name, new.job_title, new.department) == ("Gil Green", "Porter", "Estates")
    assert Collaborator.objects.filter(person=new).exists()
    assert nominations[0].interactions == ["advice", "influence"]
    assert Response.objects.filter(invitation=respondent).exists()


def test_answering_again_replaces_the_earlier_answer(respondent, colleagues):
    save_name_generator_answer(respondent, named("Ann Archer", "Ben Baker"))
    save_name_generator_answer(respondent, named("Cat Carter", "Dan Dyer", "Eve Evans"))
    alters = set(Nomination.objects.values_list("alter__full_name", flat=True))
    assert alters == {"Cat Carter", "Dan Dyer", "Eve Evans"}


def test_saving_an_answer_recomputes_the_wave_network(respondent, colleagues):
    save_name_generator_answer(respondent, named("Ann Archer", "Ben Baker"))
    job = Job.objects.get(kind="networks.summarise")
    assert job.status == "succeeded"
    assert job.result["summary"]["ties"] == 2
    assert job.result["summary"]["respondents"] == 1


def _post(client, token, rows):
    data = {"form-TOTAL_FORMS": "10", "form-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"form-{index}-{key}"] = value
    return client.post(reverse("networks:answer", args=[token]), data)


def test_the_answer_page_works_by_invitation_link_without_signing_in(
    client, respondent, colleagues
):
    page = client.get(reverse("networks:answer", args=[respondent.token]))
    assert page.status_code == 200
    assert "Who you talk to about improvement" in page.text
    response = _post(
        client,
        respondent.token,
        [
            {"name": "Ann Archer", "person_id": str(colleagues[0].pk), "interactions": "advice"},
            {"name": "Zed New", "interactions": ["expertise", "influence"], "role": "Porter"},
        ],
    )
    assert response.status_code == 302
    assert Nomination.objects.filter(respondent=respondent.person).count() == 2


def test_the_answer_page_shows_a_clear_message_and_keeps_nothing_when_too_few_names(
    client, respondent, colleagues
):
    response = _post(client, respondent.token, [{"name": "Ann Archer", "interactions": "advice"}])
    assert response.status_code == 200
    assert "Name at least 2 people (you named 1)." in response.text
    assert not Nomination.objects.exists()


def test_the_answer_page_puts_the_message_next_to_the_duplicate_row(client, respondent, colleagues):
    response = _post(
        client,
        respondent.token,
        [
            {"name": "Ann Archer", "interactions": "advice"},
            {"name": "Ben Baker", "interactions": "advice"},
            {"name": "Ann Archer", "interactions": "influence"},
        ],
    )
    assert "Name 3: You named this person twice." in response.text
    assert not Nomination.objects.exists()


def test_an_unknown_link_is_not_found(client, db):
    assert client.get(reverse("networks:answer", args=["nope"])).status_code == 404


def test_search_returns_at_most_ten_people_of_the_respondents_trust(
    client, respondent, trust, other_trust
):
    for i in range(12):
        PersonFactory(organisation=trust, full_name=f"Morgan Smith{i:02d}")
    PersonFactory(organisation=other_trust, full_name="Morgan Elsewhere")
    url = reverse("networks:answer-people", args=[respondent.token])
    results = client.get(url, {"q": "morgan"}).json()["results"]
    assert len(results) == 10
    assert all(r["name"].startswith("Morgan Smith") for r in results)
    assert client.get(url, {"q": "rita"}).json()["results"] == []  # not oneself
    assert Person.objects.filter(full_name="Morgan Elsewhere").exists()
