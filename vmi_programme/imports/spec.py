"""The import spec an app declares, its errors, and the helpers that clean one row."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import Http404

from ..access import Action, require
from ..models import Organisation

# --- Errors ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """A problem with one cell (row and column), one row (column None) or the file (row None)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}

    @property
    def anchor(self) -> str:
        """The id of its row on the preview page, where the error summary links ("" if none)."""
        return f"row-{self.row}" if self.row else ""


class RowInvalid(Exception):
    """Raised by ``clean_row``: ``errors`` maps a column name (or None) to its message."""

    def __init__(self, errors: dict[str | None, str]):
        super().__init__(errors)
        self.errors = errors


class ImportFailed(Exception):
    """``commit`` refused: the file (no longer) validates; ``errors`` says where.

    ``needs_encoding`` is set when the file is not UTF-8: the user must say which encoding it is
    in (we never guess)."""

    def __init__(self, errors: list[RowError], *, needs_encoding: bool = False):
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = errors
        self.needs_encoding = needs_encoding


# --- Spec -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column the spec reads: its key, the heading in the file, and other headings accepted."""

    name: str
    label: str = ""
    required: bool = True
    help: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        return self.label or self.name

    def matches(self, header: str) -> bool:
        return normalise_label(header) in {
            normalise_label(x) for x in (self.name, self.heading, *self.aliases)
        }


@dataclass
class ImportContext:
    """What a spec's methods get: who imports, into which organisation, and the spec's state."""

    user: Any
    organisation: Organisation | None = None
    options: dict = field(default_factory=dict)
    state: dict = field(default_factory=dict)  # the spec's preloaded lookups
    # What a streaming spec learnt about the whole file while validating (JSON-safe, stored on
    # the batch and handed back at commit, which reads the file only once).
    facts: dict = field(default_factory=dict)


class ImportSpec:
    """What one kind of file contains and how its rows become records. Subclass and register.

    Two kinds of spec:

    * **whole-file** (``streaming = False``, the default): ``check_rows(rows, ctx)`` sees every
      cleaned row at once and ``write(rows, ctx)`` gets the list. The pipeline holds the cleaned
      rows in memory, so such a spec takes at most ``max_rows`` rows.
    * **streaming** (``streaming = True``): ``check_row(number, row, ctx)`` is called row by row
      (keep compact state such as seen keys in ``ctx.state``), ``finish_checks(ctx)`` at the end
      of the file, and ``write_chunk(rows, ctx)`` writes a chunk of ``chunk_size`` rows and
      returns counts, which are summed; ``after_write(ctx, summary)`` runs once at the end of the
      transaction. What a cross-row check must carry into the commit goes in ``ctx.facts``.
    """

    name: str = ""
    title: str = ""
    help_text: str = ""
    columns: Sequence[Column] = ()
    example_rows: Sequence[dict[str, str]] = ()
    organisation_required: bool = True  # the user picks an organisation they may change
    success_url_name: str | None = None
    # A heading the spec does not know is an error, unless the files come from a publisher
    # (NHS extracts) whose extra columns are expected.
    unknown_columns_allowed: bool = False
    streaming: bool = False
    max_rows: int = 50_000  # whole-file specs only
    chunk_size: int = 5_000  # streaming specs: rows per write_chunk

    # The action the user needs on the organisation they import into (the upload form offers
    # the trusts where they have it).
    action: Action = Action.CHANGE

    def authorise(self, ctx: ImportContext) -> None:
        """Raise PermissionDenied unless the user may import into ``ctx.organisation``."""
        require(ctx.user, self.action, ctx.organisation)

    def prepare(self, ctx: ImportContext) -> None:
        """Preload lookups into ``ctx.state`` (called once before the rows are cleaned)."""

    def clean_row(self, row: dict[str, str], ctx: ImportContext) -> dict:
        """The cleaned row, or raise RowInvalid naming each bad column."""
        raise NotImplementedError

    def check_rows(self, rows: list[tuple[int, dict]], ctx: ImportContext) -> list[RowError]:
        """Problems across rows (duplicates...): ``rows`` are (row number, cleaned row)."""
        return []

    def write(self, rows: list[dict], ctx: ImportContext) -> dict:
        """Write the cleaned rows (called inside one transaction); return a summary of counts."""
        raise NotImplementedError

    # Streaming specs -------------------------------------------------------------------------

    def check_row(self, number: int, row: dict, ctx: ImportContext) -> list[RowError]:
        """Problems of this row against the rows before it (streaming specs)."""
        return []

    def finish_checks(self, ctx: ImportContext) -> list[RowError]:
        """Problems found at the end of the file; may set ``ctx.facts`` (streaming specs)."""
        return []

    def write_chunk(self, rows: list[dict], ctx: ImportContext) -> dict[str, int]:
        """Write a chunk of cleaned rows inside the commit's transaction; return counts."""
        raise NotImplementedError

    def after_write(self, ctx: ImportContext, summary: dict) -> dict:
        """Called once after the last chunk, inside the transaction; returns the summary."""
        return summary

    # The PostgreSQL COPY path for large files (``bulk.py``, a streaming spec may offer it) -----

    #: (name, SQL type) of the staging table; empty: the spec has no COPY path.
    staged_columns: Sequence[tuple[str, str]] = ()

    def stage_row(self, number: int, row: dict[str, str], ctx: ImportContext) -> str:
        """The row cleaned and checked exactly as ``clean_row`` + ``check_row`` do, as one line
        of COPY text for the staging table; raises RowInvalid naming each bad column."""
        raise NotImplementedError

    def staged_lookups(self, ctx: ImportContext, like: dict | None = None) -> dict:
        """JSON-safe: what cleaning the staged rows depended on (codes → ids, permissions). With
        ``like`` (what the check stored), the same lookups against the database as it is now:
        the commit reuses the check's staged rows only if the two are equal."""
        raise NotImplementedError

    def write_staged(self, cursor: Any, table: str, ctx: ImportContext) -> dict[str, int]:
        """Write the staged rows set-wise (inside the commit's transaction), with their audit
        history as the row-by-row path writes it; return counts as ``write_chunk`` does."""
        raise NotImplementedError


