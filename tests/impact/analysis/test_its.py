"""Tests for interrupted time series: published Sicily example, statsmodels equivalence, bad input."""

import json
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.tsa.arima.model import ARIMA

from impact.analysis.its import (
    controlled_its,
    newey_west_lags,
    segmented_regression,
)

# Lopez Bernal, Cummins & Gasparrini (2017) tutorial data, sicily.csv as published by the authors
# (github.com/gasparrini/2017_lopezbernal_IJE_codedata): acute coronary events (aces) in Sicily,
# January 2002 – November 2006, age-standardised population (stdpop); smoking ban January 2005.
SICILY_ACES = [
    728, 659, 791, 734, 757, 726, 760, 740, 720, 814, 795, 858,
    887, 766, 851, 769, 781, 756, 766, 752, 765, 831, 879, 928,
    914, 808, 937, 840, 916, 828, 845, 818, 860, 839, 887, 886,
    831, 796, 833, 820, 877, 758, 767, 738, 781, 843, 850, 908,
    1021, 859, 976, 888, 962, 838, 810, 876, 843, 936, 912,
]  # fmt: skip
SICILY_STDPOP = [
    379875.3, 376495.5, 377040.8, 377116.4, 377383.4, 374113.1, 379513.3, 376295.5, 374653.2,
    378485.6, 375955.5, 378349.7, 376762.4, 379032.3, 379360.4, 376162.0, 377972.4, 381830.7,
    379888.6, 380872.2, 380966.9, 381240.4, 382104.9, 381802.7, 381656.3, 383680.0, 383504.2,
    386462.9, 383783.1, 380836.8, 383483.0, 380906.2, 382926.8, 384052.4, 384449.6, 383428.4,
    388153.2, 388373.2, 386470.1, 386033.2, 383686.4, 385509.3, 385901.9, 386516.6, 388436.5,
    383255.2, 390148.7, 385874.9, 391613.6, 391750.4, 394005.6, 391364.9, 391664.6, 389022.3,
    391878.5, 388575.3, 392989.0, 390018.8, 390712.3,
]  # fmt: skip

MONTHS = pd.period_range("2013-04", "2020-02", freq="M")
INTERVENTION = pd.Period("2015-07", freq="M")


@pytest.fixture
def sicily():
    index = pd.period_range("2002-01", periods=59, freq="M")
    aces = pd.Series(SICILY_ACES, index=index, dtype=float)
    log_pop = pd.Series(np.log(SICILY_STDPOP), index=index)
    return aces, log_pop


def _r_style_design(seasonal: bool, slope: bool) -> pd.DataFrame:
    """The tutorial's own coding: time = 1..59, smokban, I(time - 36):smokban, harmonic(month,2,12)."""
    time = np.arange(1, 60, dtype=float)
    smokban = (time >= 37).astype(float)
    month = (time - 1) % 12 + 1
    design = pd.DataFrame({"const": 1.0, "smokban": smokban, "time": time})
    if slope:
        design["slope"] = (time - 36) * smokban
    if seasonal:
        for k in (1, 2):
            design[f"sin{k}"] = np.sin(2 * np.pi * k * month / 12)
            design[f"cos{k}"] = np.cos(2 * np.pi * k * month / 12)
    return design


def _ar1_series(n: int, phi: float, sd: float, rng: np.random.Generator) -> np.ndarray:
    noise = np.zeros(n)
    noise[0] = rng.normal(0, sd / math.sqrt(1 - phi**2))
    for i in range(1, n):
        noise[i] = phi * noise[i - 1] + rng.normal(0, sd)
    return noise


