"""Tests for the SPC family: P, P′, U, U′, C, G, T charts, run charts and funnel plots.

Each chart is checked against a published worked example where one exists (Montgomery,
*Introduction to Statistical Quality Control*, 6th ed., Examples 7.1, 7.3 and 7.4) and against a
second implementation written here from the formulas (numpy, or plain Python enumeration).
"""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from impact.analysis.funnel import funnel
from impact.analysis.run_chart import anhoej_limits, run_chart, runs_limits
from impact.analysis.spc import xmr
from impact.analysis.spc_attribute import attribute_chart

# Montgomery Example 7.1: nonconforming orange-juice cans in 30 samples of 50.
CANS = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11, 20, 18, 24, 15,
        9, 12, 7, 13, 9, 6]  # fmt: skip
# Montgomery Example 7.3: nonconformities in 26 samples of 100 printed circuit boards.
BOARDS = [21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16, 19, 10, 17, 13, 22, 18, 39, 30, 24,
          16, 19, 17, 15]  # fmt: skip
# Montgomery Example 7.4: nonconformities in 20 samples of 5 personal computers.
COMPUTERS = [10, 12, 8, 14, 10, 16, 11, 7, 10, 15, 9, 5, 7, 11, 12, 6, 8, 10, 7, 5]


def _second_p(x, n, *, laney=False):
    """P (or P′) limits written again from Montgomery 7.8 and Laney (2002)."""
    x, n = np.asarray(x, float), np.asarray(n, float)
    p = x / n
    pbar = x.sum() / n.sum()
    sd = np.sqrt(pbar * (1 - pbar) / n)
    if laney:
        z = (p - pbar) / sd
        sd = sd * np.abs(np.diff(z)).mean() / 1.128
    return pbar, np.clip(pbar + 3 * sd, 0, 1), np.clip(pbar - 3 * sd, 0, 1)


def _second_u(c, n, *, laney=False):
    c, n = np.asarray(c, float), np.asarray(n, float)
    u = c / n
    ubar = c.sum() / n.sum()
    sd = np.sqrt(ubar / n)
    if laney:
        z = (u - ubar) / sd
        sd = sd * np.abs(np.diff(z)).mean() / 1.128
    return ubar, ubar + 3 * sd, np.maximum(ubar - 3 * sd, 0)


# ------------------------------------------------------------------ published examples


def test_the_p_chart_of_montgomerys_orange_juice_cans_has_the_published_limits():
    result = attribute_chart("p", CANS, [50] * 30)

    # Montgomery: p̄ = 347/1500 = 0.2313, UCL = 0.4102, LCL = 0.0524; samples 15 and 23 out.
    assert result.centre[0] == pytest.approx(0.2313, abs=5e-5)
    assert result.upl[0] == pytest.approx(0.4102, abs=5e-5)
    assert result.lpl[0] == pytest.approx(0.0524, abs=5e-5)
    assert [i + 1 for i, out in enumerate(result.beyond_limits) if out] == [15, 23]


def test_the_c_chart_of_montgomerys_circuit_boards_has_the_published_limits():
    result = attribute_chart("c", BOARDS)

    # Montgomery: c̄ = 516/26 = 19.85, UCL = 33.22, LCL = 6.48 (computed from c̄ rounded to
    # 19.85; unrounded 33.211 and 6.481); samples 6 and 20 out.
    assert result.centre[0] == pytest.approx(516 / 26)
    assert result.upl[0] == pytest.approx(33.22, abs=0.01)
    assert result.lpl[0] == pytest.approx(6.48, abs=0.01)
    assert [i + 1 for i, out in enumerate(result.beyond_limits) if out] == [6, 20]


def test_the_u_chart_of_montgomerys_computers_has_the_published_limits():
    result = attribute_chart("u", COMPUTERS, [5] * 20)

    # Montgomery: ū = 1.93, UCL = 3.79, LCL = 0.07; in control.
    assert result.centre[0] == pytest.approx(1.93)
    assert result.upl[0] == pytest.approx(3.79, abs=5e-3)
    assert result.lpl[0] == pytest.approx(0.07, abs=5e-3)
    assert not any(result.beyond_limits)


# ------------------------------------------------------------------ varying denominators


def test_p_chart_limits_vary_with_each_denominator_as_a_second_implementation_computes():
    rng = np.random.default_rng(3)
    n = rng.integers(40, 400, 24)
    x = rng.binomial(n, 0.18)
    result = attribute_chart("p", x, n)
    pbar, ucl, lcl = _second_p(x, n)

    np.testing.assert_allclose(result.centre, pbar)
    np.testing.assert_allclose(result.upl, ucl)
    np.testing.assert_allclose(result.lpl, lcl)
    # the point with the largest denominator has the narrowest limits
    widths = np.array(result.upl) - np.array(result.lpl)
    assert int(np.argmin(widths)) == int(np.argmax(n))


