"""ITS runs: recorded jobs, pages that read stored results, bad input, automatic re-runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from impact import services
from impact.forms import ItsRunForm
from vmi_programme.models import Job, JobStatus

PARAMS = {
    "measure": "fft_ae_recommend",
    "trust": "RTP",
    "intervention": "2015-07",
    "seasonality": "month",
    "errors": "hac",
    "with_peers": True,
}


def run(trust, user=None, **overrides):
    form = ItsRunForm({**PARAMS, **overrides})
    assert form.is_valid(), form.errors
    return services.submit_its_run(form.parameters(), trust=trust, user=user)


def test_an_its_run_stores_own_peer_and_controlled_results(fft_data, trust, peers):
    job = run(trust)
    assert job.status == JobStatus.SUCCEEDED, job.error
    result = job.result
    assert result["peers"] == [p.ods_code for p in peers]
    assert result["own"]["coefficients"]["slope_change"]["estimate"] == pytest.approx(
        0.15, abs=0.05
    )
    assert result["own"]["coefficients"]["slope_change"]["p_value"] < 0.01
    assert result["controlled"]["differences"]["slope_change_difference"]["estimate"] > 0.1
    assert result["peer_group"]["coefficients"]["slope_change"]["p_value"] > 0.01
    assert len(result["peer_mean"]) == 83
    assert "level" in result["own"]["summary_text"]


def test_the_results_page_reads_the_stored_run_and_fits_nothing(
    fft_data, trust, analyst, client, monkeypatch, django_assert_max_num_queries
):
    job = run(trust)

    def refuse(*args, **kwargs):
        raise AssertionError("the results page must not run an analysis")

    from impact.analysis import its

    monkeypatch.setattr(its, "segmented_regression", refuse)
    monkeypatch.setattr(its, "controlled_its", refuse)
    client.force_login(analyst)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("impact:its-run-detail", args=[job.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Change in trend (per month)" in page
    assert "Controlled ITS: trust minus peers" in page
    assert "Durbin" in page
    assert job.result["own"]["summary_text"][:40] in page
    assert "Counterfactual" in page


def test_the_run_list_counts_its_queries(
    fft_data, trust, analyst, client, django_assert_max_num_queries
):
    for errors in ("hac", "ols", "ar"):
        run(trust, errors=errors)
    client.force_login(analyst)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("impact:its-run-list"))
    assert response.status_code == 200
    assert response.content.decode().count("from 2015-07") == 3


def test_an_analyst_starts_a_run_from_the_page(fft_data, trust, analyst, client):
    client.force_login(analyst)
    response = client.post(reverse("impact:its-run-list"), {**PARAMS, "trust": "RTP"})
    job = Job.objects.get(kind=services.ITS_KIND)
    assert response.status_code == 302
    assert response.url == reverse("impact:its-run-detail", args=[job.pk])
    assert job.requested_by == analyst
    assert job.parameters["peers"] == ["RP0", "RP1", "RP2", "RP3"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"intervention": "2021-01"}, "must fall inside the series (2013-04 to 2020-02)"),
        ({"intervention": "2013-04"}, "must fall inside the series"),
        ({"intervention": "2013-05"}, "at least 3 months before"),
        ({"intervention": "July 2015"}, "as YYYY-MM"),
        ({"start": "2016-01", "end": "2015-01"}, "The first month is after the last month"),
    ],
)
def test_bad_run_parameters_are_refused_on_the_page_and_no_run_is_recorded(
    fft_data, trust, analyst, client, overrides, message
):
    client.force_login(analyst)
    response = client.post(reverse("impact:its-run-list"), {**PARAMS, **overrides})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Job.objects.exists()


def test_too_few_months_is_refused(measures, trust, analyst, client, fill):
    fill(measures["fft_ae_recommend"], trust, [80, 81, 82, 83], start="2015-05")
    client.force_login(analyst)
    response = client.post(reverse("impact:its-run-list"), PARAMS)
    assert "at least 3 months before and from the intervention" in response.content.decode()
    assert not Job.objects.exists()


def test_a_constant_series_fails_the_run_with_the_librarys_message_and_no_result(
    measures, trust, analyst, client, fill
):
    fill(measures["fft_ae_recommend"], trust, [90.0] * 40)
    job = run(trust)
    assert job.status == JobStatus.FAILED
    assert job.result is None
    assert "constant" in job.error
    client.force_login(analyst)
    page = client.get(reverse("impact:its-run-detail", args=[job.pk])).content.decode()
    assert "run failed" in page and "constant" in page
    api = client.get(f"/api/impact/its-runs/{job.pk}/").json()
    assert api["status"] == "failed" and "constant" in api["error"] and api["result"] is None


def test_the_api_queues_a_run_and_refuses_invalid_parameters(fft_data, trust, analyst, client):
    client.force_login(analyst)
    bad = client.post(
        "/api/impact/its-runs/",
        {**PARAMS, "intervention": "2025-01"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "must fall inside the series" in bad.content.decode()
    unknown = client.post(
        "/api/impact/its-runs/", {**PARAMS, "measure": "nope"}, content_type="application/json"
    )
    assert unknown.status_code == 400
    assert not Job.objects.exists()
    ok = client.post("/api/impact/its-runs/", PARAMS, content_type="application/json")
    assert ok.status_code == 201
    detail = client.get(f"/api/impact/its-runs/{ok.json()['id']}/").json()
    assert detail["status"] == "succeeded"
    assert "slope_change" in detail["result"]["own"]["coefficients"]
    listing = client.get("/api/impact/its-runs/").json()
    assert "result" not in listing["results"][0]


def test_a_kpo_facilitator_cannot_run_another_trusts_analysis(
    fft_data, other_trust, make_user, client
):
    from vmi_programme.models import Role

    user = make_user(other_trust, Role.KPO_FACILITATOR, username="kpo.ltht")
    client.force_login(user)
    response = client.post("/api/impact/its-runs/", PARAMS, content_type="application/json")
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_changed_data_marks_runs_stale_and_reruns_them_keeping_the_old_result(
    fft_data, trust, peers, admin_user
):
    first = run(trust)
    unrelated = run(trust, seasonality="")
    services.record_values(
        fft_data, [services.MonthValue(peers[0], dt.date(2019, 6, 1), value=50.0)], user=admin_user
    )
    first.refresh_from_db()
    unrelated.refresh_from_db()
    assert first.stale and unrelated.stale  # both read RP0
    reruns = Job.objects.filter(parameters__rerun_of__in=[first.pk, unrelated.pk])
    assert reruns.count() == 2
    assert all(r.status == JobStatus.SUCCEEDED and not r.stale for r in reruns)
    assert first.result is not None  # the old result is kept for comparison
    rerun = reruns.get(parameters__rerun_of=first.pk)
    june = next(p for p in rerun.result["peer_mean"] if p["period"] == "2019-06")
    old_june = next(p for p in first.result["peer_mean"] if p["period"] == "2019-06")
    assert june["value"] != old_june["value"]


def test_an_import_of_another_measure_leaves_runs_alone(fft_data, trust, measures):
    job = run(trust)
    services.record_values(
        measures["staff_turnover"],
        [services.MonthValue(trust, dt.date(2019, 6, 1), numerator=10, denominator=1000)],
    )
    job.refresh_from_db()
    assert not job.stale


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_an_its_run_goes_through_the_real_worker(celery_worker, broker_url, settings, fill, trend):
    import time

    from factories import OrganisationFactory
    from vmi_programme.models import OrganisationKind

    broker_url(settings.CELERY_BROKER_URL)
    measures = services.ensure_standard_measures()
    trust = OrganisationFactory(short_name="SASH", ods_code="RTP")
    peer = OrganisationFactory(short_name="P0", ods_code="RP0", kind=OrganisationKind.PEER_TRUST)
    fill(measures["fft_ae_recommend"], trust, trend(83, change=0.15))
    fill(measures["fft_ae_recommend"], peer, trend(83, seed=5))
    services.set_manual_peers(trust, ["RP0"])
    job = run(trust)
    deadline = time.monotonic() + 60
    while not job.is_finished and time.monotonic() < deadline:
        time.sleep(0.3)
        job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["controlled"]["settings"]["n_peers"] == 1
