"""ITS inference that holds up (#16): Stata-compatible Newey–West errors, placebo ranks, MDE.

Published values: Stata's own output, as recorded in statsmodels' test suite
(github.com/statsmodels/statsmodels):

- ``statsmodels/regression/tests/results/results_macro_ols_robust.py``, ``results_newey4``:
  ``newey g_realinv g_realgdp L.realint, lag(4)`` on statsmodels' ``macrodata`` (US quarterly
  macro data 1959Q1–2009Q3; g_x = 400·Δlog x), N = 202, df_r = 199;
- ``statsmodels/stats/tests/results/results_panelrobust.py``, ``cov_pnw4_stata``: panel
  Newey–West (lag 4) of ``invest`` on ``value`` and ``capital`` on the Grunfeld data (the first
  10 firms × 20 years, as the Stata example had them).

Both data sets ship with statsmodels (``statsmodels.datasets``), so the inputs are the published
ones. Linden's (2015) ``itsa`` output on the Proposition 99 data (California, 1970–2000) was
not found as text, so the n/(n − k) relation it shows (31 points, 4 parameters: Stata's errors
sqrt(31/27) ≈ 1.072 times statsmodels' uncorrected ones) is tested exactly instead, on a series
of that shape.
"""

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.datasets import grunfeld, macrodata

from impact.analysis import its
from impact.analysis.its import controlled_its, segmented_regression
from impact.analysis.permutation import (
    PLACEBO_TERMS,
    minimum_detectable_effect,
    placebo_its,
    placebo_rank,
)

# Stata 'newey g_realinv g_realgdp L.realint, lag(4)': b, se, p (results_newey4.params_table)
STATA_NEWEY4 = {
    "g_realgdp": (4.3742216647032, 0.33125644884286, 5.282334606e-29),
    "L.realint": (-0.61399696947899, 0.29582347593197, 0.03922090940364),
    "_cons": (-9.4816727746549, 1.1859338087713, 1.036821797e-13),
}
# Stata panel Newey–West, lag 4, Grunfeld (value, capital, _cons): cov_pnw4_stata
STATA_PANEL_NW4 = np.array(
    [
        [0.0001305958131, -0.00022910455176, 0.00889686530849],
        [-0.00022910455176, 0.00468152667913, -0.88403667445531],
        [0.00889686530849, -0.88403667445531, 261.76140136858],
    ]
)


def _macro() -> tuple[np.ndarray, pd.DataFrame]:
    data = macrodata.load_pandas().data
    design = pd.DataFrame(
        {
            "g_realgdp": 400 * np.diff(np.log(data["realgdp"].to_numpy())),
            "L.realint": data["realint"].to_numpy()[:-1],
            "_cons": 1.0,
        }
    )
    return 400 * np.diff(np.log(data["realinv"].to_numpy())), design


def _fit(y, design, errors, lags, groups=None):
    # the fitting step every HAC model of impact.analysis.its goes through
    return its._fit(
        np.asarray(y, dtype=float),
        design,
        errors=errors,
        hac_lags=lags,
        ar_order=1,
        family="gaussian",
        offset=None,
        dispersion="pearson",
        groups=groups,
    )


# --------------------------------------------------------------------------- Newey–West


def test_hac_default_equals_stata_newey_on_its_published_macro_example():
    y, design = _macro()
    assert len(y) == 202
    fit = _fit(y, design, "hac", 4)
    assert fit.df_resid == 199
    for name, (b, se, p) in STATA_NEWEY4.items():
        coefficient = fit.coefficient(name, 0.05, "gaussian")
        assert coefficient.estimate == pytest.approx(b, rel=1e-9)
        assert coefficient.std_error == pytest.approx(se, rel=1e-8)
        assert coefficient.p_value == pytest.approx(p, rel=1e-6)


def test_hac_uncorrected_is_smaller_than_stata_by_the_small_sample_factor():
    y, design = _macro()
    fit = _fit(y, design, "hac_uncorrected", 4)
    factor = math.sqrt((202 - 3) / 202)
    for name, (_, se, _) in STATA_NEWEY4.items():
        assert fit.coefficient(name, 0.05, "gaussian").std_error == pytest.approx(
            se * factor, rel=1e-8
        )


