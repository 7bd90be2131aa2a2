"""OpenID Connect sign-in: the providers configured, their discovery documents, the token
exchange and ID-token validation (mozilla-django-oidc), and the account a sign-in opens.

Configuration (``settings``, read from the environment; README "Single sign-on"):

- ``OIDC_PROVIDERS``: a JSON list, one object per provider (one per trust, or one shared):
  ``key`` (in URLs), ``name`` (on the button), ``issuer``, ``client_id``, ``client_secret`` (or
  ``client_secret_env``, the name of an environment variable holding it), and optionally
  ``scopes`` (default ``openid email profile``), ``organisation`` (the short name of the trust
  whose people sign in there: new accounts start in it), ``claims`` (which claim holds
  ``email``, ``email_verified``, ``name``, ``given_name``, ``family_name``, ``groups``,
  ``username``), ``sign_algo`` (default RS256), ``timeout`` (seconds, default 10).
- ``OIDC_GROUP_ROLES``: a JSON object from a group named in the groups claim to the roles it
  gives and the trust they are held in: ``{"kpo-sash": {"organisation": "SASH", "roles":
  ["kpo_facilitator"]}}`` (or the short form ``{"kpo-sash": ["kpo_facilitator", "SASH"]}``).

A sign-in is the authorisation-code flow with PKCE (S256), a state and a nonce kept in the
session. The ID token is checked here, not trusted because it came over TLS: its RS256 signature
against the provider's published keys, ``alg``, ``exp`` and the nonce (by the library), and
``iss``, ``aud``, ``azp`` and the presence of ``exp`` and ``iat`` (below, which the library
leaves out). Userinfo is read only with the same ``sub``.

Which account (``sign_in_account``): the identity already linked (by issuer and subject); else
the one account whose e-mail address matches a *verified* ``email`` claim (or the person with that
address, who then gets an account); else a new account with no roles, waiting for approval by
its trust's KPO lead or trust administrator (or an administrator), unless a mapped group gives it
roles. Roles are the app's; a mapped group only adds its roles, and takes them away again when
the group goes.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .models import OidcIdentity, Organisation, Person, Role, RoleAssignment
from .writes import save_validated

log = logging.getLogger(__name__)

DEFAULT_SCOPES = "openid email profile"
DEFAULT_CLAIMS = {
    "email": "email",
    "email_verified": "email_verified",
    "name": "name",
    "given_name": "given_name",
    "family_name": "family_name",
    "groups": "groups",
    "username": "preferred_username",
}
DISCOVERY_CACHE_SECONDS = 3600
# The ID token's clock may run a little ahead of or behind ours.
LEEWAY_SECONDS = 60


class SignInRefused(Exception):
    """A sign-in the provider vouched for that this app still refuses; the message is shown."""


# --- Configuration ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: str = DEFAULT_SCOPES
    organisation: str = ""
    claims: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_CLAIMS))
    sign_algo: str = "RS256"
    timeout: float = 10.0

    def claim(self, claims: Mapping[str, Any], name: str) -> Any:
        return claims.get(self.claims[name])


@dataclass(frozen=True)
class GroupGrant:
    organisation: str
    roles: tuple[str, ...]


def _config_error(message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"OIDC_PROVIDERS: {message}")


def parse_providers(raw: Any) -> list[Provider]:
    """The providers of ``OIDC_PROVIDERS`` (a list, or its JSON text), checked one by one."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else []
        except json.JSONDecodeError as exc:
            raise _config_error(f"not valid JSON ({exc})") from exc
    if not isinstance(raw, list):
        raise _config_error("must be a JSON list of provider objects")
    found: list[Provider] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise _config_error(f"provider {index + 1} is not an object")
        missing = [name for name in ("key", "name", "issuer", "client_id") if not item.get(name)]
        if missing:
            raise _config_error(f"provider {index + 1} has no {', '.join(missing)}")
        key = str(item["key"])
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", key):
            raise _config_error(f"key {key!r}: lower-case letters, digits, - and _ only")
        if any(provider.key == key for provider in found):
            raise _config_error(f"key {key!r} is used twice")
        secret = item.get("client_secret") or os.environ.get(item.get("client_secret_env", ""), "")
        if not secret:
            raise _config_error(f"provider {key!r} has no client_secret (or client_secret_env)")
        issuer = str(item["issuer"]).rstrip("/")
        if urlsplit(issuer).scheme not in ("https", "http"):
            raise _config_error(f"provider {key!r}: the issuer must be an https URL")
        unknown_claims = set(item.get("claims", {})) - set(DEFAULT_CLAIMS)
        if unknown_claims:
            raise _config_error(f"provider {key!r}: unknown claims {sorted(unknown_claims)}")
        found.append(
            Provider(
                key=key,
                name=str(item["name"]),
                issuer=issuer,
                client_id=str(item["client_id"]),
                client_secret=secret,
                scopes=str(item.get("scopes", DEFAULT_SCOPES)),
                organisation=str(item.get("organisation", "")),
                claims={**DEFAULT_CLAIMS, **item.get("claims", {})},
                sign_algo=str(item.get("sign_algo", "RS256")),
                timeout=float(item.get("timeout", 10)),
            )
        )
    return found


