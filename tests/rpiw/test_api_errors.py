"""The rpiw API: a service's ValidationError in the one shape; a value stream in use answers 409."""

import datetime as dt

import pytest

from governance.services import meetings as meeting_services
from rpiw.models import ChangeStatus, MetricCategory, ValueStream

pytestmark = pytest.mark.django_db


def test_deleting_a_value_stream_with_rpiws_answers_409_naming_them(client, kpo_user, make_rpiw):
    first = make_rpiw()
    make_rpiw(title="Discharge letters")
    client.force_login(kpo_user)
    response = client.delete(f"/api/rpiw/value-streams/{first.value_stream_id}/")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This value stream cannot be deleted: 2 RPIWs depend on it.",
        "dependents": {"RPIWs": 2},
    }
    assert ValueStream.objects.filter(pk=first.value_stream_id).exists()


def test_deleting_a_value_stream_nothing_depends_on_still_works(client, kpo_user, value_stream):
    client.force_login(kpo_user)
    assert client.delete(f"/api/rpiw/value-streams/{value_stream.pk}/").status_code == 204


def test_a_service_s_errors_answer_400_by_field_and_as_non_field_errors(
    client, kpo_user, executive, value_stream, tgt_meeting
):
    client.force_login(kpo_user)
    metric = client.post(
        "/api/rpiw/metrics/",
        {
            "value_stream": value_stream.pk,
            "category": MetricCategory.QUALITY,
            "name": "Defects",
            "definition": "All defects",
            "unit": "defects",
            "direction": "lower",
            "target": "10",
        },
        content_type="application/json",
    ).json()
    change = client.post(
        "/api/rpiw/metric-changes/",
        {"metric": metric["id"], "rationale": "Too broad", "new_target": "5"},
        content_type="application/json",
    ).json()
    client.force_login(executive)
    url = f"/api/rpiw/metric-changes/{change['id']}/decide/"
    # A TGT held since the metric (created today) took effect: a new version follows the old.
    held = meeting_services.create_meeting(tgt_meeting.series, dt.date.today())
    decision = {"approve": True, "meeting": held.pk}
    assert client.post(url, decision, content_type="application/json").status_code == 200

    again = client.post(url, decision, content_type="application/json")

    assert again.status_code == 400
    assert again.json() == {
        "non_field_errors": [f"This change request is already {ChangeStatus.APPROVED.label}."]
    }


def test_a_refused_status_change_names_the_field(client, kpo_user, make_rpiw):
    rpiw = make_rpiw()
    client.force_login(kpo_user)
    response = client.post(f"/api/rpiw/rpiws/{rpiw.pk}/status/", {"status": "closed"})
    assert response.status_code == 400
    assert list(response.json()) == ["status"]
    assert response.json()["status"][0].startswith("An RPIW cannot move from Planned to")