def _synthetic(seed: int = 7, phi: float = 0.0, sd: float = 1.0) -> tuple[pd.Series, dict]:
    truth = {"baseline_level": 80.0, "pre_slope": 0.05, "level_change": 2.0, "slope_change": 0.1}
    t = np.arange(len(MONTHS), dtype=float)
    t0 = MONTHS.get_loc(INTERVENTION)
    after = (t >= t0).astype(float)
    mean = (
        truth["baseline_level"]
        + truth["pre_slope"] * t
        + truth["level_change"] * after
        + truth["slope_change"] * (t - t0) * after
    )
    rng = np.random.default_rng(seed)
    return pd.Series(mean + _ar1_series(len(t), phi, sd, rng), index=MONTHS), truth


def _plain_design(n: int, t0: int) -> pd.DataFrame:
    t = np.arange(n, dtype=float)
    after = (t >= t0).astype(float)
    return pd.DataFrame({"b0": 1.0, "t": t, "d": after, "td": (t - t0) * after})


# --------------------------------------------------------------------------- (a) published example


def test_sicily_step_change_with_fourier_seasonality_gives_published_rate_ratio_0_885(sicily):
    aces, log_pop = sicily
    result = segmented_regression(
        aces,
        "2005-01",
        seasonality="fourier",
        fourier_terms=2,
        family="poisson",
        offset=log_pop,
        slope_change=False,
    )
    level = result.coefficients["level_change"]
    assert round(level.rate_ratio, 3) == 0.885
    assert result.n_pre == 36 and result.n_post == 23
    assert "January 2005" in result.summary_text
    assert "-11.5%" in result.summary_text


def test_sicily_models_equal_the_tutorials_quasi_poisson_glm_fitted_directly(sicily):
    aces, log_pop = sicily
    for seasonal in (False, True):
        design = _r_style_design(seasonal=seasonal, slope=False)
        direct = sm.GLM(
            np.array(SICILY_ACES, dtype=float),
            design,
            family=sm.families.Poisson(),
            offset=np.log(SICILY_STDPOP),
        ).fit(scale="X2")
        ours = segmented_regression(
            aces,
            "2005-01",
            seasonality="fourier" if seasonal else None,
            family="poisson",
            offset=log_pop,
            slope_change=False,
        ).coefficients
        ci = direct.conf_int().loc["smokban"]
        assert ours["level_change"].estimate == pytest.approx(direct.params["smokban"], rel=1e-8)
        assert ours["level_change"].std_error == pytest.approx(direct.bse["smokban"], rel=1e-6)
        assert ours["level_change"].ci_low == pytest.approx(ci[0], rel=1e-6)
        assert ours["level_change"].ci_high == pytest.approx(ci[1], rel=1e-6)
        assert ours["pre_slope"].estimate == pytest.approx(direct.params["time"], rel=1e-8)


def test_sicily_slope_change_model_matches_tutorial_coding_up_to_documented_shift(sicily):
    aces, log_pop = sicily
    direct = sm.GLM(
        np.array(SICILY_ACES, dtype=float),
        _r_style_design(seasonal=True, slope=True),
        family=sm.families.Poisson(),
        offset=np.log(SICILY_STDPOP),
    ).fit(scale="X2")
    ours = segmented_regression(
        aces, "2005-01", seasonality="fourier", family="poisson", offset=log_pop
    ).coefficients
    assert ours["slope_change"].estimate == pytest.approx(direct.params["slope"], rel=1e-7)
    assert ours["slope_change"].std_error == pytest.approx(direct.bse["slope"], rel=1e-6)
    # Our slope term is 0 at the first post-intervention month, the tutorial's is 1.
    assert ours["level_change"].estimate == pytest.approx(
        direct.params["smokban"] + direct.params["slope"], rel=1e-7
    )


def test_synthetic_series_estimates_recover_the_true_parameters_within_their_intervals():
    # One seeded series as an example; interval coverage over many seeds is tested below.
    series, truth = _synthetic(seed=13, phi=0.3, sd=1.0)
    result = segmented_regression(series, "2015-07", errors="ar")
    for term, true_value in truth.items():
        c = result.coefficients[term]
        assert c.ci_low <= true_value <= c.ci_high, term
    assert result.coefficients["level_change"].p_value < 0.05
    assert result.coefficients["slope_change"].p_value < 0.05