def test_controlled_hac_equals_stata_panel_newey_on_the_grunfeld_example():
    data = grunfeld.load_pandas().data.iloc[:200]
    design = pd.DataFrame(
        {"value": data["value"].to_numpy(), "capital": data["capital"].to_numpy(), "_cons": 1.0}
    )
    groups = np.repeat(np.arange(10), 20)
    fit = _fit(data["invest"].to_numpy(), design, "hac", 4, groups=groups)
    np.testing.assert_allclose(fit.cov.to_numpy(), STATA_PANEL_NW4, rtol=1e-6)
    assert fit.df_resid == 197  # t on n - k, not groups - 1
    raw = _fit(data["invest"].to_numpy(), design, "hac_uncorrected", 4, groups=groups)
    np.testing.assert_allclose(raw.cov.to_numpy(), STATA_PANEL_NW4 * 197 / 200, rtol=1e-6)


def _newey_west_by_hand(X, resid, lags, blocks):
    """Second implementation: V = n/(n-k) (X'X)^-1 S (X'X)^-1, Bartlett weights, within blocks."""
    n, k = X.shape
    meat = np.zeros((k, k))
    for lo, hi in blocks:
        xe = X[lo:hi] * resid[lo:hi, None]
        meat += xe.T @ xe
        for lag in range(1, lags + 1):
            weight = 1 - lag / (lags + 1)
            gamma = xe[lag:].T @ xe[:-lag]
            meat += weight * (gamma + gamma.T)
    bread = np.linalg.inv(X.T @ X)
    return n / (n - k) * bread @ meat @ bread


