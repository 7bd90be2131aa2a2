"""Links of the partnership summary's paged tables: sort by a column, go to a page."""

from __future__ import annotations

from django import template
from django.http import QueryDict

register = template.Library()


def _with(query: QueryDict, **values: str) -> str:
    params = query.copy()
    for key, value in values.items():
        params[key] = value
    for key in ("format", "table"):  # a link to a page, never to a download
        params.pop(key, None)
    return "?" + params.urlencode()


@register.simple_tag
def sort_link(query: QueryDict, paged, column: str) -> str:
    """Sort the table by this column: ascending first, then descending; back to page 1."""
    descending = paged.sort == column and not paged.descending
    key = paged.table.key
    return _with(
        query, **{f"sort-{key}": f"-{column}" if descending else column, f"page-{key}": "1"}
    )


@register.simple_tag
def page_link(query: QueryDict, paged, page: int) -> str:
    return _with(query, **{f"page-{paged.table.key}": str(page)})
