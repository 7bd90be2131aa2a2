"""Sign-in pages: the sign-in page (password and single sign-on), the OpenID Connect start and
callback, sign-out (here and at the provider), and the list of accounts waiting for approval."""

from __future__ import annotations

import logging
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import requests
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from . import access, oidc
from .form_page import posted
from .models import OidcIdentity, Organisation

log = logging.getLogger(__name__)

# The session keys of a single-sign-on session, for signing out at the provider too.
SESSION_PROVIDER = "oidc_provider"
SESSION_ID_TOKEN = "oidc_id_token"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def password_signin() -> bool:
    return getattr(settings, "PASSWORD_SIGNIN", True)


class SignInView(auth_views.LoginView):
    """Django's sign-in page with a button per provider; the password form only while
    ``PASSWORD_SIGNIN`` is on (off, a POST is refused before any password is read)."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not password_signin():
            # The page as for a GET, no form read: django-axes never sees these attempts.
            response = self.get(request, *args, **kwargs)
            response.status_code = HTTPStatus.METHOD_NOT_ALLOWED
            response["Allow"] = "GET"
            return response
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["password_signin"] = password_signin()
        context["providers"] = oidc.providers()
        return context


class StartView(OIDCAuthenticationRequestView):
    """Off to the provider: mozilla-django-oidc's authorisation request (state, nonce, PKCE),
    with the provider's key kept beside the state for the callback."""

    provider: oidc.Provider | None = None

    def get_settings(self, attr, *args):  # type: ignore[override]
        if self.provider is not None:
            values = oidc.provider_settings(self.provider)
            if attr in values:
                return values[attr]
        elif attr in ("OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_RP_CLIENT_ID"):
            return None  # read in __init__, before the provider is known; set again in get()
        return OIDCAuthenticationRequestView.get_settings(attr, *args)

    def get(self, request, key: str):  # type: ignore[override]
        self.provider = oidc.get_provider(key)
        if self.provider is None:
            raise Http404("No such sign-in provider.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (requests.RequestException, ValueError, KeyError, SuspiciousOperation):
            log.exception("OIDC: discovery failed for %s", self.provider.issuer)
            messages.error(request, f"{self.provider.name} cannot be reached. Try again later.")
            return redirect("login")
        self.OIDC_RP_CLIENT_ID = self.provider.client_id
        response = super().get(request)
        state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
        request.session["oidc_states"][state]["provider"] = self.provider.key
        request.session.modified = True
        return response


start = login_not_required(StartView.as_view())


def _failed(request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("login")


@login_not_required
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """Back from the provider: check the state, exchange the code, validate the ID token, and
    sign in the account it is for (or say it waits for approval)."""
    state = request.GET.get("state", "")
    states = request.session.get("oidc_states", {})
    # Used once: removed whatever happens next, so the same answer cannot be replayed.
    entry = states.pop(state, None) if state else None
    request.session.modified = True
    if entry is None:
        return _failed(request, "That sign-in has expired or was already used. Sign in again.")
    provider = oidc.get_provider(entry.get("provider"))
    if provider is None:
        return _failed(request, "That sign-in provider is no longer offered. Sign in again.")
    if request.GET.get("error"):
        # The provider refused or the person cancelled; its description is for people.
        reason = request.GET.get("error_description") or request.GET["error"]
        return _failed(request, f"{provider.name} did not sign you in: {reason[:200]}")
    if not request.GET.get("code"):
        return _failed(request, "The provider sent no sign-in code. Sign in again.")
    backend = oidc.ProviderBackend(provider)
    try:
        user = backend.authenticate(
            request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
        )
    except oidc.SignInRefused as refused:
        return _failed(request, str(refused))
    except (SuspiciousOperation, requests.RequestException, ValueError, IntegrityError):
        log.exception("OIDC: sign-in with %s failed", provider.key)
        return _failed(
            request, f"Signing in with {provider.name} did not work. Try again, or ask for help."
        )
    if user is None:
        return _failed(request, f"{provider.name} did not confirm who you are. Sign in again.")
    if not user.is_active:
        identity = OidcIdentity.objects.filter(issuer=provider.issuer, user=user).first()
        if identity is not None and identity.approved_at is None:
            return redirect("oidc-pending")
        return _failed(request, "This account is switched off. Ask your improvement office.")
    next_url = request.session.get("oidc_login_next")
    login(request, user, backend=MODEL_BACKEND)
    request.session[SESSION_PROVIDER] = provider.key
    request.session[SESSION_ID_TOKEN] = backend.id_token
    return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


@login_not_required
@require_GET
def pending(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/oidc_pending.html")


class SignOutView(auth_views.LogoutView):
    """Sign out here; after a single sign-on, on to the provider's end-session page too
    (RP-initiated logout), which comes back to the sign-in page."""

    def post(self, request, *args, **kwargs):
        provider = oidc.get_provider(request.session.get(SESSION_PROVIDER))
        id_token = request.session.get(SESSION_ID_TOKEN)
        response = super().post(request, *args, **kwargs)
        if provider is not None:
            after = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
            url = oidc.end_session_url(provider, id_token, after)
            if url:
                return HttpResponseRedirect(url)
        return response


@login_not_required
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin site's sign-in while password sign-in is on; otherwise the sign-in page."""
    if password_signin():
        return admin.site.login(request)
    if request.method == "POST":
        return HttpResponse(status=HTTPStatus.METHOD_NOT_ALLOWED, headers={"Allow": "GET"})
    return redirect_to_login(request.GET.get("next", "/admin/"))


# --- Accounts waiting for approval ----------------------------------------------------------------


def _may_approve(user, identity: OidcIdentity, organisations) -> bool:
    person = getattr(identity.user, "person", None)
    if person is None:  # no trust yet: placed by who manages users everywhere
        return access.can_place_account(user)
    return organisations.filter(pk=person.organisation_id).exists()


class ApproveForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        help_text="Their trust. Give them roles on the people pages once approved.",
    )

    def __init__(self, *args, organisations, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the trusts this approver may approve for; an account already in a trust stays.
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            organisations.filter(pk=person.organisation_id) if person else organisations
        )
        if person is not None:
            field.initial = person.organisation_id


@require_GET
def approvals(request: HttpRequest) -> HttpResponse:
    """Accounts single sign-on created, waiting for approval, that this user may approve."""
    organisations = access.account_approval_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied
    names = {provider.key: provider.name for provider in oidc.providers()}
    waiting = []
    for identity in oidc.pending_identities()[:200]:
        if _may_approve(request.user, identity, organisations):
            identity.provider_name = names.get(identity.provider, identity.provider)
            waiting.append((identity, _form_for(identity, organisations)))
    return render(request, "vmi_programme/oidc_approvals.html", {"waiting": waiting})


def _form_for(identity: OidcIdentity, organisations, data=None) -> ApproveForm:
    return ApproveForm(
        data,
        prefix=f"a{identity.pk}",
        organisations=organisations,
        person=getattr(identity.user, "person", None),
    )


@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    organisations = access.account_approval_organisations(request.user)
    identity = get_object_or_404(
        OidcIdentity.objects.select_related("user"), pk=pk, approved_at__isnull=True
    )
    if not _may_approve(request.user, identity, organisations):
        raise PermissionDenied
    form = _form_for(identity, organisations, posted(request))
    if not form.is_valid():
        messages.error(request, "Choose the trust they work in.")
        return redirect(reverse("oidc-approvals"))
    oidc.approve(identity=identity, organisation=form.cleaned_data["organisation"], by=request.user)
    messages.success(request, f"{identity.user.get_full_name() or identity.email} is approved.")
    return redirect(reverse("oidc-approvals"))
