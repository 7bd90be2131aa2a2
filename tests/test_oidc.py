"""Single sign-on by OpenID Connect against a real provider (django-oauth-toolkit, started by
tests/oidc_harness.py): linking by verified e-mail, accounts waiting for approval, group roles,
the ID-token checks, sign-out at the provider, and switching password sign-in off."""

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from oidc_harness import CLIENT_ID, provider_login, sign_in, start_or_skip

from factories import PersonFactory, user_with_roles
from vmi_programme import oidc
from vmi_programme.models import OidcIdentity, Person, Role, RoleAssignment

pytestmark = pytest.mark.django_db

GROUP_ROLES = {"kpo-sash": {"organisation": "SASH", "roles": ["kpo_facilitator"]}}


@pytest.fixture(scope="module")
def provider():
    started = start_or_skip(
        redirect_uris=["http://testserver/oidc/callback/"],
        post_logout_redirect_uris=["http://testserver/login/"],
    )
    yield started
    started.stop()


@pytest.fixture
def sso(settings, provider):
    """The app configured with the test provider (its people start in SASH) and one mapped group."""
    settings.OIDC_PROVIDERS = [provider.settings_entry(organisation="SASH")]
    settings.OIDC_GROUP_ROLES = GROUP_ROLES
    return provider


def _signed_in_as(client):
    return client.session.get("_auth_user_id")


