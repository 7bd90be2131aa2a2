"""Network position against improvement activity: the stored comparison, its page by role
(people by name or suppressed aggregates), and matching named collaborators to people."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from factories import PersonFactory
from networks.models import ActorMatch, Collaborator
from networks.services import NamedPerson, save_name_generator_answer
from rpiw.models import Rpiw, TeamMember, ValueStream
from vmi_programme.jobs import latest_result

PEOPLE = [f"Person {letter}" for letter in "ABCDEFGHIJKL"]


@pytest.fixture
def staff(trust):
    return {
        name: PersonFactory(organisation=trust, full_name=name, department="Surgery")
        for name in PEOPLE
    }


@pytest.fixture
def rpiw_team(trust, staff):
    """Persons A–E were on an RPIW team; A leads the value stream (a group of one)."""
    stream = ValueStream.objects.create(
        organisation=trust,
        name="Theatre flow",
        started_on=dt.date(2017, 1, 2),
        lead=staff["Person A"],
    )
    rpiw = Rpiw.objects.create(
        value_stream=stream,
        reference="T-RPIW-1",
        title="Theatre turnaround",
        workshop_start=dt.date(2018, 3, 5),
        workshop_end=dt.date(2018, 3, 9),
    )
    for name in PEOPLE[:5]:
        TeamMember.objects.create(rpiw=rpiw, role="front_line", name=name, person=staff[name])
    return rpiw


@pytest.fixture
def network(trust, wave, invite, staff, rpiw_team):
    """Six respondents (A–F) each name the next two people round the twelve."""
    for index, name in enumerate(PEOPLE[:6]):
        named = [PEOPLE[(index + 1) % 12], PEOPLE[(index + 6) % 12]]
        save_name_generator_answer(
            invite(staff[name]),
            [NamedPerson(person_id=staff[n].pk, interactions=["advice"]) for n in named],
        )
    return latest_result("networks.summarise", organisation=trust, wave=wave.pk)


def activity_url(trust, **query):
    url = reverse("networks:activity", args=[trust.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def groups(result):
    return {g["key"]: g for g in result["activity"]["groups"]}


def test_the_summary_stores_each_groups_comparison_and_suppresses_groups_under_five(network):
    stored = groups(network.result)
    team = {c["measure"]: c for c in stored["rpiw_team"]["comparisons"]}
    assert set(team) == {"betweenness", "degree", "reach"}
    assert (team["degree"]["n_group"], team["degree"]["n_others"]) == (5, 7)
    assert team["degree"]["median_group"] == 3  # A–E name two and are named once
    assert not team["degree"]["suppressed"] and 0 <= team["degree"]["p_value"] <= 1
    lead = stored["value_stream_lead"]["comparisons"]
    assert all(c["suppressed"] and c["n_group"] is None for c in lead)
    assert all(c["suppressed"] for c in stored["l4l_graduate"]["comparisons"])  # nobody


def test_the_stored_result_says_not_who_is_in_which_group(network, staff):
    text = json.dumps(network.result)
    for name in PEOPLE:
        assert name not in text
    actor = network.result["actors"][0]
    assert not {"groups", "rpiw_team", "activity"} & actor.keys()
    assert {"l4l", "reach"} <= actor.keys() and actor["l4l"] == "not_enrolled"


def test_the_kpo_sees_the_people_in_each_group_by_name(client, network, trust, kpo_user):
    client.force_login(kpo_user)
    page = client.get(activity_url(trust))
    assert page.status_code == 200
    people = page.context["people"]
    assert {p["name"] for p in people} == set(PEOPLE[:5])
    lead = next(p for p in people if p["name"] == "Person A")
    assert lead["groups"] == ["RPIW team members", "Value-stream leads"]
    assert "5 / 7" in page.text


@pytest.mark.parametrize("who", ["executive", "regulator"])
def test_others_see_only_aggregates_and_no_group_under_five(
    client, network, trust, executive, regulator_user, who
):
    client.force_login({"executive": executive, "regulator": regulator_user}[who])
    page = client.get(activity_url(trust))
    assert page.status_code == 200
    assert page.context["people"] is None
    for name in PEOPLE:
        assert name not in page.text
    assert "5 / 7" in page.text  # RPIW team members against everyone else
    tables = {t["label"]: t["rows"][0]["entry"] for t in page.context["tables"]}
    assert tables["Value-stream leads"]["suppressed"]
    assert tables["Value-stream leads"]["n_group"] is None
    assert "Fewer than 5 people on one side: not shown." in page.text


def test_another_trusts_kpo_may_not_see_the_comparison(client, network, trust, other_kpo):
    client.force_login(other_kpo)
    assert client.get(activity_url(trust)).status_code == 403


def test_a_result_stored_before_the_comparison_asks_for_a_rerun(
    client, network, trust, wave, kpo_user
):
    result = dict(network.result)
    del result["activity"]
    result["actors"] = [
        {k: v for k, v in a.items() if k not in ("l4l", "reach")} for a in result["actors"]
    ]
    network.result = result
    network.save(update_fields=["result"])
    client.force_login(kpo_user)
    page = client.get(activity_url(trust))
    assert page.status_code == 200
    assert "rerun the summary" in page.text
    wave_page = client.get(reverse("networks:wave", args=[trust.pk, wave.pk]))
    assert wave_page.status_code == 200
    assert "Rerun the summary" in wave_page.text
    assert '"colouring":"l4l"' not in wave_page.text  # no L4L colouring without the status


def test_the_activity_page_reads_stored_results_in_few_queries(
    client, network, trust, kpo_user, django_assert_max_num_queries
):
    client.force_login(kpo_user)
    client.get(activity_url(trust))
    with django_assert_max_num_queries(25):
        assert client.get(activity_url(trust)).status_code == 200


def test_the_activity_page_needs_no_more_queries_for_a_bigger_network(
    client, network, trust, wave, invite, staff, kpo_user, django_assert_max_num_queries
):
    more = [PersonFactory(organisation=trust, full_name=f"Extra {n}") for n in range(20)]
    for index, person in enumerate(more):
        save_name_generator_answer(
            invite(person),
            [
                NamedPerson(person_id=more[(index + 1) % 20].pk, interactions=["advice"]),
                NamedPerson(person_id=staff[PEOPLE[index % 12]].pk, interactions=["advice"]),
            ],
        )
    client.force_login(kpo_user)
    with django_assert_max_num_queries(25):
        page = client.get(activity_url(trust))
    assert page.status_code == 200 and len(page.context["people"]) == 5


# --- Matching named collaborators to people -----------------------------------------------


@pytest.fixture
def typed_name(trust, wave, invite, staff, network):
    """Person F typed "Zed Newcomer", then Zed joined the staff list and an RPIW team."""
    save_name_generator_answer(
        invite(staff["Person G"]),
        [
            NamedPerson(name="Zed Newcomer", interactions=["expertise"]),
            NamedPerson(person_id=staff["Person H"].pk, interactions=["advice"]),
        ],
    )
    collaborator = Collaborator.objects.get(person__full_name="Zed Newcomer").person
    zed = PersonFactory(organisation=trust, full_name="Zed Newcomer", job_title="Porter")
    TeamMember.objects.create(rpiw=Rpiw.objects.get(), role="front_line", name="Zed", person=zed)
    return collaborator, zed


def decide(client, trust, action, collaborator, person):
    return client.post(
        reverse(f"networks:match-{action}", args=[trust.pk]),
        {"collaborator": collaborator.pk, "person": person.pk},
    )


def test_the_kpo_is_offered_an_exact_name_match_and_confirms_it(
    client, trust, wave, typed_name, kpo_user
):
    collaborator, zed = typed_name
    client.force_login(kpo_user)
    page = client.get(reverse("networks:matches", args=[trust.pk]))
    assert page.status_code == 200
    suggestion = page.context["suggestions"][0]
    assert (suggestion["collaborator"]["id"], suggestion["person"]["id"]) == (
        collaborator.pk,
        zed.pk,
    )
    response = decide(client, trust, "confirm", collaborator, zed)
    assert response.status_code == 302
    match = ActorMatch.objects.get()
    assert match.confirmed and match.decided_by == kpo_user
    assert client.get(reverse("networks:matches", args=[trust.pk])).context["suggestions"] == []
    # The rerun counts the collaborator as Zed, an RPIW team member.
    result = latest_result("networks.summarise", organisation=trust, wave=wave.pk).result
    team = {c["measure"]: c for c in groups(result)["rpiw_team"]["comparisons"]}
    assert team["degree"]["n_group"] == 6
    people = client.get(activity_url(trust)).context["people"]
    assert any(p["name"] == "Zed Newcomer" and p["named_as"] for p in people)


def test_a_rejected_match_leaves_the_collaborator_unmatched(
    client, trust, wave, typed_name, kpo_user
):
    collaborator, zed = typed_name
    client.force_login(kpo_user)
    decide(client, trust, "reject", collaborator, zed)
    assert not ActorMatch.objects.get().confirmed
    result = latest_result("networks.summarise", organisation=trust, wave=wave.pk).result
    assert result["activity"]["collaborators_unmatched"] == 1
    assert client.get(reverse("networks:matches", args=[trust.pk])).context["suggestions"] == []


def test_a_second_confirmed_match_for_one_collaborator_is_refused(
    client, trust, typed_name, kpo_user
):
    collaborator, zed = typed_name
    other_zed = PersonFactory(organisation=trust, full_name="Zed Newcomer")
    client.force_login(kpo_user)
    decide(client, trust, "confirm", collaborator, zed)
    # A confirmed collaborator is no longer suggested; a stale form may still post.
    assert client.get(reverse("networks:matches", args=[trust.pk])).context["suggestions"] == []
    response = decide(client, trust, "confirm", collaborator, other_zed)
    assert response.status_code == 302
    assert ActorMatch.objects.filter(confirmed=True).get().person == zed
    follow = client.get(reverse("networks:matches", args=[trust.pk]))
    assert "already matched to Zed Newcomer: reject that match first" in follow.text


def test_deciding_is_post_only_and_for_the_trusts_kpo(
    client, trust, typed_name, executive, other_kpo, kpo_user
):
    collaborator, zed = typed_name
    client.force_login(kpo_user)
    assert client.get(reverse("networks:match-confirm", args=[trust.pk])).status_code == 405
    for user in (executive, other_kpo):  # no right to see names / another trust
        client.force_login(user)
        assert decide(client, trust, "confirm", collaborator, zed).status_code == 403
        assert client.get(reverse("networks:matches", args=[trust.pk])).status_code == 403
    assert not ActorMatch.objects.exists()


def test_people_of_another_trust_or_nonsense_ids_are_a_clear_error(
    client, trust, other_trust, typed_name, kpo_user
):
    collaborator, _ = typed_name
    stranger = PersonFactory(organisation=other_trust, full_name="Zed Newcomer")
    client.force_login(kpo_user)
    response = decide(client, trust, "confirm", collaborator, stranger)
    assert response.status_code == 302
    url = reverse("networks:match-confirm", args=[trust.pk])
    assert client.post(url, {"collaborator": "x", "person": "9" * 30}).status_code == 302
    page = client.get(reverse("networks:matches", args=[trust.pk]))
    assert "collaborators and people" in page.text  # the message names what was wrong
    assert not ActorMatch.objects.exists()
