"""Recorded jobs: register a job kind, submit a run, follow its progress.

A job kind is a plain function ``fn(job: JobContext, **parameters) -> dict`` registered with
``@job_kind("app.name")``. ``submit(...)`` records a Job and hands it to Celery; the worker calls
the function, which reports progress through ``job.progress(pct, message)`` and returns a
JSON-safe result. Analysis code stays pure: the registered function loads data, calls the
analysis module and returns what should be stored.

Every job ends as succeeded or failed (ADR 12). The database is the source of truth, the broker
only a doorbell: a worker claims a job with a conditional UPDATE (``status='queued'`` to
``'running'``), so a redelivered or re-sent message never runs a job twice at once; while it
runs, a heartbeat thread stamps ``heartbeat_at``; ``reap()`` (beat, every minute, and on worker
start) re-queues or fails a running job whose heartbeat went silent or which ran past its time
limit, and re-sends a job left queued (a broker restarted without persistence lost its message).

Two queues: ``interactive`` (a user is waiting: the default) and ``bulk`` (recomputes, read-model
refreshes; a kind says ``queue="bulk"``, or a caller passes ``queue=`` to ``submit``). Their broker
names are the default queue (``CELERY_TASK_DEFAULT_QUEUE``) and the same with ``.bulk``; run one
worker per queue in production, so a national recompute never delays a user's job.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from . import audit, signals
from .models import Job, JobQueue, JobStatus

log = logging.getLogger(__name__)

JobFunction = Callable[..., dict]
_REGISTRY: dict[str, JobFunction] = {}
_TIME_LIMITS: dict[str, int] = {}  # seconds, for kinds that set their own
_QUEUES: dict[str, str] = {}  # kinds that default to the bulk queue

# After the soft limit the job gets this long to clean up before the worker kills it.
HARD_LIMIT_GRACE_SECONDS = 30

QUEUE_UNAVAILABLE = (
    "The job queue is unavailable, so the job was not started. Nothing was lost: "
    "try again in a few minutes, or ask an administrator to check the Redis broker."
)


class JobRefused(Exception):
    """The job could not be queued (the broker is down); the Job row records why."""


def job_kind(
    name: str, *, time_limit: int | None = None, queue: str = JobQueue.INTERACTIVE
) -> Callable[[JobFunction], JobFunction]:
    """Register a function as a job kind under ``name``.

    ``queue`` is the kind's default queue: ``"interactive"`` (someone waits for it) or
    ``"bulk"`` (background refreshes and recomputes).

    ``time_limit`` (seconds) is how long one run may take before it is stopped and failed;
    without it the kind gets ``settings.JOBS_DEFAULT_TIME_LIMIT``. It may not exceed
    ``settings.JOBS_MAX_TIME_LIMIT``, which the broker's visibility timeout is sized to.
    """
    if time_limit is not None and not 0 < time_limit <= settings.JOBS_MAX_TIME_LIMIT:
        raise ValueError(
            f"Job kind {name!r}: time_limit must be between 1 and "
            f"{settings.JOBS_MAX_TIME_LIMIT} seconds (JOBS_MAX_TIME_LIMIT), not {time_limit}."
        )

    if queue not in JobQueue.values:
        raise ValueError(
            f"Job kind {name!r}: queue must be one of {JobQueue.values}, not {queue!r}"
        )

    def register(fn: JobFunction) -> JobFunction:
        _REGISTRY[name] = fn
        _QUEUES[name] = queue
        if time_limit is None:
            _TIME_LIMITS.pop(name, None)
        else:
            _TIME_LIMITS[name] = time_limit
        return fn

    return register


def time_limit_for(kind: str) -> int:
    """Seconds one run of ``kind`` may take (its own limit, or the default)."""
    return _TIME_LIMITS.get(kind) or int(settings.JOBS_DEFAULT_TIME_LIMIT)


def registered_kinds() -> list[str]:
    return sorted(_REGISTRY)


class JobContext:
    """What a running job function sees: its Job row and a way to report progress."""

    def __init__(self, job: Job, attempt: int | None = None):
        self.job = job
        self.attempt = job.attempts if attempt is None else attempt

    def progress(self, percent: int, message: str = "") -> None:
        """Record progress (and a heartbeat), only while this run still owns the job."""
        percent = max(0, min(100, int(percent)))
        _owned(self.job.pk, self.attempt).update(
            progress=percent, progress_message=message[:300], heartbeat_at=timezone.now()
        )


def _owned(job_id: int, attempt: int):
    """The job's row while this run holds it: once the reaper re-queued or failed it, the
    run's late writes (progress, outcome) match nothing."""
    return Job.objects.filter(pk=job_id, status=JobStatus.RUNNING, attempts=attempt)


