"""The one import pipeline: CSV/XLSX upload → preview with row/field errors → confirm, all or nothing.

Every app that takes spreadsheets (training enrolments, RPIW template reports, network
nominations, organisational series) declares an :class:`ImportSpec` in ``<app>/imports.py``,
registers it, and gets the generic pages for free:

``/imports/<spec>/``                   upload form (and the organisation to import into)
``/imports/<spec>/template.csv|xlsx``  a template with the spec's columns and example rows
``/imports/batches/<pk>/``             preview table with an NHS error summary, then "Confirm"

How a file travels:

1. :func:`read_table` reads CSV (UTF-8 with or without BOM, falling back to Windows-1252) or
   XLSX (openpyxl). Every cell is kept as a string, so codes such as ``"007"`` stay codes. The
   header row is found *by its labels* among the first rows (NHS extracts carry banner rows),
   and row numbers are those a user sees in the spreadsheet.
2. :func:`preview` stores the file as an :class:`~vmi_programme.models.ImportBatch`, then
   validates: ``spec.prepare(ctx)`` preloads lookups, ``spec.clean_row(row, ctx)`` returns the
   cleaned row or raises :class:`RowInvalid` naming each bad column (use :class:`RowCleaner`),
   ``spec.check_rows(rows, ctx)`` finds problems across rows (duplicates). Nothing is written
   to the app's tables.
3. :func:`commit` reads the *stored* bytes again (so confirm writes exactly what was
   previewed), re-validates against the current database, and calls ``spec.write(rows, ctx)``
   inside one ``transaction.atomic()``. Any error – a row error or a ``ValidationError`` /
   ``IntegrityError`` raised by the writer – rolls everything back and is recorded on the batch.

A minimal spec::

    class WardImport(ImportSpec):
        name = "rpiw.wards"
        title = "Import wards"
        columns = [Column("ward", "Ward name"), Column("opened", "Opened on", required=False)]

        def clean_row(self, row, ctx):
            c = RowCleaner(row)
            return c.result(ward=c.text("ward"), opened=c.date("opened", required=False))

        def write(self, rows, ctx):
            Ward.objects.bulk_create(Ward(organisation=ctx.organisation, **r) for r in rows)
            return {"wards": len(rows)}

    register(WardImport())
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from .access import Action, require, visible_organisations
from .exports import FORMATS, export_response
from .models import ImportBatch, ImportStatus, Organisation

MAX_HEADER_SEARCH_ROWS = 30
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
PREVIEW_ROWS_SHOWN = 500


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
    """``commit`` refused: the file (no longer) validates; ``errors`` says where."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = errors


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


class ImportSpec:
    """What one kind of file contains and how its rows become records. Subclass and register."""

    name: str = ""
    title: str = ""
    help_text: str = ""
    columns: Sequence[Column] = ()
    example_rows: Sequence[dict[str, str]] = ()
    organisation_required: bool = True  # the user picks an organisation they may change
    success_url_name: str | None = None

    def authorise(self, ctx: ImportContext) -> None:
        """Raise PermissionDenied unless the user may import into ``ctx.organisation``."""
        require(ctx.user, Action.CHANGE, ctx.organisation)

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


# --- Cleaning helpers -----------------------------------------------------------------------

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
DATE_HINT = "use YYYY-MM-DD or DD/MM/YYYY"


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

    def date(self, column: str, *, required: bool = True) -> dt.date | None:
        value = self.raw(column)
        if not value:
            if required:
                self.error(column, f"is required ({DATE_HINT})")
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.error(column, f"'{value}' is not a date ({DATE_HINT})")
        return parsed

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


def parse_date(value: str) -> dt.date | None:
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]00:00(:00)?", value):  # XLSX dates read as datetimes
        value = value[:10]
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def normalise_label(label: str) -> str:
    return re.sub(r"[\s_\-]+", " ", str(label)).strip().lower()


# --- Reading files --------------------------------------------------------------------------


@dataclass
class Table:
    """The rows of a file under its header row: (spreadsheet row number, {column: value})."""

    header_row: int
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]
    ignored_headers: list[str]


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