def _messages(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


# The flow ---------------------------------------------------------------------------------------


def test_the_start_asks_for_a_code_with_pkce_state_and_nonce(client, sso):
    response = client.get("/oidc/test/?next=/organisations/")
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{sso.issuer}/authorize/"
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT_ID
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["scope"] == "openid email profile"
    assert query["redirect_uri"] == "http://testserver/oidc/callback/"
    kept = client.session["oidc_states"][query["state"]]
    assert kept["nonce"] == query["nonce"] and kept["provider"] == "test"
    assert len(kept["code_verifier"]) >= 43


def test_an_unknown_provider_is_a_404(client, sso):
    assert client.get("/oidc/nobody/").status_code == 404


def test_an_existing_user_is_linked_by_verified_email_and_signed_in(client, sso, kpo_user):
    kpo_user.email = "KPO@sash.example.nhs.uk"  # the case of an address does not matter
    kpo_user.save()
    response = sign_in(client, "existing", next_path="/organisations/")
    assert response.status_code == 302 and response["Location"] == "/organisations/"
    assert _signed_in_as(client) == str(kpo_user.pk)
    identity = OidcIdentity.objects.get(user=kpo_user)
    assert identity.issuer == sso.issuer and identity.approved_at is not None
    assert identity.email_verified
    # The next sign-in finds the identity by its subject, even with another address.
    client.logout()
    sso.set_claims("existing", email="kim.renamed@sash.example.nhs.uk")
    try:
        sign_in(client, "existing")
        assert _signed_in_as(client) == str(kpo_user.pk)
        assert OidcIdentity.objects.count() == 1
    finally:
        sso.set_claims("existing", email="kpo@sash.example.nhs.uk")


def test_a_person_without_an_account_is_given_one_by_verified_email(client, sso, trust):
    person = PersonFactory(organisation=trust, email="new.starter@sash.example.nhs.uk")
    RoleAssignment.objects.create(person=person, role=Role.ANALYST)
    sign_in(client, "newcomer")
    person.refresh_from_db()
    assert person.user is not None and person.user.is_active
    assert not person.user.has_usable_password()
    assert _signed_in_as(client) == str(person.user_id)


def test_a_new_user_gets_an_account_without_roles_waiting_for_approval(client, sso, trust):
    response = sign_in(client, "newcomer")
    assert response.status_code == 302 and response["Location"] == "/oidc/pending/"
    assert not _signed_in_as(client)
    identity = OidcIdentity.objects.select_related("user").get()
    user = identity.user
    assert not user.is_active and identity.approved_at is None
    assert user.email == "new.starter@sash.example.nhs.uk"
    assert (user.first_name, user.last_name) == ("Nia", "Newcomer")
    assert not user.has_usable_password()
    person = Person.objects.get(user=user)
    assert person.organisation == trust and person.full_name == "Nia Newcomer"
    assert not person.role_assignments.exists()
    page = client.get("/oidc/pending/")
    assert "waiting for approval" in page.content.decode()
    # Signing in again before approval changes nothing.
    assert sign_in(client, "newcomer")["Location"] == "/oidc/pending/"
    assert OidcIdentity.objects.count() == 1 and not _signed_in_as(client)


def test_an_unverified_address_is_not_linked_to_the_account_that_has_it(client, sso, kpo_user):
    kpo_user.email = "kpo@sash.example.nhs.uk"
    kpo_user.save()
    response = sign_in(client, "unverified")
    assert response["Location"] == "/oidc/pending/"
    identity = OidcIdentity.objects.get()
    assert identity.user != kpo_user and not identity.email_verified
    assert not _signed_in_as(client)


def test_two_accounts_with_the_address_are_not_guessed_between(client, sso, trust):
    user_with_roles(trust, Role.ANALYST, username="one", email="kpo@sash.example.nhs.uk")
    user_with_roles(trust, Role.ANALYST, username="two", email="kpo@sash.example.nhs.uk")
    response = sign_in(client, "existing")
    assert response["Location"] == "/login/"
    assert "More than one account" in _messages(response)[0]
    assert not OidcIdentity.objects.exists() and not _signed_in_as(client)


def test_an_administrators_account_is_not_linked_by_email(client, sso, django_user_model):
    django_user_model.objects.create_superuser("root", email="kpo@sash.example.nhs.uk")
    response = sign_in(client, "existing")
    assert "administrator's account" in _messages(response)[0]
    assert not _signed_in_as(client)


def test_a_mapped_group_gives_its_role_and_takes_it_back(client, sso, trust):
    response = sign_in(client, "grouped")
    assert response.status_code == 302 and response["Location"] == "/"
    identity = OidcIdentity.objects.select_related("user__person").get()
    person = identity.user.person
    assert identity.approved_at is not None and identity.user.is_active
    assert person.organisation == trust
    assert set(person.role_assignments.values_list("role", flat=True)) == {"kpo_facilitator"}
    assert identity.roles_from_groups == ["kpo_facilitator"]
    # A role given in the app stays when the group goes; the group's role goes.
    RoleAssignment.objects.create(person=person, role=Role.ANALYST)
    client.logout()
    sso.set_claims("grouped", groups=["staff"])
    try:
        sign_in(client, "grouped")
    finally:
        sso.set_claims("grouped", groups=["kpo-sash", "staff"])
    assert set(person.role_assignments.values_list("role", flat=True)) == {"analyst"}
    identity.refresh_from_db()
    assert identity.roles_from_groups == []


def test_a_role_given_in_the_app_is_not_taken_by_a_group_that_also_gives_it(client, sso, trust):
    person = PersonFactory(organisation=trust, email="gita.group@sash.example.nhs.uk")
    RoleAssignment.objects.create(person=person, role=Role.KPO_FACILITATOR)
    sign_in(client, "grouped")
    identity = OidcIdentity.objects.get()
    assert identity.roles_from_groups == []  # the app gave it first
    client.logout()
    sso.set_claims("grouped", groups=[])
    try:
        sign_in(client, "grouped")
    finally:
        sso.set_claims("grouped", groups=["kpo-sash", "staff"])
    assert person.role_assignments.filter(role=Role.KPO_FACILITATOR).exists()


# What is refused --------------------------------------------------------------------------------


def test_a_callback_is_used_once(client, sso, kpo_user):
    kpo_user.email = "kpo@sash.example.nhs.uk"
    kpo_user.save()
    start = client.get("/oidc/test/")
    back = provider_login(start["Location"], "existing", until="http://testserver/")
    parts = urlsplit(back)
    assert client.get(f"{parts.path}?{parts.query}")["Location"] == "/"
    client.logout()
    replay = client.get(f"{parts.path}?{parts.query}")
    assert replay["Location"] == "/login/"
    assert "expired or was already used" in _messages(replay)[0]
    assert not _signed_in_as(client)


def test_a_wrong_nonce_is_refused(client, sso, kpo_user):
    kpo_user.email = "kpo@sash.example.nhs.uk"
    kpo_user.save()
    start = client.get("/oidc/test/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    session = client.session
    session["oidc_states"][state]["nonce"] = "not-the-nonce-sent"
    session.save()
    back = provider_login(start["Location"], "existing", until="http://testserver/")
    parts = urlsplit(back)
    response = client.get(f"{parts.path}?{parts.query}")
    assert response["Location"] == "/login/"
    assert "did not work" in _messages(response)[0]
    assert not _signed_in_as(client) and not OidcIdentity.objects.exists()


def test_a_wrong_code_verifier_is_refused_by_the_provider(client, sso, kpo_user):
    kpo_user.email = "kpo@sash.example.nhs.uk"
    kpo_user.save()
    start = client.get("/oidc/test/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    session = client.session
    session["oidc_states"][state]["code_verifier"] = "x" * 64
    session.save()
    back = provider_login(start["Location"], "existing", until="http://testserver/")
    parts = urlsplit(back)
    response = client.get(f"{parts.path}?{parts.query}")
    assert "did not work" in _messages(response)[0]
    assert not _signed_in_as(client)


def test_an_id_token_is_checked_for_signature_issuer_and_audience(client, sso, kpo_user):
    kpo_user.email = "kpo@sash.example.nhs.uk"
    kpo_user.save()
    sign_in(client, "existing")
    token = client.session["oidc_id_token"]
    provider = oidc.get_provider("test")
    header, payload, signature = token.split(".")
    backend = oidc.ProviderBackend(provider)
    claims = backend.verify_token(token, nonce=_nonce_of(token))
    assert claims["aud"] == CLIENT_ID and claims["iss"] == sso.issuer

    # A changed payload no longer matches the provider's signature.
    forged = dict(claims, sub="someone-else")
    forged_payload = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(f"{header}.{forged_payload}.{signature}", nonce=claims["nonce"])
    # The right signature, but for another client, or from another issuer.
    other = oidc.ProviderBackend(oidc.Provider(**{**provider.__dict__, "client_id": "other"}))
    with pytest.raises(SuspiciousOperation, match="not for this client"):
        other.verify_token(token, nonce=claims["nonce"])
    with pytest.raises(SuspiciousOperation, match="issuer"):
        oidc.check_id_token_claims(claims, issuer="https://elsewhere.example", client_id=CLIENT_ID)


def _nonce_of(token: str) -> str:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["nonce"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"aud": ["other", CLIENT_ID]}, "azp"),
        ({"aud": "other"}, "not for this client"),
        ({"exp": None}, "no exp"),
        ({"iat": None}, "no iat"),
        ({"exp": 1_000_000}, "expired"),
        ({"iss": "http://127.0.0.1:1/o"}, "issuer"),
    ],
)
def test_the_id_token_claims_the_library_leaves_out_are_checked(change, message):
    claims = {"iss": "http://idp.example/o", "aud": CLIENT_ID, "exp": 4_000_000_000, "iat": 1}
    claims = {key: value for key, value in {**claims, **change}.items() if value is not None}
    with pytest.raises(SuspiciousOperation, match=message):
        oidc.check_id_token_claims(claims, issuer="http://idp.example/o", client_id=CLIENT_ID)
    oidc.check_id_token_claims(
        {"iss": "http://idp.example/o", "aud": [CLIENT_ID], "exp": 4e9, "iat": 1},
        issuer="http://idp.example/o",
        client_id=CLIENT_ID,
    )


