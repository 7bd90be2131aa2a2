"""Streaming reading of a stored import file: CSV or XLSX rows under their header row.

Nothing here holds the whole file: a CSV is decoded line by line (so a byte that is not in the
chosen encoding is reported with its line), an XLSX is read with openpyxl's read-only mode. Every
cell is kept as a string, so codes such as ``"007"`` stay codes. The header row is found *by its
labels* among the first rows (NHS extracts carry banner rows); row numbers are those a user sees
in the spreadsheet.

A malformed file stops with :class:`ImportFailed` naming the row (and column where there is
one); a bad cell (a NUL byte, a cell longer than :data:`MAX_CELL_CHARS`) is reported against its
row and column and the reading goes on.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO, Any

from .spec import Column, ImportFailed, RowError

MAX_HEADER_SEARCH_ROWS = 30
MAX_CELL_CHARS = 10_000
SUFFIXES = (".csv", ".txt", ".xlsx")
#: The encodings a user may choose for a file that is not UTF-8 (we never guess one).
ENCODINGS = {
    "utf-8": "UTF-8 (with or without a byte-order mark)",
    "cp1252": "Windows-1252 (older Excel 'CSV' on Windows)",
    "iso-8859-1": "ISO-8859-1 (Latin-1)",
}
# Share of control bytes in the first block above which a ".csv" is binary, not text. Text
# files have none; random bytes have about 9 %.
_BINARY_SNIFF_BYTES = 8192
_BINARY_CONTROL_SHARE = 0.02
_CONTROL_BYTES = frozenset(range(1, 9)) | frozenset(range(14, 32))


@dataclass
class TableReader:
    """An open file: its header, and an iterator of (row number, values by column, problems)."""

    header_row: int
    ignored_headers: list[str]
    rows: Iterator[tuple[int, dict[str, str], dict[str, str]]]
    progress: Any  # () -> fraction of the file read, 0..1
    # Each column the spec reads → its heading as written in the file, to name it in errors.
    headings: dict[str, str] = field(default_factory=dict)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decoded_lines(fileobj: IO[bytes], encoding: str) -> Iterator[str]:
    """The file's lines as text, refusing (with the line number) a byte not in ``encoding``."""
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    for number, raw in enumerate(fileobj, start=1):
        try:
            yield raw.decode(codec)
        except UnicodeDecodeError as exc:
            byte = raw[exc.start : exc.start + 1].hex().upper()
            raise ImportFailed(
                [
                    RowError(
                        None,
                        None,
                        f"Line {number} has a byte (0x{byte}) that is not valid "
                        f"{ENCODINGS.get(encoding, encoding).split(' (')[0]}: the file is in "
                        "another encoding. Choose the file's encoding and check it again.",
                    )
                ],
                needs_encoding=True,
            ) from exc
        codec = encoding if encoding != "utf-8" else "utf-8"  # a BOM only counts on line 1


def _csv_records(fileobj: IO[bytes], encoding: str) -> Iterator[tuple[int, list[str]]]:
    head = fileobj.read(_BINARY_SNIFF_BYTES)
    fileobj.seek(0)
    if head and sum(b in _CONTROL_BYTES for b in head) > _BINARY_CONTROL_SHARE * len(head):
        raise ImportFailed(
            [RowError(None, None, "This is not a CSV file: it holds binary data, not text.")]
        )
    # strict: a stray quote ("abc"def) is an error instead of a silently merged cell.
    reader = csv.reader(_decoded_lines(fileobj, encoding), strict=True)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFailed([RowError(number + 1, None, _csv_message(exc, reader))]) from exc
        number += 1
        yield number, cells


def _csv_message(exc: csv.Error, reader: Any) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return (
            f"a cell is longer than {csv.field_size_limit():,} characters (line {reader.line_num})"
            " – often a quote that is never closed"
        )
    if "unexpected end of data" in text or "EOF" in text:
        return f"a quote opened on or after line {reader.line_num} is never closed"
    return f"the CSV is malformed on line {reader.line_num} ({text}); check its quotes"