def test_ols_intervals_cover_the_truth_about_95_percent_of_the_time():
    covered = dict.fromkeys(("baseline_level", "pre_slope", "level_change", "slope_change"), 0)
    runs = 300
    for seed in range(runs):
        series, truth = _synthetic(seed=1000 + seed)
        result = segmented_regression(series, INTERVENTION)
        for term in covered:
            c = result.coefficients[term]
            covered[term] += c.ci_low <= truth[term] <= c.ci_high
    for term, hits in covered.items():
        assert 0.91 <= hits / runs <= 0.99, (term, hits / runs)


# --------------------------------------------------------------------------- (b) OLS equivalence


def test_ols_estimates_equal_statsmodels_ols_on_the_same_design_matrix():
    series, _ = _synthetic(seed=3)
    t0 = MONTHS.get_loc(INTERVENTION)
    direct = sm.OLS(series.to_numpy(), _plain_design(len(series), t0)).fit()
    result = segmented_regression(series, INTERVENTION)
    ci = direct.conf_int()
    for term, name in zip(
        ("baseline_level", "pre_slope", "level_change", "slope_change"),
        ("b0", "t", "d", "td"),
        strict=True,
    ):
        c = result.coefficients[term]
        assert c.estimate == pytest.approx(direct.params[name], rel=1e-9, abs=1e-12)
        assert c.std_error == pytest.approx(direct.bse[name], rel=1e-9)
        assert c.p_value == pytest.approx(direct.pvalues[name], rel=1e-6, abs=1e-300)
        assert (c.ci_low, c.ci_high) == pytest.approx(tuple(ci.loc[name]), rel=1e-9)
    assert result.fitted["fitted"].to_numpy() == pytest.approx(direct.fittedvalues, rel=1e-9)


def test_fourier_seasonality_terms_equal_statsmodels_fit_with_harmonics_of_calendar_month():
    series, _ = _synthetic(seed=4)
    t0 = MONTHS.get_loc(INTERVENTION)
    design = _plain_design(len(series), t0)
    month = MONTHS.month.to_numpy()
    for k in (1, 2):
        design[f"sin_{k}"] = np.sin(2 * np.pi * k * month / 12)
        design[f"cos_{k}"] = np.cos(2 * np.pi * k * month / 12)
    direct = sm.OLS(series.to_numpy(), design).fit()
    result = segmented_regression(series, INTERVENTION, seasonality="fourier")
    assert result.coefficients["level_change"].estimate == pytest.approx(direct.params["d"])
    assert result.seasonal_coefficients["cos_2"].estimate == pytest.approx(direct.params["cos_2"])
    assert set(result.seasonal_coefficients) == {"sin_1", "cos_1", "sin_2", "cos_2"}


def test_month_seasonality_keeps_slope_and_level_change_of_a_dummy_coded_fit():
    series, _ = _synthetic(seed=5)
    t0 = MONTHS.get_loc(INTERVENTION)
    design = _plain_design(len(series), t0)
    dummies = pd.get_dummies(MONTHS.month, prefix="m", drop_first=True, dtype=float)
    design = pd.concat([design, dummies.set_axis(design.index)], axis=1)
    direct = sm.OLS(series.to_numpy(), design).fit()
    result = segmented_regression(series, INTERVENTION, seasonality="month")
    assert len(result.seasonal_coefficients) == 11
    for term, name in (("pre_slope", "t"), ("level_change", "d"), ("slope_change", "td")):
        assert result.coefficients[term].estimate == pytest.approx(direct.params[name])
        assert result.coefficients[term].std_error == pytest.approx(direct.bse[name])


