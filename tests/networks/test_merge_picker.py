"""The merge page chooses its two people with the one person picker: a trust whose respondents
named hundreds of people is a search, not two selects of every one of them; the page's queries
do not grow with the trust, and a typed name or a chosen id both work."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from factories import PersonFactory
from networks.models import Nomination, PersonMerge
from networks.services import NamedPerson, save_name_generator_answer
from vmi_programme.models import Person
from vmi_programme.person_picker import MAX_OPTIONS


@pytest.fixture
def named(trust, invite, colleagues):
    """Rob named "Jon Smyth" and Ann; Sue named "John Smith" and Ann: two spellings of one."""
    rob = invite(PersonFactory(organisation=trust, full_name="Rob Reed"))
    sue = invite(PersonFactory(organisation=trust, full_name="Sue Shaw"))
    for invitation, names in (
        (rob, ["Jon Smyth", "Ann Archer"]),
        (sue, ["John Smith", "Ann Archer"]),
    ):
        save_name_generator_answer(
            invitation, [NamedPerson(name=n, interactions=["advice"]) for n in names]
        )
    return rob


def _named_up_to(trust, rob, count: int) -> None:
    """More people of the trust, each named by Rob, until ``count`` can be merged."""
    nomination = Nomination.objects.filter(respondent=rob.person).first()
    have = Person.objects.filter(organisation=trust, nominations_received__isnull=False)
    people = Person.objects.bulk_create(
        Person(organisation=trust, full_name=f"Named {n:04}", job_title="Nurse")
        for n in range(count - have.distinct().count())
    )
    Nomination.objects.bulk_create(
        Nomination(
            response=nomination.response,
            wave=nomination.wave,
            organisation=trust,
            respondent=rob.person,
            alter=person,
            advice=True,
        )
        for person in people
    )


def _url(trust) -> str:
    return reverse("networks:merge", args=[trust.pk])


@pytest.mark.parametrize("size", [150, 600])
def test_the_merge_page_has_two_searches_and_the_same_queries_at_any_size(
    client, trust, named, analyst, size, django_assert_num_queries
):
    _named_up_to(trust, named, size)
    client.force_login(analyst)
    with django_assert_num_queries(8):  # the same at 150 and 600 people
        response = client.get(_url(trust))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<select" not in html and "Named 0120" not in html
    assert len(re.findall(r"<option", html)) < MAX_OPTIONS
    for name in ("keep", "duplicate"):
        assert re.search(rf'<input type="text" name="{name}"[^>]*data-person-search=', html)
    assert html.count(f'data-person-search="/people/search.json?organisation={trust.pk}"') == 2
    assert "person_picker.js" in html
    assert ">Keep this record</label>" in html and ">Merge this duplicate into it</label>" in html


@pytest.mark.parametrize("how", ["id", "name"])
def test_two_records_are_merged_chosen_by_id_or_by_typed_name(client, trust, named, analyst, how):
    _named_up_to(trust, named, 150)
    keep = Person.objects.get(full_name="John Smith")
    duplicate = Person.objects.get(full_name="Jon Smyth")
    if how == "id":
        data = {"keep": keep.pk, "duplicate": duplicate.pk}
    else:  # a name as typed, and the label the search listed
        data = {"keep": "john smith", "duplicate": "Jon Smyth (SASH)"}
    client.force_login(analyst)
    response = client.post(_url(trust), data)
    assert response.status_code == 302
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    assert PersonMerge.objects.get().kept == keep


def test_another_trusts_person_or_the_same_one_twice_is_refused_with_nothing_merged(
    client, trust, other_trust, named, analyst
):
    _named_up_to(trust, named, 150)
    keep = Person.objects.get(full_name="John Smith")
    leeds = PersonFactory(organisation=other_trust, full_name="Leeds Person")
    client.force_login(analyst)
    for duplicate in (leeds.pk, "Leeds Person", "Nobody Here"):
        response = client.post(_url(trust), {"keep": keep.pk, "duplicate": duplicate})
        assert response.status_code == 200, duplicate
        assert response.context["form"].errors["duplicate"], duplicate
        assert 'id="id_duplicate_error"' in response.content.decode()
    response = client.post(_url(trust), {"keep": keep.pk, "duplicate": "John Smith"})
    assert "Choose two different people." in response.content.decode()
    assert not PersonMerge.objects.exists() and Person.objects.filter(pk=leeds.pk).exists()
