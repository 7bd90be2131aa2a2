"""In a real browser: one path through each governance job that used to need the admin or the
API, with the search-as-you-type person picker where a person is chosen, and no
Content-Security-Policy violation on the way."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from compact import services as compact_services
from compact.models import CompactVersion, Heading, PartyType
from factories import PersonFactory, user_with_roles
from governance.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    BoardValue,
    CeoTenure,
    CqcRating,
    CulturalWork,
    MeetingKind,
    MeetingSeries,
    Membership,
    NationalPriority,
    SpecialMeasuresPeriod,
)
from governance.services import daily_work
from governance.services import meetings as meeting_services
from vmi_programme.models import Partnership, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = dt.date


def test_a_kpo_records_a_twelve_member_tgts_attendance_in_one_submit(page, kpo_user, trust):
    tgt = meeting_services.create_series(MeetingKind.TGT, "SASH TGT", organisation=trust)
    members = [PersonFactory(organisation=trust, full_name=f"Member {n:02}") for n in range(12)]
    for person in members:
        meeting_services.add_membership(tgt, person, D(2016, 1, 1))
    deputy = PersonFactory(organisation=trust, full_name="Dee Deputy", job_title="Matron")
    meeting = meeting_services.create_meeting(tgt, D(2016, 3, 8), status="held")
    page.login("kpo")
    page.goto(f"/governance/meetings/{meeting.pk}/")
    page.click("text=Record attendance for the whole meeting")
    for person in members[1:]:
        page.check(f"#id_status_{person.pk}_0")  # Present
    page.check(f"#id_status_{members[0].pk}_1")  # Sent a deputy
    deputy_box = f"#id_deputy_{members[0].pk}-search"
    page.pick_person(deputy_box, "Dee", f"Dee Deputy ({trust.short_name}, Matron)")
    page.click("button:has-text('Save attendance')")
    page.wait_for_url(f"**/governance/meetings/{meeting.pk}/")
    assert Attendance.objects.filter(meeting=meeting).count() == 12
    sent = Attendance.objects.get(meeting=meeting, person=members[0])
    assert (sent.status, sent.deputy) == (AttendanceStatus.APOLOGIES, deputy)


def test_a_kpo_sets_up_the_tgt_and_seats_a_member_with_the_person_picker(page, kpo_user, trust):
    newcomer = PersonFactory(organisation=trust, full_name="Nia Newcomer", job_title="COO")
    page.login("kpo")
    page.goto("/governance/")
    page.click("text=Set up a meeting series")
    page.select_option("#id_kind", MeetingKind.TGT)
    page.fill("#id_name", "SASH TGT")
    page.fill("#id_usual_duration_minutes", "150")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Meeting series set up; add its members.")
    tgt = MeetingSeries.objects.get(name="SASH TGT")
    assert (tgt.kind, tgt.organisation, tgt.usual_duration_minutes) == ("tgt", trust, 150)
    assert page.url.endswith(f"/governance/series/{tgt.pk}/")
    page.click("text=Add a member")
    page.pick_person("#id_person-search", "nia", f"Nia Newcomer ({trust.short_name}, COO)")
    page.fill("#id_role", "Chief operating officer")
    page.click("button:has-text('Save')")
    page.wait_for_url(f"**/governance/series/{tgt.pk}/")
    assert Membership.objects.get(series=tgt).person == newcomer


def test_a_kpo_builds_an_agenda_item_about_an_rpiw(page, kpo_user, trust):
    from rpiw import services as rpiw_services

    stream = rpiw_services.save_value_stream(
        organisation=trust, name="Emergency flow", started_on=D(2015, 7, 1)
    )
    rpiw = rpiw_services.create_rpiw(
        stream, title="Ambulance handover", workshop_start=D(2016, 2, 1), planning=False
    )
    tgt = meeting_services.create_series(MeetingKind.TGT, "SASH TGT", organisation=trust)
    meeting = meeting_services.create_meeting(tgt, D(2016, 3, 8))
    page.login("kpo")
    page.goto(f"/governance/meetings/{meeting.pk}/")
    page.click("text=Add an agenda item")
    page.fill("#id_title", "RPIW report-out")
    page.select_option("#id_link_rpiw", str(rpiw.pk))
    page.click("button:has-text('Save')")
    page.wait_for_url(f"**/governance/meetings/{meeting.pk}/")
    assert "Ambulance handover" in page.locator("main").inner_text()
    assert AgendaItem.objects.get(meeting=meeting).links.get().target == rpiw


def test_a_kpo_links_an_agenda_item_to_a_metric_change_and_a_standard_work_document(
    page, kpo_user, trust
):
    from rpiw import services as rpiw_services
    from rpiw.models import MetricCategory

    stream = rpiw_services.save_value_stream(
        organisation=trust, name="Emergency flow", started_on=D(2015, 7, 1)
    )
    metric = rpiw_services.add_metric(
        stream,
        category=MetricCategory.DELIVERY,
        name="Handover time",
        definition="Minutes from arrival to handover",
        unit="minutes",
        direction="lower",
        target=Decimal("15"),
        effective_from=D(2015, 7, 1),
    )
    owner = PersonFactory(organisation=trust, full_name="Olu Owner")
    change = rpiw_services.propose_metric_change(
        metric, proposed_by=owner, rationale="Too lax", new_target=Decimal("12")
    )
    document = daily_work.create_standard_work(
        organisation=trust, owner=owner, title="Handover huddle", steps=["Meet at 8"]
    )
    tgt = meeting_services.create_series(MeetingKind.TGT, "SASH TGT", organisation=trust)
    meeting = meeting_services.create_meeting(tgt, D(2016, 3, 8))
    item = meeting_services.add_agenda_item(meeting, "Handover review")
    page.login("kpo")
    page.goto(f"/governance/meetings/{meeting.pk}/")
    page.click("text=Link to a record")
    page.select_option("#id_link_metric_change", str(change.pk))
    page.select_option("#id_link_standard_work", str(document.pk))
    page.click("button:has-text('Link')")
    page.wait_for_selector("text=Agenda item linked.")
    main = page.locator("main").inner_text()
    assert "Change to Handover time" in main and "Handover huddle" in main
    assert {link.target for link in item.links.all()} == {change, document}


def test_a_kpo_puts_up_a_production_board_and_updates_it(page, kpo_user, trust):
    team = daily_work.save_team(organisation=trust, name="Ward 10", kind="ward")
    page.login("kpo")
    page.goto(f"/daily-work/teams/{team.pk}/")
    page.click("text=Add a production board")
    page.fill("#id_title", "Ward 10 board")
    page.click("button:has-text('Save')")
    page.click("text=Add a measure")
    page.fill("#id_name", "Falls")
    page.fill("#id_target", "2")
    page.select_option("#id_direction", "lower")
    page.click("button:has-text('Save')")
    page.click("text=Update the board")
    page.fill("input[name^='value_']", "1")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Board updated.")
    assert BoardValue.objects.get().value == Decimal("1")


def test_the_regulator_sets_a_national_priority(page, regulator_user, regulator_org):
    page.login("regulator")
    page.goto("/priorities/")
    page.click("text=Add a national priority")
    page.fill("#id_code", "ae-4h")
    page.fill("#id_title", "A&E four-hour standard")
    page.click("button:has-text('Save')")
    page.wait_for_url("**/priorities/")
    assert NationalPriority.objects.get().code == "ae-4h"


def test_a_kpo_records_the_trusts_context_cqc_ceo_special_measures_and_cultural_work(
    page, kpo_user, trust
):
    ceo = PersonFactory(organisation=trust, full_name="Cara Chief", job_title="CEO")
    page.login("kpo")
    page.goto("/trust-context/")
    page.click(f"a[href='/trust-context/{trust.pk}/']")
    page.click("text=Record a CQC rating")
    page.select_option("#id_rating", "good")
    page.fill("#id_published_on", "2018-05-01")
    page.click("button:has-text('Save')")
    page.click("text=Record a CEO tenure")
    page.pick_person("#id_person-search", "cara", f"Cara Chief ({trust.short_name}, CEO)")
    page.fill("#id_started_on", "2014-01-01")
    page.click("button:has-text('Save')")
    page.wait_for_url(f"**/trust-context/{trust.pk}/")
    page.click("text=Record a period of special measures")
    page.fill("#id_started_on", "2013-12-01")
    page.fill("#id_ended_on", "2017-03-31")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Special measures recorded.")
    page.click("text=Record cultural work")
    page.check("#id_preceded_programme")
    page.fill("#id_name", "Our Way")
    page.fill("#id_description", "Values work with every ward from 2012")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Cultural work saved.")
    main = page.locator("main").inner_text()
    assert "1 Dec 2013" in main and "31 Mar 2017" in main and "Our Way" in main
    assert CqcRating.objects.get().rating == "good"
    assert CeoTenure.objects.get().person == ceo
    period = SpecialMeasuresPeriod.objects.get(organisation=trust)
    assert (period.started_on, period.ended_on) == (D(2013, 12, 1), D(2017, 3, 31))
    work = CulturalWork.objects.get(organisation=trust)
    assert work.preceded_programme and work.name == "Our Way"


def test_a_tgb_member_renegotiates_the_compact_and_sees_the_diff(
    page, trust, other_trust, regulator_org
):
    partnership = Partnership.objects.create(
        name="NHS-VMI partnership", short_name="NHS-VMI", started_on=D(2015, 7, 1)
    )
    partnership.members.set([trust, other_trust, regulator_org])
    tgb = meeting_services.create_series(MeetingKind.TGB, "Transformation Guiding Board")
    member = user_with_roles(trust, Role.EXECUTIVE, Role.TGB_MEMBER, username="ceo")
    meeting_services.add_membership(tgb, member.person, D(2015, 7, 1))
    compact = compact_services.create_compact(
        partnership,
        tgb,
        "NHS-VMI partnership compact",
        shared_vision="The safest hospitals in the country.",
        promises=[
            {
                "key": "hosp-stability",
                "party": PartyType.HOSPITAL,
                "heading": Heading.LEADERSHIP,
                "text": "Support board stability",
            }
        ],
        effective_from=D(2015, 7, 1),
    )
    page.login("ceo")
    page.goto(f"/compact/{compact.pk}/versions/")
    page.click("text=Renegotiate the compact")
    page.fill("#id_effective_from", "2019-04-01")
    page.fill("#id_change_note", "Succession added.")
    page.fill("#id_promises-0-text", "Support board stability and succession")
    page.click("button:has-text('Agree the new version')")
    page.wait_for_url(f"**/compact/{compact.pk}/diff/?from=1&to=2")
    assert "succession" in page.locator("main").inner_text()
    assert CompactVersion.objects.filter(compact=compact).count() == 2


def test_with_many_people_the_picker_suggests_names_in_a_text_input(page, kpo_user, trust):
    from vmi_programme.person_picker import MAX_OPTIONS

    tgt = meeting_services.create_series(MeetingKind.TGT, "SASH TGT", organisation=trust)
    PersonFactory.create_batch(MAX_OPTIONS + 1, organisation=trust)
    newcomer = PersonFactory(organisation=trust, full_name="Nia Newcomer", job_title="COO")
    page.login("kpo")
    page.goto(f"/governance/series/{tgt.pk}/memberships/new/")
    assert page.locator("select#id_person").count() == 0  # too many people for a select
    page.pick_person("#id_person", "Newc", f"Nia Newcomer ({trust.short_name}, COO)")
    page.click("button:has-text('Save')")
    page.wait_for_url(f"**/governance/series/{tgt.pk}/")
    assert Membership.objects.get(series=tgt).person == newcomer
