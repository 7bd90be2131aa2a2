"""The breach page's three POST-only actions: record the TGB's discussion, the repair, or the
renegotiation; each is for those who take part in the TGB."""

import datetime as dt

import pytest
from django.urls import reverse

from compact import services
from compact.models import BreachState, PartyType

D = dt.date


@pytest.fixture
def breach(compact, meeting, regulator_person, trust):
    return services.call_out_breach(
        meeting,
        regulator_person,
        promises=list(compact.versions.get().promises.filter(key="hosp-stability")),
        party=PartyType.HOSPITAL,
        organisation=trust,
        what_happened="The CEO stepped down; no one called it out.",
        occurred_on=D(2018, 7, 1),
    )


@pytest.fixture
def discussed(breach, meeting, regulator_person):
    return services.discuss_breach(
        breach, meeting, regulator_person, what_happened="CEO left", why="No one said",
        do_better="Early warning",
    )  # fmt: skip


@pytest.fixture
def reworded(compact, base_promises):
    promises = [dict(p) for p in base_promises]
    promises[-1]["text"] = "Support board stability, longevity and planned succession"
    return services.renegotiate(
        compact, shared_vision="v2", promises=promises, effective_from=D(2018, 10, 1),
        change_note="Succession planning",
    )  # fmt: skip


def _discussion(meeting):
    return {"meeting": meeting.pk, "what_happened": "CEO left", "why": "x", "do_better": "y"}


REPAIR = {"repaired_on": "2018-08-01", "resolution": "Apologised at the TGB"}


def test_recording_the_discussion(client, breach, meeting, regulator_user):
    client.force_login(regulator_user)
    url = reverse("compact:breach-discuss", args=[breach.pk])
    response = client.post(url, _discussion(meeting))
    assert response.status_code == 302 and response.url == breach.get_absolute_url()
    breach.refresh_from_db()
    assert breach.state == BreachState.DISCUSSED


def test_recording_the_repair(client, discussed, regulator_user):
    client.force_login(regulator_user)
    response = client.post(reverse("compact:breach-repair", args=[discussed.pk]), REPAIR)
    assert response.status_code == 302
    discussed.refresh_from_db()
    assert discussed.state == BreachState.REPAIRED


def test_recording_the_renegotiation(client, discussed, reworded, regulator_user):
    client.force_login(regulator_user)
    response = client.post(
        reverse("compact:breach-renegotiate", args=[discussed.pk]),
        {"version": reworded.pk, "resolution": "Promise reworded"},
    )
    assert response.status_code == 302
    discussed.refresh_from_db()
    assert (discussed.state, discussed.renegotiated_version) == (
        BreachState.RENEGOTIATED,
        reworded,
    )


@pytest.mark.parametrize("name", ["breach-discuss", "breach-repair", "breach-renegotiate"])
def test_each_action_refuses_a_get(client, breach, regulator_user, name):
    client.force_login(regulator_user)
    assert client.get(reverse(f"compact:{name}", args=[breach.pk])).status_code == 405


@pytest.mark.parametrize("name", ["breach-discuss", "breach-repair", "breach-renegotiate"])
def test_each_action_refuses_a_trust_kpo_who_is_not_on_the_tgb(
    client, breach, meeting, kpo_user, name
):
    client.force_login(kpo_user)
    response = client.post(reverse(f"compact:{name}", args=[breach.pk]), _discussion(meeting))
    assert response.status_code == 403
    breach.refresh_from_db()
    assert breach.state == BreachState.CALLED_OUT


def test_a_discussion_is_recorded_at_a_tgb_meeting_held_since_the_breach_not_a_future_one(
    client, breach, meeting, tgb, regulator_user
):
    """The meeting picker offered every TGB meeting since the breach, future ones included
    (issue 17 item 7); a discussion is recorded at a meeting that took place."""
    from governance.services import meetings as meeting_services

    future = meeting_services.create_meeting(tgb, dt.date.today() + dt.timedelta(days=30))
    earlier = meeting_services.create_meeting(tgb, D(2018, 1, 9), status="held")
    client.force_login(regulator_user)
    page = client.get(breach.get_absolute_url()).content.decode()
    assert f'value="{meeting.pk}"' in page
    assert f'value="{future.pk}"' not in page and f'value="{earlier.pk}"' not in page
    url = reverse("compact:breach-discuss", args=[breach.pk])
    for refused in (future, earlier):
        response = client.post(url, _discussion(refused))
        assert response.status_code == 400
        breach.refresh_from_db()
        assert breach.state == BreachState.CALLED_OUT
