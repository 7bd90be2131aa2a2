"""In a real browser: a trust administrator finds a colleague, gives a role, invites them, and the
colleague sets up their account from the e-mailed link and signs in."""

import os
import re

import pytest
from conftest import sign_in
from django.core import mail

from tests.factories import PersonFactory, user_with_roles
from vmi_programme.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("VMI_SCREENSHOTS", "")  # a folder to keep screenshots in, when set


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_a_trust_admin_invites_a_colleague_who_then_signs_in(
    page, chromium_browser, live_server, trust
):
    user_with_roles(trust, Role.TRUST_ADMIN, username="tadmin")
    ann = PersonFactory(organisation=trust, full_name="Ann Lee", email="ann.lee@sash.nhs.uk")
    for n in range(30):
        PersonFactory(organisation=trust, full_name=f"Colleague {n:02d}")
    page.login("tadmin")
    # In the menu (which may fold it under "More" at this width), then opened.
    assert page.locator(".nhsuk-header__navigation-link", has_text="People").count() == 1
    page.goto("/people/")
    assert page.locator("h1").inner_text() == "People"
    assert page.locator(".nhsuk-pagination").is_visible()  # 32 people, 25 a page
    page.fill("#f-q", "ann")
    page.click("button:has-text('Search')")
    _shot(page, "people-list")
    page.click("a:has-text('Ann Lee')")
    page.select_option("#id_role", "kpo_facilitator")
    page.click("button:has-text('Give role')")
    assert "Role given." in page.content()
    page.click("button:has-text('Invite to an account')")
    assert "Invitation e-mailed to ann.lee@sash.nhs.uk" in page.content()
    _shot(page, "person-detail")
    assert ann.role_assignments.filter(role="kpo_facilitator").exists()

    [message] = mail.outbox
    link = re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)
    context = chromium_browser.new_context(base_url=live_server.url)
    invited = context.new_page()
    invited.goto(link)
    assert "Set up your account, Ann Lee" in invited.locator("h1").inner_text()
    invited.fill("#id_username", "alee")
    invited.fill("#id_password1", "a-long-pass-phrase")
    invited.fill("#id_password2", "a-long-pass-phrase")
    _shot(invited, "invitation-accept")
    invited.click("button:has-text('Create account')")
    invited.wait_for_url("**/login/")
    sign_in(invited, "alee", "a-long-pass-phrase")
    assert invited.locator("h1").inner_text() == "Surrey and Sussex Healthcare NHS Trust"
    context.close()

    page.reload()
    assert "Active" in page.locator(".nhsuk-summary-list").inner_text()
    assert "Never" not in page.locator(".nhsuk-summary-list").inner_text()
