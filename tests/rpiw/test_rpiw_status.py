"""The RPIW status machine, the patient-representative rule and workshop length."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from rpiw import services
from rpiw.models import RpiwStatus, TeamRole

pytestmark = pytest.mark.django_db


def _walk(rpiw, *statuses, **kwargs):
    for status in statuses:
        rpiw = services.change_status(rpiw, status, **kwargs)
    return rpiw


def test_rpiw_moves_planned_to_closed_and_keeps_its_history(rpiw, kpo_user):
    rpiw = _walk(rpiw, "preparing", "workshop", "follow_up", "closed", user=kpo_user)
    assert rpiw.status == RpiwStatus.CLOSED
    moves = [(c.from_status, c.to_status) for c in rpiw.status_changes.all()]
    assert moves == [
        ("", "planned"),
        ("planned", "preparing"),
        ("preparing", "workshop"),
        ("workshop", "follow_up"),
        ("follow_up", "closed"),
    ]


def test_rpiw_cannot_skip_a_stage(rpiw):
    with pytest.raises(ValidationError, match="cannot move from Planned to Workshop"):
        services.change_status(rpiw, "workshop")


def test_rpiw_cannot_start_workshop_without_patient_representative(make_rpiw):
    rpiw = _walk(make_rpiw(with_patient_rep=False), "preparing")
    with pytest.raises(ValidationError) as raised:
        services.change_status(rpiw, "workshop")
    assert "patient_rep_exception" in raised.value.message_dict
    rpiw.refresh_from_db()
    assert rpiw.status == RpiwStatus.PREPARING


def test_rpiw_may_start_workshop_without_patient_rep_when_an_exception_is_recorded(make_rpiw):
    rpiw = _walk(make_rpiw(with_patient_rep=False), "preparing")
    rpiw = services.change_status(rpiw, "workshop", reason="Patient partner ill; sponsor agreed")
    assert rpiw.status == RpiwStatus.WORKSHOP
    assert rpiw.patient_rep_exception == "Patient partner ill; sponsor agreed"


def test_adding_a_patient_representative_unblocks_the_workshop(make_rpiw):
    rpiw = _walk(make_rpiw(with_patient_rep=False), "preparing")
    services.add_team_member(rpiw, role=TeamRole.PATIENT_REP, name="Pat")
    assert services.change_status(rpiw, "workshop").status == RpiwStatus.WORKSHOP


@pytest.mark.parametrize("status", ["cancelled", "stood_down"])
def test_cancelling_or_standing_down_needs_a_reason_and_stays_visible(rpiw, status):
    with pytest.raises(ValidationError, match="Say why"):
        services.change_status(rpiw, status)
    rpiw = services.change_status(rpiw, status, reason="Regulatory pressure: CQC recovery plan")
    assert rpiw.is_ended_without_workshop
    assert rpiw.status_changes.last().reason == "Regulatory pressure: CQC recovery plan"


def test_a_stood_down_rpiw_can_be_taken_up_again(rpiw):
    rpiw = services.change_status(rpiw, "stood_down", reason="Winter pressures")
    assert services.change_status(rpiw, "planned").status == RpiwStatus.PLANNED


def test_a_cancelled_rpiw_is_final(rpiw):
    rpiw = services.change_status(rpiw, "cancelled", reason="Merged into another RPIW")
    with pytest.raises(ValidationError):
        services.change_status(rpiw, "planned")


def test_workshop_end_defaults_to_start_plus_four_days(rpiw):
    assert rpiw.workshop_end - rpiw.workshop_start == dt.timedelta(days=4)
    assert rpiw.workshop_days == 5


@pytest.mark.parametrize("days", [2, 6])
def test_workshop_outside_three_to_five_days_needs_a_reason(make_rpiw, days):
    start = dt.date(2019, 1, 7)
    end = start + dt.timedelta(days=days - 1)
    with pytest.raises(ValidationError) as raised:
        make_rpiw(start=start, workshop_end=end)
    assert "workshop_length_reason" in raised.value.message_dict
    rpiw = make_rpiw(
        start=start, workshop_end=end, workshop_length_reason="Bank holiday split", title="Other"
    )
    assert rpiw.workshop_days == days


def test_new_rpiw_gets_reference_and_an_eight_week_planning_checklist(rpiw, make_rpiw):
    assert rpiw.reference == "SASH-RPIW-001"
    assert make_rpiw(title="Second").reference == "SASH-RPIW-002"
    tasks = list(rpiw.planning_tasks.all())
    assert [t.title for t in tasks] == [
        "Scope agreed",
        "Team chosen",
        "Baseline data collected",
        "Logistics arranged",
    ]
    assert tasks[0].due_on == rpiw.workshop_start - dt.timedelta(weeks=8)
