"""/health/: is the database reachable, the broker up, a worker listening and no job stuck?

Anyone (a load balancer, a monitor) gets the status word and the HTTP code: 200 "ok"; 503
"unavailable" when the database, broker or workers fail; 503 "degraded" when they answer but
jobs are stuck (running with a silent worker or past their time limit, or queued and not
started; see ``jobs.stuck_jobs``). Only staff see which check failed and its detail, which names
the broker's host and port and the stuck jobs' ids.
"""

from __future__ import annotations

import socket
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, connection.vendor
    except Exception as exc:  # any failure is the answer we report
        return False, f"database unreachable: {exc.__class__.__name__}"


def check_broker() -> tuple[bool, str]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "none (tasks run in-process)"
    url = urlparse(settings.CELERY_BROKER_URL)
    try:
        with socket.create_connection((url.hostname or "127.0.0.1", url.port or 6379), timeout=2):
            pass
    except OSError as exc:
        return False, f"broker unreachable at {url.hostname}:{url.port}: {exc.strerror or exc}"
    return True, f"{url.scheme}://{url.hostname}:{url.port}"


def check_workers() -> tuple[bool, str]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "in-process (eager)"
    from vmi_programme.celery import app

    try:
        replies = app.control.ping(timeout=1.0) or []
    except Exception as exc:
        return False, f"could not ask workers: {exc.__class__.__name__}"
    if not replies:
        return False, "no Celery worker answered"
    return True, f"{len(replies)} worker(s) answered"


def check_jobs() -> tuple[bool, str, dict[str, list[int]]]:
    from . import jobs

    try:
        stuck = jobs.stuck_jobs()
    except DatabaseError as exc:
        return False, f"could not read jobs: {exc.__class__.__name__}", {}
    if not stuck["running"] and not stuck["queued"]:
        return True, "no job stuck", stuck
    return (
        False,
        f"{len(stuck['running'])} running job(s) with a silent worker or past their time limit, "
        f"{len(stuck['queued'])} queued job(s) not started within "
        f"{settings.JOBS_QUEUED_STALE_AFTER_SECONDS:g} s",
        stuck,
    )


def _is_staff(request) -> bool:
    # With the database down the session cannot be read: answer as to anyone.
    try:
        return bool(request.user.is_staff)
    except DatabaseError:
        return False


@never_cache
@login_not_required
def health(request):
    checks = {"database": check_database(), "broker": check_broker()}
    # Asking workers needs a broker; with the broker down, say so rather than wait.
    checks["worker"] = check_workers() if checks["broker"][0] else (False, "broker down")
    ok = all(passed for passed, _ in checks.values())
    stuck: dict[str, list[int]] = {}
    if checks["database"][0]:
        jobs_ok, jobs_detail, stuck = check_jobs()
        checks["jobs"] = (jobs_ok, jobs_detail)
    status = "ok" if ok and checks["jobs"][0] else "degraded" if ok else "unavailable"
    body: dict = {"status": status}
    if _is_staff(request):
        body["checks"] = {
            name: {"ok": passed, "detail": detail} for name, (passed, detail) in checks.items()
        }
        if status != "ok":
            body["failing"] = [name for name, (passed, _) in checks.items() if not passed]
        if stuck.get("running") or stuck.get("queued"):
            body["stuck_jobs"] = stuck
    return JsonResponse(body, status=200 if status == "ok" else 503)
