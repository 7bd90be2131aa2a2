"""SPC charts of production-board measures and value-stream metrics (other apps' series)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from factories import user_with_roles
from vmi_programme.models import Role


@pytest.fixture
def board_measure(trust):
    from governance.models import BoardMeasure, BoardValue, ProductionBoard, Team

    team = Team.objects.create(organisation=trust, name="Ward 4")
    board = ProductionBoard.objects.create(team=team, title="Ward 4 flow")
    measure = BoardMeasure.objects.create(
        board=board, name="Discharges before noon", unit="%", target=40, direction="higher"
    )
    values = [30, 31, 29, 32, 30, 31, 30, 29, 31, 30, 32, 30, 31, 29, 30, 45, 47, 48]
    BoardValue.objects.bulk_create(
        BoardValue(measure=measure, recorded_on=dt.date(2020, 1, 1) + dt.timedelta(days=i), value=v)
        for i, v in enumerate(values)
    )
    return measure


@pytest.fixture
def value_stream_metric(trust):
    from rpiw.models import MetricValue, ValueStream, ValueStreamMetric

    stream = ValueStream.objects.create(
        organisation=trust, name="Emergency flow", started_on=dt.date(2016, 1, 4)
    )
    metric = ValueStreamMetric.objects.create(
        value_stream=stream, category="delivery", name="Time to triage", definition="Minutes",
        unit="minutes", direction="lower", target=15,
    )  # fmt: skip
    MetricValue.objects.bulk_create(
        MetricValue(metric=metric, period_end=dt.date(2017, 1, 31) + dt.timedelta(days=31 * i),
                    value=20 + (i % 3))
        for i in range(20)
    )  # fmt: skip
    return metric


def test_a_production_board_measure_gets_an_xmr_chart_with_icons(
    board_measure, kpo_user, client, django_assert_max_num_queries
):
    client.force_login(kpo_user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("impact:board-measure-spc", args=[board_measure.pk]))
    page = response.content.decode()
    assert "Special cause: improvement (high)" in page
    assert "Assurance:" in page
    index = client.get(reverse("impact:spc-index")).content.decode()
    assert "Discharges before noon" in index


def test_a_value_stream_metric_gets_an_xmr_chart(value_stream_metric, kpo_user, client):
    client.force_login(kpo_user)
    response = client.get(reverse("impact:value-stream-metric-spc", args=[value_stream_metric.pk]))
    page = response.content.decode()
    assert "Time to triage: Emergency flow" in page
    assert "Consistently failing the target" in page  # 20–22 minutes against 15


def test_another_trusts_board_is_not_shown(board_measure, other_trust, client):
    client.force_login(user_with_roles(other_trust, Role.KPO_FACILITATOR, username="kpo.ltht"))
    response = client.get(reverse("impact:board-measure-spc", args=[board_measure.pk]))
    assert response.status_code == 403
