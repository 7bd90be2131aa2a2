"""Celery tasks of the core: the one task that runs any recorded job, the jobs reaper, and the
daily retention run."""

import logging

from celery import shared_task
from celery.signals import worker_ready

from . import jobs

log = logging.getLogger(__name__)


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
    return job.status if job is not None else "gone"


@shared_task(ignore_result=True)
def reap_jobs() -> str:
    """Re-queue, re-send or fail jobs nobody is running (beat runs it every minute)."""
    return str(jobs.reap())


@shared_task(ignore_result=True)
def apply_retention() -> str:
    """Submit the recorded retention job (beat runs it daily; docs/PRIVACY.md)."""
    return str(jobs.submit("programme.apply_retention", {}).pk)


@worker_ready.connect
def reap_on_worker_start(sender=None, **kwargs) -> None:
    """A worker that starts (perhaps replacing one that died) first picks up what was lost."""
    try:
        report = jobs.reap()
    except Exception:  # a reaper failure must not stop the worker; beat tries again
        log.exception("Reaping jobs at worker start failed")
    else:
        log.info("Reaped jobs at worker start: %s", report)