_REGISTRY: dict[str, ImportSpec] = {}


def register(spec: ImportSpec) -> ImportSpec:
    if not spec.name:
        raise ValueError("An ImportSpec needs a name.")
    _REGISTRY[spec.name] = spec
    return spec


def get_spec(name: str) -> ImportSpec:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise Http404(f"No import called {name!r}.") from None


def registered_specs() -> list[ImportSpec]:
    return sorted(_REGISTRY.values(), key=lambda s: s.title)


class DuplicateKeys:
    """Finds rows that repeat a key, in 16 bytes a row (a streaming spec's duplicate check).

    ``add(number, key)`` takes the row number and an integer key (pack the key's parts into
    one int); ``duplicates()`` at the end of the file gives (row, first row with that key) for
    every repeat, in row order. A dict of tuples would cost ~200 bytes a row."""

    def __init__(self) -> None:
        from array import array

        self.keys = array("q")
        self.numbers = array("q")

    def add(self, number: int, key: int) -> None:
        self.keys.append(key)
        self.numbers.append(number)

    def duplicates(self) -> list[tuple[int, int]]:
        import numpy as np

        if not self.keys:
            return []
        keys = np.frombuffer(self.keys, dtype=np.int64)
        numbers = np.frombuffer(self.numbers, dtype=np.int64)
        order = np.argsort(keys, kind="stable")  # equal keys keep file order
        sorted_keys = keys[order]
        repeat = np.flatnonzero(sorted_keys[1:] == sorted_keys[:-1]) + 1
        if not len(repeat):
            return []
        first_of_run = np.maximum.accumulate(
            np.where(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]], np.arange(len(keys)), 0)
        )
        pairs = [(int(numbers[order[i]]), int(numbers[order[first_of_run[i]]])) for i in repeat]
        return sorted(pairs)


