"""The API's filters are read strictly: a value that cannot be read is refused, never ignored
(``REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"]``).

The same holds for ``?ordering=``: DRF's OrderingFilter drops a field it does not offer and
answers in the default order; here it is a 400 naming ``ordering`` and the fields offered.

django-filter drops a filter whose value does not clean (``?date=``, ``?stale=maybe``) and
takes ``?number=0.5`` for a whole number: the list then answers as if the parameter were not
there, and a client never learns its filter was ignored. Here such a filter is a 400 naming the
parameter, in the one error shape.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter, NumberFilter
from django_filters.rest_framework import DjangoFilterBackend, FilterSet
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

EMPTY = "Give a value, or leave the parameter out."
UNREADABLE = "This is not a value this filter takes."
NOT_WHOLE = "Give a whole number."
OUT_OF_RANGE = "This number is too large to be an id."
NOT_OFFERED = "This list is not sorted by {terms}. Sort by one of: {offered} (- for descending)."


class StrictFilterSet(FilterSet):
    """A FilterSet that refuses a given parameter it cannot use, instead of ignoring it."""

    def is_valid(self) -> bool:
        self._refuse_ids_out_of_range()
        if not super().is_valid():
            return False
        errors = {}
        for name, filter_ in self.filters.items():
            if name not in self.data:
                continue
            raw = self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data[name]]
            value = self.form.cleaned_data.get(name)
            if any(not str(item).strip() for item in raw):
                errors[name] = EMPTY
            elif value is None or (isinstance(value, str) and not value):
                errors[name] = UNREADABLE
            elif isinstance(filter_, NumberFilter) and self._whole(filter_) and value % 1:
                errors[name] = NOT_WHOLE
        for name, message in errors.items():
            self.form.add_error(name, message)
        return not errors

    def _refuse_ids_out_of_range(self) -> None:
        # The database cannot compare an id past 64 bits (SQLite raises OverflowError while
        # the form looks the record up), so such an id is refused before it is looked up.
        errors = {}
        for name, filter_ in self.filters.items():
            if name not in self.data or not isinstance(
                filter_, ModelChoiceFilter | ModelMultipleChoiceFilter | NumberFilter
            ):
                continue
            raw = self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data[name]]
            for item in raw:
                try:
                    number = int(str(item).strip())
                except ValueError:
                    continue
                if not -(2**63) <= number < 2**63:
                    errors[name] = [OUT_OF_RANGE]
        if errors:
            raise ValidationError(errors)

    def _whole(self, filter_) -> bool:
        try:
            field = self._meta.model._meta.get_field(filter_.field_name)
        except FieldDoesNotExist:
            return False
        return isinstance(field, models.IntegerField | models.AutoField)


class StrictFilterBackend(DjangoFilterBackend):
    filterset_base = StrictFilterSet


class StrictOrderingFilter(OrderingFilter):
    """``?ordering=`` by the fields a list offers (its ``ordering_fields``), or a 400.

    A list offers only orderings an index yields rows in (ADR 10). An ordering by a column that
    is not unique ends with the primary key in the same direction, so pages do not repeat or
    skip rows; its index is ``(column, id)``.
    """

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.getlist(self.ordering_param)
        if not raw:
            return self.get_default_ordering(view)
        terms = [term.strip() for value in raw for term in value.split(",")]
        if not all(terms):
            raise ValidationError({self.ordering_param: [EMPTY]})
        offered = [
            name for name, _label in self.get_valid_fields(queryset, view, {"request": request})
        ]
        refused = [term for term in terms if term.removeprefix("-") not in offered]
        if refused:
            message = NOT_OFFERED.format(terms=", ".join(refused), offered=", ".join(offered))
            raise ValidationError({self.ordering_param: [message]})
        return [*terms, *self._tiebreaker(queryset.model, terms[-1])]

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        queryset = getattr(view, "queryset", None)
        if queryset is None:
            return parameters
        offered = [name for name, _label in self.get_valid_fields(queryset.none(), view)]
        for parameter in parameters:
            parameter["description"] = f"Sort by one of: {', '.join(offered)} (- for descending)."
        return parameters

    @staticmethod
    def _tiebreaker(model, last: str) -> list[str]:
        name = last.removeprefix("-")
        try:
            field = model._meta.get_field(name) if name != "pk" else model._meta.pk
        except FieldDoesNotExist:
            field = None  # an annotation or a lookup through a relation
        # A reverse relation (an RPIW's team) is neither; its rows repeat the model's.
        if getattr(field, "primary_key", False) or getattr(field, "unique", False):
            return []
        return ["-pk" if last.startswith("-") else "pk"]
