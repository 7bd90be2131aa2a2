"""The import pipeline's two recorded jobs: check a stored file, and commit it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from ..jobs import JobContext, job_kind, quiet_kind
from ..models import ImportBatch
from .pipeline import commit_batch, job_reporter, validate_batch
from .spec import ImportFailed

VALIDATE = "imports.validate"
COMMIT = "imports.commit"


def _user(user_id: int | None) -> Any:
    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


quiet_kind(VALIDATE)  # checking a file changes no record


@job_kind(VALIDATE)
def validate(job: JobContext, batch: int, user: int | None = None) -> dict:
    """Check every row of a stored import file; the batch page reads the stored result."""
    stored = ImportBatch.objects.select_related("organisation").get(pk=batch)
    result = validate_batch(stored, _user(user), report=lambda f, m: job.progress(int(f * 100), m))
    return {"batch": stored.pk, "rows": result.row_count, "errors": result.error_count}


@job_kind(COMMIT)
def commit(job: JobContext, batch: int, user: int | None = None) -> dict:
    """Write a checked import file all or nothing, in one transaction."""
    stored = ImportBatch.objects.select_related("organisation").get(pk=batch)
    report, close = job_reporter(job)
    try:
        summary = commit_batch(stored, _user(user), report=report)
    except ImportFailed as failed:
        # The batch records every error; the job says why in one line.
        raise ValueError(
            f"Nothing was imported: {len(failed.errors)} problem(s), e.g. {failed.errors[0]}"
        ) from failed
    finally:
        close()
    return {"batch": stored.pk, **summary}
