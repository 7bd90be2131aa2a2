"""The one person picker's search endpoint: at most 20 matches, only people the user may choose."""

from __future__ import annotations

import datetime as dt

from factories import PersonFactory
from vmi_programme.models import Partnership
from vmi_programme.person_picker import SEARCH_LIMIT


def _names(response) -> list[str]:
    return [p["name"] for p in response.json()["results"]]


def test_search_finds_at_most_twenty_people_of_the_trust_by_every_word(client, kpo_user, trust):
    for n in range(25):
        PersonFactory(organisation=trust, full_name=f"Sam Smith {n:02}")
    PersonFactory(organisation=trust, full_name="Sam Jones")
    client.force_login(kpo_user)
    response = client.get("/people/search.json", {"q": "smith", "organisation": trust.pk})
    assert response.status_code == 200
    assert len(_names(response)) == SEARCH_LIMIT == 20
    assert _names(response)[0] == "Sam Smith 00"
    # Told apart by organisation and job title, as the select's options are.
    assert response.json()["results"][0]["label"].startswith(f"Sam Smith 00 ({trust.short_name}")
    response = client.get("/people/search.json", {"q": "sam jon", "organisation": trust.pk})
    assert _names(response) == ["Sam Jones"]
    assert _names(client.get("/people/search.json", {"q": "s", "organisation": trust.pk})) == []


def test_search_refuses_another_trusts_people_and_the_partnership_to_a_trusts_kpo(
    client, kpo_user, other_trust
):
    PersonFactory(organisation=other_trust, full_name="Leeds Person")
    client.force_login(kpo_user)
    response = client.get("/people/search.json", {"q": "leeds", "organisation": other_trust.pk})
    assert response.status_code == 403
    assert client.get(
        "/people/search.json", {"q": "leeds", "scope": "partnership"}
    ).status_code == (403)
    # Without a scope, only people the user may view: not another trust's.
    assert _names(client.get("/people/search.json", {"q": "leeds"})) == []


def test_the_regulator_searches_the_partnerships_people(
    client, regulator_user, trust, other_trust, regulator_org
):
    partnership = Partnership.objects.create(
        name="NHS-VMI", short_name="NHS-VMI", started_on=dt.date(2015, 7, 1)
    )
    partnership.members.set([trust, regulator_org])
    PersonFactory(organisation=trust, full_name="Pat Partner")
    PersonFactory(organisation=other_trust, full_name="Pat Outside")
    client.force_login(regulator_user)
    response = client.get("/people/search.json", {"q": "pat", "scope": "partnership"})
    assert _names(response) == ["Pat Partner"]


def test_search_answers_only_get_and_only_signed_in_users(client, kpo_user, trust):
    response = client.get("/people/search.json", {"q": "sam", "organisation": trust.pk})
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(kpo_user)
    assert client.post("/people/search.json", {"q": "sam"}).status_code == 405
    assert client.get("/people/search.json", {"organisation": "x"}).status_code == 403


def test_with_many_people_the_picker_is_a_text_input_matched_by_name(trust, other_trust):
    from governance.forms import MembershipForm
    from governance.models import MeetingKind, Membership
    from governance.services import meetings as meeting_services
    from vmi_programme.person_picker import MAX_OPTIONS

    tgt = meeting_services.create_series(MeetingKind.TGT, "SASH TGT", organisation=trust)
    for n in range(MAX_OPTIONS + 1):
        PersonFactory(organisation=trust, full_name=f"Person {n:03}", job_title="Nurse")
    twin_a = PersonFactory(organisation=trust, full_name="Alex Twin", job_title="Matron")
    PersonFactory(organisation=trust, full_name="Alex Twin", job_title="Porter")
    people = trust.people.all()

    def form(person: str):
        return MembershipForm(
            {"person": person, "started_on": "2016-01-01"},
            instance=Membership(series=tgt),
            people=people,
            search="/people/search.json",
        )

    html = str(form("")["person"])
    assert "<select" not in html and 'type="text"' in html and "nhsuk-input" in html
    assert 'data-person-search="/people/search.json"' in html
    typed = form("person 007")
    assert typed.is_valid() and typed.cleaned_data["person"].full_name == "Person 007"
    ambiguous = form("Alex Twin")
    assert not ambiguous.is_valid() and "More than one person" in ambiguous.errors["person"][0]
    chosen = form(f"Alex Twin ({trust.short_name}, Matron)")
    assert chosen.is_valid() and chosen.cleaned_data["person"] == twin_a
    assert form(str(twin_a.pk)).is_valid()
    nobody = form("Nobody Here")
    assert not nobody.is_valid() and "No one called “Nobody Here”" in nobody.errors["person"][0]
    # Someone of another trust is not among the choices, by name or by id.
    outsider = PersonFactory(organisation=other_trust, full_name="Leeds Person")
    assert not form("Leeds Person").is_valid() and not form(str(outsider.pk)).is_valid()
    # A bound form shows what was typed, so nothing is lost on a bad submit.
    assert 'value="Nobody Here"' in str(nobody["person"])


def test_choosing_one_of_a_thousand_people_is_a_search_not_a_scroll(
    client, kpo_user, trust, django_assert_max_num_queries
):
    """Issue 17 (c): with 1,000 people at the trust, the member form and the twelve-member
    attendance form hold no list of them (a text input each, matched by name as typed), the
    search answers at most 20, and neither page's size nor its queries grow with the trust."""
    import re

    from governance.models import MeetingKind, Membership
    from governance.services import meetings as meeting_services
    from vmi_programme.models import Person

    tgt = meeting_services.create_series(MeetingKind.TGT, "SASH TGT", organisation=trust)
    members = [PersonFactory(organisation=trust, full_name=f"Member {n:02}") for n in range(12)]
    for person in members:
        meeting_services.add_membership(tgt, person, dt.date(2016, 1, 1))
    meeting = meeting_services.create_meeting(tgt, dt.date(2016, 3, 8), status="held")
    Person.objects.bulk_create(
        Person(organisation=trust, full_name=f"Person {n:04}", job_title="Nurse")
        for n in range(1000 - Person.objects.filter(organisation=trust).count())
    )
    assert Person.objects.filter(organisation=trust).count() == 1000
    client.force_login(kpo_user)

    for url, pickers in (
        (f"/governance/series/{tgt.pk}/memberships/new/", 1),
        (f"/governance/meetings/{meeting.pk}/attendance/", 12),  # a deputy picker a member
    ):
        with django_assert_max_num_queries(40):
            response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Person 0500" not in html  # nobody listed to scroll through
        assert len(re.findall(r"<option", html)) < 100, url
        assert html.count('data-person-search="/people/search.json') == pickers, url
        assert len(html) < 200_000, f"{url} is {len(html)} characters"

    with django_assert_max_num_queries(10):
        response = client.get("/people/search.json", {"q": "person", "organisation": trust.pk})
    assert len(_names(response)) == SEARCH_LIMIT
    response = client.get("/people/search.json", {"q": "person 0742", "organisation": trust.pk})
    assert _names(response) == ["Person 0742"]
    # The label the search offered, typed into the form, chooses that person.
    label = response.json()["results"][0]["label"]
    response = client.post(
        f"/governance/series/{tgt.pk}/memberships/new/",
        {"person": label, "started_on": "2016-04-01"},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(series=tgt, person__full_name="Person 0742").exists()
