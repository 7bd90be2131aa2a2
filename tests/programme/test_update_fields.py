"""Governance update services change only their listed fields; the owning record never moves."""

import datetime as dt

import pytest
from django.urls import reverse

from governance.models import Meeting, MeetingKind, StrategicObjective, Team
from governance.services import context, daily_work, priorities
from governance.services import meetings as meeting_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def tgt(trust):
    return meeting_services.create_series(MeetingKind.TGT, "SASH TGT", organisation=trust)


def test_update_meeting_refuses_to_move_it_to_another_series(tgt, other_trust):
    meeting = meeting_services.create_meeting(tgt, dt.date(2016, 6, 2))
    other = meeting_services.create_series(MeetingKind.TGT, "LTHT TGT", organisation=other_trust)
    with pytest.raises(TypeError, match="series"):
        meeting_services.update_meeting(meeting, series=other, location="Board room")
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.series_id, stored.location) == (tgt.pk, "")
    meeting_services.update_meeting(meeting, location="Board room")
    assert Meeting.objects.get(pk=meeting.pk).location == "Board room"


def test_update_agenda_item_refuses_to_unlock_an_item(tgt):
    meeting = meeting_services.create_meeting(tgt, dt.date(2016, 6, 2))
    item = meeting_services.add_agenda_item(meeting, "Welcome")
    with pytest.raises(TypeError, match="is_locked"):
        meeting_services.update_agenda_item(item, is_locked=True)


def test_save_team_keeps_a_team_in_its_trust(trust, other_trust):
    team = daily_work.save_team(organisation=trust, name="Ward 1", kind="ward")
    with pytest.raises(TypeError, match="organisation_id"):
        daily_work.save_team(team, organisation_id=other_trust.pk)
    daily_work.save_team(team, organisation=other_trust, name="Ward 1A")
    stored = Team.objects.get(pk=team.pk)
    assert (stored.organisation_id, stored.name) == (trust.pk, "Ward 1A")


def test_record_cultural_work_corrects_the_one_record_of_the_trust(trust):
    context.record_cultural_work(trust, True, name="The Leeds Way")
    work = context.record_cultural_work(trust, False, description="Lean since 2010")
    assert (work.preceded_programme, work.name, work.description) == (
        False,
        "The Leeds Way",
        "Lean since 2010",
    )
    with pytest.raises(TypeError, match="organisation"):
        context.record_cultural_work(trust, True, organisation=trust)


def test_editing_an_objective_on_its_page_saves_the_change(client, kpo_user, trust):
    objective = priorities.save_strategic_objective(organisation=trust, title="Safe care")
    client.force_login(kpo_user)
    response = client.post(
        reverse("objective-edit", args=[objective.pk]),
        {"title": "Safe, timely care", "description": "Fewer waits"},
    )
    assert response.status_code == 302
    stored = StrategicObjective.objects.get(pk=objective.pk)
    assert (stored.organisation_id, stored.title, stored.description) == (
        trust.pk,
        "Safe, timely care",
        "Fewer waits",
    )
