"""Store an upload, check it (→ a stored preview), and commit it all or nothing.

These functions run inside the two recorded jobs (``imports.validate``, ``imports.commit``, see
``jobs.py``); :func:`preview` and :func:`commit` call them in the calling process for the
management command, the demo and tests. Neither ever holds the whole file: rows stream from the
stored file, the preview keeps counts, the first :data:`PREVIEW_ERRORS_KEPT` errors and the first
:data:`PREVIEW_SAMPLE_ROWS` rows, and a streaming spec's commit writes chunk by chunk inside one
transaction. On PostgreSQL a large file of a spec that offers it takes the COPY path
(``bulk.py``): the check stages each cleaned row as COPY text, the commit loads it and writes
set-wise, with the same errors, records and history.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import PurePath
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.utils import timezone

from .. import audit
from ..models import ImportBatch, ImportStatus, Job, Organisation
from . import bulk
from .reader import open_table
from .spec import ImportContext, ImportFailed, ImportSpec, RowError, RowInvalid, get_spec

PREVIEW_ERRORS_KEPT = 100
PREVIEW_SAMPLE_ROWS = 20
PROGRESS_EVERY_ROWS = 5_000

Report = Callable[[float, str], None]


def _no_report(fraction: float, message: str) -> None:
    pass


@dataclass
class PreviewRow:
    number: int
    values: dict[str, str]
    cleaned: dict | None
    errors: list[RowError]


@dataclass
class ImportPreview:
    """A stored check: the first rows and errors, and how many there were in all."""

    batch: ImportBatch
    rows: list[PreviewRow]  # the first PREVIEW_SAMPLE_ROWS rows
    errors: list[RowError]  # the first PREVIEW_ERRORS_KEPT errors
    ignored_headers: list[str] = field(default_factory=list)
    row_count: int = 0
    error_count: int = 0
    needs_encoding: bool = False

    @property
    def is_valid(self) -> bool:
        return self.error_count == 0


class _Errors:
    """Counts every error and keeps the first few (the preview must stay small)."""

    def __init__(self, limit: int = PREVIEW_ERRORS_KEPT):
        self.limit, self.count = limit, 0
        self.kept: list[Any] = []

    def extend(self, errors: list[RowError]) -> None:
        if not errors:  # most rows: called once a row, a million times for a large file
            return
        self.count += len(errors)
        room = self.limit - len(self.kept)
        if room > 0:
            self.kept += errors[:room]


def _context(batch: ImportBatch, user: Any) -> ImportContext:
    return ImportContext(user=user, organisation=batch.organisation, options=dict(batch.context))


@contextmanager
def _stored_file(batch: ImportBatch) -> Iterator[IO[bytes]]:
    if batch.file:
        with batch.file.open("rb") as fh:
            yield fh
    else:  # a batch stored before files went to disk
        yield BytesIO(bytes(batch.content))


def _clean(
    spec: ImportSpec, number: int, values: dict, problems: dict, ctx: ImportContext
) -> tuple[dict | None, list[RowError]]:
    if problems:  # a NUL byte or an over-long cell: the row is not worth cleaning
        return None, [RowError(number, column, message) for column, message in problems.items()]
    try:
        return spec.clean_row(values, ctx), []
    except RowInvalid as invalid:
        return None, [RowError(number, column, msg) for column, msg in invalid.errors.items()]


def _rows(batch: ImportBatch, spec: ImportSpec, fh: IO[bytes]):
    return open_table(
        fh,
        batch.filename,
        spec.columns,
        encoding=batch.encoding or "utf-8",
        unknown_columns_allowed=spec.unknown_columns_allowed,
    )


# --- Upload ---------------------------------------------------------------------------------


def store_upload(
    spec: ImportSpec,
    uploaded_file: Any,
    user: Any,
    *,
    organisation: Organisation | None = None,
    encoding: str = "utf-8",
    **options: Any,
) -> ImportBatch:
    """Check the user may import, and store the file (streamed to storage) as a new batch."""
    if spec.organisation_required and organisation is None:
        raise PermissionDenied("Choose the organisation to import into.")
    spec.authorise(ImportContext(user=user, organisation=organisation, options=options))
    filename = PurePath(getattr(uploaded_file, "name", None) or "upload.csv").name[:200]
    batch = ImportBatch(
        spec=spec.name,
        filename=filename,
        organisation=organisation,
        context=options,
        encoding=encoding,
        status=ImportStatus.VALIDATING,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    # File.chunks() copies in 64 kB pieces: the upload is never read into memory whole.
    batch.file.save(
        filename,
        uploaded_file if isinstance(uploaded_file, File) else File(uploaded_file, filename),
        save=False,
    )
    batch.save()
    return batch


# --- Check (→ the stored preview) -----------------------------------------------------------


def validate_batch(batch: ImportBatch, user: Any, *, report: Report = _no_report) -> ImportPreview:
    """Check every row of the stored file and store the result on the batch; writes nothing."""
    started = time.monotonic()
    spec = get_spec(batch.spec)
    ctx = _context(batch, user)
    errors = _Errors()
    sample: list[PreviewRow] = []
    ignored: list[str] = []
    needs_encoding = False
    row_count = 0
    whole_file: list[tuple[int, dict]] = []
    headings: dict[str, str] = {}
    bulk.discard(batch)  # the rows an earlier check of this file staged
    # A large file on PostgreSQL: each row is cleaned into COPY text for the commit (bulk.py).
    staging = bulk.CheckStaging(spec, ctx) if bulk.applies(spec, batch) else None
    with _stored_file(batch) as fh, staging.file if staging else nullcontext():
        try:
            table = _rows(batch, spec, fh)
            ignored, headings = table.ignored_headers, table.headings
            spec.prepare(ctx)
            for number, values, problems in table.rows:
                row_count += 1
                if not spec.streaming and row_count > spec.max_rows:
                    errors.extend(
                        [
                            RowError(
                                number,
                                None,
                                f"this import takes at most {spec.max_rows:,} rows; split the file",
                            )
                        ]
                    )
                    break
                if staging:
                    cleaned, row_errors = None, staging.stager.add(number, values, problems)
                else:
                    cleaned, row_errors = _clean(spec, number, values, problems, ctx)
                if cleaned is not None:
                    if spec.streaming:
                        row_errors += spec.check_row(number, cleaned, ctx)
                    else:
                        whole_file.append((number, cleaned))
                errors.extend(row_errors)
                if len(sample) < PREVIEW_SAMPLE_ROWS:
                    sample.append(PreviewRow(number, values, cleaned, row_errors))
                if row_count % PROGRESS_EVERY_ROWS == 0:
                    report(table.progress(), f"Checked {row_count:,} rows")
            if not row_count:
                errors.extend([RowError(None, None, "The file has a header row but no data rows.")])
            elif spec.streaming:
                errors.extend(spec.finish_checks(ctx))
            else:
                check_errors = spec.check_rows(whole_file, ctx)
                errors.extend(check_errors)
                by_number = {row.number: row for row in sample}
                for error in check_errors:
                    if error.row in by_number:
                        by_number[error.row].errors.append(error)
        except ImportFailed as failed:
            errors.extend(failed.errors)
            needs_encoding = failed.needs_encoding
        if staging and row_count and not errors.count:
            ctx.facts["bulk"] = staging.keep(batch)
    del whole_file
    batch.preview = {
        "row_count": row_count,
        "error_count": errors.count,
        "errors": _error_dicts(errors.kept, headings),
        "sample": [
            {
                "number": r.number,
                "values": {k: _storable(v) for k, v in r.values.items()},
                "errors": _error_dicts(r.errors, headings),
            }
            for r in sample
        ],
        "ignored_headers": ignored,
        "needs_encoding": needs_encoding,
        "facts": ctx.facts,
        "seconds": round(time.monotonic() - started, 2),
    }
    batch.row_count = row_count
    batch.errors = batch.preview["errors"]
    batch.status = ImportStatus.PREVIEWED
    batch.save(update_fields=["preview", "row_count", "errors", "status"])
    return ImportPreview(
        batch, sample, errors.kept, ignored, row_count, errors.count, needs_encoding
    )


def _storable(cell: str) -> str:
    """A cell as the stored preview shows it: PostgreSQL's JSON cannot hold a NUL character,
    and the page needs no more than the start of a long cell."""
    cell = cell.replace("\x00", "\N{SYMBOL FOR NULL}")
    return cell if len(cell) <= 200 else cell[:200] + "…"


def _error_dicts(errors: list[RowError], headings: dict[str, str] | None = None) -> list[dict]:
    """Errors as the preview stores them; a spec's column key becomes the file's heading for it
    (a user reads "Cohort start", the heading they typed, never ``cohort_start``)."""
    headings = headings or {}
    return [
        {
            "row": e.row,
            "column": _storable(headings.get(e.column, e.column)) if e.column else e.column,
            "message": e.message.replace("\x00", "\N{SYMBOL FOR NULL}"),
        }
        for e in errors
    ]


def stored_preview(batch: ImportBatch) -> ImportPreview | None:
    """The check stored on the batch (None while it runs); reading it never re-checks the file."""
    stored = batch.preview
    if not stored:
        return None
    rows = [
        PreviewRow(
            r["number"],
            r["values"],
            None,
            [RowError(e["row"], e["column"], e["message"]) for e in r["errors"]],
        )
        for r in stored.get("sample", [])
    ]
    return ImportPreview(
        batch,
        rows,
        [RowError(e.get("row"), e.get("column"), e.get("message", "")) for e in stored["errors"]],
        stored.get("ignored_headers", []),
        stored.get("row_count", 0),
        stored.get("error_count", 0),
        stored.get("needs_encoding", False),
    )


# --- Commit ---------------------------------------------------------------------------------


def write_rows(
    spec: ImportSpec, batch: ImportBatch, ctx: ImportContext, *, report: Report = _no_report
) -> dict:
    """The one place an import writes: re-read the stored file, clean each row against the
    database as it is now, and write — a streaming spec in chunks of ``spec.chunk_size``, a
    whole-file spec all at once. Call it inside one transaction; raises ImportFailed (so the
    transaction rolls back) if any row no longer cleans."""
    errors = _Errors()
    summary: dict[str, int] = {}
    chunk: list[dict] = []
    whole_file: list[tuple[int, dict]] = []

    def flush() -> None:
        for key, value in spec.write_chunk(chunk, ctx).items():
            summary[key] = summary.get(key, 0) + value
        chunk.clear()

    if bulk.applies(spec, batch):
        return bulk.write(spec, batch, ctx, report=report)
    ctx.facts = dict(batch.preview.get("facts", {}))
    with _stored_file(batch) as fh:
        table = _rows(batch, spec, fh)
        spec.prepare(ctx)
        for count, (number, values, problems) in enumerate(table.rows, start=1):
            cleaned, row_errors = _clean(spec, number, values, problems, ctx)
            if row_errors:
                errors.extend(row_errors)
                continue
            if errors.count:
                continue  # keep finding errors to report, but write no more
            assert cleaned is not None  # a row without errors was cleaned
            if spec.streaming:
                chunk.append(cleaned)
                if len(chunk) >= spec.chunk_size:
                    flush()
            else:
                whole_file.append((number, cleaned))
            if count % PROGRESS_EVERY_ROWS == 0:
                report(table.progress(), f"Imported {count:,} rows")
    if not errors.count and not spec.streaming:
        errors.extend(spec.check_rows(whole_file, ctx))
    if errors.count:
        raise ImportFailed(errors.kept)
    if spec.streaming:
        if chunk:
            flush()
        return spec.after_write(ctx, summary)
    return spec.write([row for _, row in whole_file], ctx)


def commit_batch(batch: ImportBatch, user: Any, *, report: Report = _no_report) -> dict:
    """Write the checked file all or nothing and record the outcome on the batch; raises
    ImportFailed (nothing written) if it has errors or no longer validates."""
    if batch.status == ImportStatus.COMMITTED:
        raise ImportFailed([RowError(None, None, "This file has already been imported.")])
    if not batch.preview:  # a batch stored before checks were stored
        validate_batch(batch, user)
    spec = get_spec(batch.spec)
    ctx = _context(batch, user)
    spec.authorise(ctx)
    errors: list[RowError] = []
    try:
        if batch.preview.get("error_count"):  # a file with errors is never written
            preview = stored_preview(batch)
            raise ImportFailed(preview.errors if preview else [])
        # The rows are recorded in the audit trail as an import, by whoever confirmed it.
        with transaction.atomic(), audit.source("import", user=user):
            summary = write_rows(spec, batch, ctx, report=report)
    except ImportFailed as failed:
        errors = failed.errors
    except ValidationError as exc:
        errors = [RowError(None, None, m) for m in exc.messages]
    except IntegrityError as exc:
        errors = [RowError(None, None, f"The database refused the import: {exc}")]
    if errors:
        batch.status = ImportStatus.FAILED
        batch.errors = _error_dicts(errors[:PREVIEW_ERRORS_KEPT])
        batch.save(update_fields=["status", "errors"])
        raise ImportFailed(errors)
    bulk.discard(batch)
    batch.status = ImportStatus.COMMITTED
    batch.summary = summary or {}
    batch.errors = []
    batch.committed_at = timezone.now()
    batch.save(update_fields=["status", "summary", "errors", "committed_at"])
    return batch.summary


def job_reporter(job_context: Any) -> tuple[Report, Callable[[], None]]:
    """A progress report for a job whose work runs inside one transaction: on PostgreSQL it
    writes through a second connection, so the page sees it before the transaction commits."""
    job_id = job_context.job.pk
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        return (lambda f, m: job_context.progress(int(f * 100), m)), (lambda: None)
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    table = Job._meta.db_table

    def report(fraction: float, message: str) -> None:
        with side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET progress = %s, progress_message = %s WHERE id = %s",  # noqa: S608
                [max(0, min(99, int(fraction * 100))), message[:300], job_id],
            )

    return report, side.close


# --- In-process use (management command, demo, tests) ---------------------------------------


def preview(
    spec: ImportSpec,
    uploaded_file: Any,
    user: Any,
    *,
    organisation: Organisation | None = None,
    encoding: str = "utf-8",
    **options: Any,
) -> ImportPreview:
    """Store the upload as a batch and check it here and now; nothing is written."""
    batch = store_upload(
        spec, uploaded_file, user, organisation=organisation, encoding=encoding, **options
    )
    return validate_batch(batch, user)


def commit(batch: ImportBatch, user: Any) -> dict:
    """Commit a checked batch here and now (see :func:`commit_batch`)."""
    return commit_batch(batch, user)