def _xlsx_records(fileobj: IO[bytes]) -> tuple[Iterator[tuple[int, list[str]]], Any]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ImportFailed(
            [RowError(None, None, f"This is not a readable XLSX file ({exc}).")]
        ) from exc
    total = sheet.max_row or 0
    seen = [0]

    def records() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                seen[0] = number
                yield number, [_cell_text(v) for v in row]
        finally:
            workbook.close()

    return records(), lambda: seen[0] / total if total else 0.0


def _cell_problem(cell: str) -> str | None:
    if "\x00" in cell:
        return "contains a NUL byte: this looks like binary data, not text"
    if len(cell) > MAX_CELL_CHARS:
        return f"is longer than {MAX_CELL_CHARS:,} characters"
    return None


def open_table(
    fileobj: IO[bytes],
    filename: str,
    columns: Sequence[Column],
    *,
    encoding: str = "utf-8",
    unknown_columns_allowed: bool = False,
) -> TableReader:
    """Find the header row and return a reader of the rows below it (raises ImportFailed)."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsx":
        records, progress = _xlsx_records(fileobj)
    elif suffix in (".csv", ".txt"):
        if encoding not in ENCODINGS:
            raise ImportFailed([RowError(None, None, f"Unknown encoding {encoding!r}.")])
        size = fileobj.seek(0, 2) or 1
        fileobj.seek(0)
        records = _csv_records(fileobj, encoding)
        progress = lambda: fileobj.tell() / size  # noqa: E731
    else:
        raise ImportFailed([RowError(None, None, "Upload a CSV (.csv) or Excel (.xlsx) file.")])

    head = list(itertools.islice(records, MAX_HEADER_SEARCH_ROWS))
    if not any(any(cells) for _, cells in head):
        raise ImportFailed([RowError(None, None, "The file is empty.")])
    required = [c for c in columns if c.required]
    best = (-1, 0)  # (matches, index)
    for index, (_, cells) in enumerate(head):
        found = sum(any(c.matches(h) for h in cells) for c in required)
        if found > best[0]:
            best = (found, index)
        if found == len(required):
            break
    matches, header_index = best
    header_row, header = head[header_index]
    if matches < len(required):
        missing = [c.heading for c in required if not any(c.matches(h) for h in header)]
        raise ImportFailed(
            [
                RowError(
                    header_row,
                    column,
                    "this required column is missing from the header row",
                )
                for column in missing
            ]
        )
    positions: dict[str, int] = {}
    ignored: list[str] = []
    errors: list[RowError] = []
    for position, heading in enumerate(header):
        column = next((c for c in columns if c.matches(heading)), None)
        if column is None:
            if heading:
                ignored.append(heading)
        elif column.name in positions:
            errors.append(RowError(header_row, heading, "this column appears more than once"))
        else:
            positions[column.name] = position
    if ignored and not unknown_columns_allowed:
        known = ", ".join(c.heading for c in columns)
        errors += [
            RowError(header_row, heading, f"is not a column of this import (columns: {known})")
            for heading in ignored
        ]
    if errors:
        raise ImportFailed(errors)
    # A bad cell is named by the spec's column name, or its heading if the spec does not read it
    # (the stored preview names every column by its heading in the file: ``headings``).
    names = {position: heading for position, heading in enumerate(header) if heading}
    names.update({position: name for name, position in positions.items()})

    def rows() -> Iterator[tuple[int, dict[str, str], dict[str, str]]]:
        for number, cells in itertools.chain(head[header_index + 1 :], records):
            if not any(cells):
                continue
            problems: dict[str, str] = {}
            # One test per row in C first; cell by cell only for a row that has a problem.
            if max(map(len, cells)) > MAX_CELL_CHARS or "\x00" in "".join(cells):
                for position, cell in enumerate(cells):
                    problem = _cell_problem(cell)
                    if problem:
                        problems[names.get(position, f"column {position + 1}")] = problem
            values = {
                name: (cells[pos].strip() if pos < len(cells) else "")
                for name, pos in positions.items()
            }
            yield number, values, problems

    headings = {name: header[position] for name, position in positions.items()}
    return TableReader(header_row, ignored, rows(), progress, headings)