def queue_name(queue: str) -> str:
    """The broker's name for a queue: the default queue, or the same with ``.bulk``."""
    from .celery import app

    default = app.conf.task_default_queue
    return f"{default}.bulk" if queue == JobQueue.BULK else default


def submit(
    kind: str,
    parameters: dict | None = None,
    *,
    user=None,
    organisation=None,
    queue: str | None = None,
) -> Job:
    """Record a job and queue it. Raises JobRefused (with the job marked failed) if the broker is down.

    ``queue`` overrides the kind's default queue (``"interactive"`` or ``"bulk"``).
    """
    if kind not in _REGISTRY:
        raise ValueError(f"Unknown job kind {kind!r}; known kinds: {', '.join(registered_kinds())}")
    queue = queue or _QUEUES.get(kind, JobQueue.INTERACTIVE)
    if queue not in JobQueue.values:
        raise ValueError(f"queue must be one of {JobQueue.values}, not {queue!r}")
    job = Job.objects.create(
        kind=kind,
        parameters=parameters or {},
        queue=queue,
        organisation=organisation,
        requested_by=user if getattr(user, "is_authenticated", False) else None,
        dispatched_at=timezone.now(),
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


def _send(job: Job) -> None:
    """Hand the job to the broker, with its kind's time limits. Raises BrokerError."""
    from .tasks import run_job

    limit = time_limit_for(job.kind)
    run_job.apply_async(
        args=[job.pk],
        queue=queue_name(job.queue),
        retry=False,
        soft_time_limit=limit,
        time_limit=limit + HARD_LIMIT_GRACE_SECONDS,
    )


def _dispatch(job: Job, *, raise_refused: bool) -> None:
    try:
        _send(job)
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


def execute(job_id: int) -> Job | None:
    """Run a queued job in this process and record the outcome (called by the Celery task).

    The run first claims the job (queued -> running in one conditional UPDATE); a message for a
    job that is not queued (already running elsewhere, finished, or re-sent twice) does nothing.
    Returns None if the job no longer exists.
    """
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        attempts=F("attempts") + 1,
        error="",
    )
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        log.info("Job %s no longer exists; its message is dropped", job_id)
        return None
    if not claimed:
        log.info("Job %s is %s, not queued; this delivery is skipped", job.pk, job.status)
        return job
    attempt = job.attempts
    fn = _REGISTRY.get(job.kind)
    # In-process (eager) runs happen inside a request: no worker to lose, so no heartbeat.
    with nullcontext() if _eager() else _Heartbeat(job.pk, attempt):
        try:
            if fn is None:
                raise LookupError(f"No job kind {job.kind!r} is registered in this worker.")
            # What the job writes is recorded in the audit trail as the job's, by its requester.
            with audit.source("job", user=job.requested_by):
                result = fn(JobContext(job, attempt), **job.parameters)
        except SoftTimeLimitExceeded:
            _finish(job, attempt, status=JobStatus.FAILED, error=_over_limit(job.kind))
        except TRANSIENT_ERRORS:
            # Celery sends the retry; dispatched_at keeps the reaper from sending another.
            _owned(job.pk, attempt).update(
                status=JobStatus.QUEUED, progress_message="Retrying", dispatched_at=timezone.now()
            )
            raise
        except Exception as exc:  # the job failed: keep a readable message, not a traceback
            log.exception("Job %s (%s) failed", job.pk, job.kind)
            _finish(job, attempt, status=JobStatus.FAILED, error=_readable(exc))
        else:
            _finish(
                job,
                attempt,
                status=JobStatus.SUCCEEDED,
                result=result,
                progress=100,
                progress_message="Done",
                stale=False,
            )
    job.refresh_from_db()
    return job


def _finish(job: Job, attempt: int, **outcome: Any) -> None:
    if not _owned(job.pk, attempt).update(finished_at=timezone.now(), **outcome):
        # The reaper took the job back (time limit passed, or heartbeat lost): its verdict stands.
        log.warning("Job %s attempt %s ended after the reaper took it back", job.pk, attempt)
    elif job.kind not in _QUIET_KINDS:
        # A stored result is an input of the dashboards (e.g. an ITS run, a network summary);
        # a failed one too, as a refresh that waited for it must now go ahead.
        signals.changed([job.organisation_id], sender=Job)