def parse_group_roles(raw: Any) -> dict[str, GroupGrant]:
    """``OIDC_GROUP_ROLES``: group → the roles it gives, in which trust."""
    if isinstance(raw, str):
        raw = json.loads(raw) if raw.strip() else {}
    if not isinstance(raw, dict):
        raise ImproperlyConfigured("OIDC_GROUP_ROLES must be a JSON object")
    grants = {}
    for group, value in raw.items():
        if isinstance(value, list):  # the short form: roles, then the trust's short name last
            *roles, organisation = value if len(value) >= 2 else [None, None]
        elif isinstance(value, dict):
            roles, organisation = list(value.get("roles", [])), value.get("organisation")
        else:
            roles, organisation = [], None
        if not organisation or not roles:
            raise ImproperlyConfigured(f"OIDC_GROUP_ROLES[{group!r}] needs roles and a trust")
        unknown = [role for role in roles if role not in Role.values]
        if unknown:
            raise ImproperlyConfigured(
                f"OIDC_GROUP_ROLES[{group!r}]: unknown roles {unknown} (one of {Role.values})"
            )
        grants[str(group)] = GroupGrant(
            organisation=str(organisation), roles=tuple(str(role) for role in roles)
        )
    return grants


def providers() -> list[Provider]:
    return parse_providers(getattr(settings, "OIDC_PROVIDERS", []))


def get_provider(key: str | None) -> Provider | None:
    return next((provider for provider in providers() if provider.key == key), None)


def discovery(provider: Provider) -> dict[str, Any]:
    """The provider's discovery document (``/.well-known/openid-configuration``), cached an hour.

    Its issuer must be the one configured (OpenID Connect Discovery § 4.3).
    """
    cache_key = f"oidc-discovery:{provider.issuer}"
    document = cache.get(cache_key)
    if document is None:
        response = requests.get(
            f"{provider.issuer}/.well-known/openid-configuration", timeout=provider.timeout
        )
        response.raise_for_status()
        document = response.json()
        if str(document.get("issuer", "")).rstrip("/") != provider.issuer:
            raise SuspiciousOperation(
                f"The discovery document of {provider.issuer} names issuer "
                f"{document.get('issuer')!r}."
            )
        cache.set(cache_key, document, DISCOVERY_CACHE_SECONDS)
    return document


