"""Network pages: anonymisation by role, access rules, the interaction filter, change over time."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from factories import PersonFactory
from networks.services import NamedPerson, save_name_generator_answer
from training.surveys import SurveyWave
from vmi_programme.models import Role


@pytest.fixture
def network(trust, invite, colleagues):
    """Two respondents naming colleagues; the summarise run stores the result."""
    rita = invite(
        PersonFactory(organisation=trust, full_name="Rita Respondent", job_title="Matron")
    )
    sam = invite(PersonFactory(organisation=trust, full_name="Sam Secret", department="Theatres"))
    save_name_generator_answer(
        rita,
        [
            NamedPerson(name="Ann Archer", interactions=["advice"]),
            NamedPerson(name="Sam Secret", interactions=["influence"]),
        ],
    )
    save_name_generator_answer(
        sam,
        [
            NamedPerson(name="Rita Respondent", interactions=["expertise", "advice"]),
            NamedPerson(name="Ben Baker", interactions=["expertise"]),
        ],
    )
    return rita, sam


def wave_url(trust, wave, **query):
    url = reverse("networks:wave", args=[trust.pk, wave.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


NAMES = ("Rita Respondent", "Sam Secret", "Ann Archer", "Ben Baker")


def test_the_trusts_kpo_and_analysts_see_names_on_the_map(
    client, network, trust, wave, kpo_user, analyst
):
    for user in (kpo_user, analyst):
        client.force_login(user)
        page = client.get(wave_url(trust, wave))
        assert page.status_code == 200
        for name in NAMES:
            assert name in page.text


@pytest.mark.parametrize("who", ["executive", "regulator", "tgb"])
def test_everyone_else_sees_anonymous_nodes_and_no_names_reach_the_browser(
    client, network, trust, wave, executive, regulator_user, make_user, who
):
    users = {
        "executive": executive,
        "regulator": regulator_user,
        "tgb": make_user(trust, Role.TGB_MEMBER, username="tgb"),
    }
    client.force_login(users[who])
    page = client.get(wave_url(trust, wave))
    assert page.status_code == 200
    for name in NAMES:
        assert name not in page.text
    assert "Respondent<" in page.text or "Respondent</b>" in page.text
    # A role or department held by fewer than five actors is merged, so it cannot single out.
    assert "Matron" not in page.text and "Theatres" not in page.text
    assert "Other (groups under 5)" in page.text


def test_the_trusts_kpo_sees_roles_and_departments_however_few(
    client, network, trust, wave, kpo_user
):
    client.force_login(kpo_user)
    page = client.get(wave_url(trust, wave))
    assert "Matron" in page.text and "Theatres" in page.text


def test_stored_results_hold_no_names_or_person_ids(network, trust, wave):
    from vmi_programme.jobs import latest_result

    job = latest_result("networks.summarise", organisation=trust, wave=wave.pk)
    text = json.dumps(job.result)
    for name in NAMES:
        assert name not in text
    rita = network[0].person
    assert str(rita.pk) not in _strings(job.result) and not any(
        actor["key"] == str(rita.pk) for actor in job.result["actors"]
    )


def _strings(value, key: str = "") -> set[str]:
    """Every string key and value in a stored result, but the triad census's, whose keys are
    the census's codes ("210", "021D"...) and may equal a person's id by chance."""
    if "triad" in key:
        return set()
    if isinstance(value, dict):
        found = {str(k) for k in value}
        for k, v in value.items():
            found |= _strings(v, str(k))
        return found
    if isinstance(value, list):
        return set().union(*(_strings(v) for v in value)) if value else set()
    return {value} if isinstance(value, str) else set()


def test_another_trusts_kpo_cannot_see_the_network(client, network, trust, wave, other_kpo):
    client.force_login(other_kpo)
    assert client.get(wave_url(trust, wave)).status_code == 403
    assert client.get(reverse("networks:change", args=[trust.pk])).status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(client, network, trust, wave):
    response = client.get(wave_url(trust, wave))
    assert response.status_code == 302 and "/login/" in response.url


def test_the_map_draws_respondents_as_circles_and_collaborators_as_squares(
    client, network, trust, wave, kpo_user
):
    client.force_login(kpo_user)
    text = client.get(wave_url(trust, wave)).text
    spec = json.loads(re.search(r'id="network-map-spec">(.*?)</script>', text).group(1))
    symbols = {
        symbol
        for trace in spec["figure"]["data"]
        if (trace.get("meta") or {}).get("role") == "nodes"
        for symbol in trace["marker"]["symbol"]
    }
    assert symbols == {"circle", "square"}
    assert "2 respondents (circles) and 2 collaborators (squares), 4 ties shown" in text


def test_the_interaction_filter_redraws_from_the_stored_result(
    client, network, trust, wave, kpo_user
):
    client.force_login(kpo_user)
    text = client.get(wave_url(trust, wave, interaction="expertise")).text
    assert "(expertise ties only): 2 respondents" in text
    assert re.search(r"2 collaborators \(squares\), 2 ties shown", text)


def test_the_map_page_reads_the_stored_result_in_few_queries(
    client, network, trust, wave, kpo_user, django_assert_max_num_queries
):
    client.force_login(kpo_user)
    client.get(wave_url(trust, wave))
    with django_assert_max_num_queries(14):
        assert client.get(wave_url(trust, wave)).status_code == 200


def test_change_over_time_shows_both_waves_and_who_joined_the_core(
    client, network, trust, wave, invite, kpo_user, executive
):
    later = SurveyWave.objects.create(
        survey=wave.survey, name="December 2020", opens_on=wave.opens_on, closes_on=wave.closes_on
    )
    rita = invite(network[0].person, later)
    save_name_generator_answer(
        rita,
        [
            NamedPerson(name="Cat Carter", interactions=["advice"]),
            NamedPerson(name="Dan Dyer", interactions=["advice"]),
            NamedPerson(name="Eve Evans", interactions=["advice"]),
        ],
    )
    url = reverse("networks:change", args=[trust.pk])
    client.force_login(kpo_user)
    page = client.get(url)
    assert page.status_code == 200
    assert "December 2018" in page.text and "December 2020" in page.text
    assert "Joined the core (3)" in page.text and "Cat Carter" in page.text
    assert "Left the core (" in page.text and "Ann Archer" in page.text
    client.force_login(executive)
    anonymous = client.get(url).text
    assert "Joined the core (3)" in anonymous and "Cat Carter" not in anonymous
