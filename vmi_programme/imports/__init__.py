"""The one import pipeline: CSV/XLSX upload → a stored check (a job) → confirm (a job), all or nothing.

Every app that takes spreadsheets (training enrolments, RPIW template reports, network
nominations, organisational series) declares an :class:`ImportSpec` in ``<app>/imports.py``,
registers it, and gets the generic pages for free (``views.py``).

How a file travels (ADR 0006):

1. **Upload** (:func:`store_upload`): the upload handler stops at ``IMPORT_MAX_UPLOAD_BYTES``
   while the body is received; the file is streamed to storage as an
   :class:`~vmi_programme.models.ImportBatch`.
2. **Check** (job ``imports.validate`` → :func:`validate_batch`): rows stream from the stored
   file (``reader.py``: CSV decoded line by line in the encoding the user chose — UTF-8 unless
   they say otherwise — or XLSX read-only). ``spec.prepare(ctx)`` preloads lookups,
   ``spec.clean_row(row, ctx)`` returns the cleaned row or raises :class:`RowInvalid` naming each
   bad column (use :class:`RowCleaner`), cross-row checks find duplicates. The batch stores
   counts, the first errors and a sample of rows; the batch page only reads that.
3. **Commit** (job ``imports.commit`` → :func:`commit_batch`): inside one
   ``transaction.atomic()``, :func:`write_rows` streams the stored file again, cleans each row
   against the database as it is now and writes (in chunks for a streaming spec). Any error
   rolls everything back and is recorded on the batch.

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

from .pipeline import (
    ImportPreview,
    PreviewRow,
    commit,
    commit_batch,
    preview,
    store_upload,
    stored_preview,
    validate_batch,
    write_rows,
)
from .reader import ENCODINGS, MAX_CELL_CHARS, open_table
from .spec import (
    DATE_FORMATS,
    DATE_HINT,
    EARLIEST_DATE,
    LATEST_DATE,
    Column,
    DuplicateKeys,
    ImportContext,
    ImportFailed,
    ImportSpec,
    RowCleaner,
    RowError,
    RowInvalid,
    get_spec,
    normalise_label,
    parse_date,
    register,
    registered_specs,
)
from .views import (
    SizeLimitUploadHandler,
    UploadForm,
    batch_view,
    confirm_view,
    encoding_view,
    max_upload_bytes,
    refuse_too_large,
    start_check,
    template_view,
    upload_view,
)


def import_url(spec_name: str) -> str:
    from django.urls import reverse

    return reverse("import-upload", kwargs={"spec_name": spec_name})


def iter_errors(errors) -> list[RowError]:
    return [RowError(e.get("row"), e.get("column"), e.get("message", "")) for e in errors]


__all__ = [
    "DATE_FORMATS",
    "DATE_HINT",
    "EARLIEST_DATE",
    "ENCODINGS",
    "LATEST_DATE",
    "MAX_CELL_CHARS",
    "Column",
    "DuplicateKeys",
    "ImportContext",
    "ImportFailed",
    "ImportPreview",
    "ImportSpec",
    "PreviewRow",
    "RowCleaner",
    "RowError",
    "RowInvalid",
    "SizeLimitUploadHandler",
    "UploadForm",
    "batch_view",
    "commit",
    "commit_batch",
    "confirm_view",
    "encoding_view",
    "get_spec",
    "import_url",
    "iter_errors",
    "max_upload_bytes",
    "normalise_label",
    "open_table",
    "parse_date",
    "preview",
    "refuse_too_large",
    "start_check",
    "register",
    "registered_specs",
    "store_upload",
    "stored_preview",
    "template_view",
    "upload_view",
    "validate_batch",
    "write_rows",
]
