"""In a real browser: sign in, land on the home page, sign out."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kpo_facilitator_signs_in_and_out_in_the_browser(page, kpo_user):
    page.login("kpo")
    assert page.locator("h1").inner_text() == "Surrey and Sussex Healthcare NHS Trust"
    assert page.locator(".nhsuk-header__navigation-link", has_text="Home").is_visible()
    page.click("text=Log out")
    page.wait_for_url("**/login/")
    assert page.locator("h1").inner_text() == "Sign in"


def test_wrong_password_shows_the_error_summary(page, kpo_user):
    page.login("kpo", "not-the-password")
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert "correct username and password" in page.locator(".nhsuk-error-summary").inner_text()