def test_counterfactual_projects_the_pre_trend_past_the_intervention():
    series, _ = _synthetic(seed=6)
    result = segmented_regression(series, "2015-07")
    c = result.coefficients
    t = np.arange(len(series))
    expected = c["baseline_level"].estimate + c["pre_slope"].estimate * t
    assert result.fitted["counterfactual"].to_numpy() == pytest.approx(expected)
    pre = result.fitted.index < INTERVENTION
    assert result.fitted["counterfactual"][pre].to_numpy() == pytest.approx(
        result.fitted["fitted"][pre].to_numpy()
    )


# --------------------------------------------------------------------------- (c) HAC and AR errors


@pytest.mark.parametrize(("errors", "use_correction"), [("hac", True), ("hac_uncorrected", False)])
def test_hac_errors_differ_from_ols_on_autocorrelated_data_and_equal_statsmodels_hac(
    errors, use_correction
):
    series, _ = _synthetic(seed=21, phi=0.7, sd=1.0)
    n = len(series)
    lags = newey_west_lags(n)
    assert lags == math.floor(4 * (n / 100) ** (2 / 9)) == 3
    t0 = MONTHS.get_loc(INTERVENTION)
    design = _plain_design(n, t0)
    direct = sm.OLS(series.to_numpy(), design).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": use_correction}, use_t=True
    )
    ols = segmented_regression(series, INTERVENTION, errors="ols")
    hac = segmented_regression(series, INTERVENTION, errors=errors)
    assert hac.settings["hac_lags"] == lags
    for term, name in zip(
        ("baseline_level", "pre_slope", "level_change", "slope_change"),
        ("b0", "t", "d", "td"),
        strict=True,
    ):
        assert hac.coefficients[term].estimate == pytest.approx(ols.coefficients[term].estimate)
        assert hac.coefficients[term].std_error == pytest.approx(direct.bse[name], rel=1e-9)
        assert hac.coefficients[term].p_value == pytest.approx(direct.pvalues[name], rel=1e-6)
    ratios = [
        hac.coefficients[t].std_error / ols.coefficients[t].std_error
        for t in ("pre_slope", "slope_change")
    ]
    assert all(abs(r - 1) > 0.05 for r in ratios)


def test_hac_with_explicit_lag_uses_that_lag():
    series, _ = _synthetic(seed=22, phi=0.5)
    result = segmented_regression(series, INTERVENTION, errors="hac", hac_lags=6)
    direct = sm.OLS(
        series.to_numpy(), _plain_design(len(series), MONTHS.get_loc(INTERVENTION))
    ).fit(cov_type="HAC", cov_kwds={"maxlags": 6, "use_correction": True}, use_t=True)
    assert result.settings["hac_lags"] == 6
    assert result.coefficients["slope_change"].std_error == pytest.approx(direct.bse["td"])


def test_ar_errors_equal_statsmodels_arima_with_exog_and_whiten_the_residuals():
    series, truth = _synthetic(seed=23, phi=0.6, sd=1.0)
    design = _plain_design(len(series), MONTHS.get_loc(INTERVENTION))
    direct = ARIMA(series.to_numpy(), exog=design, order=(1, 0, 0), trend="n").fit()
    result = segmented_regression(series, INTERVENTION, errors="ar")
    assert result.coefficients["slope_change"].estimate == pytest.approx(
        direct.params["td"], rel=1e-4
    )
    assert result.settings["ar_coefficients"][0] == pytest.approx(direct.params["ar.L1"], rel=1e-4)
    ols = segmented_regression(series, INTERVENTION, errors="ols")
    assert abs(result.diagnostics.durbin_watson - 2) < abs(ols.diagnostics.durbin_watson - 2)


def test_diagnostics_flag_autocorrelation_and_state_their_lags():
    series, _ = _synthetic(seed=24, phi=0.8)
    result = segmented_regression(series, INTERVENTION)
    d = result.diagnostics
    assert d.ljung_box_lag == 12 and d.breusch_godfrey_lag == 12
    assert d.durbin_watson < 1.5 and d.ljung_box_p < 0.05 and d.breusch_godfrey_p < 0.05
    assert "autocorrelation is present" in result.summary_text


