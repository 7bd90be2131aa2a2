"""Every governance job in the browser: meeting series and members, whole-meeting attendance,
the agenda builder's links, production boards, national priorities and trust context.

For each page: the happy path, a wrong method (405), another trust's user refused (403), and
invalid input shown as a field error with nothing written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factories import PersonFactory, user_with_roles
from governance.models import (
    AgendaItem,
    AgendaItemLink,
    Attendance,
    AttendanceStatus,
    BoardMeasure,
    BoardValue,
    CeoTenure,
    CqcRating,
    CulturalWork,
    MeetingKind,
    MeetingSeries,
    Membership,
    NationalPriority,
    ProductionBoard,
    SpecialMeasuresPeriod,
)
from governance.services import context as context_services
from governance.services import daily_work, priorities
from governance.services import meetings as meeting_services
from vmi_programme.models import Partnership, Role

D = dt.date


@pytest.fixture
def tgt(trust):
    return meeting_services.create_series(MeetingKind.TGT, "SASH TGT", organisation=trust)


@pytest.fixture
def members(trust, tgt):
    """Twelve members of the TGT from the start of 2016."""
    people = [PersonFactory(organisation=trust, full_name=f"Member {n:02}") for n in range(12)]
    for person in people:
        meeting_services.add_membership(tgt, person, D(2016, 1, 1))
    return people


@pytest.fixture
def meeting(tgt):
    return meeting_services.create_meeting(tgt, D(2016, 3, 8), status="held")


@pytest.fixture
def outsider(other_trust):
    """A KPO facilitator of another trust."""
    return user_with_roles(other_trust, Role.KPO_FACILITATOR, username="outsider")


@pytest.fixture
def board(trust):
    team = daily_work.save_team(organisation=trust, name="Ward 10", kind="ward")
    return daily_work.create_board(team, "Ward 10 board")


@pytest.fixture
def measure(board):
    return daily_work.add_board_measure(board, "Falls", Decimal("2"), direction="lower")


# ---- attendance for the whole meeting, in one submit --------------------------------------


def _attendance_post(people, **overrides):
    data = {}
    for person in people:
        data[f"status_{person.pk}"] = AttendanceStatus.PRESENT
        data[f"deputy_{person.pk}"] = ""
    data.update(overrides)
    return data


def test_attendance_of_a_twelve_member_tgt_is_recorded_in_one_submit(
    client, kpo_user, trust, members, meeting, django_assert_max_num_queries
):
    deputy = PersonFactory(organisation=trust, full_name="Dee Deputy")
    client.force_login(kpo_user)
    url = f"/governance/meetings/{meeting.pk}/attendance/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert all(p.full_name in html for p in members)
    assert "data-person-search" in html and "person_picker.js" in html
    data = _attendance_post(
        members,
        **{
            f"status_{members[0].pk}": "deputy",
            f"deputy_{members[0].pk}": deputy.pk,
            f"status_{members[1].pk}": AttendanceStatus.APOLOGIES,
            f"status_{members[2].pk}": AttendanceStatus.ABSENT,
        },
    )
    # One request; the model's own checks run for each line (about a dozen queries a member).
    with django_assert_max_num_queries(12 * 14 + 20):
        response = client.post(url, data)
    assert response.status_code == 302
    rows = {a.person_id: a for a in Attendance.objects.filter(meeting=meeting)}
    assert len(rows) == 12
    assert rows[members[0].pk].status == AttendanceStatus.APOLOGIES
    assert rows[members[0].pk].deputy == deputy
    assert rows[members[1].pk].status == AttendanceStatus.APOLOGIES
    assert rows[members[1].pk].deputy is None
    assert rows[members[2].pk].status == AttendanceStatus.ABSENT
    assert sum(r.status == AttendanceStatus.PRESENT for r in rows.values()) == 9
    # Submitting again corrects the record rather than adding to it.
    data[f"status_{members[2].pk}"] = AttendanceStatus.PRESENT
    assert client.post(url, data).status_code == 302
    assert Attendance.objects.filter(meeting=meeting).count() == 12
    assert Attendance.objects.get(meeting=meeting, person=members[2]).status == "present"


def test_attendance_form_shows_what_was_recorded(client, kpo_user, trust, members, meeting):
    deputy = PersonFactory(organisation=trust, full_name="Dee Deputy")
    meeting_services.record_attendance(meeting, members[0], AttendanceStatus.APOLOGIES, deputy)
    client.force_login(kpo_user)
    html = client.get(f"/governance/meetings/{meeting.pk}/attendance/").content.decode()
    assert f'name="status_{members[0].pk}" value="deputy"' in html
    chosen = html.split(f'name="status_{members[0].pk}" value="deputy"')[1].split(">")[0]
    assert "checked" in chosen
    assert f'<option value="{deputy.pk}" selected>' in html


def test_attendance_with_a_deputy_left_unnamed_shows_the_error_and_saves_nobody(
    client, kpo_user, members, meeting
):
    client.force_login(kpo_user)
    response = client.post(
        f"/governance/meetings/{meeting.pk}/attendance/",
        _attendance_post(members, **{f"status_{members[3].pk}": "deputy"}),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "nhsuk-error-summary" in html
    assert f'id="id_deputy_{members[3].pk}_error"' in html
    assert "Name the deputy who came for Member 03" in html
    assert not Attendance.objects.exists()


def test_attendance_with_a_missing_status_is_refused_whole(client, kpo_user, members, meeting):
    client.force_login(kpo_user)
    data = _attendance_post(members)
    del data[f"status_{members[5].pk}"]
    response = client.post(f"/governance/meetings/{meeting.pk}/attendance/", data)
    assert response.status_code == 400
    assert "Say whether Member 05 attended." in response.content.decode()
    assert not Attendance.objects.exists()


def test_the_attendance_service_writes_nothing_when_one_line_is_refused(trust, members, meeting):
    stranger = PersonFactory(organisation=trust, full_name="Not A Member")
    entries = [meeting_services.AttendanceEntry(p, AttendanceStatus.PRESENT) for p in members]
    entries.append(meeting_services.AttendanceEntry(stranger, AttendanceStatus.PRESENT))
    with pytest.raises(Exception) as refused:
        meeting_services.record_meeting_attendance(meeting, entries=entries)
    assert f"person-{stranger.pk}" in refused.value.message_dict
    assert not Attendance.objects.exists()


def test_attendance_refuses_another_trusts_kpo_and_other_methods(
    client, kpo_user, outsider, members, meeting
):
    url = f"/governance/meetings/{meeting.pk}/attendance/"
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    assert client.post(url, _attendance_post(members)).status_code == 403
    assert not Attendance.objects.exists()
    client.force_login(kpo_user)
    assert client.put(url).status_code == 405


# ---- meeting series and their members -----------------------------------------------------


def test_a_kpo_sets_up_the_trusts_tgt_and_adds_a_member(client, kpo_user, trust):
    client.force_login(kpo_user)
    page = client.get("/governance/series/new/")
    assert page.status_code == 200
    # A trust's KPO may set up the trust's TGT only, not a partnership meeting.
    assert 'value="tgt"' in page.content.decode() and 'value="tgb"' not in page.content.decode()
    response = client.post(
        "/governance/series/new/", {"kind": "tgt", "name": "SASH TGT", "frequency": "monthly"}
    )
    assert response.status_code == 302
    series = MeetingSeries.objects.get()
    assert series.organisation == trust
    person = PersonFactory(organisation=trust, full_name="Ann Chair")
    url = f"/governance/series/{series.pk}/memberships/new/"
    assert "data-person-search" in client.get(url).content.decode()
    response = client.post(url, {"person": person.pk, "role": "Chair", "started_on": "2016-01-04"})
    assert response.status_code == 302
    membership = Membership.objects.get()
    assert (membership.person, membership.role, membership.started_on) == (
        person,
        "Chair",
        D(2016, 1, 4),
    )
    assert "Add a member" in client.get(f"/governance/series/{series.pk}/").content.decode()


def test_the_regulator_sets_up_the_tgb_and_seats_someone_from_a_trust(
    client, regulator_user, trust, other_trust, regulator_org
):
    partnership = Partnership.objects.create(
        name="NHS-VMI", short_name="NHS-VMI", started_on=D(2015, 7, 1)
    )
    partnership.members.set([trust, other_trust, regulator_org])
    client.force_login(regulator_user)
    response = client.post(
        "/governance/series/new/", {"kind": "tgb", "name": "The TGB", "frequency": "monthly"}
    )
    assert response.status_code == 302
    tgb = MeetingSeries.objects.get(kind="tgb")
    assert tgb.organisation is None
    ceo = PersonFactory(organisation=other_trust, full_name="Leeds CEO")
    response = client.post(
        f"/governance/series/{tgb.pk}/memberships/new/",
        {"person": ceo.pk, "role": "CEO", "started_on": "2016-01-04"},
    )
    assert response.status_code == 302
    assert Membership.objects.get(series=tgb).person == ceo


def test_a_second_overlapping_membership_shows_the_error_and_adds_nothing(
    client, kpo_user, tgt, members
):
    client.force_login(kpo_user)
    response = client.post(
        f"/governance/series/{tgt.pk}/memberships/new/",
        {"person": members[0].pk, "started_on": "2016-06-01"},
    )
    assert response.status_code == 400
    assert "already a member of this meeting" in response.content.decode()
    assert Membership.objects.filter(person=members[0]).count() == 1


def test_a_membership_without_a_person_is_a_field_error(client, kpo_user, tgt):
    client.force_login(kpo_user)
    response = client.post(
        f"/governance/series/{tgt.pk}/memberships/new/", {"started_on": "2016-06-01"}
    )
    assert response.status_code == 400
    assert 'id="id_person_error"' in response.content.decode()
    assert not Membership.objects.exists()


def test_series_pages_refuse_another_trusts_kpo_and_other_methods(
    client, kpo_user, outsider, tgt, trust
):
    person = PersonFactory(organisation=trust)
    client.force_login(outsider)
    url = f"/governance/series/{tgt.pk}/memberships/new/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"person": person.pk, "started_on": "2016-01-01"}).status_code == 403
    assert not Membership.objects.exists()
    # An executive of a peer trust with no change rights anywhere may set up nothing.
    viewer = user_with_roles(trust, Role.TGB_MEMBER, username="tgb-only")
    client.force_login(viewer)
    assert client.post("/governance/series/new/", {"kind": "tgt", "name": "X"}).status_code == 400
    client.force_login(kpo_user)
    assert client.delete(url).status_code == 405
    assert client.put("/governance/series/new/").status_code == 405


def test_a_duplicate_tgt_is_a_field_error(client, kpo_user, tgt):
    client.force_login(kpo_user)
    response = client.post(
        "/governance/series/new/", {"kind": "tgt", "name": "Another TGT", "frequency": "monthly"}
    )
    assert response.status_code == 400
    assert "nhsuk-error-summary" in response.content.decode()
    assert MeetingSeries.objects.count() == 1


# ---- the agenda builder: what an item is about ------------------------------------------------


@pytest.fixture
def rpiw(trust):
    from rpiw import services as rpiw_services

    stream = rpiw_services.save_value_stream(
        organisation=trust, name="Emergency flow", started_on=D(2015, 7, 1)
    )
    return rpiw_services.create_rpiw(
        stream, title="Ambulance handover", workshop_start=D(2016, 2, 1), planning=False
    )


def test_an_agenda_item_is_added_about_an_rpiw(client, kpo_user, meeting, rpiw):
    client.force_login(kpo_user)
    url = f"/governance/meetings/{meeting.pk}/agenda/new/"
    page = client.get(url).content.decode()
    assert "About this RPIW" in page and rpiw.reference in page
    response = client.post(url, {"title": "RPIW report-out", "link_rpiw": rpiw.pk})
    assert response.status_code == 302
    item = AgendaItem.objects.get(meeting=meeting, title="RPIW report-out")
    link = item.links.get()
    assert link.target == rpiw
    detail = client.get(f"/governance/meetings/{meeting.pk}/").content.decode()
    assert f"{rpiw.reference} Ambulance handover" in detail


def test_an_existing_item_is_linked_to_a_value_stream_and_a_document(
    client, kpo_user, trust, meeting, rpiw
):
    item = meeting_services.add_agenda_item(meeting, "Value stream review")
    owner = PersonFactory(organisation=trust)
    document = daily_work.create_standard_work(
        organisation=trust, owner=owner, title="Board round", steps=["Start at 9"]
    )
    client.force_login(kpo_user)
    url = f"/governance/meetings/{meeting.pk}/agenda/{item.pk}/links/new/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"link_value_stream": rpiw.value_stream.pk, "link_standard_work": document.pk}
    )
    assert response.status_code == 302
    assert {link.target for link in item.links.all()} == {rpiw.value_stream, document}


def test_linking_nothing_or_another_trusts_record_is_refused(
    client, kpo_user, other_trust, meeting, rpiw
):
    from rpiw import services as rpiw_services

    item = meeting_services.add_agenda_item(meeting, "Value stream review")
    theirs = rpiw_services.save_value_stream(
        organisation=other_trust, name="Their stream", started_on=D(2015, 7, 1)
    )
    client.force_login(kpo_user)
    url = f"/governance/meetings/{meeting.pk}/agenda/{item.pk}/links/new/"
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Choose at least one record" in response.content.decode()
    response = client.post(url, {"link_value_stream": theirs.pk})
    assert response.status_code == 400
    assert 'id="id_link_value_stream_error"' in response.content.decode()
    assert not AgendaItemLink.objects.filter(
        content_type=ContentType.objects.get_for_model(theirs)
    ).exists()


def test_agenda_pages_refuse_another_trusts_kpo_and_other_methods(
    client, kpo_user, outsider, meeting
):
    item = meeting_services.add_agenda_item(meeting, "Item")
    client.force_login(outsider)
    for url in (
        f"/governance/meetings/{meeting.pk}/agenda/new/",
        f"/governance/meetings/{meeting.pk}/agenda/{item.pk}/links/new/",
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {"title": "x"}).status_code == 403
    assert AgendaItem.objects.count() == 1
    client.force_login(kpo_user)
    assert (
        client.put(f"/governance/meetings/{meeting.pk}/agenda/{item.pk}/links/new/").status_code
        == 405
    )


def test_an_agenda_item_is_edited_and_a_required_one_keeps_its_title(
    client, kpo_user, trust, meeting
):
    item = meeting_services.add_agenda_item(meeting, "Value stream report")
    closing = meeting_services.add_agenda_item(meeting, "Closing item", locked=True)
    presenter = PersonFactory(organisation=trust, full_name="Pam Presenter")
    client.force_login(kpo_user)
    url = f"/governance/meetings/{meeting.pk}/agenda/{item.pk}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"title": "Value stream report-out", "presenter": presenter.pk, "duration_minutes": 20}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.presenter, item.duration_minutes) == (
        "Value stream report-out",
        presenter,
        20,
    )
    locked_url = f"/governance/meetings/{meeting.pk}/agenda/{closing.pk}/edit/"
    assert 'name="title"' not in client.get(locked_url).content.decode()
    response = client.post(locked_url, {"title": "Renamed", "notes": "Five minutes each"})
    assert response.status_code == 302
    closing.refresh_from_db()
    assert (closing.title, closing.notes) == ("Closing item", "Five minutes each")


def test_an_agenda_item_without_a_title_is_a_field_error(client, kpo_user, outsider, meeting):
    item = meeting_services.add_agenda_item(meeting, "Value stream report")
    url = f"/governance/meetings/{meeting.pk}/agenda/{item.pk}/edit/"
    client.force_login(kpo_user)
    response = client.post(url, {"title": ""})
    assert response.status_code == 400 and 'id="id_title_error"' in response.content.decode()
    assert client.put(url).status_code == 405
    client.force_login(outsider)
    assert client.post(url, {"title": "Theirs"}).status_code == 403
    item.refresh_from_db()
    assert item.title == "Value stream report"


# ---- production boards and their measures -------------------------------------------------


def test_a_board_is_put_up_with_measures_and_updated_in_one_submit(client, kpo_user, trust):
    team = daily_work.save_team(organisation=trust, name="Ward 10", kind="ward")
    client.force_login(kpo_user)
    assert "Add a production board" in client.get(f"/daily-work/teams/{team.pk}/").content.decode()
    response = client.post(f"/daily-work/teams/{team.pk}/boards/new/", {"title": "Ward 10 board"})
    board = ProductionBoard.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/daily-work/boards/{board.pk}/"
    for name, target, direction in (
        ("Falls", "2", "lower"),
        ("Discharges before noon", "40", "higher"),
    ):
        response = client.post(
            f"/daily-work/boards/{board.pk}/measures/new/",
            {"name": name, "unit": "", "target": target, "direction": direction},
        )
        assert response.status_code == 302
    falls = BoardMeasure.objects.get(name="Falls")
    noon = BoardMeasure.objects.get(name="Discharges before noon")
    response = client.post(
        f"/daily-work/boards/{board.pk}/values/",
        {"recorded_on": "2021-01-04", f"value_{falls.pk}": "1", f"value_{noon.pk}": "35"},
    )
    assert response.status_code == 302
    assert {(v.measure_id, v.value) for v in BoardValue.objects.all()} == {
        (falls.pk, Decimal("1")),
        (noon.pk, Decimal("35")),
    }
    response = client.post(
        f"/daily-work/measures/{noon.pk}/edit/",
        {"name": "Discharges before noon", "unit": "%", "target": "45", "direction": "higher"},
    )
    assert response.status_code == 302
    noon.refresh_from_db()
    assert (noon.unit, noon.target) == ("%", Decimal("45"))
    response = client.post(
        f"/daily-work/boards/{board.pk}/edit/", {"title": "Ward 10 huddle board"}
    )
    assert response.status_code == 302
    board.refresh_from_db()
    assert board.title == "Ward 10 huddle board"
    page = client.get(f"/daily-work/boards/{board.pk}/").content.decode()
    assert "35" in page and "Update the board" in page


def test_board_values_need_one_value_and_a_number(client, kpo_user, board, measure):
    client.force_login(kpo_user)
    url = f"/daily-work/boards/{board.pk}/values/"
    response = client.post(url, {"recorded_on": "2021-01-04"})
    assert response.status_code == 400
    assert "Enter a value for at least one measure." in response.content.decode()
    response = client.post(url, {"recorded_on": "2021-01-04", f"value_{measure.pk}": "lots"})
    assert response.status_code == 400
    assert f'id="id_value_{measure.pk}_error"' in response.content.decode()
    assert not BoardValue.objects.exists()


def test_a_measure_without_a_target_or_with_a_duplicate_name_is_refused(
    client, kpo_user, board, measure
):
    client.force_login(kpo_user)
    url = f"/daily-work/boards/{board.pk}/measures/new/"
    response = client.post(url, {"name": "Pressure ulcers", "direction": "lower"})
    assert response.status_code == 400 and 'id="id_target_error"' in response.content.decode()
    response = client.post(url, {"name": "Falls", "target": "3", "direction": "lower"})
    assert response.status_code == 400 and "nhsuk-error-summary" in response.content.decode()
    assert BoardMeasure.objects.count() == 1


def test_board_pages_refuse_another_trusts_kpo_and_other_methods(
    client, kpo_user, outsider, board, measure
):
    client.force_login(outsider)
    assert client.get(f"/daily-work/boards/{board.pk}/").status_code == 403
    for url, data in (
        (f"/daily-work/teams/{board.team_id}/boards/new/", {"title": "Theirs"}),
        (f"/daily-work/boards/{board.pk}/edit/", {"title": "Theirs"}),
        (f"/daily-work/boards/{board.pk}/measures/new/", {"name": "X", "target": "1"}),
        (f"/daily-work/measures/{measure.pk}/edit/", {"name": "X", "target": "1"}),
        (
            f"/daily-work/boards/{board.pk}/values/",
            {"recorded_on": "2021-01-04", f"value_{measure.pk}": "1"},
        ),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    assert ProductionBoard.objects.get().title == "Ward 10 board"
    assert BoardMeasure.objects.get().name == "Falls" and not BoardValue.objects.exists()
    client.force_login(kpo_user)
    assert client.post(f"/daily-work/boards/{board.pk}/").status_code == 405
    assert client.put(f"/daily-work/boards/{board.pk}/values/").status_code == 405


# ---- national priorities --------------------------------------------------------------------


def test_the_regulator_adds_and_edits_a_national_priority(client, regulator_user, regulator_org):
    client.force_login(regulator_user)
    assert "Add a national priority" in client.get("/priorities/").content.decode()
    response = client.post(
        "/priorities/national/new/",
        {"code": "ae-4h", "title": "A&E four-hour standard", "set_by": regulator_org.pk},
    )
    assert response.status_code == 302
    priority = NationalPriority.objects.get()
    response = client.post(
        f"/priorities/national/{priority.pk}/edit/",
        {"code": "changed", "title": "A&E 4-hour standard", "active_from": "2016-04-01"},
    )
    assert response.status_code == 302
    priority.refresh_from_db()
    assert (priority.code, priority.title, priority.active_from) == (
        "ae-4h",
        "A&E 4-hour standard",
        D(2016, 4, 1),
    )


def test_a_national_priority_ending_before_it_starts_is_refused(client, regulator_user):
    client.force_login(regulator_user)
    response = client.post(
        "/priorities/national/new/",
        {"code": "rtt", "title": "RTT", "active_from": "2017-01-01", "active_until": "2016-01-01"},
    )
    assert response.status_code == 400
    assert 'id="id_active_until_error"' in response.content.decode()
    assert not NationalPriority.objects.exists()


def test_a_trusts_kpo_may_not_set_national_priorities(client, kpo_user):
    priority = priorities.create_national_priority("ae-4h", "A&E")
    client.force_login(kpo_user)
    assert "Add a national priority" not in client.get("/priorities/").content.decode()
    assert client.get("/priorities/national/new/").status_code == 403
    assert client.post("/priorities/national/new/", {"code": "x", "title": "X"}).status_code == 403
    assert (
        client.post(f"/priorities/national/{priority.pk}/edit/", {"title": "Y"}).status_code == 403
    )
    assert NationalPriority.objects.get().title == "A&E"
    assert client.put("/priorities/national/new/").status_code == 405


# ---- trust context -----------------------------------------------------------------------------


def test_a_kpo_records_the_trusts_context(client, kpo_user, trust):
    ceo = PersonFactory(organisation=trust, full_name="Chief Executive")
    client.force_login(kpo_user)
    assert client.get(f"/trust-context/{trust.pk}/").status_code == 200
    posts = [
        (f"/trust-context/{trust.pk}/cqc/new/", {"rating": "good", "published_on": "2018-05-01"}),
        (
            f"/trust-context/{trust.pk}/ceo/new/",
            {"person": ceo.pk, "started_on": "2014-01-01"},
        ),
        (f"/trust-context/{trust.pk}/special-measures/new/", {"started_on": "2013-07-16"}),
        (
            f"/trust-context/{trust.pk}/cultural-work/",
            {"preceded_programme": "on", "name": "Our Way", "description": "Values work"},
        ),
    ]
    for url, data in posts:
        assert client.get(url).status_code == 200
        assert client.post(url, data).status_code == 302, url
    assert CqcRating.objects.get().rating == "good"
    tenure = CeoTenure.objects.get()
    assert tenure.person == ceo
    period = SpecialMeasuresPeriod.objects.get()
    assert CulturalWork.objects.get().name == "Our Way"
    assert (
        client.post(
            f"/trust-context/ceo/{tenure.pk}/edit/",
            {"started_on": "2014-01-01", "ended_on": "2019-03-31"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/trust-context/special-measures/{period.pk}/edit/",
            {"started_on": "2013-07-16", "ended_on": "2015-03-01"},
        ).status_code
        == 302
    )
    tenure.refresh_from_db()
    period.refresh_from_db()
    assert tenure.ended_on == D(2019, 3, 31) and period.ended_on == D(2015, 3, 1)
    page = client.get(f"/trust-context/{trust.pk}/").content.decode()
    assert "Chief Executive" in page and "Our Way" in page


def test_a_second_substantive_ceo_at_once_is_refused_with_the_reason(client, kpo_user, trust):
    context_services.record_ceo_tenure(trust, PersonFactory(organisation=trust), D(2014, 1, 1))
    newcomer = PersonFactory(organisation=trust)
    client.force_login(kpo_user)
    response = client.post(
        f"/trust-context/{trust.pk}/ceo/new/", {"person": newcomer.pk, "started_on": "2016-01-01"}
    )
    assert response.status_code == 400
    assert 'id="id_started_on_error"' in response.content.decode()
    assert "end that tenure first" in response.content.decode()
    assert CeoTenure.objects.count() == 1


def test_a_cqc_rating_without_a_date_is_a_field_error(client, kpo_user, trust):
    client.force_login(kpo_user)
    response = client.post(f"/trust-context/{trust.pk}/cqc/new/", {"rating": "good"})
    assert response.status_code == 400
    assert 'id="id_published_on_error"' in response.content.decode()
    assert not CqcRating.objects.exists()


def test_trust_context_pages_refuse_another_trusts_kpo_and_other_methods(
    client, kpo_user, outsider, trust
):
    tenure = context_services.record_ceo_tenure(
        trust, PersonFactory(organisation=trust), D(2014, 1, 1)
    )
    period = context_services.record_special_measures(trust, D(2013, 7, 16))
    client.force_login(outsider)
    assert client.get(f"/trust-context/{trust.pk}/").status_code == 403
    for url, data in (
        (f"/trust-context/{trust.pk}/cqc/new/", {"rating": "good", "published_on": "2018-05-01"}),
        (f"/trust-context/{trust.pk}/ceo/new/", {"started_on": "2018-05-01"}),
        (f"/trust-context/ceo/{tenure.pk}/edit/", {"started_on": "2014-01-01", "ended_on": ""}),
        (f"/trust-context/{trust.pk}/special-measures/new/", {"started_on": "2018-05-01"}),
        (f"/trust-context/special-measures/{period.pk}/edit/", {"started_on": "2013-07-16"}),
        (f"/trust-context/{trust.pk}/cultural-work/", {"preceded_programme": "on"}),
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    assert not CqcRating.objects.exists() and not CulturalWork.objects.exists()
    client.force_login(kpo_user)
    assert client.post(f"/trust-context/{trust.pk}/").status_code == 405
    assert client.put(f"/trust-context/{trust.pk}/cqc/new/").status_code == 405


def test_the_trust_context_table_links_records_only_where_the_user_may_look(
    client, kpo_user, trust, other_trust
):
    client.force_login(kpo_user)
    html = client.get("/trust-context/").content.decode()
    assert f'href="/trust-context/{trust.pk}/"' in html
    assert f'href="/trust-context/{other_trust.pk}/"' not in html


def test_the_attendance_page_reads_the_same_number_of_queries_for_3_or_12_members(
    client, kpo_user, trust, tgt, meeting
):
    client.force_login(kpo_user)
    url = f"/governance/meetings/{meeting.pk}/attendance/"
    counts = []
    for size in (3, 12):
        while tgt.memberships.count() < size:
            person = PersonFactory(organisation=trust)
            meeting_services.add_membership(tgt, person, D(2016, 1, 1))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_board_and_trust_records_pages_read_a_fixed_number_of_queries(
    client, kpo_user, trust, board
):
    client.force_login(kpo_user)
    counts = []
    for size in (2, 8):
        while board.measures.count() < size:
            n = board.measures.count()
            m = daily_work.add_board_measure(board, f"Measure {n}", Decimal("1"))
            daily_work.record_board_value(m, D(2021, 1, 4), Decimal(n))
            context_services.record_cqc_rating(trust, "good", D(2010 + n, 1, 1))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/daily-work/boards/{board.pk}/").status_code == 200
            assert client.get(f"/trust-context/{trust.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