def provider_settings(provider: Provider) -> dict[str, Any]:
    """What mozilla-django-oidc reads through ``get_settings``, for one provider."""
    document = discovery(provider)
    return {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": document["authorization_endpoint"],
        "OIDC_OP_TOKEN_ENDPOINT": document["token_endpoint"],
        "OIDC_OP_USER_ENDPOINT": document.get("userinfo_endpoint"),
        "OIDC_OP_JWKS_ENDPOINT": document["jwks_uri"],
        "OIDC_RP_CLIENT_ID": provider.client_id,
        "OIDC_RP_CLIENT_SECRET": provider.client_secret,
        "OIDC_RP_SIGN_ALGO": provider.sign_algo,
        "OIDC_RP_SCOPES": provider.scopes,
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
        "OIDC_TIMEOUT": provider.timeout,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "oidc-callback",
        "OIDC_ALLOW_UNSECURED_JWT": False,  # never alg=none
        "OIDC_STORE_ID_TOKEN": False,  # kept by the callback view after login() (see there)
        "OIDC_STORE_ACCESS_TOKEN": False,
    }


def end_session_url(provider: Provider, id_token: str | None, after: str) -> str | None:
    """The provider's RP-initiated logout address, or None if it publishes none."""
    try:
        endpoint = discovery(provider).get("end_session_endpoint")
    except (requests.RequestException, ValueError, SuspiciousOperation):
        log.warning("OIDC: no discovery document from %s at sign-out", provider.issuer)
        return None
    if not endpoint:
        return None
    params = {"client_id": provider.client_id, "post_logout_redirect_uri": after}
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


# --- The library's backend, per provider ----------------------------------------------------------


class ProviderBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow for one configured provider.

    Not listed in ``AUTHENTICATION_BACKENDS``: the callback view calls ``authenticate`` on it
    directly, so password sign-ins never reach it and django-axes counts only those.
    """

    def __init__(self, provider: Provider):
        self.provider = provider
        self._settings = provider_settings(provider)
        self.id_token: str | None = None
        super().__init__()

    def get_settings(self, attr, *args):  # type: ignore[override]
        if attr in self._settings:
            return self._settings[attr]
        return OIDCAuthenticationBackend.get_settings(attr, *args)

    def store_tokens(self, access_token, id_token):
        # Kept for RP-initiated logout; the view puts it in the session after login(), which
        # would drop it when a different user was signed in.
        self.id_token = id_token

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)  # signature, alg, exp, nonce
        if kwargs.get("nonce") is not None:  # the ID token (userinfo as a JWT has no nonce)
            check_id_token_claims(
                payload, issuer=self.provider.issuer, client_id=self.OIDC_RP_CLIENT_ID
            )
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = super().get_userinfo(access_token, id_token, payload)
            # OpenID Connect Core § 5.3.2: userinfo about anyone else must not be used.
            if userinfo.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("The userinfo sub is not the ID token's.")
            claims.update(userinfo)
        return claims

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("The provider sent no subject.")
        return sign_in_account(self.provider, claims)


def check_id_token_claims(payload: Mapping[str, Any], *, issuer: str, client_id: str) -> None:
    """The ID-token checks of OpenID Connect Core § 3.1.3.7 that the library does not make.

    ``iss`` is the provider's issuer exactly; ``aud`` holds our client id; with several
    audiences ``azp`` is our client id; ``exp`` and ``iat`` are present (the library's JWT
    decoder checks ``exp`` only when it is there). Raises ``SuspiciousOperation``.
    """
    if str(payload.get("iss", "")).rstrip("/") != issuer:
        raise SuspiciousOperation(f"ID token issuer {payload.get('iss')!r} is not {issuer!r}.")
    audience = payload.get("aud")
    audiences = [audience] if isinstance(audience, str) else list(audience or [])
    if client_id not in audiences:
        raise SuspiciousOperation("The ID token is not for this client (aud).")
    if len(audiences) > 1 and payload.get("azp") != client_id:
        raise SuspiciousOperation("The ID token has several audiences and azp is not this client.")
    for claim in ("exp", "iat"):
        if not isinstance(payload.get(claim), int | float):
            raise SuspiciousOperation(f"The ID token has no {claim}.")
    if payload["exp"] < timezone.now().timestamp() - LEEWAY_SECONDS:
        raise SuspiciousOperation("The ID token has expired.")


# --- The account a sign-in opens ---------------------------------------------------------------


def _truthy(value: Any) -> bool:
    # Some providers send "true" as a string.
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _groups(provider: Provider, claims: Mapping[str, Any]) -> list[str]:
    value = provider.claim(claims, "groups")
    if isinstance(value, str):
        return [value]
    return [str(group) for group in value] if isinstance(value, list) else []


def group_grants(groups: Iterable[str]) -> list[GroupGrant]:
    mapping = parse_group_roles(getattr(settings, "OIDC_GROUP_ROLES", {}))
    return [mapping[group] for group in groups if group in mapping]


@transaction.atomic
def sign_in_account(provider: Provider, claims: Mapping[str, Any]) -> Any:
    """The user a verified sign-in is for, linking or creating it (see the module docstring).

    Returns the user (inactive while waiting for approval); raises ``SignInRefused``.
    """
    subject = str(claims["sub"])
    email = str(provider.claim(claims, "email") or "").strip()
    verified = bool(email) and _truthy(provider.claim(claims, "email_verified"))
    grants = group_grants(_groups(provider, claims))
    now = timezone.now()
    identity = (
        OidcIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=provider.issuer, subject=subject)
        .first()
    )
    if identity is None:
        user = _account_by_verified_email(provider, email) if verified else None
        approved = user is not None
        if user is None:
            user = _new_account(provider, claims, email)
        identity = OidcIdentity(
            user=user,
            provider=provider.key,
            issuer=provider.issuer,
            subject=subject,
            approved_at=now if approved else None,
        )
    user = identity.user
    identity.email = email
    identity.email_verified = verified
    identity.last_sign_in_at = now
    if identity.approved_at is None and not user.is_active and grants:
        # Waiting for approval, but the provider now puts them in a mapped group.
        person = _ensure_person(user, provider, claims, email, grants)
        if _granted_in(person, grants):
            user.is_active = True
            user.save(update_fields=["is_active"])
            identity.approved_at = now
    _sync_group_roles(identity, user, grants)
    save_validated(identity)
    return user


def _account_by_verified_email(provider: Provider, email: str) -> Any:
    """The one account (or person without one, who is given one) with this e-mail address."""
    User = get_user_model()
    user_ids = set(User.objects.filter(email__iexact=email).values_list("pk", flat=True))
    user_ids |= set(
        Person.objects.filter(email__iexact=email, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    if len(user_ids) > 1:
        raise SignInRefused(
            f"More than one account here has the address {email}, so this sign-in cannot be "
            "linked to one of them. Ask your improvement office to sort out the accounts."
        )
    if user_ids:
        user = User.objects.get(pk=user_ids.pop())
        if user.is_superuser or user.is_staff:
            # An administrator's account is not handed to whoever controls a provider.
            raise SignInRefused(
                "This address belongs to an administrator's account, which is not linked to "
                "single sign-on. Sign in with the username and password."
            )
        if OidcIdentity.objects.filter(user=user, issuer=provider.issuer).exists():
            raise SignInRefused(
                f"The account for {email} is already linked to another {provider.name} "
                "account. Ask your improvement office."
            )
        return user
    people = list(Person.objects.filter(email__iexact=email, user__isnull=True)[:2])
    if len(people) == 1:
        person = people[0]
        user = _create_user(provider, {"name": person.full_name}, email, active=True)
        person.user = user
        person.save(update_fields=["user"])
        return user
    return None


def _username(provider: Provider, claims: Mapping[str, Any], email: str) -> str:
    User = get_user_model()
    wanted = str(provider.claim(claims, "username") or email.split("@")[0] or "user")
    base = re.sub(r"[^\w.@+-]", "", wanted)[:140] or "user"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def _full_name(provider: Provider, claims: Mapping[str, Any], email: str) -> str:
    name = provider.claim(claims, "name")
    if not name:
        parts = [provider.claim(claims, "given_name"), provider.claim(claims, "family_name")]
        name = " ".join(str(part) for part in parts if part)
    return str(name or email or "New user")[:200]


def _create_user(provider: Provider, claims: Mapping[str, Any], email: str, *, active: bool) -> Any:
    User = get_user_model()
    user = User(
        username=_username(provider, claims, email),
        email=email,
        first_name=str(provider.claim(claims, "given_name") or "")[:150],
        last_name=str(provider.claim(claims, "family_name") or "")[:150],
        is_active=active,
    )
    user.set_unusable_password()  # signs in only through the provider
    user.save()
    return user


def _new_account(provider: Provider, claims: Mapping[str, Any], email: str) -> Any:
    """An account with no roles, inactive until approved (or approved by a mapped group, in
    ``sign_in_account``), in the provider's trust if it names one."""
    user = _create_user(provider, claims, email, active=False)
    if provider.organisation:
        _ensure_person(user, provider, claims, email, [])
    return user