# --------------------------------------------------------------------------- (d) bad input


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seasonality": "weekly"}, "seasonality must be"),
        ({"errors": "robust"}, "errors must be"),
        ({"family": "binomial"}, "family must be"),
        ({"seasonality": "fourier", "fourier_terms": 7}, "fourier_terms"),
        ({"hac_lags": -1, "errors": "hac"}, "hac_lags"),
        ({"alpha": 1.5}, "alpha"),
        ({"offset": np.zeros(83)}, "offset applies only to family='poisson'"),
        ({"family": "poisson", "errors": "ar"}, "errors='ar' is available for family='gaussian'"),
    ],
)
def test_bad_options_are_rejected_with_a_clear_message(kwargs, message):
    series, _ = _synthetic()
    with pytest.raises(ValueError, match=message):
        segmented_regression(series, INTERVENTION, **kwargs)


def test_too_few_points_say_how_many_are_needed():
    series, _ = _synthetic()
    with pytest.raises(ValueError, match=r"2 before .* at least 3 before"):
        segmented_regression(series.iloc[25:40], INTERVENTION)
    short = series.loc[pd.Period("2014-12", "M") : pd.Period("2016-06", "M")]
    with pytest.raises(ValueError, match=r"estimates 15 parameters and needs at least 18"):
        segmented_regression(short.iloc[:17], INTERVENTION, seasonality="month")


def test_intervention_outside_the_series_is_rejected():
    series, _ = _synthetic()
    with pytest.raises(ValueError, match=r"intervention January 2021 is outside the series"):
        segmented_regression(series, "2021-01")
    with pytest.raises(ValueError, match="outside the series"):
        segmented_regression(series, "2013-04")
    with pytest.raises(ValueError, match="not a date or period"):
        segmented_regression(series, 2015.5)


def test_constant_series_is_rejected():
    series = pd.Series(85.0, index=MONTHS)
    with pytest.raises(ValueError, match="constant"):
        segmented_regression(series, INTERVENTION)


def test_non_numeric_cells_are_named_in_the_error():
    series, _ = _synthetic()
    text = series.astype(object)
    text.iloc[5] = "94.80%"
    text.iloc[9] = "*"
    with pytest.raises(ValueError, match=r"2 non-numeric cell\(s\).*'94.80%'"):
        segmented_regression(text, INTERVENTION)


def test_numeric_strings_are_accepted():
    series, _ = _synthetic()
    as_text = series.map(lambda v: f"{v:.6f}")
    result = segmented_regression(as_text, INTERVENTION)
    expected = segmented_regression(series, INTERVENTION)
    assert result.coefficients["level_change"].estimate == pytest.approx(
        expected.coefficients["level_change"].estimate, rel=1e-6
    )


def test_other_bad_inputs_are_rejected():
    series, _ = _synthetic()
    with pytest.raises(ValueError, match="pandas Series"):
        segmented_regression(series.to_numpy(), INTERVENTION)
    with pytest.raises(ValueError, match="index"):
        segmented_regression(series.set_axis([f"m{i}" for i in range(len(series))]), "m30")
    doubled = pd.concat([series, series.iloc[:1]])
    with pytest.raises(ValueError, match="duplicate"):
        segmented_regression(doubled, INTERVENTION)
    with pytest.raises(ValueError, match="non-negative counts"):
        segmented_regression(series - 100, INTERVENTION, family="poisson")
    with pytest.raises(ValueError, match="infinite"):
        segmented_regression(series.replace(series.iloc[3], np.inf), INTERVENTION)


def test_missing_values_are_dropped_keeping_their_place_in_time():
    series, _ = _synthetic(seed=8)
    gappy = series.copy()
    gappy.iloc[[4, 30, 60]] = np.nan
    result = segmented_regression(gappy, INTERVENTION)
    assert result.settings["n_missing_dropped"] == 3
    assert len(result.fitted) == len(series) - 3
    t0 = MONTHS.get_loc(INTERVENTION)
    design = _plain_design(len(series), t0).drop(index=[4, 30, 60])
    direct = sm.OLS(gappy.dropna().to_numpy(), design).fit()
    assert result.coefficients["slope_change"].estimate == pytest.approx(direct.params["td"])
    ar = segmented_regression(gappy, INTERVENTION, errors="ar")
    assert ar.n_pre + ar.n_post == len(series) - 3


