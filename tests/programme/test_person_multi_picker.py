"""The person picker choosing several people (``people_choice``): a multiple select up to 100
people, a textarea of one name per line beyond; every wrong line an error naming it."""

from __future__ import annotations

from django import forms

from factories import PersonFactory
from vmi_programme.models import Person
from vmi_programme.person_picker import MAX_OPTIONS, people_choice


def _form(people, data=None, **kwargs):
    class TeamForm(forms.Form):
        pass

    form = TeamForm(data)
    form.fields["team"] = people_choice(people, search="/people/search.json", **kwargs)
    return form


def test_up_to_a_hundred_people_it_is_a_multiple_select_of_ids(trust, other_trust):
    ann = PersonFactory(organisation=trust, full_name="Ann Archer")
    bob = PersonFactory(organisation=trust, full_name="Bob Baker")
    outsider = PersonFactory(organisation=other_trust, full_name="Leeds Person")
    people = Person.objects.filter(organisation=trust)
    html = str(_form(people)["team"])
    assert "<select" in html and "multiple" in html
    assert 'data-person-search="/people/search.json"' in html
    form = _form(people, {"team": [str(ann.pk), str(bob.pk), str(ann.pk)]})
    assert form.is_valid() and form.cleaned_data["team"] == [ann, bob]  # nobody twice
    refused = _form(people, {"team": [str(ann.pk), str(outsider.pk)]})
    assert not refused.is_valid()
    assert refused.errors["team"] == [
        "Someone chosen cannot be chosen here: choose again from the list."
    ]
    assert not _form(people, {}).is_valid()
    assert _form(people, {}, required=False).is_valid()


def test_beyond_a_hundred_people_it_is_a_textarea_of_names_each_wrong_line_named(trust):
    for n in range(MAX_OPTIONS + 1):
        PersonFactory(organisation=trust, full_name=f"Person {n:03}", job_title="Nurse")
    twin = PersonFactory(organisation=trust, full_name="Alex Twin", job_title="Matron")
    PersonFactory(organisation=trust, full_name="Alex Twin", job_title="Porter")
    people = Person.objects.filter(organisation=trust)
    html = str(_form(people)["team"])
    assert "<textarea" in html and "<select" not in html and "nhsuk-textarea" in html
    form = _form(people, {"team": f"person 007\n\nAlex Twin ({trust.short_name}, Matron)\n"})
    assert form.is_valid()
    assert [p.full_name for p in form.cleaned_data["team"]] == ["Person 007", "Alex Twin"]
    assert form.cleaned_data["team"][1] == twin
    wrong = _form(people, {"team": "Person 001\nNobody Here\nAlex Twin"})
    assert not wrong.is_valid()
    assert (
        wrong.errors["team"][0]
        == "No one called “Nobody Here” can be chosen here: check the spelling."
    )
    assert wrong.errors["team"][1].startswith("More than one person is called Alex Twin")
    # What was typed is shown again, so nothing is lost on a bad submit.
    assert "Nobody Here" in str(wrong["team"])
