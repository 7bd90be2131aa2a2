"""Breaches: called out → discussed → repaired or renegotiated; no skipping, nothing deleted."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from compact import services
from compact.models import Breach, BreachEvent, BreachState, PartyType
from governance.services import meetings as meeting_services

D = dt.date


def promises(compact, *keys, number=1):
    return list(compact.versions.get(number=number).promises.filter(key__in=keys))


@pytest.fixture
def breach(compact, meeting, regulator_person, trust):
    return services.call_out_breach(
        meeting,
        regulator_person,
        promises=promises(compact, "hosp-stability"),
        party=PartyType.HOSPITAL,
        organisation=trust,
        what_happened="The CEO stepped down; no one called it out.",
        occurred_on=D(2018, 7, 1),
    )


def discuss(breach, meeting, person):
    return services.discuss_breach(
        breach,
        meeting,
        person,
        what_happened="CEO left",
        why="No one called it out",
        do_better="Early warning at the TGB",
    )


def test_a_breach_is_called_out_with_its_promise_party_and_date(breach, meeting, regulator_person):
    assert breach.state == BreachState.CALLED_OUT
    assert [p.key for p in breach.promises.all()] == ["hosp-stability"]
    event = breach.events.get()
    assert (event.from_state, event.to_state, event.by, event.meeting) == (
        "",
        "called_out",
        regulator_person,
        meeting,
    )


def test_a_breach_without_a_promise_is_refused(compact, meeting, regulator_person):
    with pytest.raises(ValidationError) as excinfo:
        services.call_out_breach(
            meeting,
            regulator_person,
            promises=[],
            party=PartyType.HOSPITAL,
            what_happened="Something",
            occurred_on=D(2018, 7, 1),
        )
    assert excinfo.value.message_dict["promises"] == [
        "Name the promise (or promises) that was breached."
    ]
    assert not Breach.objects.exists()


def test_a_breach_of_another_partys_promise_or_version_is_refused(
    compact, meeting, regulator_person, base_promises
):
    with pytest.raises(ValidationError, match="among the regulator"):
        services.call_out_breach(
            meeting,
            regulator_person,
            promises=promises(compact, "hosp-stability"),
            party=PartyType.REGULATOR,
            what_happened="x",
            occurred_on=D(2018, 7, 1),
        )
    services.renegotiate(
        compact,
        shared_vision="v2",
        promises=base_promises,
        effective_from=D(2019, 1, 1),
        change_note="Later",
    )
    with pytest.raises(ValidationError, match="version 1, in force at this meeting"):
        services.call_out_breach(
            meeting,
            regulator_person,
            promises=promises(compact, "hosp-stability", number=2),
            party=PartyType.HOSPITAL,
            what_happened="x",
            occurred_on=D(2018, 7, 1),
        )


def test_called_out_then_discussed_then_repaired_records_each_step(
    breach, meeting, tgb, regulator_person, ceo
):
    discuss(breach, meeting, regulator_person)
    later = meeting_services.create_meeting(tgb, D(2018, 8, 7))
    services.repair_breach(
        breach,
        ceo,
        repaired_on=later.date,
        resolution="Relational change is a process",
        meeting=later,
    )
    breach.refresh_from_db()
    assert breach.state == BreachState.REPAIRED
    assert breach.days_to_repair == (D(2018, 8, 7) - D(2018, 7, 10)).days == 28
    assert list(breach.events.values_list("from_state", "to_state", "by")) == [
        ("", "called_out", regulator_person.pk),
        ("called_out", "discussed", regulator_person.pk),
        ("discussed", "repaired", ceo.pk),
    ]


def test_repair_without_discussion_is_refused(breach, regulator_person):
    with pytest.raises(ValidationError) as excinfo:
        services.repair_breach(
            breach, regulator_person, repaired_on=D(2018, 8, 1), resolution="Sorted"
        )
    assert excinfo.value.message_dict["state"] == [
        "A breach is discussed at the TGB before it is repaired: record the discussion first."
    ]
    breach.refresh_from_db()
    assert breach.state == BreachState.CALLED_OUT
    assert breach.events.count() == 1


def test_a_closed_breach_cannot_move_again(breach, meeting, regulator_person):
    discuss(breach, meeting, regulator_person)
    services.repair_breach(breach, regulator_person, repaired_on=meeting.date, resolution="Done")
    with pytest.raises(ValidationError, match="already repaired"):
        discuss(breach, meeting, regulator_person)
    with pytest.raises(ValidationError, match="already repaired"):
        services.repair_breach(breach, regulator_person, repaired_on=meeting.date, resolution="x")


def test_discussion_needs_a_tgb_meeting_and_all_three_notes(
    breach, meeting, regulator_person, trust
):
    from governance.models import MeetingKind

    tgt = meeting_services.create_series(MeetingKind.TGT, "SASH TGT", organisation=trust)
    other = meeting_services.create_meeting(tgt, D(2018, 7, 20))
    with pytest.raises(ValidationError, match="compact's TGB"):
        discuss(breach, other, regulator_person)
    with pytest.raises(ValidationError, match="what happened, why, and what could be done"):
        services.discuss_breach(
            breach, meeting, regulator_person, what_happened="x", why="", do_better="y"
        )


def test_renegotiation_links_the_new_version_that_changed_the_promise(
    compact, breach, meeting, regulator_person, base_promises
):
    discuss(breach, meeting, regulator_person)
    unchanged = services.renegotiate(
        compact,
        shared_vision="v2",
        promises=base_promises,
        effective_from=D(2018, 9, 1),
        change_note="Vision only",
    )
    with pytest.raises(ValidationError, match="does not change any of the breached promises"):
        services.renegotiate_breach(breach, unchanged, regulator_person, resolution="x")
    reworded = [dict(p) for p in base_promises]
    reworded[-1]["text"] = "Support board stability, longevity and planned succession"
    changed = services.renegotiate(
        compact,
        shared_vision="v3",
        promises=reworded,
        effective_from=D(2018, 10, 1),
        change_note="Succession planning",
    )
    services.renegotiate_breach(breach, changed, regulator_person, resolution="Promise reworded")
    breach.refresh_from_db()
    assert (breach.state, breach.renegotiated_version, breach.closed_on) == (
        BreachState.RENEGOTIATED,
        changed,
        D(2018, 10, 1),
    )
    assert breach.events.last().to_state == "renegotiated"


def test_renegotiation_without_discussion_is_refused(compact, breach, regulator_person):
    with pytest.raises(ValidationError, match="discussed at the TGB before it is renegotiated"):
        services.renegotiate_breach(
            breach, compact.versions.get(), regulator_person, resolution="x"
        )


def test_breaches_and_their_history_are_never_deleted(breach):
    with pytest.raises(ValidationError):
        breach.delete()
    with pytest.raises(ValidationError):
        Breach.objects.all().delete()
    with pytest.raises(ValidationError):
        BreachEvent.objects.all().delete()
    assert Breach.objects.count() == 1


def test_the_breach_page_refuses_a_skipped_step_with_a_message(client, breach, regulator_user):
    client.force_login(regulator_user)
    response = client.post(
        f"/compact/breaches/{breach.pk}/repair/",
        {"repaired_on": "2018-08-01", "resolution": "Sorted"},
    )
    assert response.status_code == 400
    assert "record the discussion first" in response.content.decode()


def test_the_breach_pages_call_out_and_discuss(client, compact, meeting, regulator_user):
    client.force_login(regulator_user)
    target = promises(compact, "hosp-stability")[0]
    empty = client.post(
        f"/compact/meetings/{meeting.pk}/breaches/new/",
        {"party": "hospital", "what_happened": "x", "occurred_on": "2018-07-01"},
    )
    assert "Name the promise (or promises) that was breached." in empty.content.decode()
    response = client.post(
        f"/compact/meetings/{meeting.pk}/breaches/new/",
        {
            "party": "hospital",
            "promises": [target.pk],
            "what_happened": "CEO left",
            "occurred_on": "2018-07-01",
        },
    )
    breach = Breach.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/compact/breaches/{breach.pk}/"
    response = client.post(
        f"/compact/breaches/{breach.pk}/discuss/",
        {
            "meeting": meeting.pk,
            "what_happened": "CEO left",
            "why": "Nobody said",
            "do_better": "Early warning",
        },
    )
    assert response.status_code == 302
    breach.refresh_from_db()
    assert breach.state == BreachState.DISCUSSED
