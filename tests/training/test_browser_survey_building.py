"""In a real browser (#17): a trust's KPO builds a survey (a section, two questions, one moved
above the other), opens a wave, invites two people chosen with the several-people picker
(search as you type, one removed again), and closes the wave; no Content-Security-Policy
violation on the way."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import PersonFactory
from training.models import Invitation, Survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kpo_builds_a_survey_opens_a_wave_invites_two_people_and_closes_it(page, kpo_user, trust):
    for name in ("Ann Archer", "Bob Baker", "Cy Cole"):
        PersonFactory(organisation=trust, full_name=name)
    today = dt.date.today()
    page.login("kpo")
    page.goto("/training/")
    page.click("text=Surveys: questions and waves")
    page.click("text=Create a survey")
    page.fill("#id_title", "Huddle survey")
    page.click("button:has-text('Create survey')")
    page.wait_for_selector("h1:has-text('Huddle survey')")
    survey = Survey.objects.get(title="Huddle survey")
    assert survey.organisation == trust

    page.click("text=Add a section")
    page.fill("#id_title", "Huddles")
    page.fill("#id_key", "huddles")
    page.click("button:has-text('Add section')")
    for code, text in (("useful", "Huddles are useful."), ("daily", "We huddle daily.")):
        page.click("text=Add a question to Huddles")
        page.fill("#id_text", text)
        page.select_option("#id_kind", "likert")
        page.fill("#id_code", code)
        page.click("button:has-text('Add question')")
        page.wait_for_selector(f"text={text}")
    page.click("button:has-text('Move up daily')")
    page.wait_for_load_state()
    rows = page.locator("#questions ~ table tbody tr td:nth-child(2)").all_inner_texts()
    assert rows[0].startswith("We huddle daily.") and rows[1].startswith("Huddles are useful.")

    page.click("text=Add a wave")
    page.fill("#id_name", "Spring")
    page.fill("#id_opens_on", today.isoformat())
    page.fill("#id_closes_on", (today + dt.timedelta(days=30)).isoformat())
    page.click("button:has-text('Add wave')")
    page.click("text=Invitations to Spring")

    page.pick_person("#id_people-search", "ann", "Ann Archer")
    page.pick_person("#id_people-search", "cy c", "Cy Cole")
    page.pick_person("#id_people-search", "bob", "Bob Baker")
    chosen = page.locator("#id_people-chosen li")
    assert chosen.count() == 3
    page.click("button:has-text('Remove Cy Cole')")
    assert chosen.count() == 2
    page.click("button:has-text('Create invitations')")
    page.wait_for_selector("text=2 invitations created.")
    assert set(Invitation.objects.values_list("person__full_name", flat=True)) == {
        "Ann Archer",
        "Bob Baker",
    }

    page.goto(f"/training/surveys/{survey.pk}/")
    page.click("button:has-text('Close today Spring')")
    page.wait_for_selector("text=Spring closes today")
    assert survey.waves.get().closes_on == today
