"""Governance and daily-work pages and API: access rules, attendance rates, overdue actions,
query counts."""

import datetime as dt

import pytest

from factories import PersonFactory, user_with_roles
from governance.models import AttendanceStatus, Meeting, MeetingKind, MeetingStatus, Team
from governance.selectors import meetings as governance_selectors
from governance.selectors.meetings import attendance_rates
from governance.services import daily_work
from governance.services import meetings as meeting_services
from vmi_programme.models import Role

D = dt.date


@pytest.fixture
def other_tgt(other_trust):
    series = meeting_services.create_series(MeetingKind.TGT, "LTHT TGT", organisation=other_trust)
    meeting_services.create_meeting(series, D(2016, 1, 12))
    return series


@pytest.fixture
def tgb():
    return meeting_services.create_series(MeetingKind.TGB, "NHS-VMI TGB")


def test_kpo_of_one_trust_cannot_change_another_trusts_tgt(client, kpo_user, other_tgt):
    client.force_login(kpo_user)
    meeting = other_tgt.meetings.get()
    assert client.get(f"/governance/meetings/{meeting.pk}/").status_code == 403
    response = client.post(
        f"/governance/series/{other_tgt.pk}/meetings/new/",
        {"date": "2016-02-09", "status": "planned"},
    )
    assert response.status_code == 403
    response = client.post(
        "/api/meetings/",
        {"series": other_tgt.pk, "date": "2016-02-09"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert (
        client.patch(
            f"/api/meetings/{meeting.pk}/", {"minutes": "x"}, content_type="application/json"
        ).status_code
        == 404
    )  # not even visible
    assert Meeting.objects.count() == 1


def test_kpo_of_one_trust_cannot_change_another_trusts_teams(client, kpo_user, other_trust):
    team = daily_work.save_team(organisation=other_trust, name="Ward 1", kind="ward")
    client.force_login(kpo_user)
    assert client.get(f"/daily-work/teams/{team.pk}/").status_code == 403
    assert (
        client.post(
            f"/daily-work/teams/{team.pk}/huddles/new/",
            {"date": "2021-01-04", "attendance_count": 8},
        ).status_code
        == 403
    )
    response = client.post(
        "/api/teams/",
        {"organisation": other_trust.pk, "name": "Ward 2", "kind": "ward"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Team.objects.count() == 1


def test_kpo_edits_own_trust_tgt_and_teams(client, kpo_user, trust):
    series = meeting_services.create_series(MeetingKind.TGT, "SASH TGT", organisation=trust)
    client.force_login(kpo_user)
    response = client.post(
        f"/governance/series/{series.pk}/meetings/new/",
        {"date": "2016-02-09", "start_time": "14:00", "end_time": "16:30", "status": "planned"},
    )
    assert response.status_code == 302
    response = client.post("/daily-work/teams/new/", {"name": "Ward 10", "kind": "ward"})
    assert response.status_code == 302 and Team.objects.get().organisation == trust


def test_meeting_form_with_end_before_start_keeps_input_and_names_the_field(
    client, kpo_user, trust
):
    series = meeting_services.create_series(MeetingKind.TGT, "SASH TGT", organisation=trust)
    client.force_login(kpo_user)
    response = client.post(
        f"/governance/series/{series.pk}/meetings/new/",
        {
            "date": "2016-02-09",
            "start_time": "14:00",
            "end_time": "13:00",
            "location": "Room I typed",
            "status": "planned",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_end_time"' in page and "must end after it starts" in page
    assert "Room I typed" in page and "nhsuk-form-group--error" in page


def test_regulator_and_tgb_member_edit_tgb_meetings_but_kpo_only_reads(
    client, regulator_user, kpo_user, tgb, trust
):
    client.force_login(regulator_user)
    response = client.post(
        "/api/meetings/", {"series": tgb.pk, "date": "2016-03-02"}, content_type="application/json"
    )
    assert response.status_code == 201
    tgb_member = user_with_roles(trust, Role.TGB_MEMBER, username="ceo")
    client.force_login(tgb_member)
    meeting = Meeting.objects.get()
    assert (
        client.post(
            f"/governance/meetings/{meeting.pk}/decisions/new/", {"text": "Agreed"}
        ).status_code
        == 302
    )
    client.force_login(kpo_user)
    # Partnership meetings are read by their members: not yet a member of the TGB...
    assert client.get(f"/governance/meetings/{meeting.pk}/").status_code == 403
    assert meeting not in governance_selectors.meetings_for(kpo_user)
    meeting_services.add_membership(tgb, kpo_user.person, D(2016, 1, 1))
    # ...a member reads it, but a KPO facilitator still cannot change the TGB's records.
    assert client.get(f"/governance/meetings/{meeting.pk}/").status_code == 200
    assert meeting in governance_selectors.meetings_for(kpo_user)
    assert (
        client.post(
            f"/governance/meetings/{meeting.pk}/decisions/new/", {"text": "Agreed"}
        ).status_code
        == 403
    )


def test_the_regulator_reads_every_partnership_meeting_without_being_a_member(
    client, regulator_user, tgb
):
    meeting = meeting_services.create_meeting(tgb, D(2016, 3, 2))
    client.force_login(regulator_user)
    assert client.get(f"/governance/meetings/{meeting.pk}/").status_code == 200
    assert meeting in governance_selectors.meetings_for(regulator_user)


def test_api_refuses_locked_agenda_item_removal_and_attendance_of_non_member(
    client, regulator_user, tgb, trust
):
    meeting = meeting_services.create_meeting(tgb, D(2016, 3, 2))
    locked = meeting_services.add_agenda_item(meeting, "Reflections on the compact", locked=True)
    client.force_login(regulator_user)
    assert client.delete(f"/api/agenda-items/{locked.pk}/").status_code == 400
    stranger = PersonFactory(organisation=trust)
    response = client.post(
        "/api/attendances/",
        {"meeting": meeting.pk, "person": stranger.pk, "status": "present"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "person" in response.json()
    response = client.post(
        "/api/meeting-actions/",
        {"meeting": meeting.pk, "description": "Do it", "due_on": "2016-04-01"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "owner" in response.json()


def test_attendance_rates_per_member_and_per_meeting(trust):
    series = meeting_services.create_series(MeetingKind.TGT, "SASH TGT", organisation=trust)
    ceo, cno, later = (
        PersonFactory(organisation=trust, full_name=n) for n in ("A CEO", "B CNO", "C New")
    )
    meeting_services.add_membership(series, ceo, D(2016, 1, 1))
    meeting_services.add_membership(series, cno, D(2016, 1, 1))
    meeting_services.add_membership(series, later, D(2016, 3, 1))
    for month, statuses in (
        (1, ("present", "present", None)),
        (2, ("present", "apologies", None)),
        (3, ("absent", "present", "present")),
        (4, ("present", "present", "apologies")),
    ):
        meeting = meeting_services.create_meeting(
            series, D(2016, month, 12), status=MeetingStatus.HELD
        )
        for person, status in zip((ceo, cno, later), statuses, strict=True):
            if status:
                deputy = cno if (person == later and status == "apologies") else None
                meeting_services.record_attendance(meeting, person, status, deputy)
    meeting_services.create_meeting(series, D(2016, 5, 10))  # planned: not counted
    by_member, by_meeting = attendance_rates(series)
    rates = {row.person.full_name: (row.expected, row.present, row.rate) for row in by_member}
    assert rates == {"A CEO": (4, 3, 0.75), "B CNO": (4, 3, 0.75), "C New": (2, 1, 0.5)}
    assert by_member[2].deputised == 1
    assert [round(m.rate, 3) for m in by_meeting] == [1.0, 0.5, 0.667, 0.667]
    by_member, _ = attendance_rates(series, D(2016, 3, 1), D(2016, 4, 30))
    assert {r.person.full_name: r.rate for r in by_member} == {
        "A CEO": 0.5,
        "B CNO": 1.0,
        "C New": 0.5,
    }


def test_overdue_actions_surface_on_the_owners_landing_page(client, trust, kpo_user):
    series = meeting_services.create_series(MeetingKind.TGT, "SASH TGT", organisation=trust)
    meeting = meeting_services.create_meeting(series, D(2016, 1, 12))
    owner = kpo_user.person
    meeting_services.add_action(meeting, "Send the value stream report", owner, D(2016, 2, 1))
    done = meeting_services.add_action(meeting, "Book the room", owner, D(2016, 2, 1))
    meeting_services.set_action_status(done, "done")
    meeting_services.add_action(
        meeting, "Not due yet", owner, dt.date.today() + dt.timedelta(days=9)
    )
    client.force_login(kpo_user)
    page = client.get("/").content.decode()
    assert "Your overdue actions" in page and "Send the value stream report" in page
    assert "Book the room" not in page and "Not due yet" not in page


def _realistic_meetings(trust, tgb, count=30):
    series = meeting_services.create_series(MeetingKind.TGT, "SASH TGT", organisation=trust)
    people = [PersonFactory(organisation=trust) for _ in range(6)]
    for p in people:
        meeting_services.add_membership(series, p, D(2015, 7, 1))
        meeting_services.add_membership(tgb, p, D(2015, 7, 1))
    for i in range(count):
        date = D(2015 + (6 + i) // 12, (6 + i) % 12 + 1, 10)
        for s in (series, tgb):
            m = meeting_services.create_meeting(
                s,
                date,
                status=MeetingStatus.HELD,
                agenda=[{"title": "Welcome"}, {"title": "Reports"}],
            )
            for p in people:
                meeting_services.record_attendance(m, p, AttendanceStatus.PRESENT)
            meeting_services.add_action(m, "Do it", people[0], date)
    return series


def test_governance_list_and_series_pages_use_a_bounded_number_of_queries(
    client, kpo_user, trust, tgb, django_assert_max_num_queries
):
    series = _realistic_meetings(trust, tgb)
    client.force_login(kpo_user)
    with django_assert_max_num_queries(18):
        assert client.get("/governance/").status_code == 200
    with django_assert_max_num_queries(18):
        assert client.get(f"/governance/series/{series.pk}/").status_code == 200
    meeting = series.meetings.first()
    with django_assert_max_num_queries(18):
        assert client.get(f"/governance/meetings/{meeting.pk}/").status_code == 200
    with django_assert_max_num_queries(18):
        assert client.get("/api/meetings/").status_code == 200


def test_daily_work_and_context_pages_use_a_bounded_number_of_queries(
    client, kpo_user, trust, django_assert_max_num_queries
):
    owner = PersonFactory(organisation=trust)
    for i in range(8):
        team = daily_work.save_team(organisation=trust, name=f"Ward {i}", kind="ward", lead=owner)
        for d in range(10):
            daily_work.record_huddle(team, D(2021, 1, 4) + dt.timedelta(days=d), 8)
        daily_work.create_standard_work(
            organisation=trust, owner=owner, title=f"SW {i}", steps=["a"], team=team
        )
    client.force_login(kpo_user)
    with django_assert_max_num_queries(18):
        assert client.get("/daily-work/").status_code == 200
    with django_assert_max_num_queries(18):
        assert client.get(f"/daily-work/teams/{team.pk}/").status_code == 200
    with django_assert_max_num_queries(18):
        assert client.get("/trust-context/").status_code == 200
    with django_assert_max_num_queries(18):
        assert client.get("/priorities/").status_code == 200


def test_a_board_measure_links_from_its_run_chart_to_its_spc_chart(client, kpo_user, trust):
    from governance.models import BoardMeasure, BoardValue, ProductionBoard, Team

    team = Team.objects.create(organisation=trust, name="Ward 7")
    board = ProductionBoard.objects.create(team=team, title="Ward 7 board")
    measure = BoardMeasure.objects.create(board=board, name="Discharges before noon", target=10)
    BoardValue.objects.create(measure=measure, recorded_on=D(2019, 1, 7), value=6)
    client.force_login(kpo_user)
    html = client.get(f"/daily-work/teams/{team.pk}/").content.decode()
    spc_url = f"/impact/spc/board-measures/{measure.pk}/"
    assert spc_url in html
    assert client.get(spc_url).status_code == 200
