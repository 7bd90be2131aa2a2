"""Celery tasks of the core: the one task that runs any recorded job."""

from celery import shared_task

from . import jobs


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=jobs.TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=3,
)
def run_job(self, job_id: int) -> str:
    """Run a recorded job; transient database or network errors are retried with backoff."""
    try:
        job = jobs.execute(job_id)
    except jobs.TRANSIENT_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            jobs.mark_failed(job_id, exc)
            return "failed"
        raise
    return job.status
