"""The PostgreSQL COPY path of the pipeline, for large files of a spec that offers it (ADR 19).

The check cleans each row with the spec's own code (``stage_row``: the same cleaning and
messages as ``clean_row`` + ``check_row``) into a line of COPY text and keeps the lines in a
staged file beside the upload. The commit — inside the pipeline's one transaction — COPYs the
staged file into a temporary table (or, if what the cleaning depended on changed since the
check, cleans the stored upload again straight into the COPY) and the spec writes it set-wise
(``write_staged``), with :func:`upsert_with_history` writing the audit rows the row-by-row path
writes. Nothing here holds the file: lines go out in blocks of :data:`FLUSH_LINES`.

SQLite, small files (under ``IMPORT_BULK_MIN_BYTES``) and specs without ``staged_columns`` keep
the row-by-row path.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from .. import audit, signals
from ..models import ImportBatch
from .spec import ImportContext, ImportFailed, ImportSpec, RowError, RowInvalid

#: Files from this size (1 MB ≈ 30,000 series rows) take the COPY path on PostgreSQL.
DEFAULT_MIN_BYTES = 1_000_000
FLUSH_LINES = 10_000
STAGED_DIR = "imports/staged"


def applies(spec: ImportSpec, batch: ImportBatch) -> bool:
    """Whether this batch is checked and committed through COPY."""
    if not (spec.streaming and spec.staged_columns) or connection.vendor != "postgresql":
        return False
    minimum = getattr(settings, "IMPORT_BULK_MIN_BYTES", DEFAULT_MIN_BYTES)
    if batch.file:
        try:
            size = batch.file.size
        except OSError:
            return False
    else:
        size = len(batch.content or b"")
    return size >= minimum


class Stager:
    """Cleans rows into COPY text and hands them to ``sink`` in blocks."""

    def __init__(self, spec: ImportSpec, ctx: ImportContext, sink: Callable[[str], Any]):
        self.spec, self.ctx, self.sink = spec, ctx, sink
        self.lines: list[str] = []
        self.count = 0

    def add(self, number: int, values: dict[str, str], problems: dict[str, str]) -> list[RowError]:
        """Stage one row; its errors (as the row-by-row path names them) if it has any."""
        if problems:  # a NUL byte or an over-long cell: the row is not worth cleaning
            return [RowError(number, column, message) for column, message in problems.items()]
        try:
            self.lines.append(self.spec.stage_row(number, values, self.ctx))
        except RowInvalid as invalid:
            return [RowError(number, column, msg) for column, msg in invalid.errors.items()]
        self.count += 1
        if len(self.lines) >= FLUSH_LINES:
            self.flush()
        return []

    def flush(self) -> None:
        if self.lines:
            self.sink("".join(self.lines))
            self.lines.clear()


class CheckStaging:
    """The check's staged rows: a temporary file, kept beside the upload if the file is valid."""

    def __init__(self, spec: ImportSpec, ctx: ImportContext):
        # Closed by the check (validate_batch holds it in its with block).
        self.file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self.stager = Stager(spec, ctx, lambda text: self.file.write(text.encode()))

    def keep(self, batch: ImportBatch) -> dict:
        """Store the staged rows; returns what the commit needs (the batch's ``facts["bulk"]``)."""
        self.stager.flush()
        self.file.seek(0)
        name = default_storage.save(f"{STAGED_DIR}/batch-{batch.pk}.tsv", File(self.file))
        return {
            "file": name,
            "rows": self.stager.count,
            "lookups": self.stager.spec.staged_lookups(self.stager.ctx),
        }


def discard(batch: ImportBatch) -> None:
    """Delete the staged rows of the batch's last check (committed, or checked again)."""
    name = ((batch.preview or {}).get("facts") or {}).get("bulk", {}).get("file")
    if name and default_storage.exists(name):
        default_storage.delete(name)


def write(
    spec: ImportSpec,
    batch: ImportBatch,
    ctx: ImportContext,
    *,
    report: Callable[[float, str], None],
) -> dict:
    """The commit's COPY path (call inside the commit's transaction, as ``write_rows``)."""
    ctx.facts = dict(batch.preview.get("facts", {}))
    staged = ctx.facts.pop("bulk", None) or {}
    spec.prepare(ctx)
    table = f"import_staged_{batch.pk}"
    columns = ", ".join(f"{name} {kind}" for name, kind in spec.staged_columns)
    with connection.cursor() as cursor:
        # Floats print as the shortest text that reads back the same (python_float_text).
        cursor.execute("SET LOCAL extra_float_digits = 1")
        # The upsert's RETURNING rows (~100 bytes each) feed the history insert: kept in memory
        # rather than spilled to disk at the default 4 MB (this transaction only).
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(f"CREATE TEMP TABLE {table} ({columns}) ON COMMIT DROP")
        reusable = (
            staged.get("file")
            and default_storage.exists(staged["file"])
            and spec.staged_lookups(ctx, staged["lookups"]) == staged["lookups"]
        )
        if reusable:
            _copy_staged(cursor, table, staged["file"], report)
            rows = staged["rows"]
        else:
            rows = _stage_again(spec, batch, ctx, cursor, table, report)
        report(0.5, f"Writing {rows:,} rows")
        summary = spec.write_staged(cursor, table, ctx)
    report(0.95, f"Wrote {rows:,} rows")
    return spec.after_write(ctx, summary)


