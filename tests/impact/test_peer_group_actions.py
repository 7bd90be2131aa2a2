"""The peer group page's two POST-only actions: choose the nearest peers, enter peers by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from factories import user_with_roles
from impact import services
from impact.models import PeerGroup, PeerMethod
from vmi_programme.models import Role

pytestmark = pytest.mark.django_db

NEAREST = {"nearest-k": 2, "nearest-features": ["size", "acuity"]}
MANUAL = {"manual-peers": "RP2, RP3", "manual-notes": "from the Model Hospital"}


@pytest.fixture
def characterised(trust, peers):
    rows = [(trust, "size", 10.0), (trust, "acuity", 1.0)]
    for i, peer in enumerate(peers):
        rows += [(peer, "size", 10.0 + i), (peer, "acuity", 1.0 + i / 10)]
    services.set_characteristics(rows, as_of=dt.date(2019, 3, 31))


@pytest.fixture
def other_analyst(other_trust):
    return user_with_roles(other_trust, Role.ANALYST, username="ltht-analyst")


ACTIONS = [("impact:peer-group-nearest", NEAREST), ("impact:peer-group-manual", MANUAL)]


@pytest.mark.parametrize(("name", "data"), ACTIONS)
def test_each_action_records_a_peer_group_and_returns_to_the_page(
    client, analyst, characterised, name, data
):
    client.force_login(analyst)
    response = client.post(reverse(name, args=["RTP"]), data)
    assert response.status_code == 302
    assert response.url == reverse("impact:peer-group-detail", args=["RTP"])
    assert PeerGroup.objects.get().method == (
        PeerMethod.NEAREST if name.endswith("nearest") else PeerMethod.MANUAL
    )


@pytest.mark.parametrize(("name", "data"), ACTIONS)
def test_each_action_refuses_a_get(client, analyst, characterised, name, data):
    client.force_login(analyst)
    assert client.get(reverse(name, args=["RTP"])).status_code == 405


@pytest.mark.parametrize(("name", "data"), ACTIONS)
def test_each_action_refuses_another_trusts_analyst(
    client, other_analyst, characterised, name, data
):
    client.force_login(other_analyst)
    assert client.post(reverse(name, args=["RTP"]), data).status_code == 403
    assert not PeerGroup.objects.exists()


def test_an_unknown_peer_shows_the_page_again_with_the_reason(client, analyst, trust, peers):
    client.force_login(analyst)
    response = client.post(
        reverse("impact:peer-group-manual", args=["RTP"]), {"manual-peers": "RP2, NOPE1"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "No peer group was recorded" in page and "Unknown organisation" in page
    assert 'value="RP2, NOPE1"' in page or "RP2, NOPE1" in page
    assert not PeerGroup.objects.exists()


def test_the_peer_group_page_takes_no_post_now_its_actions_have_urls(client, analyst, trust):
    client.force_login(analyst)
    assert client.post(reverse("impact:peer-group-detail", args=["RTP"])).status_code == 405
