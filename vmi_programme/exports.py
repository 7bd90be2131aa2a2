"""The one export helper: any list of dicts or queryset as a CSV or XLSX download.

    from vmi_programme.exports import export_response
    return export_response(rows, "table-5-1", fmt="xlsx", columns=[("trust", "Trust"), ...])

Views that offer "Download as CSV / XLSX" buttons link to themselves with ``?format=csv`` or
``?format=xlsx`` and call :func:`wants_export` / :func:`export_response`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import tablib
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.text import slugify

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
Columns = Sequence[tuple[str, str]]  # (key in each row, column heading)


def wants_export(request) -> str | None:
    """The export format asked for with ``?format=csv|xlsx``, or None for the HTML page."""
    fmt = request.GET.get("format", "").lower()
    return fmt if fmt in FORMATS else None


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # XLSX has no time zones; values are stored in UTC
    if isinstance(value, (str, int, float, bool, dt.date)):
        return value
    return str(value)


def to_dataset(rows: Iterable[Mapping[str, Any]] | QuerySet, columns: Columns | None = None):
    """A tablib Dataset of the rows, with the given column order and headings."""
    if isinstance(rows, QuerySet):
        rows = rows.values(*(key for key, _ in columns)) if columns else rows.values()
    rows = list(rows)
    if columns is None:
        keys = list(rows[0].keys()) if rows else []
        columns = [(key, key) for key in keys]
    dataset = tablib.Dataset(headers=[label for _, label in columns])
    for row in rows:
        dataset.append([_cell(row.get(key)) for key, _ in columns])
    return dataset


def render_export(dataset: tablib.Dataset, fmt: str) -> bytes:
    if fmt == "csv":
        return ("\ufeff" + dataset.export("csv")).encode("utf-8")  # BOM so Excel reads UTF-8
    if fmt == "xlsx":
        return dataset.export("xlsx")
    raise ValueError(f"Unknown export format {fmt!r}; use one of {', '.join(FORMATS)}.")


def export_response(
    rows: Iterable[Mapping[str, Any]] | QuerySet,
    filename: str,
    *,
    fmt: str = "csv",
    columns: Columns | None = None,
) -> HttpResponse:
    """An attachment download of the rows as CSV or XLSX."""
    body = render_export(to_dataset(rows, columns), fmt)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename)}.{fmt}"'
    return response
