"""API pagination with a bounded page size and a capped count (ADR 10).

Every list answers ``{count, count_capped, next, previous, results}``. The count stops at
``COUNT_CAP`` rows: counting 3 million measurements on every page costs more than the page
itself. Past the cap the pages still work (``next`` is known by reading one row more), only the
total is not exact; filter the list to get an exact count.
"""

from functools import cached_property
from typing import Any

from django.core.paginator import EmptyPage, Page, Paginator
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

COUNT_CAP = 10_000
#: A page a person reads counts to here: "RPIWs 1–25 of more than 1,000" tells them as much as
#: "of more than 10,000", and counting 10,000 rows was a tenth of the RPIW list's time.
PAGE_COUNT_CAP = 1_000
MAX_PAGE_SIZE = 200
PAGE_SIZE_HINT = f"Give a whole number from 1 (at most {MAX_PAGE_SIZE} rows are given)."


class CappedCountPaginator(Paginator):
    """A paginator that counts at most ``cap + 1`` rows (``COUNT_CAP`` unless given; pages use
    ``PAGE_COUNT_CAP``) and pages on past them."""

    def __init__(self, *args: Any, cap: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def count(self) -> int:
        # COUNT(*) over a LIMITed subquery: bounded work however large the table. Without
        # its ORDER BY, which a count does not need and which may sort the whole join.
        rows: Any = self.object_list
        if not hasattr(rows, "order_by"):
            return len(rows[: self.cap + 1])  # a list
        return rows.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def count_text(self) -> str:
        """The count as a page says it: "1,234", or "more than 1,000" past the cap."""
        return f"more than {self.cap:,}" if self.capped else f"{self.count:,}"

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            return super().validate_number(number)  # raises PageNotAnInteger
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        return number

    def page(self, number):
        if not self.capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        # One row more than the page tells whether there is a next page without a count.
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        return CappedPage(rows[: self.per_page], number, self, has_more=len(rows) > self.per_page)


class CappedPage(Page):
    def __init__(self, object_list, number, paginator, *, has_more: bool):
        super().__init__(object_list, number, paginator)
        self._has_more = has_more

    def has_next(self) -> bool:
        return self._has_more


class BoundedPageNumberPagination(PageNumberPagination):
    """Page numbers, ``?page_size=`` up to ``MAX_PAGE_SIZE``, and a capped count."""

    django_paginator_class = CappedCountPaginator
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        # DRF falls back to the default size for ?page_size=abc; refuse it instead, so a client
        # learns its parameter was not read (a 400 naming it, in the one error shape).
        raw = request.query_params.getlist(self.page_size_query_param)
        if raw and not all(v.isascii() and v.isdigit() and int(v) > 0 for v in raw):
            raise ValidationError({self.page_size_query_param: [PAGE_SIZE_HINT]})
        return super().get_page_size(request)

    def get_page_number(self, request, paginator):
        # DRF reads ?page= (empty) as the first page; an empty page is a page that is not there.
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not raw.strip():
            raise NotFound("Give a page number, or leave the parameter out.")
        return super().get_page_number(request, paginator)

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": min(paginator.count, COUNT_CAP),
                "count_capped": paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = (
            f"The number of rows, or {COUNT_CAP} when there are more (see count_capped)."
        )
        response["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"True when the list has more than {COUNT_CAP} rows.",
        }
        response["required"] = [*response.get("required", []), "count_capped"]
        return response
