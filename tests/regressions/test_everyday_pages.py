"""Everyday pages that used to answer 500 (issue 17 items 1-3), each with the path a user takes."""

import datetime as dt
from decimal import Decimal

import pytest

from factories import PersonFactory, user_with_roles
from governance.models import Attendance, AttendanceStatus, Decision, MeetingKind
from governance.services import meetings
from rpiw import services as rpiw_services
from rpiw.models import MetricCategory
from vmi_programme.models import Role

pytestmark = pytest.mark.django_db
D = dt.date


def test_a_value_stream_page_with_recorded_metric_values_shows_the_latest(client, kpo_user, trust):
    stream = rpiw_services.save_value_stream(
        organisation=trust, name="Emergency care", started_on=D(2016, 1, 4)
    )
    metric = rpiw_services.add_metric(
        stream,
        category=MetricCategory.SERVICE,
        name="Four-hour performance",
        definition="Share seen within four hours",
        unit="%",
        direction="higher",
        target=Decimal("95"),
        effective_from=D(2016, 1, 4),
    )
    rpiw_services.record_metric_value(metric, D(2016, 1, 31), Decimal("88.5"))
    rpiw_services.record_metric_value(metric, D(2016, 2, 29), Decimal("90.25"))
    client.force_login(kpo_user)
    response = client.get(f"/rpiw/value-streams/{stream.pk}/")
    assert response.status_code == 200
    assert "90.25 (Feb 2016)" in response.content.decode()


def test_attendance_at_a_partnership_meeting_is_recorded_from_its_page(
    client, regulator_user, trust, other_trust
):
    tgb = meetings.create_series(MeetingKind.TGB, "NHS-VMI TGB")
    ceo = PersonFactory(organisation=trust, full_name="A Chief Executive")
    deputy = PersonFactory(organisation=other_trust, full_name="D Deputy")
    meetings.add_membership(tgb, ceo, D(2016, 1, 1))
    meetings.add_membership(tgb, deputy, D(2016, 1, 1))
    meeting = meetings.create_meeting(tgb, D(2016, 3, 2))
    client.force_login(regulator_user)
    url = f"/governance/meetings/{meeting.pk}/attendance/"
    assert client.get(url).status_code == 200
    # The whole meeting on one form: the CEO sent apologies and a deputy, who was also present.
    response = client.post(
        url,
        {
            f"status_{ceo.pk}": "deputy",
            f"deputy_{ceo.pk}": deputy.pk,
            f"status_{deputy.pk}": AttendanceStatus.PRESENT,
        },
    )
    assert response.status_code == 302
    attendance = Attendance.objects.get(meeting=meeting, person=ceo)
    assert attendance.status == AttendanceStatus.APOLOGIES and attendance.deputy == deputy


def test_a_decision_is_recorded_against_an_item_on_the_meetings_agenda(client, trust):
    series = meetings.create_series(MeetingKind.TGT, "SASH TGT", organisation=trust)
    meeting = meetings.create_meeting(series, D(2016, 3, 8))
    item = meetings.add_agenda_item(meeting, "Value stream report")
    other = meetings.add_agenda_item(meetings.create_meeting(series, D(2016, 4, 12)), "Other")
    client.force_login(user_with_roles(trust, Role.KPO_FACILITATOR, username="kpo2"))
    url = f"/governance/meetings/{meeting.pk}/decisions/new/"
    response = client.post(url, {"text": "Approve the new metric", "agenda_item": item.pk})
    assert response.status_code == 302
    assert Decision.objects.get(meeting=meeting).agenda_item == item
    # An item of another meeting is not offered, and is refused by name if sent anyway.
    response = client.post(url, {"text": "Elsewhere", "agenda_item": other.pk})
    assert response.status_code == 400 and "agenda_item" in response.content.decode()
    assert Decision.objects.filter(meeting=meeting).count() == 1
