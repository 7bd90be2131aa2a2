"""Reflections: each member present judges any promises and says what they learned."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from compact import services
from compact.models import Fulfilment, Reflection
from factories import PersonFactory
from governance.models import AttendanceStatus
from governance.services import meetings as meeting_services

D = dt.date


def promise(compact, key, number=1):
    return compact.versions.get(number=number).promises.get(key=key)


def test_a_present_member_records_a_reflection(compact, meeting, ceo):
    reflection = services.record_reflection(
        meeting,
        ceo,
        {
            promise(compact, "hosp-stability"): Fulfilment.PARTLY,
            promise(compact, "reg-open").pk: Fulfilment.FULFILLED,
        },
        "We heard of the CEO's departure too late.",
    )
    assert reflection.version.number == 1
    assert dict(reflection.ratings.values_list("promise__key", "fulfilment")) == {
        "hosp-stability": "partly",
        "reg-open": "fulfilled",
    }


def test_a_member_not_present_cannot_reflect(compact, meeting, tgb, trust):
    absent = PersonFactory(organisation=trust, full_name="Away Today")
    meeting_services.add_membership(tgb, absent, D(2015, 7, 1))
    meeting_services.record_attendance(meeting, absent, AttendanceStatus.APOLOGIES)
    with pytest.raises(ValidationError) as excinfo:
        services.record_reflection(meeting, absent, {promise(compact, "reg-open"): "fulfilled"})
    assert excinfo.value.message_dict["person"] == [
        "Away Today was not present at this meeting, so cannot reflect on it."
    ]
    assert not Reflection.objects.exists()


def test_a_deputy_present_for_an_absent_member_may_reflect(compact, meeting, tgb, trust):
    member = PersonFactory(organisation=trust)
    deputy = PersonFactory(organisation=trust, full_name="Deputy CEO")
    meeting_services.add_membership(tgb, member, D(2015, 7, 1))
    meeting_services.record_attendance(meeting, member, AttendanceStatus.APOLOGIES, deputy=deputy)
    services.record_reflection(meeting, deputy, {promise(compact, "reg-open"): "fulfilled"})
    with pytest.raises(ValidationError):
        services.record_reflection(meeting, member, {promise(compact, "reg-open"): "fulfilled"})


def test_a_reflection_on_a_promise_of_another_version_is_refused(
    compact, meeting, ceo, base_promises
):
    services.renegotiate(
        compact,
        shared_vision="v2",
        promises=base_promises,
        effective_from=D(2019, 1, 1),
        change_note="Later",
    )
    later_promise = promise(compact, "reg-open", number=2)
    with pytest.raises(ValidationError) as excinfo:
        services.record_reflection(meeting, ceo, {later_promise: "fulfilled"})
    assert "version 1, the version in force at this meeting" in str(excinfo.value)
    assert not Reflection.objects.exists()


def test_a_second_reflection_or_an_empty_one_is_refused(compact, meeting, ceo):
    with pytest.raises(ValidationError, match="Judge at least one promise"):
        services.record_reflection(meeting, ceo, {}, "  ")
    services.record_reflection(meeting, ceo, {}, "Learned a lot")
    with pytest.raises(ValidationError, match="already reflected"):
        services.record_reflection(meeting, ceo, {promise(compact, "reg-open"): "fulfilled"})


def test_an_unknown_fulfilment_is_refused(compact, meeting, ceo):
    with pytest.raises(ValidationError, match="fulfilled, partly or not fulfilled"):
        services.record_reflection(meeting, ceo, {promise(compact, "reg-open"): "kept"})


def test_reflection_page_records_the_signed_in_members_reflection(
    client, compact, meeting, ceo_user
):
    client.force_login(ceo_user)
    page = client.get(f"/compact/meetings/{meeting.pk}/")
    assert "Record my reflection" in page.content.decode()
    assert "Appended: the compact" in page.content.decode()
    target = promise(compact, "hosp-stability")
    response = client.post(
        f"/compact/meetings/{meeting.pk}/",
        {f"promise_{target.pk}": "not_fulfilled", "learned": "Call it out sooner."},
    )
    assert response.status_code == 302
    reflection = Reflection.objects.get()
    assert (reflection.person, reflection.learned) == (ceo_user.person, "Call it out sooner.")
    assert (
        "You have reflected on this meeting"
        in client.get(f"/compact/meetings/{meeting.pk}/").content.decode()
    )


def test_a_tgb_member_absent_from_the_meeting_is_refused_on_the_page(
    client, compact, tgb, ceo_user, ceo
):
    meeting = meeting_services.create_meeting(tgb, D(2018, 9, 4))
    meeting_services.record_attendance(meeting, ceo, AttendanceStatus.ABSENT)
    client.force_login(ceo_user)
    assert (
        "Record my reflection"
        not in client.get(f"/compact/meetings/{meeting.pk}/").content.decode()
    )
    response = client.post(f"/compact/meetings/{meeting.pk}/", {"learned": "x"})
    assert response.status_code == 403
    assert b"Only members present" in response.content
