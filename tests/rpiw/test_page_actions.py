"""The POST-only actions of the metric and RPIW pages: each works, refuses a GET, and refuses
another trust's staff."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from rpiw import services
from rpiw.models import ChangeStatus, MetricCategory, RpiwStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def metric(value_stream):
    return services.add_metric(
        value_stream,
        category=MetricCategory.SERVICE,
        name="Theatre productivity",
        definition="Cases per session, all theatres",
        unit="cases per session",
        direction="higher",
        target=Decimal("3.2"),
        effective_from=dt.date(2016, 1, 4),
    )


@pytest.fixture
def change(metric, facilitator):
    return services.propose_metric_change(
        metric, proposed_by=facilitator, rationale="Too broad", new_target=Decimal("3.6")
    )


@pytest.fixture
def task(rpiw):
    return rpiw.planning_tasks.order_by("order").first()


@pytest.fixture
def action_urls(metric, change, rpiw, lead_time, task):
    """Each action's URL and a valid POST for it."""
    prefix = f"m{lead_time.pk}"
    return {
        "metric-value-record": (
            reverse("rpiw:metric-value-record", args=[metric.pk]),
            {"value-period_end": "2019-01-31", "value-value": "3.4"},
        ),
        "metric-change-propose": (
            reverse("rpiw:metric-change-propose", args=[metric.pk]),
            {"change-rationale": "Urology only", "change-new_name": "Urology productivity"},
        ),
        "change-withdraw": (reverse("rpiw:change-withdraw", args=[change.pk]), {}),
        "measurement-record": (
            reverse("rpiw:measurement-record", args=[rpiw.pk, lead_time.pk]),
            {
                f"{prefix}-point": "0",
                f"{prefix}-value": "40",
                f"{prefix}-measured_on": "2018-12-20",
            },
        ),
        "rpiw-status-change": (
            reverse("rpiw:rpiw-status-change", args=[rpiw.pk]),
            {"status-status": RpiwStatus.PREPARING, "status-reason": ""},
        ),
        "planning-task-toggle": (
            reverse("rpiw:planning-task-toggle", args=[rpiw.pk, task.pk]),
            {},
        ),
    }


ACTIONS = [
    "metric-value-record",
    "metric-change-propose",
    "change-withdraw",
    "measurement-record",
    "rpiw-status-change",
    "planning-task-toggle",
]


@pytest.mark.parametrize("name", ACTIONS)
def test_each_action_refuses_a_get(client, kpo_user, action_urls, name):
    client.force_login(kpo_user)
    url, _data = action_urls[name]
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("name", ACTIONS)
def test_each_action_refuses_another_trusts_kpo(client, other_kpo, action_urls, name):
    client.force_login(other_kpo)
    url, data = action_urls[name]
    assert client.post(url, data).status_code == 403


def test_recording_a_metric_value(client, kpo_user, metric, action_urls):
    client.force_login(kpo_user)
    url, data = action_urls["metric-value-record"]
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == reverse("rpiw:metric-detail", args=[metric.pk])
    assert list(metric.values.values_list("period_end", "value")) == [
        (dt.date(2019, 1, 31), Decimal("3.4"))
    ]


def test_a_metric_value_without_a_value_shows_the_page_again(client, kpo_user, metric):
    client.force_login(kpo_user)
    url = reverse("rpiw:metric-value-record", args=[metric.pk])
    response = client.post(url, {"value-period_end": "2019-01-31", "value-value": ""})
    assert response.status_code == 400
    assert "nhsuk-error-message" in response.content.decode()
    assert not metric.values.exists()


def test_proposing_a_metric_change(client, kpo_user, metric, action_urls):
    client.force_login(kpo_user)
    url, data = action_urls["metric-change-propose"]
    assert client.post(url, data).status_code == 302
    proposed = metric.change_requests.get(new_name="Urology productivity")
    assert proposed.status == ChangeStatus.PROPOSED


def test_withdrawing_a_proposed_change(client, kpo_user, metric, change, action_urls):
    client.force_login(kpo_user)
    url, _data = action_urls["change-withdraw"]
    response = client.post(url)
    assert response.status_code == 302
    assert response.url == reverse("rpiw:metric-detail", args=[metric.pk]) + "#changes"
    change.refresh_from_db()
    assert change.status == ChangeStatus.WITHDRAWN


def test_a_decided_change_cannot_be_withdrawn(client, kpo_user, change, executive, tgt_meeting):
    services.decide_metric_change(change, user=executive, approve=True, meeting=tgt_meeting)
    client.force_login(kpo_user)
    response = client.post(reverse("rpiw:change-withdraw", args=[change.pk]), follow=True)
    assert "Only a proposed change can be withdrawn" in response.content.decode()
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED


def test_the_metric_page_offers_withdrawal_of_a_proposed_change(client, kpo_user, metric, change):
    client.force_login(kpo_user)
    page = client.get(reverse("rpiw:metric-detail", args=[metric.pk])).content.decode()
    assert reverse("rpiw:change-withdraw", args=[change.pk]) in page


def test_recording_a_measurement(client, kpo_user, rpiw, lead_time, action_urls):
    client.force_login(kpo_user)
    url, data = action_urls["measurement-record"]
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == reverse("rpiw:rpiw-detail", args=[rpiw.pk]) + "#measures"
    assert list(lead_time.measurements.values_list("point", "value")) == [(0, 40)]


def test_a_measure_of_another_rpiw_is_not_found(client, kpo_user, make_rpiw, lead_time):
    other = make_rpiw(title="Discharge letters", start=dt.date(2019, 3, 4))
    client.force_login(kpo_user)
    url = reverse("rpiw:measurement-record", args=[other.pk, lead_time.pk])
    assert client.post(url, {}).status_code == 404


def test_changing_the_status(client, kpo_user, rpiw, action_urls):
    client.force_login(kpo_user)
    url, data = action_urls["rpiw-status-change"]
    assert client.post(url, data).status_code == 302
    rpiw.refresh_from_db()
    assert rpiw.status == RpiwStatus.PREPARING


def test_ticking_a_planning_step_then_unticking_it(client, kpo_user, task, action_urls):
    client.force_login(kpo_user)
    url, _data = action_urls["planning-task-toggle"]
    assert client.post(url).url.endswith("#planning")
    task.refresh_from_db()
    assert task.done_on == dt.date.today()
    client.post(url)
    task.refresh_from_db()
    assert task.done_on is None


def test_the_pages_take_no_post_now_their_actions_have_urls(client, kpo_user, metric, rpiw):
    client.force_login(kpo_user)
    assert client.post(reverse("rpiw:metric-detail", args=[metric.pk])).status_code == 405
    assert client.post(reverse("rpiw:rpiw-detail", args=[rpiw.pk])).status_code == 405
