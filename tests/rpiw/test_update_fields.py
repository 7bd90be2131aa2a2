"""RPIW update services change only their listed fields: an RPIW never leaves its value stream."""

import datetime as dt

import pytest
from django.urls import reverse

from rpiw import services
from rpiw.models import Rpiw

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_stream(other_trust):
    return services.save_value_stream(
        organisation=other_trust, name="Theatres", started_on=dt.date(2016, 1, 4)
    )


def test_update_rpiw_refuses_to_move_it_to_another_value_stream(rpiw, other_stream):
    with pytest.raises(TypeError, match="value_stream"):
        services.update_rpiw(rpiw, value_stream=other_stream, title="Moved")
    stored = Rpiw.objects.get(pk=rpiw.pk)
    assert (stored.value_stream_id, stored.title) == (rpiw.value_stream_id, "Clinic letters")


def test_save_value_stream_keeps_its_organisation(value_stream, other_trust):
    with pytest.raises(TypeError, match="organisation"):
        services.save_value_stream(value_stream, organisation_id=other_trust.pk)
    services.save_value_stream(value_stream, organisation=other_trust, name="Clinics")
    value_stream.refresh_from_db()
    assert (value_stream.organisation.short_name, value_stream.name) == ("SASH", "Clinics")


def test_the_api_updates_an_rpiw_but_keeps_it_in_its_value_stream(
    client, kpo_user, rpiw, other_stream
):
    client.force_login(kpo_user)
    response = client.patch(
        f"/api/rpiw/rpiws/{rpiw.pk}/",
        {"value_stream": other_stream.pk, "title": "Letters to GPs"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    stored = Rpiw.objects.get(pk=rpiw.pk)
    assert (stored.value_stream_id, stored.title) == (rpiw.value_stream_id, "Letters to GPs")


def test_the_edit_page_shows_the_value_stream_but_does_not_change_it(
    client, kpo_user, rpiw, value_stream
):
    other = services.save_value_stream(
        organisation=value_stream.organisation, name="Theatres", started_on=dt.date(2016, 1, 4)
    )
    client.force_login(kpo_user)
    url = reverse("rpiw:rpiw-edit", args=[rpiw.pk])
    assert 'name="value_stream"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "value_stream": other.pk,
            "title": "Letters to GPs",
            "workshop_start": "2019-01-07",
            "team-TOTAL_FORMS": "0",
            "team-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    stored = Rpiw.objects.get(pk=rpiw.pk)
    assert (stored.value_stream_id, stored.title) == (value_stream.pk, "Letters to GPs")
