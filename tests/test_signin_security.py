"""Sign-in hardening: lockout after failures, API throttling, expiring and revocable API tokens,
session timeouts and the Content-Security-Policy."""

import datetime as dt
import time

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from factories import user_with_roles
from vmi_programme.models import Role

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def api():
    return APIClient()


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# Lockout (django-axes) ------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_login_page_even_for_the_right_one(client, kpo_user):
    for _ in range(5):
        client.post("/login/", {"username": "kpo", "password": "wrong"})
    response = client.post("/login/", {"username": "kpo", "password": PASSWORD})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Sign-in locked" in html and "locked for 15 minutes" in html
    assert "nhsuk-header" in html  # the NHS.UK layout
    assert not _signed_in(client)


def test_five_wrong_passwords_lock_the_api_token_endpoint(api, kpo_user):
    for _ in range(5):
        api.post("/api/auth/token/", {"username": "kpo", "password": "wrong"})
    response = api.post("/api/auth/token/", {"username": "kpo", "password": PASSWORD})
    assert response.status_code == 429
    assert "locked" in response.json()["detail"]
    assert "token" not in response.json()
    assert not AuthToken.objects.exists()


def test_five_wrong_passwords_lock_the_admin_sign_in(client, django_user_model):
    django_user_model.objects.create_superuser("root", password=PASSWORD)
    for _ in range(5):
        client.post("/admin/login/", {"username": "root", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 429
    assert not _signed_in(client)


def test_the_lockout_is_for_that_username_from_that_address(client, kpo_user, trust):
    user_with_roles(trust, Role.KPO_FACILITATOR, username="colleague")
    for _ in range(5):
        client.post("/login/", {"username": "kpo", "password": "wrong"})
    # A colleague at the same workstation still signs in; so does kpo from elsewhere.
    response = client.post("/login/", {"username": "colleague", "password": PASSWORD})
    assert response.status_code == 302
    client.logout()
    response = client.post(
        "/login/", {"username": "kpo", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    assert response.status_code == 302


def test_fewer_failures_than_the_limit_do_not_lock(client, kpo_user):
    for _ in range(4):
        client.post("/login/", {"username": "kpo", "password": "wrong"})
    assert client.post("/login/", {"username": "kpo", "password": PASSWORD}).status_code == 302


# API throttling -------------------------------------------------------------------------------


def test_anonymous_api_calls_are_throttled(api, kpo_user, monkeypatch):
    # DRF reads its rates once, at import: shrink the anonymous rate for this test.
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "2/minute")
    for _ in range(2):
        api.post("/api/auth/token/", {"username": "kpo", "password": "wrong"})
    response = api.post("/api/auth/token/", {"username": "kpo", "password": PASSWORD})
    assert response.status_code == 429
    assert "throttled" in response.json()["detail"]


def test_signed_in_api_calls_are_throttled_per_user(api, kpo_user, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "2/minute")
    api.force_authenticate(kpo_user)
    assert [api.get("/api/organisations/").status_code for _ in range(3)] == [200, 200, 429]


# API tokens (django-rest-knox) ----------------------------------------------------------------


def _obtain_token(api) -> str:
    response = api.post("/api/auth/token/", {"username": "kpo", "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_a_token_lasts_ten_hours_then_stops_working(api, kpo_user):
    token = _obtain_token(api)
    stored = AuthToken.objects.get(user=kpo_user)
    assert abs(stored.expiry - timezone.now() - dt.timedelta(hours=10)) < dt.timedelta(minutes=1)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/organisations/").status_code == 200

    # Ten hours on: the token's expiry has passed.
    AuthToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    assert api.get("/api/organisations/").status_code == 401
    assert not AuthToken.objects.exists()  # knox removes an expired token when it is used


def test_the_tokens_page_lists_ones_own_tokens_without_showing_them(client, api, kpo_user, trust):
    token = _obtain_token(api)
    stranger = user_with_roles(trust, Role.KPO_FACILITATOR, username="stranger")
    AuthToken.objects.create(user=stranger)
    client.force_login(kpo_user)
    response = client.get("/account/tokens/")
    assert response.status_code == 200
    html = response.content.decode()
    assert token[:8] + "…" in html
    assert token not in html and token[:9] not in html
    assert html.count("Revoke<span") == 1  # not the stranger's
    assert 'href="/account/tokens/"' in client.get("/").content.decode()  # linked from header


def test_revoking_a_token_stops_it_working(client, api, kpo_user):
    token = _obtain_token(api)
    stored = AuthToken.objects.get(user=kpo_user)
    client.force_login(kpo_user)
    response = client.post(f"/account/tokens/{stored.digest}/revoke/")
    assert response.status_code == 302 and response.url == "/account/tokens/"
    assert not AuthToken.objects.exists()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/organisations/").status_code == 401


def test_revoking_is_post_only(client, kpo_user):
    stored, _ = AuthToken.objects.create(user=kpo_user)
    client.force_login(kpo_user)
    assert client.get(f"/account/tokens/{stored.digest}/revoke/").status_code == 405
    assert AuthToken.objects.filter(pk=stored.pk).exists()


def test_another_users_token_cannot_be_revoked(client, kpo_user, other_trust):
    stranger = user_with_roles(other_trust, Role.KPO_FACILITATOR, username="stranger")
    stored, _ = AuthToken.objects.create(user=stranger)
    client.force_login(kpo_user)
    assert client.post(f"/account/tokens/{stored.digest}/revoke/").status_code == 404
    assert AuthToken.objects.filter(pk=stored.pk).exists()


def test_the_tokens_page_needs_a_signed_in_user(client):
    response = client.get("/account/tokens/")
    assert response.status_code == 302 and response.url.startswith("/login/")


# Sessions on shared workstations ---------------------------------------------------------------


def test_an_idle_session_ends_after_thirty_minutes(client, kpo_user, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(kpo_user)
    response = client.get("/")
    assert response.status_code == 200
    # Within a minute of signing in (or of a renewal) no request writes the session again...
    response = client.get("/")
    assert "sessionid" not in response.cookies
    # ...after it, the next request renews the idle clock.
    session = client.session
    session["renewed_at"] = time.time() - 61
    session.save()
    response = client.get("/")
    assert response.cookies["sessionid"]["max-age"] == 1800
    # Thirty minutes without a request: the stored session has expired.
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_a_session_ends_ten_hours_after_sign_in_however_active(client, kpo_user, settings):
    assert settings.SESSION_ABSOLUTE_AGE == 10 * 60 * 60
    client.force_login(kpo_user)
    assert client.get("/").status_code == 200

    session = client.session
    session["signed_in_at"] = time.time() - 9 * 60 * 60  # nine hours in: still signed in
    session.save()
    assert client.get("/").status_code == 200

    session = client.session
    session["signed_in_at"] = time.time() - 10 * 60 * 60 - 1
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/login/")
    assert not _signed_in(client)


# Content-Security-Policy ----------------------------------------------------------------------


def test_pages_carry_a_content_security_policy_with_a_script_nonce(client, kpo_user):
    client.force_login(kpo_user)
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    nonce = script_src.split("'nonce-")[1].split("'")[0]
    html = response.content.decode()
    # Every inline script in the page carries the nonce; the rest are files from this site.
    assert html.count("<script") == html.count(f'nonce="{nonce}"') + html.count("<script src=")


def test_the_login_page_carries_the_policy_too(client):
    assert "default-src 'self'" in client.get("/login/")["Content-Security-Policy"]
