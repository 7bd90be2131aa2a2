"""Forms of the networks app: the name generator, merging two people, uploading an edge list."""

from __future__ import annotations

from django import forms

from vmi_programme.models import Person
from vmi_programme.person_picker import person_choice

from .models import Interaction
from .services import MAX_NAMES, NamedPerson


class NamedPersonForm(forms.Form):
    """One row of the name generator: a name (typed, or chosen from the trust's people) and why."""

    mark_optional = False  # the page says which rows are optional

    name = forms.CharField(
        label="Name",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "class": "vmi-person-search",  # vmi_programme/person_picker.js looks for it
                "autocomplete": "off",
                "list": "people-matches",
            }
        ),
    )
    person_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    interactions = forms.MultipleChoiceField(
        label="Why you talk to them",
        required=False,
        choices=Interaction.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    role = forms.CharField(
        label="Role (optional)",
        required=False,
        max_length=200,
    )
    department = forms.CharField(
        label="Department (optional)",
        required=False,
        max_length=200,
    )

    def entry(self) -> NamedPerson:
        data = self.cleaned_data
        return NamedPerson(
            name=data.get("name") or "",
            person_id=data.get("person_id"),
            interactions=data.get("interactions") or [],
            role=data.get("role") or "",
            department=data.get("department") or "",
        )


_NameGeneratorFormSetBase = forms.formset_factory(
    NamedPersonForm, extra=0, min_num=MAX_NAMES, max_num=MAX_NAMES, validate_max=True
)


class NameGeneratorFormSet(_NameGeneratorFormSetBase):  # type: ignore[valid-type,misc]
    """The name generator's rows; the error summary names each row "Name 1", "Name 2"..."""

    error_summary_label = "Name {n}"


class MergeForm(forms.Form):
    """Two of the trust's named people, each chosen with the person picker (a trust names
    hundreds, so a select of them all is a scroll, not a choice)."""

    def __init__(self, *args, people, search: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"] = person_choice(people, search=search, label="Keep this record")
        self.fields["duplicate"] = person_choice(
            people, search=search, label="Merge this duplicate into it"
        )

    def clean(self):
        data = super().clean()
        if data.get("keep") and data.get("keep") == data.get("duplicate"):
            raise forms.ValidationError("Choose two different people.")
        return data


class NominationUploadForm(forms.Form):
    file = forms.FileField(label="CSV or Excel file")


class ActorMatchForm(forms.Form):
    """Which collaborator record and which of the trust's people a match decision is about."""

    # Ids bounded to the database's integers: a 30-digit id is "not valid", not an overflow.
    collaborator = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    person = forms.IntegerField(min_value=1, max_value=2**63 - 1)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean(self):
        data = super().clean()
        # Only people of the page's trust: an id from another trust is not found.
        people = Person.objects.filter(organisation=self.organisation)
        lookups = {
            "collaborator": people.filter(collaborator__isnull=False),
            "person": people.filter(collaborator__isnull=True),
        }
        for name, queryset in lookups.items():
            if data.get(name) is not None:
                found = queryset.filter(pk=data[name]).first()
                if found is None:
                    self.add_error(name, "Not one of this trust's people.")
                data[name] = found
        return data
