"""Peer groups, SPC charts of series, and the demo: stored runs show the Section 8.2 directions."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from impact import services
from impact.demo import series as demo_series
from impact.models import PeerGroup, PeerMethod
from impact.spc_chart import xmr_chart
from vmi_programme.models import Job, JobStatus


@pytest.fixture
def characterised(trust, peers):
    rows = [(trust, "size", 10.0), (trust, "acuity", 1.0)]
    for i, peer in enumerate(peers):
        rows += [(peer, "size", 10.0 + i), (peer, "acuity", 1.0 + i / 10)]
    services.set_characteristics(rows, as_of=dt.date(2019, 3, 31))


def test_nearest_peers_are_recorded_with_distances_and_shown(
    characterised, trust, peers, analyst, client
):
    client.force_login(analyst)
    response = client.post(
        reverse("impact:peer-group-nearest", args=["RTP"]),
        {"nearest-k": 2, "nearest-features": ["size", "acuity"]},
    )
    assert response.status_code == 302
    group = PeerGroup.objects.get()
    assert group.method == PeerMethod.NEAREST
    assert sorted(group.features) == ["acuity", "size"]
    members = list(group.members.select_related("peer"))
    assert [m.peer.ods_code for m in members] == ["RP0", "RP1"]
    assert members[0].distance == pytest.approx(0.0)
    page = client.get(reverse("impact:peer-group-detail", args=["RTP"])).content.decode()
    assert "RP1" in page and f"{members[1].distance:.3f}" in page


def test_partner_trusts_never_become_peers(trust, other_trust, peers):
    with pytest.raises(ValidationError, match="Partner trusts cannot be peers"):
        services.set_manual_peers(trust, ["RP0", other_trust.ods_code])
    with pytest.raises(ValidationError, match="Unknown organisation"):
        services.set_manual_peers(trust, ["RP0", "NOPE1"])
    assert not PeerGroup.objects.exists()


def test_manual_peers_from_the_page_and_the_list_counts_its_queries(
    trust, peers, analyst, client, django_assert_max_num_queries
):
    client.force_login(analyst)
    client.post(
        reverse("impact:peer-group-manual", args=["RTP"]),
        {"manual-peers": "RP2, RP3 RP0", "manual-notes": "from the Model Hospital"},
    )
    group = PeerGroup.objects.get()
    assert group.method == PeerMethod.MANUAL and group.peer_codes() == ["RP2", "RP3", "RP0"]
    with django_assert_max_num_queries(8):
        page = client.get(reverse("impact:peer-group-list")).content.decode()
    assert "RP2" in page
    api = client.get("/api/impact/peer-groups/").json()["results"][0]
    assert [m["org_code"] for m in api["members"]] == ["RP2", "RP3", "RP0"]


def test_the_xmr_chart_helper_gives_icons_for_any_series():
    values = [50.0] * 10 + [50.5, 49.5] * 5 + [60, 61, 62]
    chart = xmr_chart(
        values, list(range(len(values))), title="Board measure", improvement="increase", target=55
    )
    assert chart.variation["key"] == "improvement_high"
    assert chart.assurance is not None
    assert 'class="vmi-chart-figure"' in chart.html
    with pytest.raises(ValueError):
        xmr_chart([1, "x", 3], [1, 2, 3], title="bad")


def test_the_series_page_shows_an_xmr_chart_with_missing_months_left_out(
    fft_data, trust, analyst, client, django_assert_max_num_queries
):
    services.record_values(fft_data, [services.MonthValue(trust, dt.date(2014, 1, 1), value=None)])
    client.force_login(analyst)
    # 8 before the chart read its baselines and the trust's RPIWs (one query each)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("impact:series-detail", args=["fft_ae_recommend", "RTP"]))
    page = response.content.decode()
    assert "1 missing or suppressed" in page
    assert "Variation:" in page and "XmR chart of 82 points" in page
    export = client.get(
        reverse("impact:series-detail", args=["fft_ae_recommend", "RTP"]), {"format": "csv"}
    )
    assert export["Content-Type"].startswith("text/csv")


def test_the_spc_api_reads_a_series_or_takes_values(fft_data, analyst, client):
    client.force_login(analyst)
    body = client.get("/api/impact/spc/", {"measure": "fft_ae_recommend", "org": "RTP"}).json()
    assert body["chart"] == "xmr" and len(body["points"]) == 83
    bad = client.post("/api/impact/spc/", {"values": [1, "x"]}, content_type="application/json")
    assert bad.status_code == 400
    assert (
        client.get("/api/impact/series/", {"measure": "fft_ae_recommend", "org": "RP0"}).json()[
            "count"
        ]
        == 83
    )


def test_measure_and_index_pages_count_their_queries(
    fft_data, trust, analyst, client, django_assert_max_num_queries
):
    client.force_login(analyst)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("impact:measure-list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("impact:index")).status_code == 200
    with django_assert_max_num_queries(8):
        page = client.get(reverse("impact:measure-detail", args=["fft_ae_recommend"]))
    assert "RP3" in page.content.decode()


@pytest.mark.django_db
def test_the_demo_seed_stores_runs_showing_the_section_8_2_directions(client):
    from impact import demo
    from vmi_programme import demo as core_demo

    ctx = core_demo.seed()
    started = time.monotonic()
    demo.seed(ctx)
    assert time.monotonic() - started < 30
    runs = Job.objects.filter(kind=services.ITS_KIND)
    assert runs.count() == 10 and all(r.status == JobStatus.SUCCEEDED for r in runs)
    stored = {
        ({"fft_ae_recommend": "fft", "staff_turnover": "turnover"}[r.parameters["measure"]],
         r.parameters["trust"]): r.result
        for r in runs
    }  # fmt: skip
    checks = demo_series.stored_direction_checks(stored)
    failing = [c.direction.claim for c in checks if not c.holds]
    assert failing == []
    assert len(checks) == len(demo_series.expected_directions())
    groups = PeerGroup.objects.filter(trust__ods_code="RF4").get()
    assert groups.peer_codes() == demo_series.PEERS["RF4"]
    assert all(m.distance is not None for m in groups.members.all())
    # the real A&E rows of the partners went through the import pipeline
    from impact.models import SeriesValue

    assert SeriesValue.objects.filter(measure__code="ae_4h_type1").count() == 5 * 36
