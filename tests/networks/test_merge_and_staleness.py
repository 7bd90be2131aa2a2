"""Merging two records of one person recomputes the network; changed nominations mark results stale."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from factories import PersonFactory
from networks.models import Collaborator, Nomination, PersonMerge
from networks.services import NamedPerson, merge_people, save_name_generator_answer
from vmi_programme import jobs
from vmi_programme.models import Job, Person, RoleAssignment


def answer(invitation, *names, kinds=("advice",)):
    return save_name_generator_answer(
        invitation, [NamedPerson(name=n, interactions=list(kinds)) for n in names]
    )


@pytest.fixture
def two_spellings(trust, invite, colleagues):
    """Two respondents name the same colleague, spelled two ways."""
    first = invite(PersonFactory(organisation=trust, full_name="Rob Reed"))
    second = invite(PersonFactory(organisation=trust, full_name="Sue Shaw"))
    answer(first, "Jon Smyth", "Ann Archer")
    answer(second, "John Smith", "Ann Archer", kinds=("influence",))
    return first, second


def latest(trust, wave):
    return jobs.latest_result("networks.summarise", organisation=trust, wave=wave.pk)


def test_merging_duplicates_repoints_nominations_deletes_the_duplicate_and_recomputes(
    two_spellings, trust, wave, analyst
):
    before = latest(trust, wave)
    assert before.result["summary"]["collaborators"] == 3
    keep = Person.objects.get(full_name="John Smith")
    duplicate = Person.objects.get(full_name="Jon Smyth")
    merge = merge_people(keep, duplicate, user=analyst)
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    assert merge.duplicate is None and merge.nominations_moved == 1
    assert Nomination.objects.filter(alter=keep).count() == 2
    before.refresh_from_db()
    assert before.stale
    after = latest(trust, wave)
    assert after.pk != before.pk and not after.stale
    assert after.result["summary"]["collaborators"] == 2
    assert after.result["summary"]["ties"] == 4


def test_merging_combines_a_tie_named_under_both_spellings(trust, invite, colleagues, wave):
    rob = invite(PersonFactory(organisation=trust, full_name="Rob Reed"))
    save_name_generator_answer(
        rob,
        [
            NamedPerson(name="Jon Smyth", interactions=["advice"]),
            NamedPerson(name="John Smith", interactions=["influence"]),
        ],
    )
    keep = Person.objects.get(full_name="John Smith")
    merge = merge_people(keep, Person.objects.get(full_name="Jon Smyth"))
    nomination = Nomination.objects.get(respondent=rob.person)
    assert nomination.alter == keep
    assert nomination.interactions == ["advice", "influence"]
    assert merge.nominations_combined == 1
    assert latest(trust, wave).result["summary"]["ties"] == 1


def test_a_duplicate_used_elsewhere_is_kept_but_marked_merged(two_spellings, trust):
    keep = Person.objects.get(full_name="John Smith")
    duplicate = Person.objects.get(full_name="Jon Smyth")
    RoleAssignment.objects.create(person=duplicate, role="analyst")
    merge_people(keep, duplicate)
    assert Person.objects.filter(pk=duplicate.pk).exists()
    assert Collaborator.objects.get(person=duplicate).merged_into == keep
    assert PersonMerge.objects.get().duplicate == duplicate


def test_people_of_different_trusts_cannot_be_merged(trust, other_trust):
    with pytest.raises(ValidationError, match="same trust"):
        merge_people(PersonFactory(organisation=trust), PersonFactory(organisation=other_trust))


def test_a_person_who_was_invited_cannot_be_merged_away(two_spellings):
    first, _ = two_spellings
    with pytest.raises(ValidationError, match="invited"):
        merge_people(Person.objects.get(full_name="John Smith"), first.person)


def test_changing_nominations_marks_the_stored_result_stale_and_queues_a_new_run(
    two_spellings, trust, wave
):
    first, _ = two_spellings
    old = latest(trust, wave)
    answer(first, "Ann Archer", "Ben Baker", "Cat Carter")
    old.refresh_from_db()
    assert old.stale
    assert Job.objects.filter(kind="networks.summarise").count() == 3
    assert latest(trust, wave).result["summary"]["ties"] == 5


def test_the_merge_page_is_for_the_trusts_kpo_and_analysts_only(
    client, two_spellings, trust, analyst, executive, other_kpo
):
    url = reverse("networks:merge", args=[trust.pk])
    for user in (executive, other_kpo):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(analyst)
    page = client.get(url)
    assert page.status_code == 200 and "Jon Smyth" in page.text
    keep = Person.objects.get(full_name="John Smith")
    duplicate = Person.objects.get(full_name="Jon Smyth")
    response = client.post(url, {"keep": keep.pk, "duplicate": duplicate.pk})
    assert response.status_code == 302
    assert not Person.objects.filter(pk=duplicate.pk).exists()
