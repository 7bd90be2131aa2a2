"""/health/: is the database reachable, the broker up and a worker listening?

Anyone (a load balancer, a monitor) gets the status word and the HTTP code, 200 or 503; only
staff see which check failed and its detail, which names the broker's host and port.
"""

from __future__ import annotations

import socket
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
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


@never_cache
@login_not_required
def health(request):
    checks = {"database": check_database(), "broker": check_broker()}
    # Asking workers needs a broker; with the broker down, say so rather than wait.
    checks["worker"] = check_workers() if checks["broker"][0] else (False, "broker down")
    ok = all(passed for passed, _ in checks.values())
    body: dict = {"status": "ok" if ok else "unavailable"}
    if request.user.is_staff:
        body["checks"] = {
            name: {"ok": passed, "detail": detail} for name, (passed, detail) in checks.items()
        }
        if not ok:
            body["failing"] = [name for name, (passed, _) in checks.items() if not passed]
    return JsonResponse(body, status=200 if ok else 503)
