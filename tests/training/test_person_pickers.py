"""Choosing a cohort's facilitators and enrolling a participant with the one person picker: a
trust of hundreds of people is a search, not a select of every one of them; the page's
queries do not grow with the trust, and a typed name or a chosen id both work."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from factories import PersonFactory
from training import services
from training.models import Cohort, Enrolment
from vmi_programme.models import Person
from vmi_programme.person_picker import MAX_OPTIONS

pytestmark = pytest.mark.django_db

NEW = reverse("training:cohort-new")


def _staff(organisation, count: int) -> None:
    """The trust's people made up to ``count``."""
    have = Person.objects.filter(organisation=organisation).count()
    Person.objects.bulk_create(
        Person(organisation=organisation, full_name=f"Staff {n:04}", job_title="Nurse")
        for n in range(count - have)
    )


def _no_select_of_people(html: str, name: str) -> None:
    assert f'<select name="{name}"' not in html
    assert "Staff 0120" not in html  # nobody listed to scroll through
    assert len(re.findall(r"<option", html)) < MAX_OPTIONS
    assert "person_picker.js" in html


@pytest.fixture
def cohort(trust, l4l, make_cohort):
    return make_cohort(l4l, trust)


def _cohort_data(l4l, facilitators) -> dict:
    return {
        "programme": l4l.pk,
        "name": "Spring cohort",
        "starts_on": "2019-03-04",
        "facilitators": facilitators,
    }


@pytest.mark.parametrize("size", [150, 600])
def test_the_new_cohort_page_has_a_search_for_facilitators_and_the_same_queries_at_any_size(
    client, kpo_user, trust, l4l, size, django_assert_num_queries
):
    _staff(trust, size)
    client.force_login(kpo_user)
    with django_assert_num_queries(7):  # the same at 150 and 600 people
        response = client.get(NEW)
    html = response.content.decode()
    assert response.status_code == 200
    _no_select_of_people(html, "facilitators")
    assert re.search(r'<textarea name="facilitators"[^>]*data-person-search=', html)
    assert f'data-person-search="/people/search.json?organisation={trust.pk}"' in html
    assert ">Facilitators (optional)</label>" in html


def test_facilitators_are_chosen_by_id_or_by_typed_name(client, kpo_user, trust, l4l):
    _staff(trust, 150)
    ann = PersonFactory(organisation=trust, full_name="Ann Lee", job_title="Matron")
    bob = PersonFactory(organisation=trust, full_name="Bob Day")
    client.force_login(kpo_user)
    # The picker's search box adds lines to the textarea; the select posts ids: both are taken.
    response = client.post(NEW, _cohort_data(l4l, f"{bob.pk}\nAnn Lee (SASH, Matron)"))
    assert response.status_code == 302
    cohort = Cohort.objects.get(name="Spring cohort")
    assert set(cohort.facilitators.all()) == {ann, bob}
    # None is fine: facilitators are not required.
    response = client.post(NEW, {**_cohort_data(l4l, ""), "name": "Autumn cohort"})
    assert response.status_code == 302
    assert not Cohort.objects.get(name="Autumn cohort").facilitators.exists()


def test_another_trusts_person_is_not_a_facilitator_and_nothing_is_written(
    client, kpo_user, trust, other_trust, l4l
):
    _staff(trust, 150)
    leeds = PersonFactory(organisation=other_trust, full_name="Leeds Person")
    client.force_login(kpo_user)
    for chosen in (str(leeds.pk), "Leeds Person", "Nobody Here"):
        response = client.post(NEW, _cohort_data(l4l, chosen))
        assert response.status_code == 200, chosen
        assert response.context["form"].errors["facilitators"], chosen
        assert 'id="id_facilitators_error"' in response.content.decode()
    assert not Cohort.objects.exists()


@pytest.mark.parametrize("size", [150, 600])
def test_the_cohort_page_enrols_with_a_search_and_the_same_queries_at_any_size(
    client, kpo_user, trust, cohort, size, django_assert_num_queries
):
    _staff(trust, size)
    client.force_login(kpo_user)
    with django_assert_num_queries(12):  # the same at 150 and 600 people
        response = client.get(reverse("training:cohort", args=[cohort.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    _no_select_of_people(html, "person")
    assert re.search(r'<input type="text" name="person"[^>]*data-person-search=', html)
    assert ">Participant</label>" in html


def test_a_participant_is_enrolled_by_id_or_by_typed_name(client, kpo_user, trust, cohort):
    _staff(trust, 150)
    ann = PersonFactory(organisation=trust, full_name="Ann Lee")
    client.force_login(kpo_user)
    url = reverse("training:cohort-enrol", args=[cohort.pk])
    response = client.post(url, {"person": "ann lee", "enrolled_on": "2019-01-02"})
    assert response.status_code == 302
    staff = Person.objects.get(full_name="Staff 0042")
    response = client.post(url, {"person": staff.pk, "enrolled_on": "2019-01-02"})
    assert response.status_code == 302
    assert set(Enrolment.objects.values_list("person", flat=True)) == {ann.pk, staff.pk}


def test_another_trusts_person_or_someone_enrolled_already_is_a_field_error(
    client, kpo_user, trust, other_trust, cohort, participant
):
    _staff(trust, 150)
    services.enrol(participant, cohort, dt.date(2019, 1, 1))
    leeds = PersonFactory(organisation=other_trust, full_name="Leeds Person")
    client.force_login(kpo_user)
    url = reverse("training:cohort-enrol", args=[cohort.pk])
    for chosen in (leeds.pk, "Leeds Person", participant.pk, participant.full_name):
        response = client.post(url, {"person": chosen, "enrolled_on": "2019-01-02"})
        assert response.status_code == 400, chosen
        assert response.context["enrol_form"].errors["person"], chosen
        assert 'id="id_person_error"' in response.content.decode()
    assert "not in this cohort already" in str(
        client.post(url, {"person": participant.pk, "enrolled_on": "2019-01-02"}).content
    )
    assert list(Enrolment.objects.values_list("person", flat=True)) == [participant.pk]
