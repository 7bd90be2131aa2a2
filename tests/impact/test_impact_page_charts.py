"""The Impact page: beside each ITS run's one-line verdict a small chart of the observed months,
the fitted trend before and after the intervention and the counterfactual, from the stored result
only (#17 item 7); runs stored before the chart's lines were show their verdict alone."""

from __future__ import annotations

import copy
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from factories import OrganisationFactory, user_with_roles
from impact import services
from impact.charts import small_its_figure
from impact.forms import ItsRunForm
from vmi_programme.models import Job, JobStatus, Role

FIGURE = re.compile(r'<figure class="vmi-chart-figure" role="group" aria-label="([^"]+)">')


def _stored_run(trust) -> Job:
    form = ItsRunForm(
        {
            "measure": "fft_ae_recommend",
            "trust": trust.ods_code,
            "intervention": "2015-07",
            "seasonality": "month",
            "errors": "hac",
        }
    )
    assert form.is_valid(), form.errors
    job = services.submit_its_run(form.parameters(), trust=trust)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


@pytest.fixture
def stored(fft_data, trust):
    """One real run of SASH's series: its job and its stored result."""
    job = _stored_run(trust)
    return job, job.result


def _copy_run(organisation, result, *, measure="fft_ae_recommend") -> Job:
    """A succeeded run for ``organisation`` holding ``result`` (the page reads nothing else)."""
    return Job.objects.create(
        kind=services.ITS_KIND,
        parameters={"measure": measure, "trust": organisation.ods_code},
        organisation=organisation,
        status=JobStatus.SUCCEEDED,
        result=copy.deepcopy(result),
        finished_at=timezone.now(),
    )


def _old(result: dict) -> dict:
    """The result as stored before the trend lines were."""
    old = copy.deepcopy(result)
    for point in old["own"]["fitted"]:
        for key in ("t", "fitted_trend", "counterfactual_trend"):
            del point[key]
    return old


def _specs(page: str) -> list[dict]:
    return [
        json.loads(spec.replace("<\\/", "</"))
        for spec in re.findall(
            r'<script type="application/json" id="chart-\d+-spec">(.*?)</script>', page
        )
    ]


def test_the_stored_run_carries_the_observed_months_the_fitted_trend_and_the_counterfactual(
    stored,
):
    job, result = stored
    own = result["own"]
    points = own["fitted"]
    assert len(points) == 83 and points[0]["period"] == "2013-04"
    assert all({"observed", "fitted_trend", "counterfactual_trend", "t"} <= set(p) for p in points)
    c = {term: value["estimate"] for term, value in own["coefficients"].items()}
    post = points[own["n_pre"] :]
    assert post[0]["period"] == result["intervention"] == "2015-07"
    for point in post:
        assert point["counterfactual_trend"] == pytest.approx(
            c["baseline_level"] + c["pre_slope"] * point["t"]
        )
        assert point["fitted_trend"] == pytest.approx(
            c["baseline_level"]
            + c["pre_slope"] * point["t"]
            + c["level_change"]
            + c["slope_change"] * (point["t"] - 27)
        )


def test_the_impact_page_shows_one_small_chart_per_run_beside_its_verdict(
    stored, trust, client, regulator_user
):
    job, result = stored
    for name in ("ESHT", "WSHT"):
        _copy_run(OrganisationFactory(short_name=name), result)
    client.force_login(regulator_user)
    page = client.get(reverse("impact:index")).content.decode()
    labels = FIGURE.findall(page)
    assert len(labels) == 3
    assert [label.split(":")[0] for label in labels] == ["ESHT", "SASH", "WSHT"]
    assert page.count("<figcaption") == 3
    assert "dashed, the earlier trend carried on" in labels[0]
    assert "Apr 2013 to Feb 2020" in labels[0] and "after July 2015" in labels[0]
    assert page.count("Verdict: ") == 3 and "No chart" not in page
    assert "plotly" in page  # the chart script is loaded once charts are shown
    spec = _specs(page)[1]["figure"]
    names = [trace["name"] for trace in spec["data"]]
    assert names == ["Observed", "Fitted before", "Fitted after", "Without the change"]
    observed, before, after, counterfactual = spec["data"]
    assert len(observed["x"]) == 83 and observed["y"][0] == result["own"]["fitted"][0]["observed"]
    assert before["x"][-1] == "2015-06" and after["x"][0] == "2015-07"
    # The counterfactual is dashed and starts where the line before ends.
    assert counterfactual["line"]["dash"] == "dash" and counterfactual["x"][0] == "2015-06"
    assert counterfactual["y"][0] == pytest.approx(before["y"][-1])
    # Small, the y axis in per cent as the verdict, the intervention month marked.
    layout = spec["layout"]
    assert layout["height"] <= 160 and layout["yaxis"]["ticksuffix"] == "%"
    assert layout["shapes"][0]["x0"] == "2015-07" and layout["annotations"][0]["text"] == "Jul 2015"


