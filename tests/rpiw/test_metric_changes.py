"""Value-stream metric changes: proposed with a rationale, decided by an executive at a TGT,
with the full history kept on the metric."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from governance.models import MeetingKind
from governance.services import meetings as meeting_services
from rpiw import services
from rpiw.models import ChangeStatus, MetricCategory

pytestmark = pytest.mark.django_db

RATIONALE = "Too high level: a 30-theatre productivity metric hides one theatre's change."


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
        metric,
        proposed_by=facilitator,
        rationale=RATIONALE,
        new_definition="Cases per session, urology theatres",
        new_target=Decimal("3.6"),
    )


def test_a_metric_change_without_a_rationale_is_refused(metric, facilitator):
    with pytest.raises(ValidationError) as raised:
        services.propose_metric_change(
            metric, proposed_by=facilitator, rationale="  ", new_target=Decimal("4")
        )
    assert "rationale" in raised.value.message_dict


def test_a_metric_change_that_changes_nothing_is_refused(metric, facilitator):
    with pytest.raises(ValidationError, match="changes nothing"):
        services.propose_metric_change(
            metric, proposed_by=facilitator, rationale="x", new_target=Decimal("3.2")
        )


def test_definition_and_target_cannot_be_edited_directly(metric):
    with pytest.raises(ValidationError, match="change request"):
        services.update_metric_details(metric, target=Decimal("1"))


def test_an_executive_approves_at_a_tgt_and_the_history_is_kept(
    metric, change, executive, tgt_meeting
):
    services.decide_metric_change(
        change, user=executive, approve=True, meeting=tgt_meeting, note="Agreed"
    )
    metric.refresh_from_db()
    assert metric.definition == "Cases per session, urology theatres"
    assert metric.target == Decimal("3.6")
    assert metric.version == 2
    versions = list(metric.versions.order_by("number"))
    assert [(v.number, v.definition, v.target) for v in versions] == [
        (1, "Cases per session, all theatres", Decimal("3.2")),
        (2, "Cases per session, urology theatres", Decimal("3.6")),
    ]
    assert versions[1].change_request == change
    assert versions[1].effective_from == tgt_meeting.date
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED
    assert change.meeting == tgt_meeting


def test_a_rejected_change_leaves_the_metric_and_stays_on_record(
    metric, change, executive, tgt_meeting
):
    services.decide_metric_change(change, user=executive, approve=False, meeting=tgt_meeting)
    metric.refresh_from_db()
    assert metric.version == 1 and metric.target == Decimal("3.2")
    assert metric.change_requests.get().status == ChangeStatus.REJECTED


def test_a_kpo_facilitator_cannot_approve_a_metric_change(change, kpo_user, tgt_meeting):
    with pytest.raises(PermissionDenied):
        services.decide_metric_change(change, user=kpo_user, approve=True, meeting=tgt_meeting)


def test_another_trusts_executive_cannot_approve(change, other_trust, make_user, tgt_meeting):
    from vmi_programme.models import Role

    outsider = make_user(other_trust, Role.EXECUTIVE, username="ceo.ltht")
    with pytest.raises(PermissionDenied):
        services.decide_metric_change(change, user=outsider, approve=True, meeting=tgt_meeting)


def test_the_decision_must_be_taken_at_a_tgt_of_that_trust(change, executive, other_trust):
    series = meeting_services.create_series(MeetingKind.TGT, "LTHT TGT", organisation=other_trust)
    elsewhere = meeting_services.create_meeting(series, dt.date(2019, 3, 6))
    with pytest.raises(ValidationError) as raised:
        services.decide_metric_change(change, user=executive, approve=True, meeting=elsewhere)
    assert "meeting" in raised.value.message_dict
    tgb = meeting_services.create_series(MeetingKind.TGB, "TGB")
    board = meeting_services.create_meeting(tgb, dt.date(2019, 3, 6))
    with pytest.raises(ValidationError):
        services.decide_metric_change(change, user=executive, approve=True, meeting=board)


def test_metric_page_shows_every_version_and_request(
    client, metric, change, executive, tgt_meeting
):
    services.decide_metric_change(change, user=executive, approve=True, meeting=tgt_meeting)
    client.force_login(executive)
    page = client.get(reverse("rpiw:metric-detail", args=[metric.pk])).content.decode()
    assert "Cases per session, all theatres" in page
    assert "Cases per session, urology theatres" in page
    assert "Too high level" in page
    assert "SASH TGT" in page


def test_executive_decides_through_the_page(client, change, executive, tgt_meeting):
    client.force_login(executive)
    url = reverse("rpiw:change-decide", args=[change.pk])
    response = client.post(url, {"decision": "approve", "meeting": tgt_meeting.pk, "note": ""})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED


def test_kpo_cannot_open_the_decision_page(client, change, kpo_user):
    client.force_login(kpo_user)
    assert client.get(reverse("rpiw:change-decide", args=[change.pk])).status_code == 403


def test_proposing_through_the_page_without_rationale_keeps_the_typing(client, metric, kpo_user):
    client.force_login(kpo_user)
    response = client.post(
        reverse("rpiw:metric-change-propose", args=[metric.pk]),
        {"change-rationale": "", "change-new_definition": "My new words"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "nhsuk-error-message" in page
    assert "My new words" in page
    assert not metric.change_requests.exists()


def test_a_metric_with_values_links_to_its_spc_chart(client, metric, executive):
    import datetime as dt

    services.record_metric_value(metric, dt.date(2019, 1, 31), 4)
    services.record_metric_value(metric, dt.date(2019, 2, 28), 5)
    client.force_login(executive)
    page = client.get(reverse("rpiw:metric-detail", args=[metric.pk])).content.decode()
    spc_url = reverse("impact:value-stream-metric-spc", args=[metric.pk])
    assert spc_url in page
    assert client.get(spc_url).status_code == 200
