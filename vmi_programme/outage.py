"""The outage answer: a plain 503 page (JSON ``{"detail": ...}`` for the API) instead of a bare
500 when the database (or the shared Redis cache) cannot be reached, and back to normal by
itself once it answers again."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = (
    "The service is temporarily unavailable because its database cannot be reached. "
    "Nothing you entered was lost unless you saw an error after saving; try again in a few minutes."
)
CACHE_UNAVAILABLE = (
    "The service is temporarily unavailable because its shared cache cannot be reached. "
    "Try again in a few minutes."
)
RETRY_AFTER_SECONDS = 30
_OUTAGE_ERRORS = (OperationalError, InterfaceError)
# With CACHE_URL=redis://..., the API's throttle counts are read from Redis on every call.
_CACHE_ERRORS = (RedisConnectionError, RedisTimeoutError)


def unavailable(request, message: str = DATABASE_UNAVAILABLE) -> HttpResponse:
    """The 503 answer; it reads nothing from the database (no user, no session, no menus)."""
    if request.path.startswith("/api/"):
        # The API's one error shape (vmi_programme.errors): {"detail": "..."}.
        response: HttpResponse = JsonResponse({"detail": message}, status=503)
    else:
        # Rendered without the request, so no context processor runs (they read the database).
        html = render_to_string("503.html", {"message": message})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """Answer 503 when the database cannot be reached.

    It sits before the session and authentication middleware, which read the database on
    nearly every request: the connection is opened (and health-checked, as CONN_HEALTH_CHECKS
    asks) here first, so a database that is down is met before anything reads from it. A view
    whose query fails because the database went away answers the same way (``process_exception``).
    /health/ keeps its own answer, and static files need no database.
    """

    exempt_prefixes = ("/health/", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(self.exempt_prefixes):
            try:
                # A persistent connection that died is closed here and reopened below.
                connection.close_if_health_check_failed()
                connection.ensure_connection()
            except _OUTAGE_ERRORS as exc:
                log.error("Database unavailable: %s", exc)
                return unavailable(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.path.startswith(self.exempt_prefixes):
            return None
        if isinstance(exception, _OUTAGE_ERRORS):
            log.error("Database error during %s: %s", request.path, exception)
            return unavailable(request)
        if isinstance(exception, _CACHE_ERRORS):
            log.error("Cache unreachable during %s: %s", request.path, exception)
            return unavailable(request, CACHE_UNAVAILABLE)
        return None
