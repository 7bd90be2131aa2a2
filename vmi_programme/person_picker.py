"""The one person picker: a select of people that becomes search-as-you-type in the browser.

``PersonPicker`` renders an ordinary ``<select>`` (so the page works without JavaScript and the
form validates the choice as usual) carrying ``data-person-search`` with the URL of
``person_search``; ``static/vmi_programme/person_picker.js`` swaps it for a text input that asks
that endpoint for at most ``SEARCH_LIMIT`` matches as the user types. The same script serves the
networks name generator's typed names (``input.vmi-person-search``).

``PersonMultiPicker`` (``people_choice``) is the same picker for several people: a multiple
select that the script turns into the same search box and a list of the chosen, each removable
(a textarea of one name per line when there are too many people for a select).

The endpoint answers only with people the user may choose, by the access policy: those of an
organisation whose records the user may change (``?organisation=<id>``), those of the
partnership's organisations for someone who may change partnership records
(``?scope=partnership``), otherwise those whose organisation the user may view.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET

from .access import Action, require, restrict
from .models import Organisation, Partnership, Person
from .scope import Scope

SEARCH_LIMIT = 20
MIN_QUERY = 2


def search_url(*, organisation: Any = None, partnership: bool = False) -> str:
    """The endpoint's URL for people of one organisation, of the partnership, or any visible."""
    url = reverse("person-search")
    if partnership:
        return f"{url}?scope=partnership"
    if organisation is not None:
        return f"{url}?organisation={getattr(organisation, 'pk', organisation)}"
    return url


def partnership_people() -> QuerySet[Person]:
    """People of every organisation taking part in a partnership (for TGB and KPO leads' seats)."""
    return Person.objects.filter(
        organisation__in=Partnership.members.through.objects.values("organisation_id")
    )


# Up to this many people the picker is a select (usable without JavaScript); beyond it a text
# input whose typed name the server matches, so a page with many pickers (a TGB's attendance,
# one deputy per member) does not carry every person of the partnership once per row.
MAX_OPTIONS = 100


