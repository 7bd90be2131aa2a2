"""The one export helper: any list of dicts or queryset as a CSV or XLSX download.

    from vmi_programme.exports import export_response
    return export_response(rows, "table-5-1", fmt="xlsx", columns=[("trust", "Trust"), ...])

Views that offer "Download as CSV / XLSX" buttons link to themselves with ``?format=csv`` or
``?format=xlsx`` and call :func:`wants_export` / :func:`export_response`.

Every download is safe to open in a spreadsheet (OWASP "CSV injection"): a text cell beginning
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'`` so Excel or
LibreOffice shows it as text instead of running it as a formula, and XLSX cells are written as
values, never formulas. Numbers stay numbers (a negative number is not neutralised).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
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


# A spreadsheet reads a cell starting with one of these as a formula (or, for tab and CR, may
# drop the character and then read the rest as one).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """The text with a leading ``'`` when a spreadsheet would take it for a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # XLSX has no time zones; values are stored in UTC
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, (int, float, bool, dt.date)):
        return value  # numbers stay numbers, negative ones too
    return neutralise(str(value))


def to_dataset(rows: Iterable[Mapping[str, Any]] | QuerySet, columns: Columns | None = None):
    """A tablib Dataset of the rows, with the given column order and headings."""
    if isinstance(rows, QuerySet):
        rows = rows.values(*(key for key, _ in columns)) if columns else rows.values()
    rows = list(rows)
    if columns is None:
        keys = list(rows[0].keys()) if rows else []
        columns = [(key, key) for key in keys]
    dataset = tablib.Dataset(headers=[neutralise(str(label)) for _, label in columns])
    for row in rows:
        dataset.append([_cell(row.get(key)) for key, _ in columns])
    return dataset


def render_export(dataset: tablib.Dataset, fmt: str) -> bytes:
    if fmt == "csv":
        return ("\ufeff" + dataset.export("csv")).encode("utf-8")  # BOM so Excel reads UTF-8
    if fmt == "xlsx":
        return _xlsx(dataset)
    raise ValueError(f"Unknown export format {fmt!r}; use one of {', '.join(FORMATS)}.")


def _xlsx(
    dataset: tablib.Dataset,
    *,
    title: str = "",
    as_of: str = "",
    full: tablib.Dataset | None = None,
) -> bytes:
    """The dataset as an XLSX workbook whose text cells are all values, never formulas.

    With a ``title`` the sheet is named after it and starts with the title and an as-of row
    above the headings; ``full`` (the same table unrounded) goes into a second sheet, "Full
    precision", for analysts. openpyxl stores any string beginning with ``=`` as a formula; the
    cells are already neutralised, and each text cell is typed as a string here as well, so no
    value can become one.
    """
    from openpyxl import Workbook

    workbook = Workbook()
    _fill_sheet(workbook.active, dataset, title=title, as_of=as_of, name=title or "Export")
    if full is not None:
        _fill_sheet(workbook.create_sheet(), full, title=title, as_of=as_of, name="Full precision")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Characters a sheet name may not hold, and its longest length (Excel's rules).
_SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
_SHEET_NAME_MAX = 31


def _fill_sheet(sheet, dataset: tablib.Dataset, *, title: str, as_of: str, name: str) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    sheet.title = (
        " ".join(name.translate(_SHEET_NAME_FORBIDDEN).split())[:_SHEET_NAME_MAX] or "Export"
    )
    above = [[title], [as_of], []] if title else []
    header_row = len(above) + 1
    for row_number, row in enumerate([*above, dataset.headers or [], *dataset], start=1):
        for column_number, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column_number)
            if isinstance(value, str):
                # control characters XLSX cannot hold become "-", as tablib did
                cell.value = ILLEGAL_CHARACTERS_RE.sub("-", value)
                cell.data_type = "s"  # a value, never a formula
            else:
                cell.value = value
            if row_number == header_row or (title and row_number == 1):
                cell.font = Font(bold=True)
    sheet.freeze_panes = f"A{header_row + 1}"


def as_of_text(moment: dt.date | dt.datetime | None = None) -> str:
    """The as-of row of a download: "Figures as of 30 November 2026, 17:59" (now by default)."""
    from django.utils import timezone

    moment = moment or timezone.localtime()
    if isinstance(moment, dt.datetime):
        return f"Figures as of {timezone.localtime(moment):%-d %B %Y, %H:%M}"
    return f"Figures as of {moment:%-d %B %Y}"


def export_response(
    rows: Iterable[Mapping[str, Any]] | QuerySet,
    filename: str,
    *,
    fmt: str = "csv",
    columns: Columns | None = None,
    title: str = "",
    as_of: dt.date | dt.datetime | None = None,
    shown: Callable[[Mapping[str, Any]], Sequence[str]] | None = None,
) -> HttpResponse:
    """An attachment download of the rows as CSV or XLSX.

    ``title`` heads the XLSX sheet (its name too) above an as-of row (``as_of``, or now).
    ``shown(row)`` gives a row's cells as the page prints them (69%, < .001): the download then
    holds those, and the raw figures beside them — a second sheet, "Full precision", in XLSX;
    a "(full precision)" column after each figure in CSV, whose first row stays the headings.
    """
    if shown is None:
        dataset, full = to_dataset(rows, columns), None
    else:
        dataset, full = _as_shown(list(rows), columns or [], shown)
    if fmt == "xlsx":
        body = _xlsx(dataset, title=title, as_of=as_of_text(as_of) if title else "", full=full)
    elif full is not None:
        body = render_export(_side_by_side(dataset, full), fmt)
    else:
        body = render_export(dataset, fmt)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename)}.{fmt}"'
    return response


def _as_shown(
    rows: list[Mapping[str, Any]], columns: Columns, shown: Callable
) -> tuple[tablib.Dataset, tablib.Dataset]:
    headers = [neutralise(str(label)) for _, label in columns]
    printed = tablib.Dataset(headers=headers)
    for row in rows:
        printed.append([_cell(cell) for cell in shown(row)])
    return printed, to_dataset(rows, columns)


def _side_by_side(printed: tablib.Dataset, full: tablib.Dataset) -> tablib.Dataset:
    """Each column as printed, followed by its full-precision figures where they differ."""
    differs = [
        index
        for index in range(len(printed.headers or []))
        if any(str(p[index]) != str(f[index]) for p, f in zip(printed, full, strict=True))
    ]
    headers: list[str] = []
    for index, heading in enumerate(printed.headers or []):
        headers.append(heading)
        if index in differs:
            headers.append(f"{heading} (full precision)")
    both = tablib.Dataset(headers=headers)
    for p, f in zip(printed, full, strict=True):
        cells: list[Any] = []
        for index, value in enumerate(p):
            cells.append(value)
            if index in differs:
                cells.append(f[index])
        both.append(cells)
    return both


def json_response(data: Any, filename: str) -> HttpResponse:
    """An attachment download of JSON-safe ``data`` (a subject-access export, say)."""
    import json

    body = json.dumps(data, indent=2, ensure_ascii=False, default=str).encode("utf-8")
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename)}.json"'
    return response