def _raw_rows(content: bytes, filename: str) -> list[list[str]]:
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            raise ImportFailed(
                [RowError(None, None, f"This is not a readable XLSX file ({exc}).")]
            ) from exc
        sheet = workbook.worksheets[0]
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    if suffix in (".csv", ".txt"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1252", errors="replace")
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    raise ImportFailed([RowError(None, None, "Upload a CSV (.csv) or Excel (.xlsx) file.")])


def read_table(content: bytes, filename: str, columns: Sequence[Column]) -> Table:
    """The file's rows keyed by column name, under the first row that holds every required label."""
    raw = _raw_rows(content, filename)
    required = [c for c in columns if c.required]
    best: tuple[int, int] = (-1, 0)  # (matches, index)
    for index, row in enumerate(raw[:MAX_HEADER_SEARCH_ROWS]):
        found = sum(any(c.matches(h) for h in row) for c in required)
        if found > best[0]:
            best = (found, index)
        if found == len(required):
            break
    matches, header_index = best
    header = raw[header_index] if raw else []
    if matches < len(required) or not raw:
        missing = [c.heading for c in required if not any(c.matches(h) for h in header)]
        return_error = (
            f"The file has no header row with the column(s): {', '.join(missing)}."
            if raw
            else "The file is empty."
        )
        raise ImportFailed([RowError(None, None, return_error)])
    positions: dict[str, int] = {}
    ignored = []
    for position, heading in enumerate(header):
        column = next((c for c in columns if c.matches(heading)), None)
        if column is None:
            if heading:
                ignored.append(heading)
        elif column.name in positions:
            raise ImportFailed(
                [RowError(header_index + 1, heading, "this column appears more than once")]
            )
        else:
            positions[column.name] = position
    rows = []
    for index in range(header_index + 1, len(raw)):
        cells = raw[index]
        if not any(cells):
            continue
        values = {name: (cells[pos] if pos < len(cells) else "") for name, pos in positions.items()}
        rows.append((index + 1, values))
    return Table(header_index + 1, [c.name for c in columns], rows, ignored)


# --- Preview and commit ---------------------------------------------------------------------


@dataclass
class PreviewRow:
    number: int
    values: dict[str, str]
    cleaned: dict | None
    errors: list[RowError]


@dataclass
class ImportPreview:
    batch: ImportBatch
    rows: list[PreviewRow]
    errors: list[RowError]
    ignored_headers: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def _context(batch_or_user: Any, organisation: Organisation | None, options: dict) -> ImportContext:
    return ImportContext(user=batch_or_user, organisation=organisation, options=options)


def validate(
    spec: ImportSpec, content: bytes, filename: str, ctx: ImportContext
) -> tuple[list[PreviewRow], list[RowError], list[str]]:
    """Clean every row of the file; returns the rows, all errors, and the ignored headings."""
    try:
        table = read_table(content, filename, spec.columns)
    except ImportFailed as failed:
        return [], failed.errors, []
    if not table.rows:
        return [], [RowError(None, None, "The file has a header row but no data rows.")], []
    spec.prepare(ctx)
    rows: list[PreviewRow] = []
    for number, values in table.rows:
        try:
            rows.append(PreviewRow(number, values, spec.clean_row(values, ctx), []))
        except RowInvalid as invalid:
            errors = [RowError(number, column, msg) for column, msg in invalid.errors.items()]
            rows.append(PreviewRow(number, values, None, errors))
    cleaned = [(r.number, r.cleaned) for r in rows if r.cleaned is not None]
    by_number = {r.number: r for r in rows}
    for error in spec.check_rows(cleaned, ctx):
        if error.row in by_number:
            by_number[error.row].errors.append(error)
    errors = [e for r in rows for e in r.errors]
    return rows, errors, table.ignored_headers


def preview(
    spec: ImportSpec,
    uploaded_file: Any,
    user: Any,
    *,
    organisation: Organisation | None = None,
    **options: Any,
) -> ImportPreview:
    """Store the upload as a batch and validate it; nothing is written to the app's tables."""
    ctx = _context(user, organisation, options)
    if spec.organisation_required and organisation is None:
        raise PermissionDenied("Choose the organisation to import into.")
    spec.authorise(ctx)
    content = uploaded_file.read()
    filename = getattr(uploaded_file, "name", "upload.csv")
    rows, errors, ignored = validate(spec, content, filename, ctx)
    batch = ImportBatch.objects.create(
        spec=spec.name,
        filename=PurePath(filename).name[:255],
        content=content,
        organisation=organisation,
        context=options,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        row_count=len(rows),
        errors=[e.as_dict() for e in errors],
    )
    return ImportPreview(batch, rows, errors, ignored)


def preview_batch(batch: ImportBatch, user: Any) -> ImportPreview:
    """Validate a stored batch again (for showing its preview page)."""
    spec = get_spec(batch.spec)
    ctx = _context(user, batch.organisation, batch.context)
    rows, errors, ignored = validate(spec, bytes(batch.content), batch.filename, ctx)
    return ImportPreview(batch, rows, errors, ignored)


def commit(batch: ImportBatch, user: Any) -> dict:
    """Re-validate the stored file and write it all in one transaction, or raise ImportFailed."""
    if batch.status == ImportStatus.COMMITTED:
        raise ImportFailed([RowError(None, None, "This file has already been imported.")])
    spec = get_spec(batch.spec)
    ctx = _context(user, batch.organisation, batch.context)
    spec.authorise(ctx)
    rows, errors, _ = validate(spec, bytes(batch.content), batch.filename, ctx)
    if not errors:
        try:
            with transaction.atomic():
                summary = spec.write([r.cleaned for r in rows], ctx)
        except ValidationError as exc:
            errors = [RowError(None, None, m) for m in exc.messages]
        except IntegrityError as exc:
            errors = [RowError(None, None, f"The database refused the import: {exc}")]
    if errors:
        batch.status = ImportStatus.FAILED
        batch.errors = [e.as_dict() for e in errors]
        batch.save(update_fields=["status", "errors"])
        raise ImportFailed(errors)
    batch.status = ImportStatus.COMMITTED
    batch.summary = summary or {}
    batch.errors = []
    batch.committed_at = timezone.now()
    batch.save(update_fields=["status", "summary", "errors", "committed_at"])
    return batch.summary


# --- Pages ----------------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="CSV (.csv) or Excel (.xlsx)",
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="Import into", required=False
    )

    def __init__(self, *args, organisations=None, required=True, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        if organisations is None or not required:
            del self.fields["organisation"]
        else:
            field.queryset = organisations
            field.required = True
            if organisations.count() == 1:
                field.initial = organisations.first()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 10 MB.")
        if PurePath(upload.name).suffix.lower() not in (".csv", ".xlsx", ".txt"):
            raise forms.ValidationError("Upload a CSV (.csv) or Excel (.xlsx) file.")
        return upload


def upload_view(request, spec_name: str):
    spec = get_spec(spec_name)
    organisations = visible_organisations(request.user, Action.CHANGE).filter(
        kind__in=["partner_trust", "peer_trust"]
    )
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        organisations=organisations,
        required=spec.organisation_required,
    )
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data.get("organisation")
        result = preview(spec, form.cleaned_data["file"], request.user, organisation=organisation)
        return redirect("import-batch", pk=result.batch.pk)
    return render(request, "imports/upload.html", {"spec": spec, "form": form})


