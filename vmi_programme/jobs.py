"""Recorded jobs: register a job kind, submit a run, follow its progress.

A job kind is a plain function ``fn(job: JobContext, **parameters) -> dict`` registered with
``@job_kind("app.name")``. ``submit(...)`` records a Job and hands it to Celery; the worker calls
the function, which reports progress through ``job.progress(pct, message)`` and returns a
JSON-safe result. Analysis code stays pure: the registered function loads data, calls the
analysis module and returns what should be stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from .models import Job, JobStatus

log = logging.getLogger(__name__)

JobFunction = Callable[..., dict]
_REGISTRY: dict[str, JobFunction] = {}

QUEUE_UNAVAILABLE = (
    "The job queue is unavailable, so the job was not started. Nothing was lost: "
    "try again in a few minutes, or ask an administrator to check the Redis broker."
)


class JobRefused(Exception):
    """The job could not be queued (the broker is down); the Job row records why."""


def job_kind(name: str) -> Callable[[JobFunction], JobFunction]:
    """Register a function as a job kind under ``name``."""

    def register(fn: JobFunction) -> JobFunction:
        _REGISTRY[name] = fn
        return fn

    return register


def registered_kinds() -> list[str]:
    return sorted(_REGISTRY)


class JobContext:
    """What a running job function sees: its Job row and a way to report progress."""

    def __init__(self, job: Job):
        self.job = job

    def progress(self, percent: int, message: str = "") -> None:
        percent = max(0, min(100, int(percent)))
        Job.objects.filter(pk=self.job.pk).update(progress=percent, progress_message=message[:300])


def submit(kind: str, parameters: dict | None = None, *, user=None, organisation=None) -> Job:
    """Record a job and queue it. Raises JobRefused (with the job marked failed) if the broker is down."""
    if kind not in _REGISTRY:
        raise ValueError(f"Unknown job kind {kind!r}; known kinds: {', '.join(registered_kinds())}")
    job = Job.objects.create(
        kind=kind,
        parameters=parameters or {},
        organisation=organisation,
        requested_by=user if getattr(user, "is_authenticated", False) else None,
    )
    # A worker must see the committed row; an in-process (eager) run sees it anyway.
    if transaction.get_connection().in_atomic_block and not _eager():
        transaction.on_commit(lambda: _dispatch(job, raise_refused=False))
    else:
        _dispatch(job, raise_refused=True)
    return job


def _eager() -> bool:
    from .celery import app

    return bool(app.conf.task_always_eager)


def _dispatch(job: Job, *, raise_refused: bool) -> None:
    from .tasks import run_job

    try:
        run_job.apply_async(args=[job.pk], retry=False)
    except BrokerError as exc:
        log.warning("Job %s refused: broker unavailable (%s)", job.pk, exc)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=QUEUE_UNAVAILABLE, finished_at=timezone.now()
        )
        job.refresh_from_db()
        if raise_refused:
            raise JobRefused(QUEUE_UNAVAILABLE) from exc
    else:
        job.refresh_from_db()


def execute(job_id: int) -> Job:
    """Run a queued job in this process and record the outcome (called by the Celery task)."""
    job = Job.objects.get(pk=job_id)
    if job.status == JobStatus.SUCCEEDED:
        return job  # a redelivered message after success: nothing to do
    fn = _REGISTRY.get(job.kind)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), attempts=job.attempts + 1, error=""
    )
    job.refresh_from_db()
    try:
        if fn is None:
            raise LookupError(f"No job kind {job.kind!r} is registered in this worker.")
        result = fn(JobContext(job), **job.parameters)
    except TRANSIENT_ERRORS:
        Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, progress_message="Retrying")
        raise
    except Exception as exc:  # the job failed: keep a readable message, not a traceback
        log.exception("Job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=_readable(exc), finished_at=timezone.now()
        )
    else:
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.SUCCEEDED,
            result=result,
            progress=100,
            progress_message="Done",
            finished_at=timezone.now(),
            stale=False,
        )
    job.refresh_from_db()
    return job


def mark_failed(job_id: int, exc: BaseException) -> None:
    """Record the final failure of a job whose retries ran out."""
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, error=_readable(exc), finished_at=timezone.now()
    )


def mark_stale(kind: str, organisation=None, **match: Any) -> int:
    """Mark stored results of ``kind`` stale (their data changed); returns how many were marked."""
    jobs = Job.objects.filter(kind=kind, status=JobStatus.SUCCEEDED, stale=False)
    if organisation is not None:
        jobs = jobs.filter(organisation=organisation)
    for key, value in match.items():
        jobs = jobs.filter(**{f"parameters__{key}": value})
    return jobs.update(stale=True)


def latest_result(kind: str, organisation=None, **match: Any) -> Job | None:
    """The newest successful run of a kind (for pages that read stored results)."""
    jobs = Job.objects.filter(kind=kind, status=JobStatus.SUCCEEDED, organisation=organisation)
    for key, value in match.items():
        jobs = jobs.filter(**{f"parameters__{key}": value})
    return jobs.order_by("-finished_at").first()


def _readable(exc: BaseException) -> str:
    message = str(exc) or exc.__class__.__name__
    if isinstance(exc, ValueError | LookupError):
        return message
    return f"{exc.__class__.__name__}: {message}"


def _transient_errors() -> tuple[type[BaseException], ...]:
    from django.db import InterfaceError, OperationalError

    return (OperationalError, InterfaceError, ConnectionError, TimeoutError)


TRANSIENT_ERRORS = _transient_errors()


@job_kind("programme.echo")
def echo(job: JobContext, steps: int = 3, fail: str = "", **params: Any) -> dict:
    """A tiny job used by /health/ checks and tests: reports progress, returns its parameters."""
    for step in range(steps):
        job.progress(int(100 * step / max(steps, 1)), f"Step {step + 1} of {steps}")
    if fail:
        raise ValueError(fail)
    return {"steps": steps, "params": params}
