"""RPIW API answers the contract test found wrong: a 500 on PATCH {}, a year-9999 workshop, a
null ratio the schema said was a string."""

import datetime as dt
from decimal import Decimal

import pytest
from drf_spectacular.generators import SchemaGenerator

from rpiw import services
from rpiw.models import MetricCategory, Rpiw

pytestmark = pytest.mark.django_db


@pytest.fixture
def metric(value_stream):
    return services.add_metric(
        value_stream,
        category=MetricCategory.SERVICE,
        name="Lead time",
        definition="Referral to treatment",
        unit="days",
        direction="lower",
    )


def test_patching_a_metric_value_with_an_empty_body_keeps_it(client, kpo_user, metric):
    point = services.record_metric_value(metric, dt.date(2025, 3, 31), Decimal("41"), note="Q4")
    client.force_login(kpo_user)
    response = client.patch(
        f"/api/rpiw/metric-values/{point.pk}/", {}, content_type="application/json"
    )
    assert response.status_code == 200
    point.refresh_from_db()
    assert (point.value, point.note) == (Decimal("41"), "Q4")


def test_a_workshop_in_year_9999_is_refused_by_field(client, kpo_user, value_stream):
    client.force_login(kpo_user)
    response = client.post(
        "/api/rpiw/rpiws/",
        {"value_stream": value_stream.pk, "title": "Typo", "workshop_start": "9999-12-27"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "workshop_start" in response.json()
    assert not Rpiw.objects.exists()
    assert client.get("/api/rpiw/rpiws/").status_code == 200


def test_the_schema_lets_a_measurement_s_ratio_be_null():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert schema["components"]["schemas"]["Measurement"]["properties"]["ratio"]["nullable"]
