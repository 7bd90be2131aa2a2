"""The large API lists offer only orderings an index yields rows in (ADR 10); any other
``?ordering=`` is a 400 naming the parameter, like a filter value that cannot be read."""

import pytest
from django.db import models
from knox.models import AuthToken
from rest_framework.test import APIClient

from rpiw.api import MeasurementViewSet, MeasureViewSet, RpiwViewSet
from rpiw.models import Measurement, Rpiw
from training.api import AssessmentViewSet
from vmi_programme.api_filters import StrictOrderingFilter

LISTS = {
    "/api/rpiw/rpiws/": (RpiwViewSet, {"id", "reference", "workshop_start"}),
    "/api/rpiw/measures/": (MeasureViewSet, {"id"}),
    "/api/rpiw/measurements/": (MeasurementViewSet, {"id", "measured_on"}),
    "/api/training/assessments/": (AssessmentViewSet, {"id", "submitted_on"}),
}
# Offered by DRF's default (every serializer field) until national size showed their cost:
# a join or an aggregate (team, measurements) or a column with no index (seconds a page).
DROPPED = {
    "/api/rpiw/rpiws/": ["team", "title", "process_start"],
    "/api/rpiw/measures/": ["measurements", "name", "order"],
    "/api/rpiw/measurements/": ["point", "value", "note"],
    "/api/training/assessments/": ["module", "assessed_on", "enrolment"],
}


@pytest.fixture
def api(regulator_user):
    client = APIClient()
    _, token = AuthToken.objects.create(user=regulator_user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def offered(view_class) -> set[str]:
    model = view_class.queryset.model
    valid = StrictOrderingFilter().get_valid_fields(model.objects.none(), view_class())
    return {name for name, _label in valid}


def leads_an_index(model, name: str) -> bool:
    """The column is the primary key, unique, or the first column of one of the model's
    indexes or unique constraints (the index yields rows in its order)."""
    field = model._meta.get_field(name)
    if field.primary_key or field.unique:
        return True
    firsts = [index.fields[0].lstrip("-") for index in model._meta.indexes]
    firsts += [
        c.fields[0]
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.fields and c.condition is None
    ]
    return name in firsts or field.name in firsts


@pytest.mark.parametrize("path", LISTS)
def test_each_large_list_offers_the_intended_orderings_each_led_by_an_index(path):
    view_class, intended = LISTS[path]
    assert offered(view_class) == intended
    model = view_class.queryset.model
    assert [name for name in intended if not leads_an_index(model, name)] == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", LISTS)
def test_an_offered_ordering_answers_both_directions(api, path):
    for name in sorted(LISTS[path][1]):
        for term in (name, f"-{name}"):
            assert api.get(f"{path}?ordering={term}").status_code == 200, term


@pytest.mark.django_db
@pytest.mark.parametrize("path", LISTS)
def test_an_ordering_not_offered_is_a_400_naming_it_and_the_offered(api, path):
    for name in DROPPED[path]:
        response = api.get(f"{path}?ordering=-{name}")
        assert response.status_code == 400, name
        [message] = response.json()["ordering"]
        assert f"-{name}" in message
        assert all(field in message for field in LISTS[path][1])


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["ordering=", "ordering=id,", "ordering=nonsense"])
def test_an_empty_or_unknown_ordering_is_a_400_on_any_list(api, query):
    response = api.get(f"/api/people/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == ["ordering"]


def test_an_ordering_by_a_column_that_is_not_unique_ends_with_the_primary_key():
    order = StrictOrderingFilter._tiebreaker
    assert order(Measurement, "-measured_on") == ["-pk"]
    assert order(Measurement, "measured_on") == ["pk"]
    assert order(Rpiw, "-reference") == []  # unique
    assert order(Rpiw, "id") == []
    assert order(Rpiw, "team") == ["pk"]  # a reverse relation: each RPIW once per member


def test_the_schema_names_each_lists_orderings():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, (_view, intended) in LISTS.items():
        [parameter] = [
            p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "ordering"
        ]
        named = parameter["description"].removeprefix("Sort by one of: ").split(" (")[0]
        assert set(named.split(", ")) == intended
