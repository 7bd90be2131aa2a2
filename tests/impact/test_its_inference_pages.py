"""ITS inference on the pages (#16): the stored placebo test, the run page, Section 8.2."""

from __future__ import annotations

import pytest
from django.urls import reverse

from impact import services
from impact.dashboard import section_8_2_its
from impact.forms import ItsRunForm
from impact.its_inference import NOT_COMPUTED
from vmi_programme.models import JobStatus

PARAMS = {
    "measure": "fft_ae_recommend",
    "trust": "RTP",
    "intervention": "2015-07",
    "seasonality": "month",
    "errors": "hac",
    "with_peers": True,
}


def run(trust, **overrides):
    form = ItsRunForm({**PARAMS, **overrides})
    assert form.is_valid(), form.errors
    job = services.submit_its_run(form.parameters(), trust=trust)
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


def test_an_its_run_stores_hac_with_its_factor_and_the_placebo_test(fft_data, trust, peers):
    result = run(trust).result
    assert result["own"]["settings"]["hac_small_sample"].startswith("n/(n - k)")
    assert result["controlled"]["settings"]["hac_small_sample"].startswith("n/(n - k)")
    placebo = result["placebo"]
    assert placebo["units"] == sorted(p.ods_code for p in peers)
    slope = placebo["terms"]["slope_change_difference"]
    # SASH's trend improves by 0.15 a month and its four peers' do not
    assert (
        slope["estimate"]
        == result["controlled"]["differences"]["slope_change_difference"]["estimate"]
    )
    assert slope["rank"] == 1 and slope["p_value"] == pytest.approx(1 / 5)
    assert slope["model_p_value"] < 0.05 and slope["disagree"] is True
    assert slope["mde"] > 0
    assert "cannot be below 1/5" in placebo["notes"][0]


def test_the_run_page_shows_hac_beside_the_placebo_test_and_flags_disagreement(
    fft_data, trust, analyst, client, django_assert_max_num_queries
):
    job = run(trust)
    client.force_login(analyst)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("impact:its-run-detail", args=[job.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="placebo-table"' in page
    assert "Rank among 5" in page and "Permutation p" in page
    assert "Newey–West (HAC) p" in page
    assert 'id="inference-disagree"' in page
    assert "Disagree</strong> Newey–West (HAC) significant" in page
    assert "Detectable effect (80% power)" in page
    assert "small-sample factor: n/(n - k) (as Stata newey)" in page


def test_a_run_stored_before_the_placebo_test_still_renders_and_asks_for_a_rerun(
    fft_data, trust, analyst, client
):
    job = run(trust)
    legacy = dict(job.result)
    del legacy["placebo"]
    for part in ("own", "controlled", "peer_group"):
        legacy[part] = {
            **legacy[part],
            "settings": {
                k: v for k, v in legacy[part]["settings"].items() if k != "hac_small_sample"
            },
        }
    job.result = legacy
    job.save(update_fields=["result"])
    client.force_login(analyst)
    response = client.get(reverse("impact:its-run-detail", args=[job.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="placebo-not-computed"' in page and "not computed — rerun" in page
    assert 'id="placebo-table"' not in page
    assert "small-sample factor: not recorded — rerun" in page
    row = section_8_2_its().rows[0]
    assert row["permutation"] == NOT_COMPUTED and row["agreement"] == NOT_COMPUTED


def test_a_run_without_peers_has_no_placebo_test_and_says_why(fft_data, trust, analyst, client):
    job = run(trust, with_peers=False)
    assert job.result["controlled"] is None and "placebo" not in job.result
    client.force_login(analyst)
    page = client.get(reverse("impact:its-run-detail", args=[job.pk])).content.decode()
    assert "No placebo (permutation) test: it needs a controlled ITS against peers" in page
    row = section_8_2_its().rows[0]
    assert row["permutation"] == "no peers" and row["agreement"] == "–"


def test_section_8_2_shows_the_placebo_rank_and_flags_disagreement(fft_data, trust, peers):
    run(trust)
    table = section_8_2_its()
    (row,) = table.rows
    assert row["permutation"].startswith("rank ") and row["permutation"].endswith(
        ("p = .200", "p = .400", "p = .600", "p = .800", "p = 1.000")
    )
    assert row["agreement"].startswith(("agree", "DISAGREE"))
    keys = [key for key, _ in table.columns]
    # the published directions keep their places (tests read the first eight cells)
    assert keys[:8] == [
        "measure", "trust", "pre_mean", "mean", "trend_after", "trend_change", "vs_peers",
        "peer_trend",
    ]  # fmt: skip
    assert keys[8:10] == ["permutation", "agreement"]
    assert "disagree" in table.caption
