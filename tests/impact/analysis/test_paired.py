"""Tests for the paired and Welch t-tests against R, scipy and Table 7.3 of the evaluation."""

import json
import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from impact.analysis.paired import effect_size_r, paired_ttest, welch_ttest

# R's built-in `sleep` data (Student 1908): extra hours of sleep with drug 1 and drug 2.
SLEEP_GROUP1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_GROUP2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_paired_ttest_matches_r_on_the_sleep_data():
    # R: with(sleep, t.test(extra[group == 1], extra[group == 2], paired = TRUE))
    result = paired_ttest(SLEEP_GROUP1, SLEEP_GROUP2)

    assert result.n == 10
    assert result.dropped == 0
    assert result.df == 9
    assert result.t == pytest.approx(-4.0621, abs=5e-5)
    assert result.p_value == pytest.approx(0.002833, abs=5e-7)
    assert result.mean_difference == pytest.approx(-1.58)
    assert result.ci_low == pytest.approx(-2.4598858, abs=5e-8)
    assert result.ci_high == pytest.approx(-0.7001142, abs=5e-8)
    assert result.baseline_mean == pytest.approx(0.75)
    assert result.post_mean == pytest.approx(2.33)


def test_paired_ttest_reports_standard_errors_of_each_side():
    result = paired_ttest(SLEEP_GROUP1, SLEEP_GROUP2)

    assert result.baseline_se == pytest.approx(np.std(SLEEP_GROUP1, ddof=1) / math.sqrt(10))
    assert result.post_se == pytest.approx(np.std(SLEEP_GROUP2, ddof=1) / math.sqrt(10))
    assert result.r == pytest.approx(math.sqrt(4.0621**2 / (4.0621**2 + 9)), abs=1e-4)


def test_paired_ttest_agrees_with_scipy_ttest_rel():
    rng = np.random.default_rng(7)
    baseline = rng.lognormal(5, 1, size=40)
    post = baseline * rng.uniform(0.2, 1.1, size=40)

    result = paired_ttest(baseline.tolist(), post.tolist())
    reference = stats.ttest_rel(baseline, post)

    assert result.t == pytest.approx(reference.statistic)
    assert result.p_value == pytest.approx(reference.pvalue)
    low, high = reference.confidence_interval(0.95)
    assert (result.ci_low, result.ci_high) == pytest.approx((low, high))


def test_paired_ttest_drops_pairs_with_a_missing_side_and_reports_how_many():
    baseline = [*SLEEP_GROUP1, None, 5.0, float("nan")]
    post = [*SLEEP_GROUP2, 1.0, float("nan"), 2.0]

    result = paired_ttest(baseline, post)

    assert result.dropped == 3
    assert result.n == 10
    assert result.t == pytest.approx(-4.0621, abs=5e-5)


def test_paired_ttest_accepts_decimals_from_django_decimal_fields():
    result = paired_ttest([Decimal(str(v)) for v in SLEEP_GROUP1], SLEEP_GROUP2)

    assert result.t == pytest.approx(-4.0621, abs=5e-5)


def test_paired_ttest_to_dict_is_json_safe_and_complete():
    payload = paired_ttest(SLEEP_GROUP1, SLEEP_GROUP2).to_dict()

    decoded = json.loads(json.dumps(payload))
    assert decoded["df"] == 9
    assert decoded["dropped"] == 0
    assert set(decoded) >= {"t", "p_value", "r", "ci_low", "ci_high", "baseline_se", "post_se"}


def test_paired_ttest_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same length.*3 baseline and 2 post"):
        paired_ttest([1, 2, 3], [1, 2])


def test_paired_ttest_needs_two_complete_pairs():
    with pytest.raises(ValueError, match="at least 2 complete pairs; got 1 .*2 pair"):
        paired_ttest([1.0, None, 3.0], [2.0, 4.0, None])


def test_paired_ttest_refuses_differences_with_zero_variance():
    with pytest.raises(ValueError, match="zero variance"):
        paired_ttest([5, 6, 7], [4, 5, 6])


def test_paired_ttest_names_the_index_of_a_non_numeric_value():
    with pytest.raises(ValueError, match=r"post\[2\] is 'n/a'"):
        paired_ttest([1, 2, 3], [1, 2, "n/a"])


def test_paired_ttest_refuses_booleans_and_infinities():
    with pytest.raises(ValueError, match=r"baseline\[0\] is True"):
        paired_ttest([True, 2, 3], [1, 2, 3])
    with pytest.raises(ValueError, match=r"baseline\[1\] is infinite"):
        paired_ttest([1, float("inf"), 3], [1, 2, 3])