def test_integer_and_datetime_indexes_give_the_same_fit_as_monthly_periods():
    series, _ = _synthetic(seed=9)
    by_period = segmented_regression(series, INTERVENTION)
    by_date = segmented_regression(series.set_axis(MONTHS.to_timestamp()), "2015-07-01")
    by_int = segmented_regression(series.set_axis(range(1, len(series) + 1)), 28)
    for other in (by_date, by_int):
        assert other.coefficients["level_change"].estimate == pytest.approx(
            by_period.coefficients["level_change"].estimate
        )


def test_result_to_dict_is_json_safe_and_plain_language_summary_names_the_intervention():
    series, _ = _synthetic(seed=10)
    result = segmented_regression(series, INTERVENTION, errors="hac", seasonality="month")
    payload = result.to_dict()
    text = json.dumps(payload, allow_nan=False)
    assert "July 2015" in result.summary_text
    assert "level changed by" in result.summary_text and "monthly trend" in result.summary_text
    assert payload["settings"]["hac_lags"] == 3
    assert payload["coefficients"]["level_change"]["rate_ratio"] is None
    assert json.loads(text)["fitted"][0]["period"] == "2013-04"


# --------------------------------------------------------------------------- (e) controlled ITS


def _peers_and_treated(seed: int, injected: dict[str, float], phi: float = 0.3):
    rng = np.random.default_rng(seed)
    n = len(MONTHS)
    t = np.arange(n, dtype=float)
    t0 = MONTHS.get_loc(INTERVENTION)
    after = (t >= t0).astype(float)
    common = 85 - 0.02 * t + 1.5 * np.sin(2 * np.pi * MONTHS.month.to_numpy() / 12)
    peers = pd.DataFrame(
        {f"R{i:02d}": common + rng.normal(0, 2) + _ar1_series(n, phi, 1.0, rng) for i in range(10)},
        index=MONTHS,
    )
    gap = (
        injected["pre_level_difference"]
        + injected["pre_slope_difference"] * t
        + injected["level_change_difference"] * after
        + injected["slope_change_difference"] * (t - t0) * after
    )
    treated = pd.Series(
        common + peers.mean(axis=1).mean() - common.mean() + gap + _ar1_series(n, phi, 0.8, rng),
        index=MONTHS,
    )
    return treated, peers


def test_controlled_its_recovers_a_known_injected_difference():
    injected = {
        "pre_level_difference": -3.0,
        "pre_slope_difference": 0.0,
        "level_change_difference": 2.5,
        "slope_change_difference": 0.12,
    }
    treated, peers = _peers_and_treated(seed=31, injected=injected)
    result = controlled_its(treated, peers, INTERVENTION, errors="hac", seasonality="month")
    for term, true_value in injected.items():
        c = result.differences[term]
        assert c.ci_low <= true_value <= c.ci_high, term
    assert result.differences["level_change_difference"].p_value < 0.05
    assert result.differences["slope_change_difference"].p_value < 0.05
    assert result.settings["n_peers"] == 10
    assert "mean of 10 peers" in result.summary_text
    assert {"treated_fitted", "control_fitted", "control_observed"} <= set(result.fitted.columns)
    assert result.fitted["control_observed"].to_numpy() == pytest.approx(
        peers.mean(axis=1).to_numpy()
    )
    json.dumps(result.to_dict(), allow_nan=False)


