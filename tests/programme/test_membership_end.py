"""Ending a membership of a meeting series from the series page."""

import datetime as dt

import pytest
from django.urls import reverse

from factories import PersonFactory
from governance.models import MeetingKind
from governance.services import meetings as meeting_services
from vmi_programme.models import Role

D = dt.date


@pytest.fixture
def tgt(trust):
    return meeting_services.create_series(MeetingKind.TGT, "SASH TGT", organisation=trust)


@pytest.fixture
def membership(tgt, trust):
    person = PersonFactory(organisation=trust, full_name="Ann Lee")
    return meeting_services.add_membership(tgt, person, D(2016, 1, 1), role="Chair")


def _url(membership):
    return reverse("membership-end", args=[membership.series_id, membership.pk])


def test_a_kpo_ends_a_membership_on_the_date_given(client, kpo_user, membership):
    client.force_login(kpo_user)
    response = client.post(_url(membership), {"ended_on": "2017-03-31"})
    assert response.status_code == 302
    assert response.url == reverse("meeting-series", args=[membership.series_id])
    membership.refresh_from_db()
    assert membership.ended_on == D(2017, 3, 31)


def test_without_a_date_the_membership_ends_today(client, kpo_user, membership):
    client.force_login(kpo_user)
    client.post(_url(membership))
    membership.refresh_from_db()
    assert membership.ended_on == dt.date.today()


def test_an_end_before_the_start_is_refused_with_a_message(client, kpo_user, membership):
    client.force_login(kpo_user)
    response = client.post(_url(membership), {"ended_on": "2015-12-31"}, follow=True)
    assert "cannot end before it starts" in response.content.decode()
    membership.refresh_from_db()
    assert membership.ended_on is None


def test_the_series_page_offers_the_button_to_those_who_may_change_it(client, kpo_user, membership):
    client.force_login(kpo_user)
    page = client.get(reverse("meeting-series", args=[membership.series_id])).content.decode()
    assert f'action="{_url(membership)}"' in page


def test_ending_a_membership_is_post_only(client, kpo_user, membership):
    client.force_login(kpo_user)
    assert client.get(_url(membership)).status_code == 405


def test_a_kpo_of_another_trust_may_not_end_a_membership(
    client, make_user, other_trust, membership
):
    client.force_login(make_user(other_trust, Role.KPO_FACILITATOR, username="ltht-kpo"))
    assert client.post(_url(membership), {"ended_on": "2017-03-31"}).status_code == 403
    membership.refresh_from_db()
    assert membership.ended_on is None
