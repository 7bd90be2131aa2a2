"""A summary table: rows of raw values, column headings and formats, cautions and a chart.

The apps build these for the partnership summary (registered in
``vmi_programme.dashboard_registry``); the same object renders as an HTML table (values
formatted as the report prints them) and downloads as CSV/XLSX through
``vmi_programme.exports`` (raw values).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.utils.safestring import SafeString

# Column formats: how a raw value is printed on the page.
INT, PERCENT, RATIO, DECIMAL3, DECIMAL2, P_VALUE, TEXT = (
    "int",
    "percent",
    "ratio",
    "decimal3",
    "decimal2",
    "p",
    "text",
)


@dataclass(frozen=True)
class Combine:
    """How one column of a totals row follows from the trust rows it covers.

    ``sum``: the trusts' values added (missing ones left out). ``mean``: the unweighted mean of
    the trusts' values (over those that have one), as Table 7.2's defect ratios. ``ratio``:
    Σ numerator fields × ``scale`` ÷ Σ denominator fields, rounded half up to ``places`` (None:
    unrounded), the fields being columns or hidden fields of the trust rows. A column with no
    Combine (a median, a t-test) cannot be recomputed for some trusts.
    """

    how: Literal["sum", "mean", "ratio"]
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    scale: int = 1
    places: int | None = None

    def over(self, rows: list[dict[str, Any]], column: str) -> Any:
        if self.how == "ratio":
            num = _add(rows, self.numerator)
            den = _add(rows, self.denominator)
            if not den:
                return None
            value = Decimal(num) * self.scale / Decimal(den)
            if self.places is None:
                return float(value)
            rounded = value.quantize(Decimal(1).scaleb(-self.places), rounding=ROUND_HALF_UP)
            return int(rounded) if self.places == 0 else float(rounded)
        values = [row[column] for row in rows if row.get(column) is not None]
        if self.how == "mean":
            return sum(values) / len(values) if values else None
        return sum(values) if values or len(values) == len(rows) else None


def _add(rows: list[dict[str, Any]], names: tuple[str, ...]) -> Any:
    """Σ over the rows of Σ of the named fields (a missing value counts 0)."""
    return sum((row.get(name) or 0 for row in rows for name in names), 0)


SUM = Combine("sum")
MEAN = Combine("mean")


def ratio(
    numerator: str | tuple[str, ...],
    denominator: str | tuple[str, ...],
    *,
    scale: int = 1,
    places: int | None = None,
) -> Combine:
    """Σ numerator × scale ÷ Σ denominator (each a field or a tuple of fields to add)."""
    num = (numerator,) if isinstance(numerator, str) else numerator
    den = (denominator,) if isinstance(denominator, str) else denominator
    return Combine("ratio", num, den, scale, places)


@dataclass
class SummaryTable:
    key: str  # "5-1": the anchor, the download name and the test's handle
    title: str
    caption: str
    columns: list[tuple[str, str]]  # (row key, heading); the first column heads each row
    rows: list[dict[str, Any]]
    formats: dict[str, str] = field(default_factory=dict)
    detail_url: str = ""
    detail_label: str = ""
    cautions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    charts: list[SafeString] = field(default_factory=list)
    missing: str = ""  # why the table is empty, when it is
    wrap: bool = False  # text cells that should wrap (not the figures' no-wrap style)
    # per row (by its key): one format for all its value cells, or {column: format}
    row_formats: dict[str, str | dict[str, str]] = field(default_factory=dict)
    # The rows (by key) that total the trust rows: with a filter the partnership summary
    # recomputes them over the trusts it admits, when ``totals`` says how each value column
    # combines; otherwise they stay the stored ones over every trust (and say so).
    total_rows: tuple[str, ...] = ("Total",)
    totals: dict[str, Combine] = field(default_factory=dict)

    def __setstate__(self, state: dict[str, Any]) -> None:
        """A table stored (pickled) before a field was added reads it as its default."""
        for each in fields(self):
            if each.name not in state:
                factory = each.default_factory
                state[each.name] = factory() if callable(factory) else each.default
        self.__dict__.update(state)

    @property
    def row_key(self) -> str:
        return self.columns[0][0]

    def key_of(self, row: dict[str, Any]) -> str:
        return str(row.get("key", row.get(self.row_key)))

    def cells(self, row: dict[str, Any]) -> list[str]:
        override = self.row_formats.get(self.key_of(row), {})
        cells = []
        for index, (key, _) in enumerate(self.columns):
            fmt = self.formats.get(key, INT)
            if index and isinstance(override, str):
                fmt = override
            elif isinstance(override, dict):
                fmt = override.get(key, fmt)
            cells.append(format_cell(row.get(key), fmt))
        return cells

    def html_rows(self) -> list[dict[str, Any]]:
        return [{"key": self.key_of(row), "cells": self.cells(row)} for row in self.rows]


def with_totals(table: SummaryTable, label: str = "Total") -> SummaryTable:
    """The table with a totals row after its trust rows, each column as ``totals`` combines
    it over every row (Σ of counts, ratios of the sums): what the whole table's builder and
    the joining of its parts both call, so the two cannot differ."""
    rows = list(table.rows)
    total = {table.row_key: label} | {
        column: how.over(rows, column) for column, how in table.totals.items()
    }
    return replace(table, rows=[*rows, total])


def joined(parts: list[SummaryTable], label: str = "Total") -> SummaryTable:
    """A table built in parts (its trust rows split over several jobs, each part without a
    totals row): the first part's headings and notes, every part's rows in the order of the
    first column, then the totals row over all of them."""
    rows = sorted(
        (row for part in parts for row in part.rows), key=lambda r: str(r[parts[0].row_key])
    )
    return with_totals(replace(parts[0], rows=rows), label)


def format_cell(value: Any, fmt: str) -> str:
    """A value as the report prints it: 1,083; 7%; .62; 58.981; p < .001; – when missing."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str) or fmt == TEXT:
        return str(value)
    if isinstance(value, Decimal):
        value = float(value)
    if fmt == PERCENT:
        return f"{round(value)}%"
    if fmt == RATIO:
        return f"{value:.2f}".replace("0.", ".", 1) if abs(value) < 1 else f"{value:.2f}"
    if fmt == DECIMAL3:
        text = f"{value:,.3f}"
        return text.replace("0.", ".", 1) if abs(value) < 1 else text
    if fmt == DECIMAL2:
        return f"{value:,.2f}"
    if fmt == P_VALUE:
        return "< .001" if value < 0.001 else f"{value:.3f}".replace("0.", ".", 1)
    return f"{round(value):,}"


def report_date(day: dt.date) -> str:
    """A date as the report writes it in captions: 31 March 2021."""
    return f"{day.day} {day:%B %Y}"
