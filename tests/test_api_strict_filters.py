"""The API's filters refuse a value they cannot read instead of ignoring it."""

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(kpo_user):
    client = APIClient()
    _, token = AuthToken.objects.create(user=kpo_user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("/api/meetings/?date=", "date"),
        ("/api/meetings/?date=yesterday", "date"),
        ("/api/jobs/?stale=maybe", "stale"),
        ("/api/compact/versions/?number=0.5", "number"),
    ],
)
def test_a_filter_value_that_cannot_be_read_is_a_400_naming_it(api, query, field):
    response = api.get(query)
    assert response.status_code == 400
    assert field in response.json()


def test_a_readable_filter_still_filters(api):
    assert api.get("/api/jobs/?stale=false").status_code == 200
    assert api.get("/api/compact/versions/?number=2").status_code == 200
    assert api.get("/api/meetings/?date=2025-01-06").json()["count"] == 0


def test_networks_results_refuse_a_wave_that_is_not_a_number(api):
    response = api.get("/api/networks/results/?wave=abc")
    assert response.status_code == 400
    assert "wave" in response.json()


def test_an_unknown_api_address_answers_json(api):
    response = api.get("/api/agenda-items/0.5/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_id_filter_past_64_bits_is_a_400_not_a_server_error(api):
    response = api.get("/api/strategic-objectives/?national_priorities=-520317893185763147776")
    assert response.status_code == 400
    assert "national_priorities" in response.json()


@pytest.mark.parametrize("size", ["false", "1.5", "", "-3", "²"])
def test_a_page_size_that_is_not_a_whole_number_is_a_400(api, size):
    response = api.get(f"/api/people/?page_size={size}")
    assert response.status_code == 400
    assert "page_size" in response.json()


def test_an_empty_page_number_is_a_page_that_is_not_there(api):
    assert api.get("/api/people/?page=").status_code == 404
    assert api.get("/api/people/?page=1&page_size=5").status_code == 200