def test_laney_p_prime_widens_the_limits_by_sigma_z_when_the_data_are_over_dispersed():
    rng = np.random.default_rng(4)
    n = rng.integers(5000, 20000, 30)
    # A proportion that wanders from month to month: far more spread than binomial.
    x = rng.binomial(n, np.clip(0.3 + rng.normal(0, 0.02, 30), 0, 1))
    p = attribute_chart("p", x, n)
    laney = attribute_chart("pp", x, n)
    pbar, ucl, lcl = _second_p(x, n, laney=True)

    np.testing.assert_allclose(laney.upl, ucl)
    np.testing.assert_allclose(laney.lpl, lcl)
    assert laney.sigma_z[0] > 3
    assert sum(p.beyond_limits) > 5  # the plain P chart calls most months special
    assert sum(laney.beyond_limits) < sum(p.beyond_limits)


def test_laney_sigma_z_is_close_to_one_for_binomial_data():
    rng = np.random.default_rng(5)
    n = rng.integers(100, 1000, 200)
    x = rng.binomial(n, 0.2)
    result = attribute_chart("pp", x, n)

    assert result.sigma_z[0] == pytest.approx(1.0, abs=0.12)


def test_u_and_u_prime_limits_match_a_second_implementation():
    rng = np.random.default_rng(6)
    exposure = rng.uniform(800, 3000, 20)
    counts = rng.poisson(exposure * 0.004 * rng.lognormal(0, 0.3, 20))
    for chart, laney in (("u", False), ("up", True)):
        result = attribute_chart(chart, counts, exposure)
        ubar, ucl, lcl = _second_u(counts, exposure, laney=laney)
        np.testing.assert_allclose(result.centre, ubar)
        np.testing.assert_allclose(result.upl, ucl)
        np.testing.assert_allclose(result.lpl, lcl)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 60), st.integers(1, 60)).map(lambda t: (min(t), max(t))),
        min_size=15,
        max_size=40,
    )
)
def test_p_prime_always_matches_the_second_implementation(pairs):
    x = [a for a, _ in pairs]
    n = [b for _, b in pairs]
    pbar = sum(x) / sum(n)
    if pbar in (0, 1):
        return
    result = attribute_chart("pp", x, n)
    _, ucl, lcl = _second_p(x, n, laney=True)
    np.testing.assert_allclose(result.upl, ucl, atol=1e-12)
    np.testing.assert_allclose(result.lpl, lcl, atol=1e-12)


# ------------------------------------------------------------------ rare events


def test_the_g_chart_uses_geometric_limits_around_the_mean_and_the_median_as_centre():
    gaps = [40, 12, 75, 33, 8, 51, 120, 19, 44, 61, 5, 90, 27, 38, 70, 15, 300]
    result = attribute_chart("g", gaps)
    gbar = np.mean(gaps)

    assert result.centre[0] == pytest.approx(np.median(gaps))
    assert result.upl[0] == pytest.approx(gbar + 3 * math.sqrt(gbar * (gbar + 1)))
    assert result.lpl[0] == 0
    assert result.beyond_limits[-1] is True  # 300 cases without a fall: better than usual
    assert attribute_chart("g", gaps, improvement="increase").variation[-1] == (
        "special_cause_improvement"
    )


def test_the_t_chart_transforms_times_by_the_power_1_over_3_6_and_back():
    days = [12.0, 30, 5, 44, 21, 9, 60, 17, 25, 8, 33, 41, 15, 28, 19, 400]
    result = attribute_chart("t", days)
    # Second implementation (qicharts2's qic.t and qic.i): I chart of y = t^(1/3.6).
    w = np.array(days) ** (1 / 3.6)
    mr = np.abs(np.diff(w))
    mr = mr[mr < 3.267 * mr.mean()]
    s = mr.mean() / 1.128

    assert result.centre[0] == pytest.approx(w.mean() ** 3.6)
    assert result.upl[0] == pytest.approx((w.mean() + 3 * s) ** 3.6)
    assert result.lpl[0] == pytest.approx(max(w.mean() - 3 * s, 0) ** 3.6)
    assert result.beyond_limits[-1] is True


# ------------------------------------------------------------------ rules, baselines, errors