def _copy_staged(cursor: Any, table: str, name: str, report: Callable[[float, str], None]) -> None:
    size = max(default_storage.size(name), 1)
    done = 0
    with default_storage.open(name, "rb") as fh, cursor.copy(f"COPY {table} FROM STDIN") as copy:
        while data := fh.read(1 << 22):
            copy.write(data)
            done += len(data)
            report(0.5 * done / size, "Loading the checked rows")


def _stage_again(
    spec: ImportSpec,
    batch: ImportBatch,
    ctx: ImportContext,
    cursor: Any,
    table: str,
    report: Callable[[float, str], None],
) -> int:
    """Clean the stored upload again, against the database as it is now, into the COPY."""
    from .pipeline import PROGRESS_EVERY_ROWS, _Errors, _rows, _stored_file

    errors = _Errors()
    with _stored_file(batch) as fh, cursor.copy(f"COPY {table} FROM STDIN") as copy:
        reader = _rows(batch, spec, fh)
        stager = Stager(spec, ctx, copy.write)
        for count, (number, values, problems) in enumerate(reader.rows, start=1):
            row_errors = stager.add(number, values, problems)
            if row_errors:
                errors.extend(row_errors)
                stager.sink = lambda text: None  # keep finding errors, stage no more
            if count % PROGRESS_EVERY_ROWS == 0:
                report(0.5 * reader.progress(), f"Checked {count:,} rows again")
        stager.flush()
    errors.extend(spec.finish_checks(ctx))
    if errors.count:
        raise ImportFailed(errors.kept)
    return stager.count


# --- Set-wise writes with their history -------------------------------------------------------


def python_float_text(expression: str) -> str:
    """SQL giving ``str()`` of a Python float (or 'None') for a double precision expression.

    With ``extra_float_digits = 1`` PostgreSQL prints the shortest digits that read back the
    same, as Python does, but "100" for 100.0 and scientific notation from 1e15 (Python from
    1e16)."""
    e = f"({expression})"
    return (
        f"CASE WHEN {e} IS NULL THEN 'None'"
        f" WHEN abs({e}) >= 1e15 AND abs({e}) < 1e16 THEN"
        f" {e}::text::numeric::text || CASE WHEN {e} = trunc({e}) THEN '.0' ELSE '' END"
        f" WHEN {e} = trunc({e}) AND abs({e}) < 1e15 THEN {e}::text || '.0'"
        f" ELSE {e}::text END"
    )


def upsert_with_history(
    cursor: Any,
    model: type[Model],
    *,
    columns: Sequence[str],
    select: str,
    params: Sequence[Any],
    unique_fields: Sequence[str],
    update_fields: Sequence[str],
    repr_sql: str,
    repr_join: str = "",
    owners: dict[int, int | None],
    owner_column: str,
) -> int:
    """``INSERT INTO <model> (columns) <select> ON CONFLICT (unique) DO UPDATE`` in one
    statement with the history ``audit.record_upsert`` writes after ``bulk_create``: a '+' row
    per record created, a '~' row per record replaced, with the record's fields, the date, the
    user, the source and IP address of the enclosing ``audit.source`` block, the owner
    (``owners``: the access policy's owning organisation by ``owner_column``) and ``repr_sql``
    (``str()`` of the record, over ``up.*`` and ``repr_join``). Returns the rows written."""
    table = model._meta.db_table
    conflict = ", ".join(unique_fields)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in update_fields)
    upsert = (
        f"INSERT INTO {table} ({', '.join(columns)}) {select}"
        f" ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
        f" RETURNING {table}.*, (xmax = 0) AS _created"
    )
    history: Any = getattr(model, "history", None)
    if history is None or not audit.recording():
        cursor.execute(f"WITH up AS ({upsert}) SELECT count(*) FROM up", list(params))
        written = cursor.fetchone()[0]
    else:
        historical = history.model
        tracked = [field.column for field in historical.tracked_fields]
        # The user as simple-history finds it for a bulk history row: the enclosing
        # audit.source block's, else the signed-in request's.
        user = historical.get_default_history_user(model())
        owner_keys = list(owners)
        cursor.execute(
            f"WITH up AS ({upsert}), hist AS ("
            f" INSERT INTO {historical._meta.db_table} ({', '.join(tracked)}, history_date,"
            " history_user_id, history_change_reason, history_type, history_source,"
            " history_ip_address, history_owner_id, history_object_repr)"
            f" SELECT {', '.join(f'up.{c}' for c in tracked)}, %s, %s, %s,"
            " CASE WHEN up._created THEN '+' ELSE '~' END, %s, %s, owner.id,"
            f" left({repr_sql}, 200)"
            f" FROM up {repr_join}"
            " LEFT JOIN unnest(%s::integer[], %s::integer[]) AS owner(key, id)"
            f" ON owner.key = up.{owner_column})"
            " SELECT count(*) FROM up",
            [
                *params,
                timezone.now(),
                getattr(user, "pk", None),
                "",
                audit.current_source(),
                audit._client_ip(),
                owner_keys,
                [owners[key] for key in owner_keys],
            ],
        )
        written = cursor.fetchone()[0]
    signals.changed(None, sender=model)  # a bulk write sends no post_save: say so once
    return written
