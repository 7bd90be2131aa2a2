"""The import pages: upload, the stored check (with the job's progress), confirm, template.

``/imports/<spec>/``                    upload form (organisation, encoding)
``/imports/<spec>/template.csv|xlsx``   a template with the spec's columns and example rows
``/imports/batches/<pk>/``              the stored check: counts, first errors, sample rows
``/imports/batches/<pk>/confirm/``      POST: queue the commit job
``/imports/batches/<pk>/encoding/``     POST: check the stored file again in another encoding
"""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_GET, require_POST

from .. import jobs
from ..access import Action, require, visible_organisations
from ..exports import FORMATS, export_response
from ..models import ImportBatch, ImportStatus, Job, Organisation
from . import jobs as import_jobs
from .pipeline import store_upload, stored_preview
from .reader import ENCODINGS, SUFFIXES
from .spec import RowError, get_spec

DEFAULT_MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def max_upload_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops storing an upload as soon as it passes the limit (first in FILE_UPLOAD_HANDLERS).

    The rest of the body is read and thrown away, so the user gets the form back with an error
    instead of a reset connection; nothing past the limit is kept in memory or on disk."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0
        # A body far beyond the limit is refused before a byte of it is stored.
        if content_length and content_length > max_upload_bytes() + 1024 * 1024:
            self.request.upload_too_large = True

    def receive_data_chunk(self, raw_data, start):
        self.received = start + len(raw_data)
        if getattr(self.request, "upload_too_large", False) or self.received > max_upload_bytes():
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def refuse_too_large(request, form: forms.Form, field: str = "file") -> None:
    """Put the size error on the form when the upload handler stopped the upload."""
    if getattr(request, "upload_too_large", False):
        if not form.is_bound:  # the fields after the file were never read
            form.is_bound, form.data, form.files = True, {}, MultiValueDict()
        form.is_valid()  # clean first: add_error needs cleaned_data
        form.add_error(
            field, f"The file is larger than {_megabytes(max_upload_bytes())}; split it."
        )


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="CSV (.csv) or Excel (.xlsx)",
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="Import into", required=False
    )
    encoding = forms.ChoiceField(
        label="Text encoding of a CSV file",
        choices=list(ENCODINGS.items()),
        initial="utf-8",
        required=False,
        help_text="Leave as UTF-8 unless the check says the file is in another encoding.",
    )

    def __init__(self, *args, organisations=None, required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = f"CSV (.csv) or Excel (.xlsx), up to {_megabytes(max_upload_bytes())}"
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
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                f"The file is larger than {_megabytes(max_upload_bytes())}; split it."
            )
        if PurePath(upload.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError("Upload a CSV (.csv) or Excel (.xlsx) file.")
        return upload


class EncodingForm(forms.Form):
    encoding = forms.ChoiceField(label="The file's encoding", choices=list(ENCODINGS.items()))


def start_check(request, batch: ImportBatch) -> None:
    """Queue the check of a stored batch; the batch page follows the job."""
    job: Job | None
    try:
        job = jobs.submit(
            import_jobs.VALIDATE,
            {"batch": batch.pk, "user": request.user.pk},
            user=request.user,
            organisation=batch.organisation,
        )
    except jobs.JobRefused as refused:  # the Job row says why; the page shows it
        messages.error(request, str(refused))
        job = (
            Job.objects.filter(kind=import_jobs.VALIDATE, parameters__batch=batch.pk)
            .order_by("-pk")
            .first()
        )
    ImportBatch.objects.filter(pk=batch.pk).update(validate_job=job)


def upload_view(request, spec_name: str):
    spec = get_spec(spec_name)
    organisations = visible_organisations(request.user, spec.action).filter(
        kind__in=["partner_trust", "peer_trust"]
    )
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        organisations=organisations,
        required=spec.organisation_required,
    )
    if request.method == "POST":
        refuse_too_large(request, form)
    if request.method == "POST" and form.is_valid():
        batch = store_upload(
            spec,
            form.cleaned_data["file"],
            request.user,
            organisation=form.cleaned_data.get("organisation"),
            encoding=form.cleaned_data["encoding"] or "utf-8",
        )
        start_check(request, batch)
        return redirect("import-batch", pk=batch.pk)
    return render(
        request,
        "imports/upload.html",
        {"spec": spec, "form": form, "max_upload": _megabytes(max_upload_bytes())},
    )