def test_welch_ttest_matches_r_on_the_sleep_data():
    # R: t.test(extra ~ group, data = sleep): t = -1.8608, df = 17.776, p-value = 0.07939,
    # 95% CI -3.3654832 to 0.2054832
    result = welch_ttest(SLEEP_GROUP1, SLEEP_GROUP2)

    assert result.t == pytest.approx(-1.8608, abs=5e-5)
    assert result.df == pytest.approx(17.776, abs=5e-4)
    assert result.p_value == pytest.approx(0.07939, abs=5e-6)
    assert result.ci_low == pytest.approx(-3.3654832, abs=5e-8)
    assert result.ci_high == pytest.approx(0.2054832, abs=5e-8)


def test_welch_ttest_agrees_with_scipy_on_unequal_samples():
    rng = np.random.default_rng(11)
    a = rng.normal(10, 1, size=12)
    b = rng.normal(11, 4, size=31)

    result = welch_ttest(a.tolist(), b.tolist())
    reference = stats.ttest_ind(a, b, equal_var=False)

    assert result.t == pytest.approx(reference.statistic)
    assert result.p_value == pytest.approx(reference.pvalue)
    assert result.df == pytest.approx(reference.df)
    assert result.mean_difference == pytest.approx(a.mean() - b.mean())


def test_welch_ttest_drops_missing_values_per_sample():
    result = welch_ttest([*SLEEP_GROUP1, None], [float("nan"), *SLEEP_GROUP2, None])

    assert (result.n_a, result.n_b) == (10, 10)
    assert (result.dropped_a, result.dropped_b) == (1, 2)
    assert result.t == pytest.approx(-1.8608, abs=5e-5)


def test_welch_ttest_needs_two_values_in_each_sample():
    with pytest.raises(ValueError, match="b has 1"):
        welch_ttest([1, 2, 3], [4, None])


def test_welch_ttest_refuses_two_constant_samples():
    with pytest.raises(ValueError, match="zero variance"):
        welch_ttest([1, 1, 1], [2, 2])


@pytest.mark.parametrize(
    ("t", "df", "published_r"),
    [(4.077, 81, 0.413), (3.385, 53, 0.422), (12.768, 89, 0.804)],
)
def test_effect_size_r_reproduces_table_7_3(t, df, published_r):
    assert round(effect_size_r(t, df), 3) == published_r


def test_table_7_3_defects_p_value_is_about_0013_not_below_0001():
    # The report stars t(53) = 3.385 as p < .001; the two-sided p is about .0013.
    p_value = 2 * stats.t.sf(3.385, 53)

    assert p_value == pytest.approx(0.0013, abs=5e-5)


def test_effect_size_r_rejects_non_positive_df():
    with pytest.raises(ValueError, match="df must be positive"):
        effect_size_r(2.0, 0)


pairs = st.lists(
    st.tuples(
        st.floats(-1e4, 1e4, allow_nan=False, allow_subnormal=False),
        st.floats(-1e4, 1e4, allow_nan=False, allow_subnormal=False),
    ),
    min_size=2,
    max_size=40,
)


def _usable(data):
    differences = np.array([b - p for b, p in data])
    return np.std(differences, ddof=1) > 1e-6 * max(1.0, np.abs(differences).max())


@settings(max_examples=200, deadline=None)
@given(pairs)
def test_effect_size_r_is_always_between_zero_and_one(data):
    assume(_usable(data))
    baseline, post = zip(*data, strict=True)

    result = paired_ttest(list(baseline), list(post))

    assert 0.0 <= result.r <= 1.0
    assert 0.0 <= result.p_value <= 1.0
    assert result.df == len(data) - 1
    assert result.ci_low <= result.mean_difference <= result.ci_high


@settings(max_examples=200, deadline=None)
@given(pairs)
def test_swapping_baseline_and_post_flips_the_sign_of_t_only(data):
    assume(_usable(data))
    baseline, post = zip(*data, strict=True)

    forward = paired_ttest(list(baseline), list(post))
    backward = paired_ttest(list(post), list(baseline))

    assert backward.t == pytest.approx(-forward.t)
    assert backward.p_value == pytest.approx(forward.p_value)
    assert backward.r == pytest.approx(forward.r)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=2, max_size=30),
    st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=2, max_size=30),
)
def test_welch_ttest_swapping_samples_flips_t_and_keeps_df(a, b):
    assume(np.std(a, ddof=1) > 1e-3 or np.std(b, ddof=1) > 1e-3)

    forward = welch_ttest(a, b)
    backward = welch_ttest(b, a)

    assert backward.t == pytest.approx(-forward.t)
    assert backward.df == pytest.approx(forward.df)
    assert 0.0 <= forward.r <= 1.0
