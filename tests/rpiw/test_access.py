"""Who may see and change value streams, RPIWs and the partnership tables."""

import pytest
from django.urls import reverse

from factories import user_with_roles
from vmi_programme.models import Role

pytestmark = pytest.mark.django_db


def test_another_trusts_kpo_cannot_see_or_change_an_rpiw(client, rpiw, other_kpo):
    client.force_login(other_kpo)
    url = reverse("rpiw:rpiw-detail", args=[rpiw.pk])
    assert client.get(url).status_code == 403
    status_url = reverse("rpiw:rpiw-status-change", args=[rpiw.pk])
    assert client.post(status_url, {"status-status": "preparing"}).status_code == 403
    assert client.get(reverse("rpiw:rpiw-edit", args=[rpiw.pk])).status_code == 403
    assert (
        client.get(reverse("rpiw:value-stream-detail", args=[rpiw.value_stream_id])).status_code
        == 403
    )
    listing = client.get(reverse("rpiw:rpiw-list")).content.decode()
    assert rpiw.reference not in listing


def test_regulator_views_but_cannot_change_trust_rpiws(client, rpiw, regulator_user):
    client.force_login(regulator_user)
    url = reverse("rpiw:rpiw-detail", args=[rpiw.pk])
    assert client.get(url).status_code == 200
    status_url = reverse("rpiw:rpiw-status-change", args=[rpiw.pk])
    assert client.post(status_url, {"status-status": "preparing"}).status_code == 403
    assert client.get(reverse("rpiw:rpiw-new")).status_code == 403


def test_partnership_tables_are_for_partnership_members(client, rpiw, regulator_user, trust):
    client.force_login(regulator_user)
    assert client.get(reverse("rpiw:table-7-1")).status_code == 200
    assert client.get(reverse("rpiw:table-7-2")).status_code == 200
    no_role = user_with_roles(trust, username="norole")
    client.force_login(no_role)
    assert client.get(reverse("rpiw:table-7-1")).status_code == 403


def test_tgb_member_sees_the_tables(client, trust, rpiw):
    client.force_login(user_with_roles(trust, Role.TGB_MEMBER, username="tgb"))
    assert client.get(reverse("rpiw:table-7-1") + "?format=csv").status_code == 200


def test_anonymous_users_are_sent_to_login(client, rpiw):
    response = client.get(reverse("rpiw:rpiw-detail", args=[rpiw.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_api_lists_only_own_trust_rpiws_and_refuses_writes_elsewhere(client, rpiw, other_kpo):
    client.force_login(other_kpo)
    assert client.get("/api/rpiw/rpiws/").json()["count"] == 0
    response = client.post(
        "/api/rpiw/rpiws/",
        {"value_stream": rpiw.value_stream_id, "title": "Sneaky", "workshop_start": "2019-05-06"},
        content_type="application/json",
    )
    assert response.status_code == 403
