"""The rpiw API: the same rules as the pages, through the services."""

import datetime as dt

import pytest

from governance.services import meetings as meeting_services
from rpiw.models import ChangeStatus, MetricCategory

pytestmark = pytest.mark.django_db


def test_create_an_rpiw_move_it_and_record_measures_through_the_api(client, kpo_user, value_stream):
    client.force_login(kpo_user)
    created = client.post(
        "/api/rpiw/rpiws/",
        {"value_stream": value_stream.pk, "title": "Letters", "workshop_start": "2019-01-07"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["reference"] == "SASH-RPIW-001" and body["workshop_end"] == "2019-01-11"
    assert body["due_dates"] == {"30": "2019-02-10", "60": "2019-03-12", "90": "2019-04-11"}
    rpiw_id = body["id"]
    client.post(f"/api/rpiw/rpiws/{rpiw_id}/status/", {"status": "preparing"})
    refused = client.post(f"/api/rpiw/rpiws/{rpiw_id}/status/", {"status": "workshop"})
    assert refused.status_code == 400 and "patient_rep_exception" in refused.json()
    measure = client.post(
        "/api/rpiw/measures/",
        {"rpiw": rpiw_id, "kind": "defect_ratio", "name": "Letters wrong"},
        content_type="application/json",
    ).json()
    bad = client.post(
        "/api/rpiw/measurements/",
        {"measure": measure["id"], "point": 0, "defects": 9, "output": 5},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "defects" in bad.json()
    good = client.post(
        "/api/rpiw/measurements/",
        {
            "measure": measure["id"],
            "point": 30,
            "defects": 1,
            "output": 5,
            "measured_on": "2019-02-11",
        },
        content_type="application/json",
    )
    assert good.status_code == 201 and good.json()["due_on"] == "2019-02-10"


def test_metric_change_is_proposed_and_decided_through_the_api(
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
    no_reason = client.post(
        "/api/rpiw/metric-changes/",
        {"metric": metric["id"], "rationale": "", "new_target": "5"},
        content_type="application/json",
    )
    assert no_reason.status_code == 400
    change = client.post(
        "/api/rpiw/metric-changes/",
        {"metric": metric["id"], "rationale": "Too broad", "new_target": "5"},
        content_type="application/json",
    ).json()
    # A TGT held since the metric (created today) took effect: a new version follows the old.
    held = meeting_services.create_meeting(tgt_meeting.series, dt.date.today())
    decision = {"approve": True, "meeting": held.pk}
    assert (
        client.post(f"/api/rpiw/metric-changes/{change['id']}/decide/", decision).status_code == 403
    )
    client.force_login(executive)
    decided = client.post(
        f"/api/rpiw/metric-changes/{change['id']}/decide/",
        decision,
        content_type="application/json",
    )
    assert decided.status_code == 200 and decided.json()["status"] == ChangeStatus.APPROVED
    versions = client.get(f"/api/rpiw/metrics/{metric['id']}/").json()["versions"]
    assert [v["target"] for v in versions] == ["10.0000", "5.0000"]


def test_tables_and_pairs_endpoints(client, regulator_user, kpo_user, rpiw, lead_time):
    from rpiw import services

    services.record_measurement(lead_time, 0, value=2)
    services.record_measurement(lead_time, 90, value=1)
    client.force_login(regulator_user)
    table = client.get("/api/rpiw/tables/7-1/?as_at=").json()
    assert (table["total"]["rpiws"], table["total"]["complete"]) == (1, 1)
    client.force_login(kpo_user)
    pairs = client.get("/api/rpiw/measure-pairs/?post_day=90").json()
    assert pairs[0]["baseline"] == 120.0 and pairs[0]["post"] == 60.0  # minutes
    assert client.get("/api/rpiw/measure-pairs/?post_day=7").status_code == 400
