"""The one person picker: a select of people that becomes search-as-you-type in the browser.

``PersonPicker`` renders an ordinary ``<select>`` (so the page works without JavaScript and the
form validates the choice as usual) carrying ``data-person-search`` with the URL of
``person_search``; ``static/vmi_programme/person_picker.js`` swaps it for a text input that asks
that endpoint for at most ``SEARCH_LIMIT`` matches as the user types. The same script serves the
networks name generator's typed names (``input.vmi-person-search``).

The endpoint answers only with people the user may choose, by the access policy: those of an
organisation whose records the user may change (``?organisation=<id>``), those of the
partnership's organisations for someone who may change partnership records
(``?scope=partnership``), otherwise those whose organisation the user may view.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
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


class PersonPicker(forms.Select):
    """A select of people, searchable as you type once the page's script has run."""

    def __init__(self, *args, search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.search = search

    class Media:
        js = ["vmi_programme/person_picker.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.search:
            context["widget"]["attrs"]["data-person-search"] = self.search
        return context


def person_choice(queryset: QuerySet[Person], *, search: str, **kwargs) -> forms.ModelChoiceField:
    """A ModelChoiceField of ``queryset`` drawn as a ``PersonPicker`` searching ``search``."""
    field = forms.ModelChoiceField(
        queryset=queryset.select_related("organisation").order_by("full_name", "pk"), **kwargs
    )
    field.label_from_instance = label
    field.widget = PersonPicker(search=search)
    field.widget.choices = field.choices
    return field


def use_picker(field: forms.ModelChoiceField, queryset: QuerySet[Person], search: str) -> None:
    """Turn an existing person field (e.g. a ModelForm's) into a picker of ``queryset``."""
    field.queryset = queryset.select_related("organisation").order_by("full_name", "pk")
    field.label_from_instance = label
    field.widget = PersonPicker(search=search, attrs=field.widget.attrs)
    field.widget.choices = field.choices


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
