"""Who sees what: the compact text and summary for everyone in the partnership, detail for the TGB."""

import datetime as dt

import pytest

from compact import rules, services
from compact.models import Fulfilment, PartyType
from governance.models import AttendanceStatus
from governance.services import meetings as meeting_services
from vmi_programme.models import Role

D = dt.date


@pytest.fixture
def meeting(compact, tgb, ceo, regulator_person):
    """A TGB held last week, so its reflections count as recent."""
    held = meeting_services.create_meeting(
        tgb, dt.date.today() - dt.timedelta(days=7), status="held"
    )
    meeting_services.record_attendance(held, ceo, AttendanceStatus.PRESENT)
    meeting_services.record_attendance(held, regulator_person, AttendanceStatus.PRESENT)
    return held


@pytest.fixture
def reflected(compact, meeting, ceo):
    promise = compact.versions.get().promises.get(key="hosp-stability")
    services.record_reflection(meeting, ceo, {promise: Fulfilment.FULFILLED}, "A secret thought")
    return promise


def test_anonymous_users_are_sent_to_the_login_page(client, compact):
    response = client.get(f"/compact/{compact.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_trust_staff_outside_the_tgb_see_the_compact_text_and_summary(
    client, compact, reflected, kpo_user
):
    client.force_login(kpo_user)
    html = client.get(f"/compact/{compact.pk}/").content.decode()
    assert "Support board stability and longevity" in html
    assert "How the partnership is keeping its promises" in html
    assert "fulfilled in the last" not in html  # per-promise detail is for the TGB
    assert "Fulfilment over time" not in html
    for path in ("fulfilment", "breaches"):
        assert client.get(f"/compact/{compact.pk}/{path}/").status_code == 403


def test_trust_staff_outside_the_tgb_cannot_open_a_tgb_meeting(
    client, compact, meeting, reflected, kpo_user
):
    """TGB meetings are read by their members (issue 3); outsiders get the compact and summary."""
    client.force_login(kpo_user)
    assert client.get(f"/compact/meetings/{meeting.pk}/").status_code == 403
    assert client.get(f"/compact/meetings/{meeting.pk}/breaches/new/").status_code == 403


def test_a_tgb_member_sees_the_agenda_with_the_compact_appended(client, compact, meeting, ceo):
    client.force_login(ceo.user)
    html = client.get(f"/compact/meetings/{meeting.pk}/").content.decode()
    assert "Reflections on the compact" in html and "Appended: the compact" in html


def test_the_compact_is_on_the_landing_page_for_everyone_in_the_partnership(
    client, compact, kpo_user
):
    client.force_login(kpo_user)
    html = client.get("/").content.decode()
    assert "NHS-VMI partnership compact" in html


@pytest.mark.parametrize("role", [Role.TGB_MEMBER, Role.REGULATOR])
def test_tgb_members_and_the_regulator_see_all_of_it(
    client, compact, reflected, meeting, make_user, regulator_org, role
):
    user = make_user(regulator_org, role, username=f"u-{role}")
    client.force_login(user)
    html = client.get(f"/compact/{compact.pk}/").content.decode()
    assert "100% fulfilled in the last 6 months (1 of 1 judgements)" in html
    assert client.get(f"/compact/{compact.pk}/fulfilment/").status_code == 200
    assert client.get(f"/compact/{compact.pk}/breaches/").status_code == 200
    assert "A secret thought" in client.get(f"/compact/meetings/{meeting.pk}/").content.decode()


def test_recording_needs_tgb_membership_and_presence(
    compact, meeting, kpo_user, ceo_user, regulator_user, make_user, trust
):
    assert rules.can_read_compact(kpo_user) and not rules.can_take_part(kpo_user)
    assert not rules.can_reflect(kpo_user, meeting)
    assert rules.can_reflect(ceo_user, meeting) and rules.can_reflect(regulator_user, meeting)
    not_there = make_user(trust, Role.TGB_MEMBER, username="not-there")
    assert rules.can_take_part(not_there) and not rules.can_reflect(not_there, meeting)


def test_api_reflections_and_breaches_are_for_the_tgb(
    client, compact, meeting, reflected, kpo_user, ceo_user
):
    client.force_login(kpo_user)
    assert client.get("/api/compact/versions/").json()["count"] == 1
    assert client.get("/api/compact/reflections/").json()["count"] == 0
    refused = client.post(
        "/api/compact/breaches/",
        {
            "meeting": meeting.pk,
            "promises": [reflected.pk],
            "party": PartyType.HOSPITAL,
            "what_happened": "x",
            "occurred_on": "2018-07-01",
        },
        content_type="application/json",
    )
    assert refused.status_code == 403
    client.force_login(ceo_user)
    assert client.get("/api/compact/reflections/").json()["count"] == 1
