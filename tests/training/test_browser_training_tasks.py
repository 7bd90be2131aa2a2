"""In a real browser: enrolling a whole cohort in one submit from a pasted list, with the
warning about a participant who already completed the programme, and no
Content-Security-Policy violation on the way."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import PersonFactory
from training import services
from training.models import Cohort, Enrolment, Module, Programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Injected through the browser's devtools, so the policy does not apply to it.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


@pytest.fixture
def page(browser_page):
    browser_page.add_init_script(LISTEN)
    yield browser_page
    assert browser_page.evaluate("window.__cspViolations || []") == []


def test_a_kpo_enrols_twenty_people_in_one_submit_and_is_warned_about_a_graduate(
    page, kpo_user, trust
):
    l4l = Programme.objects.create(
        code="L4L", name="Lean for Leaders", assessment_method="homework"
    )
    module = Module.objects.create(programme=l4l, number=1, title="Seeing waste")
    old = Cohort.objects.create(
        programme=l4l, organisation=trust, name="2016", starts_on=dt.date(2016, 1, 4)
    )
    graduate = PersonFactory(organisation=trust, full_name="Gail Grad", email="gail@sash.nhs.uk")
    enrolment, _ = services.enrol(graduate, old, dt.date(2016, 1, 4))
    services.record_assessment(
        enrolment,
        module,
        submitted_on=dt.date(2016, 6, 1),
        result="pass",
        assessed_on=dt.date(2016, 6, 2),
    )
    cohort = Cohort.objects.create(
        programme=l4l, organisation=trust, name="2019", starts_on=dt.date(2019, 1, 7)
    )
    people = [PersonFactory(organisation=trust, full_name=f"Person {n:02}") for n in range(19)]
    page.login("kpo")
    page.goto(f"/training/cohorts/{cohort.pk}/")
    page.click("text=Enrol many participants")
    page.fill("#id_people", "\n".join([p.full_name for p in people] + ["gail@sash.nhs.uk"]))
    page.fill("#id_enrolled_on", "2019-01-02")
    page.click("button:has-text('Enrol everyone')")
    page.wait_for_url(f"**/training/cohorts/{cohort.pk}/")
    assert cohort.enrolments.count() == 20
    body = page.inner_text("body")
    assert "Gail Grad already completed L4L" in body
    assert "(earlier cohort)" in body
    assert Enrolment.objects.filter(cohort=old).count() == 1