def batch_view(request, pk: int):
    batch = get_object_or_404(ImportBatch.objects.select_related("organisation"), pk=pk)
    spec = get_spec(batch.spec)
    require(request.user, Action.CHANGE, batch)
    if request.method == "POST" and batch.status != ImportStatus.COMMITTED:
        try:
            summary = commit(batch, request.user)
        except ImportFailed as failed:
            messages.error(request, f"Nothing was imported: {len(failed.errors)} problem(s).")
        else:
            counts = ", ".join(f"{v} {k}" for k, v in summary.items()) or "done"
            messages.success(request, f"Imported {batch.filename}: {counts}.")
            if spec.success_url_name:
                return redirect(spec.success_url_name)
        return redirect("import-batch", pk=batch.pk)
    result = None if batch.status == ImportStatus.COMMITTED else preview_batch(batch, request.user)
    shown = result.rows[:PREVIEW_ROWS_SHOWN] if result else []
    shown_numbers = {r.number for r in shown}
    if result:  # every row with an error is shown, even beyond the first rows
        shown += [r for r in result.rows if r.errors and r.number not in shown_numbers]
    return render(
        request,
        "imports/preview.html",
        {
            "spec": spec,
            "batch": batch,
            "preview": result,
            "rows": shown,
            "columns": spec.columns,
            "write_errors": iter_errors(batch.errors)
            if batch.status == ImportStatus.FAILED and result and result.is_valid
            else [],
        },
    )


def template_view(request, spec_name: str, fmt: str):
    spec = get_spec(spec_name)
    if fmt not in FORMATS:
        raise Http404("Unknown format.")
    columns = [(c.name, c.heading) for c in spec.columns]
    return export_response(
        list(spec.example_rows), f"{spec.name}-template", fmt=fmt, columns=columns
    )


def import_url(spec_name: str) -> str:
    return reverse("import-upload", kwargs={"spec_name": spec_name})


def iter_errors(errors: Iterable[dict]) -> list[RowError]:
    return [RowError(e.get("row"), e.get("column"), e.get("message", "")) for e in errors]