def test_an_old_result_without_the_trend_lines_shows_its_verdict_and_no_chart(
    stored, trust, client, regulator_user
):
    job, result = stored
    job.result = _old(result)
    job.save(update_fields=["result"])
    _copy_run(OrganisationFactory(short_name="ESHT"), result)
    client.force_login(regulator_user)
    response = client.get(reverse("impact:index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert len(FIGURE.findall(page)) == 1  # ESHT's
    assert page.count("Verdict: ") == 2
    assert "No chart: this run was stored before charts were." in page


def test_with_only_old_results_the_page_loads_no_chart_script(stored, client, regulator_user):
    job, result = stored
    job.result = _old(result)
    job.save(update_fields=["result"])
    client.force_login(regulator_user)
    page = client.get(reverse("impact:index")).content.decode()
    assert "Verdict: " in page and not FIGURE.search(page) and "plotly" not in page


@pytest.mark.parametrize(
    ("damage", "charted"),
    [
        (lambda r: r.pop("own"), False),
        (lambda r: r["own"].pop("n_pre"), False),
        (lambda r: r["own"].update(n_pre=0), False),
        (lambda r: r["own"].update(fitted=[]), False),
        (lambda r: r.pop("measure"), True),
    ],
    ids=["no own fit", "no n_pre", "nothing before", "no points", "no measure"],
)
def test_a_result_missing_parts_gives_no_chart_rather_than_an_error(stored, damage, charted):
    _, result = stored
    damaged = copy.deepcopy(result)
    damage(damaged)
    chart = small_its_figure(damaged, trust_name="SASH")
    assert (chart is not None) is charted


def test_a_rate_per_1000_has_its_unit_on_the_y_axis(stored):
    _, result = stored
    rate = copy.deepcopy(result)
    rate["measure"] = {"name": "Falls", "unit": "per 1,000 bed days", "direction": "lower"}
    chart = small_its_figure(rate, trust_name="SASH")
    layout = _specs(str(chart))[0]["figure"]["layout"]
    assert layout["yaxis"]["title"]["text"] == "per 1,000 bed days"
    assert "ticksuffix" not in layout["yaxis"] or layout["yaxis"]["ticksuffix"] == ""


def test_a_ceo_sees_their_own_trusts_chart_only(stored, trust, client):
    _, result = stored
    _copy_run(OrganisationFactory(short_name="ESHT"), result)
    client.force_login(user_with_roles(trust, Role.EXECUTIVE, username="ceo"))
    page = client.get(reverse("impact:index")).content.decode()
    labels = FIGURE.findall(page)
    assert len(labels) == 1 and labels[0].startswith("SASH:")
    assert "ESHT" not in page


def test_the_impact_page_reads_stored_results_in_the_same_queries_for_2_and_8_runs(
    stored, trust, client, regulator_user, monkeypatch
):
    job, result = stored

    def refuse(*args, **kwargs):
        raise AssertionError("the Impact page must not fit a model")

    from impact.analysis import its

    monkeypatch.setattr(its, "segmented_regression", refuse)
    client.force_login(regulator_user)
    trusts = [OrganisationFactory(short_name=f"T{n}") for n in range(7)]

    def measured() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("impact:index"))
        assert response.status_code == 200
        return len(queries), response.content.decode()

    _copy_run(trusts[0], _old(result))  # an older run of the same trust is not shown
    _copy_run(trusts[0], result)
    _copy_run(trusts[0], result, measure="staff_turnover")
    small, page = measured()
    assert len(FIGURE.findall(page)) == 3
    for other in trusts[1:]:
        for _ in range(3):  # reruns: only the newest of each trust is read
            _copy_run(other, result)
        _copy_run(other, result, measure="staff_turnover")
    large, page = measured()
    assert len(FIGURE.findall(page)) == 8 + 7
    assert large == small
    assert small <= 10