class PersonPicker(forms.Select):
    """A select of people, searchable as you type once the page's script has run; a text input
    (a name, matched by ``PersonChoiceField``) when there are more than ``MAX_OPTIONS``."""

    def __init__(self, *args, search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.search = search

    class Media:
        js = ["vmi_programme/person_picker.js"]

    def _queryset(self) -> QuerySet[Person] | None:
        # A field's choices are a ModelChoiceIterator (with its queryset); a page may instead
        # give a prepared list of options, which is always drawn as a select.
        return getattr(self.choices, "queryset", None)

    def _many(self) -> bool:
        queryset = self._queryset()
        return queryset is not None and queryset.count() > MAX_OPTIONS

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.search:
            context["widget"]["attrs"]["data-person-search"] = self.search
        return context

    def render(self, name, value, attrs=None, renderer=None):
        if not self._many():
            return super().render(name, value, attrs, renderer)
        attrs = dict(attrs or {})
        # The form renderer gave it the select's classes; a text input takes the input's.
        attrs["class"] = attrs.get("class", "").replace("nhsuk-select", "nhsuk-input")
        attrs.update({"autocomplete": "off", "spellcheck": "false"})
        if self.search:
            attrs["data-person-search"] = self.search
        return forms.TextInput(attrs=self.attrs).render(name, self._typed(value), attrs, renderer)

    def _typed(self, value) -> str:
        """What the text input shows: the chosen person's label, or what the user typed."""
        if value in (None, ""):
            return ""
        queryset = self._queryset()
        if str(value).isdigit() and queryset is not None:
            person = queryset.filter(pk=value).first()
            return label(person) if person else ""
        return str(value)


class PersonChoiceField(forms.ModelChoiceField):
    """A person of ``queryset``, posted as an id (the select, or the picker's choice) or, from
    the text input, as a name or the label the list showed ("Name (ORG, job title)")."""

    widget = PersonPicker

    def label_from_instance(self, obj: Person) -> str:
        return label(obj)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = " ".join(str(value).split())
        if text.isdigit():
            return super().to_python(text)
        return by_name(self.queryset, text)


def by_name(queryset: QuerySet[Person], text: str) -> Person:
    """The one person of ``queryset`` called ``text`` (a name, or the label a list showed);
    a ``ValidationError`` naming the text when there is none or more than one."""
    name = re.sub(r"\s*\(.*\)$", "", text)
    found = list(queryset.filter(full_name__iexact=name)[:MAX_OPTIONS])
    if len(found) > 1:
        found = [p for p in found if label(p).casefold() == text.casefold()] or found
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValidationError(
            f"No one called “{name}” can be chosen here: check the spelling.",
            code="invalid_choice",
        )
    raise ValidationError(
        f"More than one person is called {name}: choose from the list, or type the name "
        "with the organisation and job title as the list shows them.",
        code="invalid_choice",
    )


class PersonMultiPicker(forms.SelectMultiple):
    """Several people: a multiple select that the page's script turns into a search box and a
    list of the chosen (each removable); beyond ``MAX_OPTIONS`` people a textarea of one name
    (or listed label) per line, which the script fills as names are chosen from the search."""

    def __init__(self, *args, search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.search = search

    class Media:
        js = ["vmi_programme/person_picker.js"]

    _queryset = PersonPicker._queryset
    _many = PersonPicker._many

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.search:
            context["widget"]["attrs"]["data-person-search"] = self.search
        return context

    def value_from_datadict(self, data, files, name):
        # Both shapes post under one name: the select a value per person, the textarea lines.
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if isinstance(values, str):
            values = [values]
        return [line.strip() for v in values or [] for line in str(v).splitlines() if line.strip()]

    def render(self, name, value, attrs=None, renderer=None):
        if not self._many():
            return super().render(name, value, attrs, renderer)
        attrs = dict(attrs or {})
        attrs["class"] = attrs.get("class", "").replace("nhsuk-select", "nhsuk-textarea")
        attrs.update({"rows": 6, "spellcheck": "false", "data-person-multiple": "lines"})
        if self.search:
            attrs["data-person-search"] = self.search
        return forms.Textarea(attrs=self.attrs).render(
            name, "\n".join(self._typed(v) for v in value or []), attrs, renderer
        )

    _typed = PersonPicker._typed


class PersonMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several people of ``queryset``, each posted as an id (the select, or the picker's
    choice) or, from the textarea, as a name or listed label per line; every line that names
    no one, or more than one, is an error naming it, and nobody is chosen twice."""

    widget = PersonMultiPicker
    default_error_messages = {
        "not_offered": "Someone chosen cannot be chosen here: choose again from the list."
    }

    def label_from_instance(self, obj: Person) -> str:
        return label(obj)

    def clean(self, value):
        value = self.prepare_value(value)
        if not value:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return self.queryset.none()
        ids = {str(v) for v in value if str(v).isdigit()}
        people = {str(p.pk): p for p in self.queryset.filter(pk__in=ids)} if ids else {}
        chosen: list[Person] = []
        errors: list[ValidationError] = []
        for text in value:
            text = " ".join(str(text).split())
            try:
                if text.isdigit():
                    if text not in people:
                        raise ValidationError(
                            self.error_messages["not_offered"], code="invalid_choice"
                        )
                    person = people[text]
                else:
                    person = by_name(self.queryset, text)
            except ValidationError as exc:
                errors.append(exc)
                continue
            if person not in chosen:
                chosen.append(person)
        if errors:
            raise ValidationError(errors)
        self.run_validators(chosen)
        return chosen


def person_choice(queryset: QuerySet[Person], *, search: str, **kwargs) -> PersonChoiceField:
    """A field choosing one person of ``queryset``, drawn as a ``PersonPicker`` searching
    ``search`` (the endpoint's URL from ``search_url``)."""
    field = PersonChoiceField(
        queryset=queryset.select_related("organisation").order_by("full_name", "pk"), **kwargs
    )
    field.widget.search = search
    return field


def people_choice(
    queryset: QuerySet[Person], *, search: str, **kwargs
) -> PersonMultipleChoiceField:
    """A field choosing several people of ``queryset``, drawn as a ``PersonMultiPicker``
    searching ``search`` (the endpoint's URL from ``search_url``)."""
    field = PersonMultipleChoiceField(
        queryset=queryset.select_related("organisation").order_by("full_name", "pk"), **kwargs
    )
    field.widget.search = search
    return field


def use_picker(form: forms.BaseForm, name: str, queryset: QuerySet[Person], search: str) -> None:
    """Replace a form's person field (e.g. a ModelForm's foreign key) with a picker of
    ``queryset``, keeping its label, help text, whether it is required and its messages."""
    old = form.fields[name]
    form.fields[name] = person_choice(
        queryset,
        search=search,
        required=old.required,
        label=old.label,
        help_text=old.help_text,
        initial=old.initial,
        error_messages=old.error_messages,
    )


def label(person: Person) -> str:
    """How a person is told apart in a list: name, organisation, job title."""
    extra = [person.organisation.short_name, person.job_title]
    return f"{person.full_name} ({', '.join(e for e in extra if e)})"


def matches(people: QuerySet[Person], query: str) -> list[Person]:
    """At most ``SEARCH_LIMIT`` people whose name contains every word of ``query``."""
    words = query.split()
    if len(" ".join(words)) < MIN_QUERY:
        return []
    condition = Q()
    for word in words:
        condition &= Q(full_name__icontains=word)
    return list(
        people.filter(condition)
        .select_related("organisation")
        .order_by("full_name", "pk")[:SEARCH_LIMIT]
    )


@require_GET
def person_search(request):
    """JSON: ``{"results": [{"id", "name", "label", "job_title", "department"}]}``."""
    if request.GET.get("scope") == "partnership":
        require(request.user, Action.CHANGE, Scope.partnership())
        people = partnership_people()
    elif request.GET.get("organisation"):
        try:
            organisation_id = int(request.GET["organisation"])
        except ValueError:
            raise PermissionDenied("Choose an organisation.") from None
        organisation = get_object_or_404(Organisation, pk=organisation_id)
        # Choosing someone is part of changing the organisation's records.
        require(request.user, Action.CHANGE, organisation)
        people = Person.objects.filter(organisation=organisation)
    else:
        people = restrict(Person.objects.all(), request.user, Action.VIEW)
    return JsonResponse(
        {
            "results": [
                {
                    "id": person.pk,
                    "name": person.full_name,
                    "label": label(person),
                    "job_title": person.job_title,
                    "department": person.department,
                }
                for person in matches(people, request.GET.get("q", ""))
            ]
        }
    )
