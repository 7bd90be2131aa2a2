"""In a real browser against a real OpenID Connect provider (tests/oidc_harness.py): a new
person waits for approval, an existing user is linked by verified e-mail and signs out at the
provider too, a mapped group gives a role, and password sign-in can be switched off."""

import os

import pytest
from oidc_harness import PASSWORD, start_or_skip

from factories import user_with_roles
from vmi_programme.models import OidcIdentity, Person, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("VMI_SCREENSHOTS")  # a directory: save what the pages look like


@pytest.fixture(scope="module")
def browser_provider(live_server):
    started = start_or_skip(
        redirect_uris=[f"{live_server.url}/oidc/callback/"],
        post_logout_redirect_uris=[f"{live_server.url}/login/"],
    )
    yield started
    started.stop()


@pytest.fixture
def sso(settings, browser_provider):
    settings.OIDC_PROVIDERS = [browser_provider.settings_entry(organisation="SASH")]
    settings.OIDC_GROUP_ROLES = {"kpo-sash": ["kpo_facilitator", "SASH"]}
    # As settings.py does for the configured providers: signing out redirects there.
    policy = settings.CONTENT_SECURITY_POLICY
    directives = dict(policy["DIRECTIVES"])
    directives["form-action"] = [*directives["form-action"], browser_provider.url]
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
    return browser_provider


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"oidc-{name}.png"), full_page=True)


def _sign_in_at_provider(page, username):
    page.goto("/login/")
    page.click("text=Sign in with Test NHS login")
    page.wait_for_selector("text=Test identity provider")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("text=Sign in at the provider")
    page.wait_for_load_state()


def test_a_new_person_signs_in_and_waits_for_approval(browser_page, sso, trust):
    page = browser_page
    _sign_in_at_provider(page, "newcomer")
    page.wait_for_url("**/oidc/pending/")
    assert page.locator("h1").inner_text() == "Your account is waiting for approval"
    _shot(page, "pending")
    identity = OidcIdentity.objects.select_related("user").get()
    assert not identity.user.is_active and identity.approved_at is None
    # Their trust's KPO lead approves them; they then sign in.
    user_with_roles(trust, Role.KPO_LEAD, username="lead")
    page.login("lead")
    page.goto("/oidc/approvals/")
    assert "Nia Newcomer" in page.locator("table").inner_text()
    _shot(page, "approvals")
    page.click("text=Approve Nia Newcomer")
    page.wait_for_selector("text=Nia Newcomer is approved.")
    page.click("text=Log out")
    page.wait_for_url("**/login/")
    page.click("text=Sign in with Test NHS login")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Surrey and Sussex Healthcare NHS Trust"


def test_an_existing_user_is_linked_and_signs_out_at_the_provider_too(browser_page, sso, kpo_user):
    kpo_user.email = "kpo@sash.example.nhs.uk"
    kpo_user.save()
    page = browser_page
    _sign_in_at_provider(page, "existing")
    assert page.locator("h1").inner_text() == "Surrey and Sussex Healthcare NHS Trust"
    assert OidcIdentity.objects.get().user == kpo_user
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.click("text=Log out")
    page.wait_for_url("**/login/")
    assert page.locator("h1").inner_text() == "Sign in"
    assert not [e for e in errors if "Content Security Policy" in e], errors
    # Signed out at the provider as well: it asks for the password again.
    page.click("text=Sign in with Test NHS login")
    page.wait_for_selector("text=Test identity provider")
    assert page.locator("#id_password").is_visible()


def test_a_mapped_group_gives_the_kpo_facilitator_role(browser_page, sso, trust):
    page = browser_page
    _sign_in_at_provider(page, "grouped")
    assert page.locator("h1").inner_text() == "Surrey and Sussex Healthcare NHS Trust"
    _shot(page, "grouped-home")
    person = Person.objects.get(user__oidc_identities__isnull=False)
    assert list(person.role_assignments.values_list("role", flat=True)) == [Role.KPO_FACILITATOR]


def test_password_sign_in_switched_off_shows_only_single_sign_on(
    browser_page, sso, settings, kpo_user
):
    settings.PASSWORD_SIGNIN = False
    page = browser_page
    page.goto("/login/")
    _shot(page, "login-sso-only")
    assert page.locator("#id_username").count() == 0
    assert page.locator("text=Sign in with Test NHS login").is_visible()
    kpo_user.email = "kpo@sash.example.nhs.uk"
    kpo_user.save()
    _sign_in_at_provider(page, "existing")
    assert page.locator("h1").inner_text() == "Surrey and Sussex Healthcare NHS Trust"
