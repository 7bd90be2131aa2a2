"""The demo compact on top of seeded TGB meetings, and the query counts of the busiest pages."""

import datetime as dt

import pytest

from compact import demo as compact_demo
from compact.models import Breach, BreachState, Compact, PromiseRating, Reflection
from governance.models import AttendanceStatus, MeetingKind
from governance.services import meetings as meeting_services
from vmi_programme import demo
from vmi_programme.models import Person, Role

D = dt.date


def monthly(start: dt.date, end: dt.date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield D(year, month, 10)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


@pytest.fixture
def seeded(db):
    """The core demo, TGB meetings with attendance (as demo_infrastructure makes them), the compact."""
    ctx = demo.seed()
    tgb = meeting_services.create_series(MeetingKind.TGB, "Transformation Guiding Board")
    members = list(
        Person.objects.filter(role_assignments__role__in=[Role.TGB_MEMBER, Role.REGULATOR])
        .distinct()
        .order_by("pk")
    )
    for person in members:
        meeting_services.add_membership(tgb, person, D(2015, 7, 1))
    early = [d for d in monthly(D(2015, 9, 1), D(2017, 9, 1)) if d.month % 3 == 0]
    for index, date in enumerate([*early, *monthly(D(2017, 12, 1), D(2018, 12, 1))]):
        meeting = meeting_services.create_meeting(tgb, date, status="held")
        for offset, person in enumerate(members):
            away = (index + offset) % 9 == 0
            meeting_services.record_attendance(
                meeting, person, AttendanceStatus.APOLOGIES if away else AttendanceStatus.PRESENT
            )
    compact_demo.seed(ctx)
    return ctx


def test_demo_seeds_figure_3_1_reflections_at_every_tgb_and_the_july_2018_breach(seeded):
    """One seeded demo (slow to build), three things it must hold."""
    assert_figure_3_1_is_the_version_in_force()
    assert_reflections_at_every_tgb_are_mostly_fulfilled_by_those_present()
    assert_the_july_2018_bhrut_breach_was_discussed_and_repaired()


def assert_figure_3_1_is_the_version_in_force():
    compact = Compact.objects.get()
    version = compact.versions.get()
    assert version.promises.count() == 23
    assert version.promises.filter(party="regulator").count() == 11
    assert "safest in the country" in version.shared_vision
    assert version.promises.filter(text="Ask for help and support when needed").exists()


def assert_reflections_at_every_tgb_are_mostly_fulfilled_by_those_present():
    compact = Compact.objects.get()
    meetings = compact.board.meetings.all()
    assert all(m.reflections.exists() for m in meetings)
    for reflection in Reflection.objects.select_related("meeting").prefetch_related(
        "meeting__attendances"
    )[:200]:
        present = {
            a.person_id for a in reflection.meeting.attendances.all() if a.status == "present"
        }
        assert reflection.person_id in present
    ratings = PromiseRating.objects.all()
    share = ratings.filter(fulfilment="fulfilled").count() / ratings.count()
    assert 0.75 < share < 0.92
    assert ratings.filter(fulfilment="not_fulfilled").exists()


def assert_the_july_2018_bhrut_breach_was_discussed_and_repaired():
    breach = Breach.objects.get()
    assert breach.organisation.short_name == "BHRUT"
    assert breach.occurred_on == D(2018, 7, 1)
    assert breach.state == BreachState.REPAIRED
    assert "why did no-one call it out?" in breach.discussion_what
    assert "a reminder of how far we need to go" in breach.discussion_better
    assert [e.to_state for e in breach.events.all()] == ["called_out", "discussed", "repaired"]
    assert breach.days_to_repair == 31


def test_compact_pages_make_a_bounded_number_of_queries(
    client, seeded, django_assert_max_num_queries
):
    client.force_login(Person.objects.get(full_name="Sam Okafor").user)
    compact = Compact.objects.get()
    with django_assert_max_num_queries(16):
        page = client.get(f"/compact/{compact.pk}/")
    assert "How the partnership is keeping its promises" in page.content.decode()
    with django_assert_max_num_queries(14):
        page = client.get(f"/compact/{compact.pk}/fulfilment/")
    assert "Who reflected at each TGB" in page.content.decode()
    meeting = compact.board.meetings.order_by("-date").first()
    with django_assert_max_num_queries(20):
        assert client.get(f"/compact/meetings/{meeting.pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/compact/{compact.pk}/breaches/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/compact/{compact.pk}/meetings/").status_code == 200