# --- Cleaning helpers -----------------------------------------------------------------------

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
DATE_HINT = "use YYYY-MM-DD or DD/MM/YYYY"
# A date outside these years is a typing slip (9999, 1900) unless a spec allows a wider or asks
# for a narrower range (``RowCleaner.date(..., earliest=, latest=)``).
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


class RowCleaner:
    """Collects field errors while a spec cleans one row; ``result()`` raises if any."""

    def __init__(self, row: dict[str, str]):
        self.row = row
        self.errors: dict[str | None, str] = {}

    def error(self, column: str | None, message: str) -> None:
        self.errors.setdefault(column, message)

    def raw(self, column: str) -> str:
        return (self.row.get(column) or "").strip()

    def text(self, column: str, *, required: bool = True, max_length: int | None = None) -> str:
        value = self.raw(column)
        if required and not value:
            self.error(column, "is required")
        elif max_length and len(value) > max_length:
            self.error(column, f"is longer than {max_length} characters")
        return value

    def date(
        self,
        column: str,
        *,
        required: bool = True,
        earliest: dt.date = EARLIEST_DATE,
        latest: dt.date = LATEST_DATE,
    ) -> dt.date | None:
        value = self.raw(column)
        if not value:
            if required:
                self.error(column, f"is required ({DATE_HINT})")
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.error(column, f"'{value}' is not a date ({DATE_HINT})")
        elif not earliest <= parsed <= latest:
            self.error(
                column,
                f"{parsed:%d/%m/%Y} is outside {earliest:%d/%m/%Y}–{latest:%d/%m/%Y}; "
                "check the year",
            )
            return None
        return parsed

    def decimal(
        self, column: str, *, required: bool = True, minimum: Decimal | None = None
    ) -> Decimal | None:
        """A finite decimal ("1,234.5" allowed); NaN and Infinity are refused, not stored."""
        value = self.raw(column)
        if not value:
            if required:
                self.error(column, "is required")
            return None
        if value.lower() in NOT_FINITE:
            self.error(column, f"'{value}' is not a number (NaN and infinity are not allowed)")
            return None
        try:
            number = Decimal(value.replace(",", ""))
        except InvalidOperation:
            self.error(column, f"'{value}' is not a number")
            return None
        if not number.is_finite():
            self.error(column, f"'{value}' is not a finite number")
            return None
        if minimum is not None and number < minimum:
            self.error(column, "cannot be negative" if minimum == 0 else f"is below {minimum}")
        return number

    def choice(
        self, column: str, choices: dict[str, Any], *, required: bool = True, default: Any = None
    ) -> Any:
        """Map a cell to a value through ``choices`` (keys compared case-insensitively)."""
        value = self.raw(column)
        if not value:
            if required:
                self.error(column, "is required")
            return default
        lookup = {normalise_label(k): v for k, v in choices.items()}
        if normalise_label(value) not in lookup:
            allowed = ", ".join(sorted({str(k) for k in choices}))
            self.error(column, f"'{value}' is not one of: {allowed}")
            return default
        return lookup[normalise_label(value)]

    def integer(self, column: str, *, required: bool = True) -> int | None:
        value = self.raw(column)
        if not value:
            if required:
                self.error(column, "is required")
            return None
        try:
            return int(value)
        except ValueError:
            self.error(column, f"'{value}' is not a whole number")
            return None

    def result(self, **cleaned: Any) -> dict:
        if self.errors:
            raise RowInvalid(self.errors)
        return cleaned


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_date(value: str) -> dt.date | None:
    """A date in one of DATE_FORMATS (an XLSX midnight datetime too), or None.

    Matched with two regular expressions rather than ``strptime``, which cost most of the
    check's time on a large file; the formats accepted are the same."""
    value = value.strip()
    if match := _ISO_DATE.fullmatch(value):
        year, month, day = match.groups()
    elif match := _UK_DATE.fullmatch(value):
        day, month, year = match.groups()
    else:
        return None
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def normalise_label(label: str) -> str:
    return re.sub(r"[\s_\-]+", " ", str(label)).strip().lower()