def test_a_run_of_seven_above_the_centre_on_a_p_chart_is_an_improvement_when_higher_is_better():
    n = [100] * 24
    x = [20, 22, 18, 21, 19, 20, 22, 18, 20, 21, 19, 20, 18, 22, 20, 24, 25, 24, 26, 25, 24, 25,
         26, 24]  # fmt: skip
    result = attribute_chart("p", x, n, improvement="increase", baseline=15)

    assert result.run[15:] == (True,) * 9
    assert result.variation[-1] == "special_cause_improvement"
    assert result.variation_icon == "improvement_high"


def test_a_fixed_baseline_per_segment_computes_the_limits_from_those_points_only():
    values = [10.0, 12.0] * 10 + [20.0, 22.0] * 10
    fixed = xmr(values, recalculate_at=[20], baseline={20: 16})
    both = attribute_chart("c", values, recalculate_at=[20], baseline={20: 16})

    assert fixed.segments[1].limits.points_used == 16
    assert fixed.segments[0].limits.points_used == 20
    assert both.centre[25] == pytest.approx(np.mean(values[20:36]))
    assert fixed.parameters["baseline"] == {"20": 16}


def test_a_segment_with_too_few_points_has_no_limits_and_says_how_many_more_are_needed():
    result = attribute_chart("c", [3, 4, 5, 4, 3])

    assert not result.has_limits
    assert "10 more needed" in result.notes[0]
    assert result.variation_icon is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("p", [5, 12], [10, 10]), "exceeds its denominator"),
        (("p", [5, 6]), "needs a denominator"),
        (("c", [5, 6], [1, 1]), "takes no denominators"),
        (("u", [5, 6], [1, 0]), "not above zero"),
        (("c", [5, -1]), "negative"),
        (("t", [5, 0]), "above zero"),
        (("c", [5, None]), "missing"),
        (("x", [5]), "chart must be one of"),
    ],
)
def test_bad_input_gets_a_clear_error(args, message):
    with pytest.raises(ValueError, match=message):
        attribute_chart(*args)


def test_a_p_chart_to_dict_is_json_safe():
    import json

    result = attribute_chart("pp", CANS, [50] * 30, periods=list(range(30)), target=0.3,
                             improvement="decrease")  # fmt: skip
    text = json.dumps(result.to_dict())

    assert '"chart": "pp"' in text
    assert result.assurance_icon == "inconsistent"


# ------------------------------------------------------------------ run charts


def _brute_force_runs_distribution(n):
    n1 = n // 2
    counts = {}
    for ones in itertools.combinations(range(n), n1):
        seq = [1 if i in ones else 0 for i in range(n)]
        runs = 1 + sum(a != b for a, b in itertools.pairwise(seq))
        counts[runs] = counts.get(runs, 0) + 1
    total = sum(counts.values())
    return {r: c / total for r, c in counts.items()}


@pytest.mark.parametrize("n", [10, 11, 12, 13, 14])
def test_the_runs_limits_match_a_brute_force_enumeration(n):
    dist = _brute_force_runs_distribution(n)
    lower, upper = runs_limits(n)

    assert sum(p for r, p in dist.items() if r < lower) <= 0.025
    assert sum(p for r, p in dist.items() if r <= lower) > 0.025
    assert sum(p for r, p in dist.items() if r > upper) <= 0.025
    assert sum(p for r, p in dist.items() if r >= upper) > 0.025


@pytest.mark.parametrize("n", [10, 13, 20, 24, 30, 50, 100])
def test_the_anhoej_limits_follow_schilling_and_the_binomial_5th_percentile(n):
    longest, crossings = anhoej_limits(n)
    # Second implementation: the 5th percentile of Binomial(n − 1, ½) by summing the pmf.
    cumulative, k = 0.0, 0
    while True:
        cumulative += math.comb(n - 1, k) / 2 ** (n - 1)
        if cumulative >= 0.05:
            break
        k += 1

    assert crossings == k
    assert longest == round(math.log2(n)) + 3


def test_anhoej_limits_for_24_useful_observations_are_8_and_8():
    # qicharts2 vignette's table of critical values: n = 24 → longest run 8, crossings 8.
    assert anhoej_limits(24) == (8, 8)


def test_a_long_run_after_a_change_is_a_shift_and_points_on_the_median_are_not_useful():
    values = [5, 6, 4, 5, 6, 4, 5, 6, 4, 5, 5, 5, 8, 9, 8, 9, 8, 9, 8, 9, 9, 8]
    result = run_chart(values, baseline=12)

    assert result.median == 5
    assert result.useful_observations == len(values) - 6  # six 5s lie on the median
    assert result.longest_run == 10
    assert result.signal
    assert result.shift[12:] == (True,) * 10
    assert "shift" in result.signals[0]


