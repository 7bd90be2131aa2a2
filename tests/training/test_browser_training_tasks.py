"""In a real browser (#17): a KPO enrols a whole cohort in one submit from a pasted list, with
the warning about a participant who already completed the programme; creates the trust's own
programme and adds and corrects its modules; adds a session to a cohort and moves it. No
Content-Security-Policy violation or script error on the way (the ``page`` fixture)."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import PersonFactory
from training import services
from training.models import Cohort, Enrolment, Module, Programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


def test_a_kpo_creates_the_trusts_programme_and_adds_and_corrects_its_modules(
    page, kpo_user, trust
):
    page.login("kpo")
    page.goto("/training/")
    page.click("text=Programmes and modules")
    page.click("text=Create a programme")
    page.fill("#id_code", "SASH-QI")
    page.fill("#id_name", "QI basics")
    page.select_option("#id_assessment_method", "homework")
    page.fill("#id_typical_duration", "6 months")
    page.click("button:has-text('Create programme')")
    page.wait_for_selector("text=Programme created.")
    programme = Programme.objects.get(code="SASH-QI")
    assert programme.organisation == trust

    page.goto("/training/programmes/")
    for number, title in ((1, "Seeing waste"), (1, "A second module 1"), (2, "Flow")):
        page.click("text=Add a module to SASH-QI")
        page.fill("#id_number", str(number))
        page.fill("#id_title", title)
        page.click("button:has-text('Add module')")
        if title.startswith("A second"):
            # Refused on the number, with what was typed still there.
            page.wait_for_selector(".nhsuk-error-summary")
            assert "already has a module with this number" in page.inner_text("#id_number_error")
            assert page.input_value("#id_title") == "A second module 1"
            page.goto("/training/programmes/")
        else:
            page.wait_for_selector("text=Module added.")
    page.click("a:has-text('Change module 2')")
    page.fill("#id_title", "Flow and pull")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Module changed.")
    titles = list(programme.modules.order_by("number").values_list("title", flat=True))
    assert titles == ["Seeing waste", "Flow and pull"]
    assert "Flow and pull" in page.inner_text("main")


def test_a_kpo_adds_a_session_to_a_cohort_and_moves_it(page, kpo_user, trust):
    l4l = Programme.objects.create(
        code="L4L", name="Lean for Leaders", assessment_method="homework"
    )
    module = Module.objects.create(programme=l4l, number=1, title="Seeing waste")
    cohort = Cohort.objects.create(
        programme=l4l, organisation=trust, name="2019", starts_on=dt.date(2019, 1, 7)
    )
    page.login("kpo")
    page.goto(f"/training/cohorts/{cohort.pk}/")
    page.click("text=Add a session")
    page.fill("#id_date", "2019-01-14")
    page.select_option("#id_module", str(module.pk))
    page.fill("#id_title", "Seeing waste on the ward")
    page.click("button:has-text('Add session')")
    page.wait_for_selector("text=Session added.")
    assert "14 Jan 2019 (module 1): Seeing waste on the ward" in page.inner_text("main")

    page.click("a:has-text('Change the session of 14 Jan 2019')")
    assert page.input_value("#id_date") == "2019-01-14"  # the date shown, not lost on save
    page.fill("#id_date", "2019-01-21")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Session changed.")
    session = cohort.sessions.get()
    assert (session.date, session.module) == (dt.date(2019, 1, 21), module)
    assert "21 Jan 2019 (module 1)" in page.inner_text("main")