def test_controlled_ols_differences_equal_the_difference_of_separate_fits():
    treated, peers = _peers_and_treated(seed=32, injected=dict.fromkeys(
        ["pre_level_difference", "pre_slope_difference", "level_change_difference",
         "slope_change_difference"], 0.5))  # fmt: skip
    control = peers.mean(axis=1)
    result = controlled_its(treated, peers, INTERVENTION)
    alone_t = segmented_regression(treated, INTERVENTION).coefficients
    alone_c = segmented_regression(control, INTERVENTION).coefficients
    pairs = zip(
        ("baseline_level", "pre_slope", "level_change", "slope_change"),
        ("pre_level_difference", "pre_slope_difference", "level_change_difference",
         "slope_change_difference"),
        strict=True,
    )  # fmt: skip
    for own, diff in pairs:
        expected = alone_t[own].estimate - alone_c[own].estimate
        assert result.differences[diff].estimate == pytest.approx(expected)
        assert result.treated[own].estimate == pytest.approx(alone_t[own].estimate)
        assert result.control[own].estimate == pytest.approx(alone_c[own].estimate)


def test_controlled_its_can_compare_with_each_peer_and_with_ar_errors():
    injected = dict.fromkeys(
        ["pre_level_difference", "pre_slope_difference", "level_change_difference"], 0.0
    )
    injected["slope_change_difference"] = 0.15
    treated, peers = _peers_and_treated(seed=33, injected=injected)
    each = controlled_its(treated, peers, INTERVENTION, combine="each")
    assert set(each) == set(peers.columns)
    ar = controlled_its(treated, peers, INTERVENTION, errors="ar")
    c = ar.differences["slope_change_difference"]
    assert c.ci_low <= 0.15 <= c.ci_high and c.p_value < 0.05


def test_controlled_its_rejects_bad_input():
    treated, peers = _peers_and_treated(seed=34, injected=dict.fromkeys(
        ["pre_level_difference", "pre_slope_difference", "level_change_difference",
         "slope_change_difference"], 0.0))  # fmt: skip
    with pytest.raises(ValueError, match="combine"):
        controlled_its(treated, peers, INTERVENTION, combine="median")
    with pytest.raises(ValueError, match="Series or DataFrame"):
        controlled_its(treated, peers.to_numpy(), INTERVENTION)
    bad = peers.astype(object)
    bad.iloc[3, 2] = "n/a"
    with pytest.raises(ValueError, match="non-numeric"):
        controlled_its(treated, bad, INTERVENTION)
    with pytest.raises(ValueError, match="too few points in controls"):
        controlled_its(treated, peers.iloc[:29], INTERVENTION)
    with pytest.raises(ValueError, match="outside the series"):
        controlled_its(treated, peers, "2012-01")


# --------------------------------------------------------------------------- (f) property


@settings(max_examples=40, deadline=None)
@given(
    shift=st.floats(min_value=-1000, max_value=1000, allow_nan=False, allow_infinity=False),
    seed=st.integers(min_value=0, max_value=10_000),
    seasonality=st.sampled_from([None, "month", "fourier"]),
    errors=st.sampled_from(["ols", "hac"]),
)
def test_adding_a_constant_changes_only_the_intercept(shift, seed, seasonality, errors):
    series, _ = _synthetic(seed=seed, phi=0.4)
    base = segmented_regression(series, INTERVENTION, seasonality=seasonality, errors=errors)
    moved = segmented_regression(
        series + shift, INTERVENTION, seasonality=seasonality, errors=errors
    )
    b, m = base.coefficients, moved.coefficients
    assert m["baseline_level"].estimate == pytest.approx(
        b["baseline_level"].estimate + shift, abs=1e-6
    )
    for term in ("pre_slope", "level_change", "slope_change"):
        assert m[term].estimate == pytest.approx(b[term].estimate, abs=1e-7)
        assert m[term].std_error == pytest.approx(b[term].std_error, rel=1e-6, abs=1e-9)
    for term, c in base.seasonal_coefficients.items():
        assert moved.seasonal_coefficients[term].estimate == pytest.approx(c.estimate, abs=1e-7)