def _granted_in(person: Person | None, grants: list[GroupGrant]) -> bool:
    """Does a mapped group give roles in this person's trust?"""
    return person is not None and any(
        grant.organisation == person.organisation.short_name for grant in grants
    )


def _ensure_person(
    user: Any,
    provider: Provider,
    claims: Mapping[str, Any],
    email: str,
    grants: list[GroupGrant],
) -> Person | None:
    person = Person.objects.filter(user=user).first()
    if person is not None:
        return person
    wanted = [grant.organisation for grant in grants] or [provider.organisation]
    if provider.organisation in wanted:  # the provider's own trust first
        wanted.insert(0, provider.organisation)
    organisation = None
    for short_name in wanted:
        match = Organisation.objects.filter(short_name=short_name).first()
        if match is not None:
            organisation = match
            break
    if organisation is None:
        log.warning("OIDC: no organisation %s for %s", wanted, provider.key)
        return None
    return save_validated(
        Person(
            organisation=organisation,
            full_name=_full_name(provider, claims, email),
            email=email,
            user=user,
        )
    )


def _sync_group_roles(identity: OidcIdentity, user: Any, grants: list[GroupGrant]) -> None:
    """Give the roles mapped groups grant in the person's trust; take back those no longer
    granted that a group gave (never a role given in the app)."""
    person = Person.objects.filter(user=user).select_related("organisation").first()
    previous = set(identity.roles_from_groups or [])
    if person is None:
        identity.roles_from_groups = []
        return
    wanted = {
        role
        for grant in grants
        if grant.organisation == person.organisation.short_name
        for role in grant.roles
    }
    held = {assignment.role: assignment for assignment in person.role_assignments.all()}
    for role in sorted(wanted - held.keys()):
        save_validated(RoleAssignment(person=person, role=role))
    for role in sorted((previous - wanted) & held.keys()):
        held[role].delete()
    identity.roles_from_groups = sorted((previous & wanted) | (wanted - held.keys()))


def pending_identities():
    """Accounts single sign-on created that wait for approval, oldest first."""
    return (
        OidcIdentity.objects.filter(approved_at__isnull=True, user__is_active=False)
        .select_related("user", "user__person__organisation")
        .order_by("created_at")
    )


@transaction.atomic
def approve(*, identity: OidcIdentity, organisation: Organisation, by: Any) -> OidcIdentity:
    """Approve a waiting account: active, with a person in ``organisation`` (no roles yet)."""
    identity = OidcIdentity.objects.select_for_update().select_related("user").get(pk=identity.pk)
    if identity.approved_at is not None:
        return identity
    user = identity.user
    person = Person.objects.filter(user=user).first()
    if person is None:
        save_validated(
            Person(
                organisation=organisation,
                full_name=user.get_full_name() or identity.email or user.username,
                email=identity.email,
                user=user,
            )
        )
    user.is_active = True
    user.save(update_fields=["is_active"])
    identity.approved_at = timezone.now()
    identity.approved_by = by
    save_validated(identity)
    return identity