def test_a_refusal_at_the_provider_is_shown(client, sso):
    start = client.get("/oidc/test/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = client.get(
        f"/oidc/callback/?state={state}&error=access_denied&error_description=Not+today"
    )
    assert response["Location"] == "/login/"
    assert "did not sign you in: Not today" in _messages(response)[0]


def test_an_unreachable_provider_is_a_message_not_a_500(client, settings):
    settings.OIDC_PROVIDERS = [
        {
            "key": "gone",
            "name": "Gone",
            "issuer": "http://127.0.0.1:9",
            "client_id": "x",
            "client_secret": "y",
            "timeout": 2,
        }
    ]
    response = client.get("/oidc/gone/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "cannot be reached" in _messages(response)[0]


# Sign-out ----------------------------------------------------------------------------------------


def test_signing_out_ends_the_session_here_and_at_the_provider(client, sso, kpo_user):
    kpo_user.email = "kpo@sash.example.nhs.uk"
    kpo_user.save()
    start = client.get("/oidc/test/")
    session = requests.Session()
    back = provider_login(
        start["Location"], "existing", until="http://testserver/", session=session
    )
    parts = urlsplit(back)
    client.get(f"{parts.path}?{parts.query}")
    id_token = client.session["oidc_id_token"]
    response = client.post("/logout/")
    assert not _signed_in_as(client)
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{sso.issuer}/logout/"
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert query["id_token_hint"] == id_token
    assert query["post_logout_redirect_uri"] == "http://testserver/login/"
    # The provider signs its session out and sends the browser back to the sign-in page.
    ended = session.get(response["Location"], allow_redirects=False, timeout=10)
    assert ended.status_code == 302 and ended.headers["Location"] == "http://testserver/login/"
    again = session.get(start["Location"].split("&state=")[0], allow_redirects=False, timeout=10)
    assert "/accounts/login/" in again.headers["Location"]  # the provider asks again


def test_a_password_session_signs_out_here_only(client, sso, kpo_user):
    client.force_login(kpo_user)
    response = client.post("/logout/")
    assert response["Location"] == "/login/" and not _signed_in_as(client)


# The sign-in page and password sign-in ----------------------------------------------------------


def test_the_sign_in_page_offers_each_provider_beside_the_password_form(client, sso):
    html = client.get("/login/?next=/organisations/").content.decode()
    assert "Sign in with Test NHS login" in html
    assert 'href="/oidc/test/?next=/organisations/"' in html
    assert 'id="id_username"' in html


def test_password_sign_in_switched_off_hides_the_form_and_refuses_posts(
    client, sso, settings, kpo_user
):
    settings.PASSWORD_SIGNIN = False
    html = client.get("/login/").content.decode()
    assert 'id="id_username"' not in html and "Sign in with Test NHS login" in html
    response = client.post("/login/", {"username": "kpo", "password": "correct-horse-battery"})
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert not _signed_in_as(client)
    admin = client.post("/admin/login/", {"username": "kpo", "password": "correct-horse-battery"})
    assert admin.status_code == 405 and not _signed_in_as(client)
    assert client.get("/admin/login/")["Location"].startswith("/login/")
    # Single sign-on still works.
    kpo_user.email = "kpo@sash.example.nhs.uk"
    kpo_user.save()
    sign_in(client, "existing")
    assert _signed_in_as(client) == str(kpo_user.pk)


def test_password_lockout_still_works_beside_single_sign_on(client, sso, kpo_user):
    for _ in range(5):
        client.post("/login/", {"username": "kpo", "password": "wrong"})
    response = client.post("/login/", {"username": "kpo", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert not _signed_in_as(client)


def test_failed_single_sign_ons_do_not_count_towards_the_password_lockout(client, sso, kpo_user):
    from axes.models import AccessAttempt

    for _ in range(6):
        client.get("/oidc/callback/?state=forged&code=forged")
    assert not AccessAttempt.objects.exists()
    response = client.post("/login/", {"username": "kpo", "password": "correct-horse-battery"})
    assert response.status_code == 302


# Approval ----------------------------------------------------------------------------------------


def _waiting(client, username="newcomer") -> OidcIdentity:
    sign_in(client, username)
    return OidcIdentity.objects.select_related("user").get(approved_at__isnull=True)


def test_a_kpo_lead_approves_their_trusts_waiting_account(client, sso, trust):
    identity = _waiting(client)
    lead = user_with_roles(trust, Role.KPO_LEAD, username="lead")
    client.force_login(lead)
    page = client.get("/oidc/approvals/")
    assert page.status_code == 200 and "Nia Newcomer" in page.content.decode()
    response = client.post(
        f"/oidc/approvals/{identity.pk}/approve/", {f"a{identity.pk}-organisation": trust.pk}
    )
    assert response.status_code == 302
    identity.refresh_from_db()
    identity.user.refresh_from_db()
    assert identity.approved_by == lead and identity.user.is_active
    assert not identity.user.person.role_assignments.exists()  # roles are given separately
    client.logout()
    sign_in(client, "newcomer")
    assert _signed_in_as(client) == str(identity.user_id)


def test_a_trust_administrator_approves_their_trusts_waiting_account(client, sso, trust):
    identity = _waiting(client)
    client.force_login(user_with_roles(trust, Role.TRUST_ADMIN, username="trust-admin"))
    assert "Nia Newcomer" in client.get("/oidc/approvals/").content.decode()
    client.post(
        f"/oidc/approvals/{identity.pk}/approve/", {f"a{identity.pk}-organisation": trust.pk}
    )
    identity.refresh_from_db()
    assert identity.approved_at is not None


def test_another_trusts_kpo_lead_and_a_facilitator_cannot_approve(client, sso, trust, other_trust):
    identity = _waiting(client)
    for user in (
        user_with_roles(other_trust, Role.KPO_LEAD, username="other-lead"),
        user_with_roles(trust, Role.KPO_FACILITATOR, username="facilitator"),
    ):
        client.force_login(user)
        listed = client.get("/oidc/approvals/")
        assert listed.status_code == 403 or "Nia Newcomer" not in listed.content.decode()
        response = client.post(
            f"/oidc/approvals/{identity.pk}/approve/", {f"a{identity.pk}-organisation": trust.pk}
        )
        assert response.status_code == 403
    identity.refresh_from_db()
    assert identity.approved_at is None


def test_an_administrator_places_an_account_with_no_trust(client, settings, provider, trust):
    settings.OIDC_PROVIDERS = [provider.settings_entry()]  # a shared provider: no trust
    identity = _waiting(client)
    assert not Person.objects.filter(user=identity.user).exists()
    lead = user_with_roles(trust, Role.KPO_LEAD, username="lead")
    client.force_login(lead)
    assert "Nia Newcomer" not in client.get("/oidc/approvals/").content.decode()
    refused = client.post(
        f"/oidc/approvals/{identity.pk}/approve/", {f"a{identity.pk}-organisation": trust.pk}
    )
    assert refused.status_code == 403
    admin = user_with_roles(trust, Role.ADMINISTRATOR, username="admin")
    client.force_login(admin)
    client.post(
        f"/oidc/approvals/{identity.pk}/approve/", {f"a{identity.pk}-organisation": trust.pk}
    )
    person = Person.objects.get(user=identity.user)
    assert person.organisation == trust and person.email == "new.starter@sash.example.nhs.uk"


def test_approving_is_a_post(client, sso, trust):
    identity = _waiting(client)
    client.force_login(user_with_roles(trust, Role.KPO_LEAD, username="lead"))
    assert client.get(f"/oidc/approvals/{identity.pk}/approve/").status_code == 405


# Configuration -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("not json", "not valid JSON"),
        ('{"key": "x"}', "JSON list"),
        ('[{"key": "x", "name": "X", "issuer": "https://idp"}]', "no client_id"),
        (
            '[{"key": "X Y", "name": "X", "issuer": "https://i", "client_id": "c", '
            '"client_secret": "s"}]',
            "lower-case",
        ),
        ('[{"key": "x", "name": "X", "issuer": "https://i", "client_id": "c"}]', "client_secret"),
        (
            '[{"key": "x", "name": "X", "issuer": "ftp://i", "client_id": "c", '
            '"client_secret": "s"}]',
            "https URL",
        ),
    ],
)
def test_a_wrong_provider_configuration_says_what_is_wrong(raw, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        oidc.parse_providers(raw)


def test_a_client_secret_can_come_from_its_own_variable(monkeypatch):
    monkeypatch.setenv("SASH_OIDC_SECRET", "from-the-environment")
    (provider,) = oidc.parse_providers(
        [
            {
                "key": "sash",
                "name": "SASH",
                "issuer": "https://login.example/",
                "client_id": "c",
                "client_secret_env": "SASH_OIDC_SECRET",
            }
        ]
    )
    assert provider.client_secret == "from-the-environment"
    assert provider.issuer == "https://login.example"


def test_group_roles_take_the_long_and_the_short_form():
    grants = oidc.parse_group_roles(
        {"a": {"organisation": "SASH", "roles": ["kpo_lead"]}, "b": ["analyst", "LTHT"]}
    )
    assert grants["a"] == oidc.GroupGrant("SASH", ("kpo_lead",))
    assert grants["b"] == oidc.GroupGrant("LTHT", ("analyst",))
    with pytest.raises(ImproperlyConfigured, match="unknown roles"):
        oidc.parse_group_roles({"a": ["kpo", "SASH"]})
    with pytest.raises(ImproperlyConfigured, match="needs roles"):
        oidc.parse_group_roles({"a": ["SASH"]})


def test_a_discovery_document_naming_another_issuer_is_refused(sso):
    provider = oidc.Provider(
        key="t", name="T", issuer=f"{sso.url}/o/../o", client_id="c", client_secret="s"
    )
    with pytest.raises(SuspiciousOperation, match="names issuer"):
        oidc.discovery(provider)


def test_the_environment_configures_providers_csp_and_password_sign_in(tmp_path):
    code = (
        "import json, django; from django.conf import settings as s; django.setup();"
        "print(json.dumps({'providers': s.OIDC_PROVIDERS, 'groups': s.OIDC_GROUP_ROLES,"
        " 'password': s.PASSWORD_SIGNIN,"
        " 'form_action': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']}))"
    )
    providers = [
        {
            "key": "sash",
            "name": "SASH",
            "issuer": "https://login.sash.example/realms/staff",
            "client_id": "vmi",
            "client_secret_env": "SASH_SECRET",
        },
    ]
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CELERY_BROKER_URL")
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **env,
            "VMI_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "vmi_programme.settings",
            "OIDC_PROVIDERS": json.dumps(providers),
            "OIDC_GROUP_ROLES": '{"kpo-sash": ["kpo_facilitator", "SASH"]}',
            "PASSWORD_SIGNIN": "off",
        },
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["providers"] == providers
    assert found["groups"] == {"kpo-sash": ["kpo_facilitator", "SASH"]}
    assert found["password"] is False
    assert found["form_action"] == ["'self'", "https://login.sash.example"]
