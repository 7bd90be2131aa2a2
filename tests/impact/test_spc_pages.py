"""SPC pages: the chart chosen by a measure's kind (and ?chart=), baselines fixed from the page
with a reason (recorded and shown), RPIW and definition marks, and the cross-trust funnel."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from django.urls import reverse

from factories import OrganisationFactory, user_with_roles
from impact import services
from impact.models import ChartBaseline
from vmi_programme.models import OrganisationKind, Role


def months(start: str, n: int) -> list[dt.date]:
    return [p.to_timestamp().date() for p in pd.period_range(start, periods=n, freq="M")]


def _fill_ratio(measure, organisation, *, n=30, p=0.12, size=800, seed=1, start="2016-01"):
    rng = np.random.default_rng(seed)
    denominators = rng.integers(size // 2, size * 2, n)
    numerators = rng.binomial(denominators, p)
    services.record_values(
        measure,
        [
            services.MonthValue(organisation, period, numerator=float(x), denominator=float(d))
            for period, x, d in zip(months(start, n), numerators, denominators, strict=True)
        ],  # fmt: skip
        rerun=False,
    )


@pytest.fixture
def turnover(measures, trust):
    measure = measures["staff_turnover"]
    _fill_ratio(measure, trust)
    return measure


def _series_url(measure, organisation, **query):
    url = reverse("impact:series-detail", args=[measure.code, organisation.ods_code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_a_proportion_with_denominators_is_drawn_as_a_laney_p_prime_chart_by_default(
    turnover, trust, analyst, client, django_assert_max_num_queries
):
    client.force_login(analyst)
    with django_assert_max_num_queries(14):
        response = client.get(_series_url(turnover, trust))
    chart = response.context["chart"]

    assert response.status_code == 200
    assert chart.kind == "pp"
    assert chart.result.denominators is not None
    assert "P′ chart (Laney proportion)" in response.content.decode()
    # plotted in the measure's unit: per cent
    assert 5 < chart.result.centre[0] * 100 < 20


def test_the_chart_can_be_overridden_and_a_chart_that_does_not_fit_is_refused_clearly(
    turnover, measures, trust, analyst, client, fill
):
    client.force_login(analyst)
    p = client.get(_series_url(turnover, trust, chart="p"))
    run = client.get(_series_url(turnover, trust, chart="run"))
    unknown = client.get(_series_url(turnover, trust, chart="zzz"))

    assert p.context["chart"].kind == "p"
    assert run.context["chart"].kind == "run"
    assert unknown.status_code == 200
    assert "There is no “zzz” chart" in unknown.content.decode()
    assert unknown.context["chart"].kind == "pp"  # the default is still drawn

    fft = measures["fft_ae_recommend"]
    fill(fft, trust, [80.0 + (i % 3) for i in range(20)])
    values_only = client.get(_series_url(fft, trust, chart="u"))
    assert values_only.context["chart"].kind == "xmr"
    assert "There is no “u” chart" in values_only.content.decode()


def test_an_analyst_fixes_a_baseline_with_a_reason_and_it_is_recorded_and_drawn(
    turnover, trust, analyst, client
):
    client.force_login(analyst)
    response = client.post(
        reverse("impact:spc-baseline-add"),
        {
            "chart_key": f"series:{turnover.code}:{trust.ods_code}",
            "change": "fix",
            "starts_on": "2016-01-01",
            "points": "15",
            "reason": "Limits before the e-rostering change",
        },
    )

    assert response.status_code == 302
    baseline = ChartBaseline.objects.get()
    assert (baseline.created_by, baseline.points, baseline.organisation) == (analyst, 15, trust)
    assert baseline.history.get().history_user == analyst
    page = client.get(_series_url(turnover, trust))
    chart = page.context["chart"]
    assert chart.result.parameters["baseline"] == {0: 15}
    assert "Limits before the e-rostering change" in page.content.decode()
    assert "Limits fixed: Limits before" in chart.summary


def test_a_rebase_starts_new_limits_from_that_point(turnover, trust, analyst, client):
    client.force_login(analyst)
    client.post(
        reverse("impact:spc-baseline-add"),
        {
            "chart_key": f"series:{turnover.code}:{trust.ods_code}",
            "change": "rebase",
            "starts_on": "2017-01-01",
            "reason": "New leaver definition",
        },
    )
    chart = client.get(_series_url(turnover, trust)).context["chart"]

    assert chart.result.segment_starts == (0, 12)
    assert ChartBaseline.objects.get().points is None


def test_a_baseline_without_a_reason_is_refused_with_the_chart_shown_again(
    turnover, trust, analyst, client
):
    client.force_login(analyst)
    response = client.post(
        reverse("impact:spc-baseline-add"),
        {"chart_key": f"series:{turnover.code}:{trust.ods_code}", "change": "fix",
         "starts_on": "2016-01-01", "points": "", "reason": "  "},
    )  # fmt: skip

    assert response.status_code == 400
    errors = response.context["baseline_form"].errors
    assert "reason" in errors and "points" in errors
    assert not ChartBaseline.objects.exists()


def test_a_point_not_on_the_chart_is_refused(turnover, trust, analyst, client):
    client.force_login(analyst)
    response = client.post(
        reverse("impact:spc-baseline-add"),
        {"chart_key": f"series:{turnover.code}:{trust.ods_code}", "change": "rebase",
         "starts_on": "1999-01-01", "reason": "x"},
    )  # fmt: skip

    assert response.status_code == 400
    assert "starts_on" in response.context["baseline_form"].errors


def test_changing_a_baseline_is_post_only(client, analyst):
    client.force_login(analyst)

    assert client.get(reverse("impact:spc-baseline-add")).status_code == 405
    assert client.get(reverse("impact:spc-baseline-remove", args=[1])).status_code == 405


def test_another_trust_may_not_fix_a_baseline_nor_see_the_form(
    turnover, trust, other_trust, regulator_user, client
):
    outsider = user_with_roles(other_trust, Role.ANALYST, username="analyst.ltht")
    client.force_login(outsider)
    response = client.post(
        reverse("impact:spc-baseline-add"),
        {"chart_key": f"series:{turnover.code}:{trust.ods_code}", "change": "rebase",
         "starts_on": "2017-01-01", "reason": "mine now"},
    )  # fmt: skip

    assert response.status_code == 404  # another trust's series is not visible at all
    client.force_login(regulator_user)
    page = client.get(_series_url(turnover, trust))
    assert page.status_code == 200
    assert page.context["baseline_form"] is None  # the regulator reads, but does not change
    assert (
        client.post(
            reverse("impact:spc-baseline-add"),
            {"chart_key": f"series:{turnover.code}:{trust.ods_code}", "change": "rebase",
             "starts_on": "2017-01-01", "reason": "regulator"},
        ).status_code
        == 403
    )  # fmt: skip
    assert not ChartBaseline.objects.exists()


def test_an_unknown_chart_key_is_a_404(client, analyst):
    client.force_login(analyst)
    for key in ("nonsense", "metric:abc", "board:99999999999999", "series:x:y"):
        response = client.post(reverse("impact:spc-baseline-add"), {"chart_key": key})
        assert response.status_code == 404, key


def test_removing_a_baseline_keeps_who_made_and_who_removed_it_in_the_audit_trail(
    turnover, trust, analyst, client
):
    baseline = services.record_chart_baseline(
        user=analyst, organisation=trust, chart_key=f"series:{turnover.code}:{trust.ods_code}",
        change="rebase", starts_on=dt.date(2017, 1, 1), points=None, reason="Trial",
    )  # fmt: skip
    client.force_login(analyst)
    response = client.post(reverse("impact:spc-baseline-remove", args=[baseline.pk]))

    assert response.status_code == 302
    assert not ChartBaseline.objects.exists()
    assert [h.history_type for h in ChartBaseline.history.order_by("history_date")] == ["+", "-"]


def test_a_value_stream_metric_chart_marks_rpiws_and_definition_changes(trust, kpo_user, client):
    from rpiw.models import MetricValue, MetricVersion, Rpiw, ValueStream, ValueStreamMetric

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
    MetricVersion.objects.create(
        metric=metric, number=2, name="Time to triage", definition="Minutes from arrival",
        unit="minutes", direction="lower", effective_from=dt.date(2017, 9, 1),
    )  # fmt: skip
    Rpiw.objects.create(
        value_stream=stream, reference="SASH-RPIW-001", title="Triage",
        workshop_start=dt.date(2017, 6, 5), workshop_end=dt.date(2017, 6, 9),
    )  # fmt: skip
    client.force_login(kpo_user)
    response = client.get(reverse("impact:value-stream-metric-spc", args=[metric.pk]))
    labels = [m.label for m in response.context["chart"].marks]

    assert labels == ["RPIW SASH-RPIW-001", "Definition v2"]
    assert "Marked: RPIW SASH-RPIW-001 (Jun 2017); Definition v2 (Sep 2017)." in (
        response.context["chart"].summary
    )
    assert response.context["baseline_form"] is not None  # a KPO facilitator changes own trust's


# ------------------------------------------------------------------ funnel


def _trusts(n):
    return [
        OrganisationFactory(
            kind=OrganisationKind.PARTNER_TRUST, short_name=f"T{i}", ods_code=f"RT{i:02d}",
            name=f"Trust {i}",
        )
        for i in range(n)
    ]  # fmt: skip


@pytest.mark.parametrize("n_trusts", [4, 12])
def test_the_regulator_compares_trusts_on_a_funnel_with_a_bounded_number_of_queries(
    n_trusts, measures, regulator_user, client, django_assert_max_num_queries
):
    measure = measures["staff_turnover"]
    for i, organisation in enumerate(_trusts(n_trusts)):
        _fill_ratio(measure, organisation, n=14, p=0.10 + 0.004 * i, seed=i)
    client.force_login(regulator_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("impact:funnel"), {"measure": measure.code, "months": 12})
    result = response.context["result"]

    assert response.status_code == 200
    assert len(result.units) == n_trusts
    assert all(u.denominator > 0 for u in result.units)
    assert response.context["start"] == dt.date(2016, 3, 1)  # 12 months up to Feb 2017
    assert "vmi-chart" in response.content.decode()


def test_a_trust_user_sees_only_its_own_trust_on_the_funnel(measures, trust, analyst, client):
    measure = measures["staff_turnover"]
    others = _trusts(3)
    for i, organisation in enumerate([trust, *others]):
        _fill_ratio(measure, organisation, n=12, seed=i)
    client.force_login(analyst)
    response = client.get(reverse("impact:funnel"), {"measure": measure.code})

    # One organisation cannot make a funnel: a clear message, not a 500.
    assert response.status_code == 200
    assert "at least two" in response.context["error"]


def test_a_funnel_with_a_bad_month_is_a_400_naming_it(measures, regulator_user, client):
    measure = measures["staff_turnover"]
    client.force_login(regulator_user)
    _fill_ratio(measure, _trusts(1)[0])
    response = client.get(reverse("impact:funnel"), {"measure": measure.code, "end": "2017-13"})

    assert response.status_code == 400
    assert "end" in response.context["form"].errors
    assert client.get(reverse("impact:funnel"), {"measure": "nope"}).status_code == 400


def test_the_funnel_downloads_as_csv(measures, regulator_user, client):
    measure = measures["staff_turnover"]
    for i, organisation in enumerate(_trusts(2)):
        _fill_ratio(measure, organisation, n=3, seed=i)
    client.force_login(regulator_user)
    response = client.get(reverse("impact:funnel"), {"measure": measure.code, "format": "csv"})

    assert response.status_code == 200
    assert b"RT00" in response.content


def test_the_funnel_page_draws_the_first_measure_over_the_latest_year_by_default(
    measures, regulator_user, client
):
    measure = measures["staff_turnover"]
    for i, organisation in enumerate(_trusts(3)):
        _fill_ratio(measure, organisation, n=20, seed=i)
    client.force_login(regulator_user)
    response = client.get(reverse("impact:funnel"))

    assert response.status_code == 200
    assert response.context["measure"] == measure
    assert response.context["end"] == dt.date(2017, 8, 1)
    assert len(response.context["result"].units) == 3
