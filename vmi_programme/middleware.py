"""Site-wide request handling: the login requirement, the session's absolute lifetime and the
page for a refused delete."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.db.models.deletion import ProtectedError, RestrictedError
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from .errors import DeleteRefused, blocked_delete


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's login-required middleware, leaving the API to answer 401 itself.

    API views authenticate by token or session inside DRF, and an API client expects a 401,
    not a redirect to an HTML login form.
    """

    exempt_prefixes = ("/api/", "/health/", "/static/")

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(self.exempt_prefixes):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class SessionLifetimeMiddleware:
    """Sign a session out ``SESSION_ABSOLUTE_AGE`` seconds after sign-in, however active it was.

    It also keeps the idle timeout: Django expires a session ``SESSION_COOKIE_AGE`` seconds after
    it was last saved, so the session is marked changed (saved, its expiry and cookie renewed)
    when ``SESSION_RENEW_AFTER`` seconds have passed since the last renewal. The idle limit is
    then exact to within that interval, at one session write a minute rather than one per request.
    The sign-in time is stored in the session on the first request that sees it signed in (the
    session is new at sign-in, as Django cycles its key), so a session started before this
    middleware counts from then.
    """

    session_key = "signed_in_at"
    renewed_key = "renewed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            signed_in_at = request.session.setdefault(self.session_key, now)
            if now - signed_in_at > settings.SESSION_ABSOLUTE_AGE:
                # Flushes the session and makes request.user anonymous, so the login
                # requirement that follows sends the browser to sign in again.
                logout(request)
            elif now - request.session.get(self.renewed_key, 0) > settings.SESSION_RENEW_AFTER:
                request.session[self.renewed_key] = now
        return self.get_response(request)


def stamp_sign_in(sender, request, user, **kwargs) -> None:
    """At sign-in, start both clocks in the session being created (``user_logged_in``), so the
    first pages after signing in have nothing to write."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SessionLifetimeMiddleware.session_key] = now
        request.session[SessionLifetimeMiddleware.renewed_key] = now


class BlockedDeleteMiddleware:
    """A delete refused because other records depend on it answers the 409 page, not a 500.

    One place for every page: views call services and let ``ProtectedError``/``RestrictedError``
    rise (Django refuses the delete before it deletes any row; a service's ``atomic`` block rolls
    back the rest). The API answers its own 409 in ``errors.api_exception_handler``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ProtectedError | RestrictedError | DeleteRefused):
            return None
        back = request.META.get("HTTP_REFERER", "")
        # Only link back within this site: the Referer header is the client's to set.
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = "/"
        return render(
            request,
            "409.html",
            {
                "blocked": exception.blocked
                if isinstance(exception, DeleteRefused)  # vmi_programme.deletes refused it
                else blocked_delete(exception),
                "back": back,
            },
            status=409,
        )