def test_ihi_rules_find_a_trend_of_five_and_too_few_runs():
    values = [10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 6, 7, 8, 9, 10, 14, 15, 13, 14, 16]
    result = run_chart(values, rules="ihi")

    assert result.trend[10:15] == (True,) * 5
    assert any(s.startswith("trend") for s in result.signals)


def test_random_noise_gives_no_run_chart_signal():
    rng = np.random.default_rng(11)
    result = run_chart(list(rng.normal(0, 1, 24)))

    assert result.signals == ()
    assert result.crossings >= result.crossings_min


def test_a_run_chart_with_too_few_useful_points_is_not_judged():
    result = run_chart([1, 2, 3])

    assert result.signals == ()
    assert "not judged" in result.notes[0]


# ------------------------------------------------------------------ funnel plots


def _second_funnel(y, n, adjustment):
    y, n = np.asarray(y, float), np.asarray(n, float)
    theta = y.sum() / n.sum()
    s = np.sqrt(theta * (1 - theta) / n)
    z = (y / n - theta) / s
    q10, q90 = np.quantile(z, [0.1, 0.9])
    phi = np.mean(np.clip(z, q10, q90) ** 2)
    w = 1 / s**2
    tau2 = max(0.0, (len(z) * phi - (len(z) - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    if adjustment == "multiplicative":
        spread = np.sqrt(phi) * s
    elif adjustment == "additive":
        spread = np.sqrt(s**2 + tau2)
    else:
        spread = s
    return theta, phi, tau2, np.clip(theta + 3.090232 * spread, 0, 1), (y / n - theta) / spread


@pytest.mark.parametrize("adjustment", ["none", "multiplicative", "additive"])
def test_funnel_limits_and_overdispersion_match_a_second_implementation(adjustment):
    rng = np.random.default_rng(8)
    n = rng.integers(500, 20000, 25)
    y = rng.binomial(n, np.clip(0.85 + rng.normal(0, 0.02, 25), 0, 1))
    result = funnel(y, n, [f"T{i}" for i in range(25)], adjustment=adjustment)
    theta, phi, tau2, upper, z = _second_funnel(y, n, adjustment)

    assert result.target == pytest.approx(theta)
    assert result.phi == pytest.approx(phi)
    assert result.tau2 == pytest.approx(tau2)
    np.testing.assert_allclose([u.upper_998 for u in result.units], upper, rtol=1e-6)
    np.testing.assert_allclose([u.z_adjusted for u in result.units], z)


def test_overdispersed_trusts_get_random_effects_limits_and_fewer_outliers():
    rng = np.random.default_rng(9)
    n = rng.integers(500, 20000, 30)
    y = rng.binomial(n, np.clip(0.85 + rng.normal(0, 0.03, 30), 0, 1))
    plain = funnel(y, n, [str(i) for i in range(30)], adjustment="none")
    auto = funnel(y, n, [str(i) for i in range(30)])

    assert auto.overdispersed and auto.adjustment == "additive" and auto.tau2 > 0
    outside = sum(u.position != "within" for u in plain.units)
    assert sum(u.position != "within" for u in auto.units) < outside


def test_binomial_trusts_are_not_overdispersed_and_stay_inside_the_funnel():
    rng = np.random.default_rng(10)
    n = rng.integers(200, 5000, 20)
    y = rng.binomial(n, 0.3)
    result = funnel(y, n, [str(i) for i in range(20)])

    assert not result.overdispersed
    assert result.adjustment == "none"
    assert result.tau2 == 0 or result.phi > 1
    assert all(u.position not in ("above_998", "below_998") for u in result.units)


def test_a_funnel_of_rates_uses_the_poisson_standard_error():
    result = funnel([10, 40, 90], [1000, 4000, 9000], ["a", "b", "c"], kind="rate",
                    adjustment="none")  # fmt: skip

    assert result.target == pytest.approx(0.01)
    assert result.units[0].upper_95 == pytest.approx(0.01 + 1.959964 * math.sqrt(0.01 / 1000))


@pytest.mark.parametrize(
    ("y", "n", "message"),
    [
        ([5, 11], [10, 10], "exceeds its denominator"),
        ([5], [10], "at least two"),
        ([5, 6], [10, 0], "not above zero"),
        ([0, 0], [10, 10], "strictly between"),
    ],
)
def test_a_funnel_of_bad_input_gets_a_clear_error(y, n, message):
    with pytest.raises(ValueError, match=message):
        funnel(y, n, ["a", "b"][: len(y)])