def _series(n, seed, phi=0.6, start="2013-04", effect=0.0, t0=None):
    rng = np.random.default_rng(seed)
    noise = np.zeros(n)
    for i in range(1, n):
        noise[i] = phi * noise[i - 1] + rng.normal()
    t = np.arange(n)
    after = (t >= (t0 if t0 is not None else n // 2)).astype(float)
    return pd.Series(
        50 + 0.1 * t + effect * after + noise, index=pd.period_range(start, periods=n, freq="M")
    )


def test_its_hac_errors_equal_a_hand_written_newey_west_with_the_factor():
    series = _series(31, seed=5)
    intervention = series.index[19]
    result = segmented_regression(series, intervention, errors="hac")
    t = np.arange(31.0)
    after = (t >= 19).astype(float)
    X = np.column_stack([np.ones(31), t, after, (t - 19) * after])
    beta, *_ = np.linalg.lstsq(X, series.to_numpy(), rcond=None)
    lags = its.newey_west_lags(31)
    cov = _newey_west_by_hand(X, series.to_numpy() - X @ beta, lags, [(0, 31)])
    for i, term in enumerate(its.MAIN_TERMS):
        assert result.coefficients[term].std_error == pytest.approx(math.sqrt(cov[i, i]), rel=1e-9)
    assert result.settings["hac_small_sample"].startswith("n/(n - k)")
    assert result.settings["df_resid"] == 27


def test_thirty_one_points_and_four_parameters_stata_errors_are_about_7_percent_larger():
    series = _series(31, seed=8)
    intervention = series.index[19]
    stata = segmented_regression(series, intervention, errors="hac")
    plain = segmented_regression(series, intervention, errors="hac_uncorrected")
    assert plain.settings["hac_small_sample"].startswith("none")
    for term in its.MAIN_TERMS:
        ratio = stata.coefficients[term].std_error / plain.coefficients[term].std_error
        assert ratio == pytest.approx(math.sqrt(31 / 27), rel=1e-12)
        assert stata.coefficients[term].estimate == plain.coefficients[term].estimate
    assert math.sqrt(31 / 27) - 1 == pytest.approx(0.0715, abs=5e-4)


def test_controlled_hac_errors_equal_a_hand_written_panel_newey_west():
    treated = _series(40, seed=1)
    control = _series(40, seed=2)
    intervention = treated.index[20]
    result = controlled_its(treated, control, intervention, errors="hac")
    t = np.arange(40.0)
    after = (t >= 20).astype(float)
    base = np.column_stack([np.ones(40), t, after, (t - 20) * after])
    X = np.vstack([np.hstack([base, 0 * base]), np.hstack([base, base])])
    y = np.concatenate([control.to_numpy(), treated.to_numpy()])
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    cov = _newey_west_by_hand(X, y - X @ beta, its.newey_west_lags(40), [(0, 40), (40, 80)])
    for i, term in enumerate(its.DIFFERENCE_TERMS, start=4):
        assert result.differences[term].std_error == pytest.approx(math.sqrt(cov[i, i]), rel=1e-9)
        assert result.differences[term].estimate == pytest.approx(beta[i], rel=1e-9)


def test_unknown_error_model_names_the_choices():
    with pytest.raises(ValueError, match="'hac_uncorrected'"):
        segmented_regression(_series(31, seed=1), "2014-10", errors="newey")


# --------------------------------------------------------------------------- placebo ranks


def test_placebo_rank_counts_ties_against_the_real_effect():
    assert placebo_rank(5.0, [1.0, -2.0, 3.0]) == (1, 0.25)
    assert placebo_rank(-5.0, [1.0, 6.0, -5.0]) == (3, 0.75)
    assert placebo_rank(0.0, [0.0, 0.0]) == (3, 1.0)
    for bad in ([], [math.nan]):
        with pytest.raises(ValueError):
            placebo_rank(1.0, bad)


def _pool(m, seed, n=30, effect=0.0, t0=15):
    rng = np.random.default_rng(seed)
    index = pd.period_range("2014-01", periods=n, freq="M")
    t = np.arange(n)
    frame = pd.DataFrame(
        {f"P{j}": 40 + 0.2 * t + rng.normal(0, 1, n) for j in range(m + 1)}, index=index
    )
    treated = frame.pop("P0") + effect * (t >= t0)
    return treated, frame, index[t0]


def test_with_exchangeable_units_and_no_effect_the_rank_is_uniform():
    m, seeds = 3, 120
    counts = np.zeros(m + 1, dtype=int)
    for seed in range(seeds):
        treated, peers, intervention = _pool(m, seed, n=24, t0=12)
        result = placebo_its(
            treated, peers, intervention, errors="ols", terms=["level_change_difference"]
        )
        counts[result.terms["level_change_difference"].rank - 1] += 1
    # each rank expected 30 times; chi-square goodness of fit on 3 df
    assert counts.min() > 15, counts
    assert stats.chisquare(counts).pvalue > 0.01, counts


def test_a_big_real_effect_ranks_first_with_the_smallest_possible_p():
    treated, peers, intervention = _pool(6, seed=3, effect=20.0)
    result = placebo_its(treated, peers, intervention, errors="hac")
    level = result.terms["level_change_difference"]
    assert level.rank == 1 and level.n_placebos == 6
    assert level.p_value == level.min_p_value == pytest.approx(1 / 7)
    assert level.model_significant and not level.permutation_significant and level.disagree
    assert "cannot be below 1/7" in result.notes[0]
    # the leak of the real effect into each placebo's control is about -effect/m
    assert all(v == pytest.approx(-20 / 6, abs=2.0) for v in level.placebos.values())


def _by_hand(treated, peers, t0_position):
    """Second implementation: OLS of (unit - mean of the others) on 1, t, D, (t-T0)D."""
    pool = pd.concat([peers, treated.rename("treated")], axis=1).to_numpy()
    n = pool.shape[0]
    t = np.arange(n, dtype=float)
    after = (t >= t0_position).astype(float)
    X = np.column_stack([np.ones(n), t, after, (t - t0_position) * after])
    effects = []
    for u in range(pool.shape[1]):
        gap = pool[:, u] - np.delete(pool, u, axis=1).mean(axis=1)
        beta, *_ = np.linalg.lstsq(X, gap, rcond=None)
        effects.append(beta[2])
    *placebos, real = effects
    exceed = sum(abs(p) >= abs(real) for p in placebos)
    return real, placebos, (1 + exceed) / (1 + len(placebos))


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_placebo_estimates_rank_and_p_equal_a_second_implementation(seed):
    treated, peers, intervention = _pool(8, seed=seed, effect=1.0)
    result = placebo_its(treated, peers, intervention, errors="ols")
    level = result.terms["level_change_difference"]
    real, placebos, p = _by_hand(treated, peers, 15)
    assert level.estimate == pytest.approx(real, rel=1e-9)
    assert list(level.placebos.values()) == pytest.approx(placebos, rel=1e-9)
    assert level.p_value == pytest.approx(p)
    assert set(result.terms) == set(PLACEBO_TERMS)


def test_t_statistic_ranking_and_a_reused_real_fit_give_consistent_results():
    treated, peers, intervention = _pool(5, seed=4, effect=3.0)
    real = controlled_its(treated, peers, intervention, errors="hac")
    by_t = placebo_its(treated, peers, intervention, errors="hac", statistic="t", real=real)
    refit = placebo_its(treated, peers, intervention, errors="hac", statistic="t")
    for term in PLACEBO_TERMS:
        assert by_t.terms[term].rank == refit.terms[term].rank
        assert by_t.terms[term].estimate == real.differences[term].estimate


def test_a_peer_that_cannot_be_fitted_is_skipped_and_named():
    treated, peers, intervention = _pool(4, seed=5)
    peers.loc[peers.index[2:15], "P2"] = np.nan  # only two points before: too few
    result = placebo_its(treated, peers, intervention, errors="ols")
    assert "P2" in result.skipped and "too few points" in result.skipped["P2"]
    assert result.terms["level_change_difference"].n_placebos == 3
    assert "P2" not in result.units


def test_bad_placebo_input_gets_a_clear_error():
    treated, peers, intervention = _pool(3, seed=6)
    with pytest.raises(ValueError, match="one column per peer"):
        placebo_its(treated, peers.iloc[:, :0], intervention)
    with pytest.raises(ValueError, match="distinct"):
        placebo_its(treated, peers.rename(columns={"P1": "treated"}), intervention)
    with pytest.raises(ValueError, match="terms must be among"):
        placebo_its(treated, peers, intervention, terms=["baseline_level"])
    with pytest.raises(ValueError, match="statistic"):
        placebo_its(treated, peers, intervention, statistic="rank")
    with pytest.raises(ValueError, match="mean of the others"):
        placebo_its(treated, peers, intervention, combine="each")


def test_placebo_result_is_json_safe_and_carries_the_rules():
    treated, peers, intervention = _pool(3, seed=7, effect=2.0)
    payload = placebo_its(treated, peers, intervention, errors="hac").to_dict()
    json.dumps(payload, allow_nan=False)
    term = payload["terms"]["level_change_difference"]
    assert set(term) >= {"rank", "p_value", "model_p_value", "mde", "disagree", "placebos"}
    assert payload["rule"].startswith("p = (1 + #placebos")
    assert payload["df_resid"] == 60 - 8


# --------------------------------------------------------------------------- MDE


def test_mde_is_the_sum_of_the_two_quantiles_times_the_standard_error():
    assert minimum_detectable_effect(1.0) == pytest.approx(1.959964 + 0.841621, abs=1e-6)
    expected = stats.t.ppf(0.975, 20) + stats.t.ppf(0.8, 20)
    assert minimum_detectable_effect(2.5, 20) == pytest.approx(2.5 * expected)
    assert minimum_detectable_effect(1.0, 20, alpha=0.01, power=0.9) > expected
    for bad in ({"std_error": -1.0}, {"std_error": 1.0, "df": 0}, {"std_error": 1.0, "power": 1}):
        with pytest.raises(ValueError):
            minimum_detectable_effect(**bad)


@pytest.mark.parametrize("df", [10, 27, 60, 200])
def test_an_effect_of_the_mde_is_detected_with_about_80_percent_power(df):
    # second implementation: exact power of the two-sided t test from the noncentral t
    se = 1.7
    delta = minimum_detectable_effect(se, df) / se
    crit = stats.t.ppf(0.975, df)
    power = stats.nct.sf(crit, df, delta) + stats.nct.cdf(-crit, df, delta)
    assert power == pytest.approx(0.80, abs=0.01)


@pytest.mark.parametrize("errors", ["ols", "hac", "hac_uncorrected"])
def test_differences_only_fits_give_the_full_fits_differences(errors):
    treated, peers, intervention = _pool(3, seed=9, effect=1.5)
    full = controlled_its(treated, peers, intervention, errors=errors, seasonality="month")
    lean = controlled_its(
        treated, peers, intervention, errors=errors, seasonality="month", differences_only=True
    )
    assert lean.differences == full.differences
    assert lean.settings["df_resid"] == full.settings["df_resid"]
    assert lean.fitted.empty and lean.treated == {} and lean.summary_text == ""