def _batch(request, pk: int) -> ImportBatch:
    batch = get_object_or_404(
        ImportBatch.objects.select_related("organisation", "validate_job", "commit_job"), pk=pk
    )
    try:  # the action the batch's spec asks for (managing users, for a staff list)
        action = get_spec(batch.spec).action
    except Http404:
        action = Action.CHANGE
    require(request.user, action, batch)
    return batch


@require_GET
def batch_view(request, pk: int):
    """The stored check and the jobs' progress; this page never reads the file itself."""
    batch = _batch(request, pk)
    spec = get_spec(batch.spec)
    result = None if batch.status == ImportStatus.VALIDATING else stored_preview(batch)
    running = batch.status in (ImportStatus.VALIDATING, ImportStatus.COMMITTING)
    job = batch.commit_job if batch.commit_job_id else batch.validate_job
    write_errors = []
    if batch.status == ImportStatus.FAILED and result and result.is_valid:
        write_errors = stored_errors(batch.errors)
    return render(
        request,
        "imports/preview.html",
        {
            "spec": spec,
            "batch": batch,
            "preview": result,
            "rows": result.rows if result else [],
            "columns": spec.columns,
            "running": running,
            "job": job,
            "write_errors": write_errors,
            "encoding_form": EncodingForm(initial={"encoding": batch.encoding})
            if result and result.needs_encoding
            else None,
        },
    )


@require_POST
def confirm_view(request, pk: int):
    """Queue the commit of a checked batch that has no errors (once: a second click is refused)."""
    batch = _batch(request, pk)
    claimed = ImportBatch.objects.filter(
        pk=batch.pk, status__in=[ImportStatus.PREVIEWED, ImportStatus.FAILED]
    ).update(status=ImportStatus.COMMITTING)
    if not claimed or batch.error_count:
        if claimed:  # a file with errors is never committed: put the batch back
            ImportBatch.objects.filter(pk=batch.pk).update(status=batch.status)
        messages.error(request, "This file cannot be imported (again): see its status below.")
        return redirect("import-batch", pk=batch.pk)
    try:
        job = jobs.submit(
            import_jobs.COMMIT,
            {"batch": batch.pk, "user": request.user.pk},
            user=request.user,
            organisation=batch.organisation,
        )
    except jobs.JobRefused as refused:
        ImportBatch.objects.filter(pk=batch.pk).update(status=batch.status)
        messages.error(request, str(refused))
        return redirect("import-batch", pk=batch.pk)
    ImportBatch.objects.filter(pk=batch.pk).update(commit_job=job)
    batch.refresh_from_db()
    spec = get_spec(batch.spec)
    if batch.status == ImportStatus.COMMITTED:  # the job ran in this process (no broker)
        counts = batch.summary_text or "done"
        messages.success(request, f"Imported {batch.filename}: {counts}.")
        if spec.success_url_name:
            return redirect(spec.success_url_name)
    elif batch.status == ImportStatus.FAILED:
        messages.error(request, f"Nothing was imported: {len(batch.errors)} problem(s).")
    return redirect("import-batch", pk=batch.pk)


@require_POST
def encoding_view(request, pk: int):
    """Check the stored file again in the encoding the user names (we never guess one)."""
    batch = _batch(request, pk)
    form = EncodingForm(request.POST)
    if batch.status != ImportStatus.PREVIEWED or not form.is_valid():
        return redirect("import-batch", pk=batch.pk)
    batch.encoding = form.cleaned_data["encoding"]
    batch.status = ImportStatus.VALIDATING
    batch.preview = {}
    batch.save(update_fields=["encoding", "status", "preview"])
    start_check(request, batch)
    return redirect("import-batch", pk=batch.pk)


def template_view(request, spec_name: str, fmt: str):
    spec = get_spec(spec_name)
    if fmt not in FORMATS:
        raise Http404("Unknown format.")
    columns = [(c.name, c.heading) for c in spec.columns]
    return export_response(
        list(spec.example_rows), f"{spec.name}-template", fmt=fmt, columns=columns
    )


def stored_errors(errors: list[dict]) -> list[RowError]:
    return [RowError(e.get("row"), e.get("column"), e.get("message", "")) for e in errors]
