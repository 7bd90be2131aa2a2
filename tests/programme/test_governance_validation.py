"""Governance meetings refuse bad input with a message naming the field."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from factories import PersonFactory
from governance.models import AttendanceStatus, MeetingKind, MeetingSeries, NationalPriority
from governance.services import meetings as meeting_services
from governance.services import priorities
from governance.signals import meeting_created

D = dt.date


@pytest.fixture
def tgt(trust):
    return meeting_services.create_series(MeetingKind.TGT, "SASH TGT", organisation=trust)


@pytest.fixture
def member(tgt, trust):
    person = PersonFactory(organisation=trust, full_name="Michael Wilson")
    meeting_services.add_membership(tgt, person, D(2015, 7, 1), role="CEO")
    return person


def field_errors(excinfo) -> dict:
    return excinfo.value.message_dict


def test_meeting_ending_before_it_starts_is_refused_on_end_time(tgt):
    with pytest.raises(ValidationError) as excinfo:
        meeting_services.create_meeting(
            tgt, D(2016, 1, 5), start_time=dt.time(14, 0), end_time=dt.time(13, 0)
        )
    assert "end_time" in field_errors(excinfo)


def test_database_refuses_meeting_ending_before_it_starts(tgt):
    from governance.models import Meeting

    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(
            series=tgt, date=D(2016, 1, 5), start_time=dt.time(14), end_time=dt.time(13)
        )


def test_attendance_of_someone_not_a_member_on_that_date_is_refused_on_person(tgt, member, trust):
    meeting = meeting_services.create_meeting(tgt, D(2015, 6, 2))  # before membership started
    with pytest.raises(ValidationError) as excinfo:
        meeting_services.record_attendance(meeting, member, AttendanceStatus.PRESENT)
    assert "person" in field_errors(excinfo)
    stranger = PersonFactory(organisation=trust)
    later = meeting_services.create_meeting(tgt, D(2016, 6, 2))
    with pytest.raises(ValidationError) as excinfo:
        meeting_services.record_attendance(later, stranger, AttendanceStatus.PRESENT)
    assert "person" in field_errors(excinfo)


def test_attendance_of_a_member_is_recorded_and_corrected(tgt, member, trust):
    meeting = meeting_services.create_meeting(tgt, D(2016, 6, 2))
    deputy = PersonFactory(organisation=trust)
    meeting_services.record_attendance(meeting, member, AttendanceStatus.PRESENT)
    attendance = meeting_services.record_attendance(
        meeting, member, AttendanceStatus.APOLOGIES, deputy=deputy
    )
    assert meeting.attendances.get().deputy == deputy == attendance.deputy


def test_present_member_with_a_deputy_is_refused_on_deputy(tgt, member, trust):
    meeting = meeting_services.create_meeting(tgt, D(2016, 6, 2))
    with pytest.raises(ValidationError) as excinfo:
        meeting_services.record_attendance(
            meeting, member, AttendanceStatus.PRESENT, deputy=PersonFactory(organisation=trust)
        )
    assert "deputy" in field_errors(excinfo)


def test_action_without_owner_is_refused_on_owner(tgt):
    meeting = meeting_services.create_meeting(tgt, D(2016, 6, 2))
    with pytest.raises(ValidationError) as excinfo:
        meeting_services.add_action(
            meeting, "Circulate the value-stream report", None, D(2016, 7, 1)
        )
    assert field_errors(excinfo)["owner"] == ["Every action needs an owner."]


def test_overlapping_membership_of_the_same_person_is_refused_on_started_on(tgt, member):
    with pytest.raises(ValidationError) as excinfo:
        meeting_services.add_membership(tgt, member, D(2018, 1, 1))
    assert "started_on" in field_errors(excinfo)


def test_membership_ending_before_it_starts_is_refused_on_ended_on(tgt, trust):
    with pytest.raises(ValidationError) as excinfo:
        meeting_services.add_membership(
            tgt, PersonFactory(organisation=trust), D(2018, 1, 1), D(2017, 1, 1)
        )
    assert "ended_on" in field_errors(excinfo)


def test_tgt_needs_a_trust_and_tgb_is_partnership_level(trust):
    with pytest.raises(ValidationError) as excinfo:
        meeting_services.create_series(MeetingKind.TGT, "Orphan TGT")
    assert "organisation" in field_errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        meeting_services.create_series(MeetingKind.TGB, "Trust TGB", organisation=trust)
    assert "organisation" in field_errors(excinfo)
    tgb = meeting_services.create_series(MeetingKind.TGB, "NHS-VMI TGB")
    assert tgb.is_partnership_level
    with pytest.raises(ValidationError):
        meeting_services.create_series(MeetingKind.TGB, "A second TGB")
    assert MeetingSeries.objects.count() == 1


def test_membership_on_a_past_date_is_known(tgt, trust):
    first = PersonFactory(organisation=trust, full_name="Adam Cairns")
    second = PersonFactory(organisation=trust, full_name="Peter Herring")
    meeting_services.add_membership(tgt, first, D(2010, 1, 1), D(2012, 6, 30))
    meeting_services.add_membership(tgt, second, D(2012, 7, 1), D(2015, 8, 31))

    def names_on(date):
        return {m.person.full_name for m in tgt.members_on(date)}

    assert names_on(D(2011, 5, 1)) == {"Adam Cairns"}
    assert names_on(D(2012, 6, 30)) == {"Adam Cairns"}
    assert names_on(D(2012, 7, 1)) == {"Peter Herring"}
    assert names_on(D(2016, 1, 1)) == set()


def test_locked_agenda_item_stays_last_and_cannot_be_removed(tgt):
    meeting = meeting_services.create_meeting(tgt, D(2016, 6, 2), agenda=[{"title": "Welcome"}])
    closing = meeting_services.add_agenda_item(meeting, "Reflections on the compact", locked=True)
    meeting_services.add_agenda_item(meeting, "Value stream report")
    titles = [item.title for item in meeting.agenda_items.order_by("order")]
    assert titles == ["Welcome", "Value stream report", "Reflections on the compact"]
    with pytest.raises(ValidationError):
        meeting_services.remove_agenda_item(closing)
    with pytest.raises(ValidationError):
        closing.delete()
    meeting_services.remove_agenda_item(meeting.agenda_items.get(title="Welcome"))
    assert [(i.order, i.title) for i in meeting.agenda_items.order_by("order")] == [
        (1, "Value stream report"),
        (2, "Reflections on the compact"),
    ]


def test_an_item_cannot_be_moved_after_the_locked_closing_item(tgt):
    meeting = meeting_services.create_meeting(tgt, D(2016, 6, 2), agenda=[{"title": "Welcome"}])
    closing = meeting_services.add_agenda_item(meeting, "Reflections on the compact", locked=True)
    welcome = meeting.agenda_items.get(title="Welcome")
    with pytest.raises(ValidationError, match="closes the agenda"):
        meeting_services.update_agenda_item(welcome, order=closing.order + 1)
    assert meeting.agenda_items.order_by("order").last() == closing


def test_agenda_item_links_to_any_record(tgt, trust):
    meeting = meeting_services.create_meeting(tgt, D(2016, 6, 2))
    item = meeting_services.add_agenda_item(meeting, "Report on the organisation", links=[trust])
    assert item.links.get().target == trust
    assert list(meeting_services.agenda_items_linked_to(trust)) == [item]


def test_meeting_created_signal_lets_another_app_add_a_locked_final_item(db):
    def add_reflections(sender, meeting, **kwargs):
        if meeting.series.kind == MeetingKind.TGB:
            meeting_services.add_agenda_item(meeting, "Reflections on the compact", locked=True)

    meeting_created.connect(add_reflections)
    try:
        tgb = meeting_services.create_series(MeetingKind.TGB, "NHS-VMI TGB")
        meeting = meeting_services.create_meeting(tgb, D(2016, 6, 2), agenda=[{"title": "Welcome"}])
    finally:
        meeting_created.disconnect(add_reflections)
    last = meeting.agenda_items.order_by("order").last()
    assert (last.title, last.is_locked) == ("Reflections on the compact", True)


def test_require_tgt_meeting_refuses_other_trusts_and_tgb(tgt, trust, other_trust):
    meeting = meeting_services.create_meeting(tgt, D(2016, 6, 2))
    meeting_services.require_tgt_meeting(meeting, trust)
    with pytest.raises(ValidationError) as excinfo:
        meeting_services.require_tgt_meeting(meeting, other_trust)
    assert "meeting" in field_errors(excinfo)


def test_strategic_objective_aligns_to_national_priorities(trust):
    ae = priorities.create_national_priority("ae-4h", "A&E 4-hour standard")
    objective = priorities.save_strategic_objective(
        organisation=trust, title="Safe, timely emergency care", national_priorities=[ae]
    )
    assert list(objective.national_priorities.all()) == [ae]
    assert list(ae.strategic_objectives.all()) == [objective]
    assert NationalPriority.objects.get().access_scope().is_partnership