#: What a full recompute runs, per kind: plan() → [(parameters, organisation), ...].
_RECOMPUTE: dict[str, Callable[[], Iterable[tuple[dict, Any]]]] = {}


def register_recompute(kind: str, plan: Callable[[], Iterable[tuple[dict, Any]]]) -> None:
    """Say what a full recompute of ``kind`` runs: one independent job per item of ``plan()``
    (e.g. a network summary per trust and wave), so N workers divide the work."""
    _RECOMPUTE[kind] = plan


def recompute_all(*, queue: str = JobQueue.BULK, kinds: Iterable[str] | None = None) -> list[Job]:
    """Queue every registered analysis afresh, in the bulk queue (``manage.py recompute``)."""
    submitted = []
    for kind in sorted(kinds or _RECOMPUTE):
        for parameters, organisation in _RECOMPUTE[kind]():
            submitted.append(submit(kind, parameters, organisation=organisation, queue=queue))
    return submitted


#: Kinds whose results are not inputs of stored figures (the read model's own refreshes, ...).
_QUIET_KINDS: set[str] = set()


def quiet_kinds() -> frozenset[str]:
    """The kinds whose results feed no stored figure."""
    return frozenset(_QUIET_KINDS)


def quiet_kind(name: str) -> None:
    """Say that a kind's results feed no stored figure (its success signals nothing)."""
    _QUIET_KINDS.add(name)


class _Heartbeat:
    """Stamps the running job's ``heartbeat_at`` from a background thread of the worker.

    The job function need not report progress for the worker to count as alive; if the worker
    process dies, the stamps stop and ``reap()`` notices.
    """

    def __init__(self, job_id: int, attempt: int):
        self.job_id, self.attempt = job_id, attempt
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat")
        self._thread.daemon = True

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _beat(self) -> None:
        interval = float(settings.JOBS_HEARTBEAT_SECONDS)
        try:
            while not self._stop.wait(interval):
                try:
                    _owned(self.job_id, self.attempt).update(heartbeat_at=timezone.now())
                except DatabaseError as exc:  # the database may come back; silence is judged later
                    log.warning("Job %s heartbeat not recorded: %s", self.job_id, exc)
        finally:
            connections.close_all()  # this thread's own connections


def mark_failed(job_id: int, exc: BaseException) -> None:
    """Record the final failure of a job whose retries ran out."""
    Job.objects.filter(pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=JobStatus.FAILED, error=_readable(exc), finished_at=timezone.now()
    )


@dataclass
class ReapReport:
    """What one pass of ``reap()`` did, by job id."""

    requeued: list[int] = field(default_factory=list)
    redispatched: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    not_sent: list[int] = field(default_factory=list)  # the broker refused; tried again next pass

    def __str__(self) -> str:
        return (
            f"{len(self.requeued)} re-queued, {len(self.redispatched)} re-sent, "
            f"{len(self.failed)} failed, {len(self.not_sent)} not sent (broker unavailable)"
        )


def _seconds(name: str) -> timedelta:
    return timedelta(seconds=float(getattr(settings, name)))


def _over_limit(kind: str) -> str:
    seconds = time_limit_for(kind)
    limit = f"{seconds} seconds" if seconds < 120 else f"{seconds / 60:g} minutes"
    return (
        f"The job ran longer than its limit of {limit} and was stopped. "
        "Try a smaller run, or ask an administrator to raise the limit for this kind of job."
    )


def _silent_since(job: Job) -> datetime:
    return job.heartbeat_at or job.started_at or job.created_at


def _is_over_limit(job: Job, now: datetime) -> bool:
    started = job.started_at or job.created_at
    limit = timedelta(seconds=time_limit_for(job.kind)) + _seconds("JOBS_STALE_AFTER_SECONDS")
    return started < now - limit


def stuck_jobs(now: datetime | None = None) -> dict[str, list[int]]:
    """Jobs the reaper would act on now: running ones silent or past their limit, queued ones
    not started within ``JOBS_QUEUED_STALE_AFTER_SECONDS`` (read by /health/)."""
    now = now or timezone.now()
    silent = now - _seconds("JOBS_STALE_AFTER_SECONDS")
    running = [
        job.pk
        for job in Job.objects.filter(status=JobStatus.RUNNING).only(
            "kind", "created_at", "started_at", "heartbeat_at"
        )[:1000]
        if _silent_since(job) < silent or _is_over_limit(job, now)
    ]
    queued = list(_queued_too_long(now).values_list("pk", flat=True)[:1000])
    return {"running": running, "queued": queued}


