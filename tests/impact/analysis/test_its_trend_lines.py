"""The trend lines an ITS result stores for its small chart: the fitted segments and the
counterfactual (the pre-intervention trend carried on), checked against hand computations."""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from impact.analysis.its import segmented_regression


def test_the_counterfactual_is_the_pre_period_line_carried_on_as_computed_by_hand():
    # Four months before July 2015 and four from it on. With a level and a slope change free,
    # the pre-period line is the least-squares line through the first four points alone:
    # y = 1, 3, 2, 4 at t = 0..3 gives slope 4 / 5 = 0.8 and intercept 2.5 - 0.8 * 1.5 = 1.3;
    # the post points 10, 9, 12, 11 at t = 4..7 give slope 3 / 5 = 0.6 through (5.5, 10.5).
    series = pd.Series(
        [1.0, 3.0, 2.0, 4.0, 10.0, 9.0, 12.0, 11.0],
        index=pd.period_range("2015-03", periods=8, freq="M"),
    )
    result = segmented_regression(series, "2015-07")
    lines = result.fitted
    assert list(lines["t"]) == list(range(8))
    assert lines["counterfactual_trend"].to_numpy() == pytest.approx(
        [1.3, 2.1, 2.9, 3.7, 4.5, 5.3, 6.1, 6.9]
    )
    assert lines["fitted_trend"].to_numpy() == pytest.approx(
        [1.3, 2.1, 2.9, 3.7, 9.6, 10.2, 10.8, 11.4]
    )
    assert result.n_pre == 4
    record = result.to_dict()["fitted"][4]
    assert record["period"] == "2015-07" and record["observed"] == 10.0
    assert record["counterfactual_trend"] == pytest.approx(4.5)


def _seasonal_series(seed: int, missing: int | None = None) -> pd.Series:
    months = pd.period_range("2013-04", "2020-02", freq="M")
    t = np.arange(len(months), dtype=float)
    t0 = months.get_loc(pd.Period("2015-07", "M"))
    after = (t >= t0).astype(float)
    season = 2.0 * np.sin(2 * np.pi * months.month.to_numpy() / 12)
    rng = np.random.default_rng(seed)
    values = (
        80 + 0.05 * t + 2.0 * after + 0.1 * (t - t0) * after + season + rng.normal(0, 0.5, t.size)
    )
    series = pd.Series(values, index=months)
    if missing is not None:
        series.iloc[missing] = np.nan
    return series


def test_with_month_seasonality_the_trend_lines_leave_out_the_season_and_keep_calendar_time():
    series = _seasonal_series(seed=3, missing=40)  # one month missing after the intervention
    result = segmented_regression(series, "2015-07", seasonality="month", errors="hac")
    lines = result.fitted
    c = {term: coefficient.estimate for term, coefficient in result.coefficients.items()}
    t = lines["t"].to_numpy()
    post = t >= 27  # July 2015 is month 27 from April 2013
    assert str(lines.index[result.n_pre]) == "2015-07" and post.sum() == result.n_post
    # The gap keeps its place in calendar time: the point after it is month 41.
    assert lines.loc["2016-09", "t"] == 41 and "2016-08" not in lines.index
    # Hand computation from the stored coefficients: the counterfactual is b0 + b1 * t ...
    assert lines["counterfactual_trend"][post].to_numpy() == pytest.approx(
        c["baseline_level"] + c["pre_slope"] * t[post]
    )
    # ... the fitted trend adds b2 + b3 * (t - T0) after the intervention and equals it before.
    assert lines["fitted_trend"][post].to_numpy() == pytest.approx(
        c["baseline_level"]
        + c["pre_slope"] * t[post]
        + c["level_change"]
        + c["slope_change"] * (t[post] - 27)
    )
    assert lines["fitted_trend"][~post].to_numpy() == pytest.approx(
        lines["counterfactual_trend"][~post].to_numpy()
    )
    # What was left out is the month's seasonal term (deviation coding: December is minus the
    # sum of the other eleven).
    seasonal = {int(k.split("_")[1]): v.estimate for k, v in result.seasonal_coefficients.items()}
    seasonal[12] = -sum(seasonal.values())
    month = pd.PeriodIndex(lines.index, freq="M").month
    assert (lines["fitted"] - lines["fitted_trend"]).to_numpy() == pytest.approx(
        [seasonal[m] for m in month]
    )
    # And the lines are near the truth the series was made from (where the counterfactual
    # starts: carried 55 months on, the pre-slope's error grows with it).
    assert lines.loc["2015-07", "counterfactual_trend"] == pytest.approx(80 + 0.05 * 27, abs=0.6)
    assert lines.loc["2020-02", "fitted_trend"] == pytest.approx(
        80 + 0.05 * 82 + 2.0 + 0.1 * 55, abs=0.6
    )
    json.dumps(result.to_dict(), allow_nan=False)


def test_a_poisson_fit_gives_its_trend_lines_on_the_count_scale():
    series = _seasonal_series(seed=4).round()
    result = segmented_regression(series, "2015-07", family="poisson", seasonality="fourier")
    c = {term: coefficient.estimate for term, coefficient in result.coefficients.items()}
    t = result.fitted["t"].to_numpy()
    assert result.fitted["counterfactual_trend"].to_numpy() == pytest.approx(
        np.exp(c["baseline_level"] + c["pre_slope"] * t)
    )


@settings(max_examples=25, deadline=None)
@given(
    level=st.floats(-50, 50),
    slope=st.floats(-1, 1),
    change=st.floats(-10, 10),
    seed=st.integers(0, 10_000),
)
def test_after_the_intervention_the_counterfactual_is_always_b0_plus_b1_t(
    level, slope, change, seed
):
    rng = np.random.default_rng(seed)
    t = np.arange(36, dtype=float)
    values = level + slope * t + change * (t >= 18) + rng.normal(0, 1, t.size)
    series = pd.Series(values, index=pd.period_range("2014-01", periods=36, freq="M"))
    result = segmented_regression(series, "2015-07")
    c = {term: coefficient.estimate for term, coefficient in result.coefficients.items()}
    post = result.fitted.iloc[result.n_pre :]
    assert post["counterfactual_trend"].to_numpy() == pytest.approx(
        c["baseline_level"] + c["pre_slope"] * post["t"].to_numpy(), abs=1e-9
    )