def _queued_too_long(now: datetime):
    cutoff = now - _seconds("JOBS_QUEUED_STALE_AFTER_SECONDS")
    return Job.objects.filter(status=JobStatus.QUEUED).filter(
        Q(dispatched_at__lt=cutoff) | Q(dispatched_at__isnull=True, created_at__lt=cutoff)
    )


def reap(now: datetime | None = None) -> ReapReport:
    """Make sure every job ends: re-queue, re-send or fail the jobs nobody is running.

    - running past its time limit (plus the silence threshold): failed, not retried;
    - running with no heartbeat for ``JOBS_STALE_AFTER_SECONDS`` (its worker died): re-queued
      and re-sent, or failed once it has had ``JOBS_MAX_ATTEMPTS`` attempts;
    - queued for ``JOBS_GIVE_UP_AFTER_SECONDS``: failed;
    - queued and not started ``JOBS_QUEUED_STALE_AFTER_SECONDS`` after it was sent (the broker
      lost the message): sent again.

    Each change is a conditional UPDATE on the state just read, so concurrent reapers, a late
    heartbeat or a worker claiming the job meanwhile make it a no-op; a re-sent message for a
    job that is already running is skipped by ``execute``. Safe to run any time, anywhere.
    """
    now = now or timezone.now()
    report = ReapReport()
    to_send: list[Job] = []
    silent = now - _seconds("JOBS_STALE_AFTER_SECONDS")
    max_attempts = int(settings.JOBS_MAX_ATTEMPTS)

    running = Job.objects.filter(status=JobStatus.RUNNING).order_by("pk")[:1000]
    for job in running:
        current = Job.objects.filter(
            pk=job.pk,
            status=JobStatus.RUNNING,
            attempts=job.attempts,
            heartbeat_at=job.heartbeat_at,
        )
        if _is_over_limit(job, now):
            if current.update(
                status=JobStatus.FAILED, error=_over_limit(job.kind), finished_at=now
            ):
                report.failed.append(job.pk)
        elif _silent_since(job) < silent:
            if job.attempts >= max_attempts:
                error = (
                    f"The worker running this job stopped ({job.attempts} attempts), so it was "
                    "not finished. Submit it again, or ask an administrator to check the workers."
                )
                if current.update(status=JobStatus.FAILED, error=error, finished_at=now):
                    report.failed.append(job.pk)
            elif current.update(
                status=JobStatus.QUEUED,
                heartbeat_at=None,
                dispatched_at=now,
                progress_message="Restarting: the worker running it stopped",
            ):
                report.requeued.append(job.pk)
                to_send.append(job)

    give_up = now - _seconds("JOBS_GIVE_UP_AFTER_SECONDS")
    for job in Job.objects.filter(status=JobStatus.QUEUED, created_at__lt=give_up)[:1000]:
        error = (
            "No worker started this job in time, so it was given up. "
            "Submit it again, or ask an administrator to check the workers."
        )
        if Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
            status=JobStatus.FAILED, error=error, finished_at=now
        ):
            report.failed.append(job.pk)

    for job in _queued_too_long(now).order_by("pk")[:1000]:
        if Job.objects.filter(
            pk=job.pk, status=JobStatus.QUEUED, dispatched_at=job.dispatched_at
        ).update(dispatched_at=now):
            report.redispatched.append(job.pk)
            to_send.append(job)

    for job in to_send:
        try:
            _send(job)
        except BrokerError as exc:  # still queued: the next pass sends it again
            log.warning("Job %s not re-sent: broker unavailable (%s)", job.pk, exc)
            report.not_sent.append(job.pk)
    if report.requeued or report.redispatched or report.failed:
        log.warning("Reaped jobs: %s", report)
    return report


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
def echo(job: JobContext, steps: int = 3, fail: str = "", sleep: float = 0, **params: Any) -> dict:
    """A tiny job used by /health/ checks and tests: reports progress, returns its parameters.

    ``sleep`` (seconds, spread over the steps) keeps it running long enough to interrupt.
    """
    for step in range(steps):
        job.progress(int(100 * step / max(steps, 1)), f"Step {step + 1} of {steps}")
        if sleep:
            time.sleep(sleep / max(steps, 1))
    if fail:
        raise ValueError(fail)
    return {"steps": steps, "params": params}
