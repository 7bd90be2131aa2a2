"""Tests for XmR charts with Making Data Count rules, icons, recalculation and the run-chart fallback."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from impact.analysis.spc import xmr

# The real NHS England file shipped with the repository (data/README.md says where it is from).
AE_CSV = Path(__file__).resolve().parents[3] / "data" / "ae_attendances.csv"

# 16 stable points: mean 11, every moving range 2, so UPL/LPL = 11 ± 5.32 = 16.32 / 5.68 and
# the 2-sigma lines are 11 ± 3.5467 = 14.5467 / 7.4533. It ends below the mean on purpose.
STABLE = [12.0, 10.0] * 8


def _flagged(result):
    return [i for i, flag in enumerate(result.special_cause) if flag]


def test_textbook_series_gives_hand_computed_limits_and_no_signals():
    values = [5, 7, 6, 8, 6, 5, 7, 6, 8, 7, 5, 6, 7, 6, 8, 7]
    # sum 104 / 16 = 6.5; moving ranges 2,1,2,2,1,2,1,2,1,2,1,1,1,2,1 sum 22 / 15 = 1.4667
    # UPL = 6.5 + 2.66 × 22/15 = 10.40133; LPL = 2.59867
    result = xmr(values)

    assert result.chart == "xmr"
    assert result.limits.mean == pytest.approx(6.5)
    assert result.limits.mean_moving_range == pytest.approx(22 / 15)
    assert result.limits.upl == pytest.approx(10.401333, abs=1e-6)
    assert result.limits.lpl == pytest.approx(2.598667, abs=1e-6)
    assert result.limits.upper_two_sigma == pytest.approx(6.5 + 2 / 3 * 2.66 * 22 / 15)
    assert result.moving_ranges[0] != result.moving_ranges[0]  # NaN: no range for point 0
    assert result.moving_ranges[1:4] == (2.0, 1.0, 2.0)
    assert set(result.variation) == {"common_cause"}
    assert result.variation_icon == "common_cause"


def test_a_point_beyond_the_upper_limit_is_special_cause_improvement_when_higher_is_better():
    result = xmr([*STABLE, 11, 17, 11], baseline=16, improvement="increase")

    assert result.beyond_limits[17] is True
    assert _flagged(result) == [17]
    assert result.variation[17] == "special_cause_improvement"
    assert result.direction[17] == "high"
    assert result.limits.upl == pytest.approx(16.32)


def test_the_same_high_point_is_a_concern_when_lower_is_better():
    result = xmr([*STABLE, 11, 17], baseline=16, improvement="decrease")

    assert result.variation[17] == "special_cause_concern"
    assert result.variation_icon == "concern_high"


def test_without_an_improvement_direction_special_cause_is_neither():
    result = xmr([*STABLE, 11, 4], baseline=16)

    assert result.variation[17] == "special_cause_neither"
    assert result.variation_icon == "neither_low"


def test_seven_points_on_one_side_of_the_mean_make_a_run():
    result = xmr([*STABLE, *[11.5] * 7], baseline=16, improvement="increase")

    assert _flagged(result) == list(range(16, 23))
    assert all(result.run[16:23])
    assert set(result.variation[16:]) == {"special_cause_improvement"}
    assert result.variation_icon == "improvement_high"


def test_six_points_on_one_side_are_a_run_only_when_run_length_is_six():
    values = [*STABLE, *[11.5] * 6]  # STABLE ends below the mean, so the run is exactly six

    assert _flagged(xmr(values, baseline=16)) == []
    six = xmr(values, baseline=16, run_length=6, improvement="decrease")
    assert _flagged(six) == list(range(16, 22))
    assert set(six.variation[16:]) == {"special_cause_concern"}


def test_a_point_on_the_mean_breaks_a_run():
    values = [*STABLE, 11.5, 11.5, 11.5, 11.0, 11.5, 11.5, 11.5, 11.5]

    assert not any(xmr(values, baseline=16).run)


def test_seven_consecutive_increases_make_a_trend_classified_by_its_direction():
    # 8..14 all inside the 2-sigma lines; 8, 9, 10 are below the mean but part of a rising trend
    result = xmr([*STABLE, 8, 9, 10, 11, 12, 13, 14], baseline=16, improvement="increase")

    assert _flagged(result) == list(range(16, 23))
    assert all(result.trend[16:23])
    assert not any(result.run)
    assert result.direction[16] == "high"
    assert set(result.variation[16:]) == {"special_cause_improvement"}


def test_six_point_trend_needs_trend_length_six():
    values = [*STABLE, 14, 13, 12, 11, 10, 9]

    assert not any(xmr(values, baseline=16).trend)
    six = xmr(values, baseline=16, trend_length=6, improvement="increase")
    assert _flagged(six) == list(range(16, 22))
    assert set(six.variation[16:]) == {"special_cause_concern"}


def test_a_tie_breaks_a_trend():
    values = [*STABLE, 8, 9, 10, 10, 11, 12, 13]

    assert not any(xmr(values, baseline=16).trend)


def test_two_of_three_points_beyond_two_sigma_flag_those_two_points():
    result = xmr([*STABLE, 15, 11, 15, 11], baseline=16, improvement="decrease")

    assert _flagged(result) == [16, 18]
    assert result.two_of_three[16] and result.two_of_three[18]
    assert not result.beyond_limits[16]
    assert result.variation[16] == "special_cause_concern"


def test_two_points_beyond_two_sigma_but_four_apart_are_not_a_signal():
    result = xmr([*STABLE, 15, 11, 11, 15, 11], baseline=16)

    assert not any(result.two_of_three)


def test_two_of_three_must_be_on_the_same_side():
    result = xmr([*STABLE, 15, 7, 11], baseline=16)

    assert not any(result.two_of_three)


def test_recalculating_after_a_change_point_gives_each_segment_its_own_limits():
    values = [9.0, 11.0] * 10 + [19.0, 21.0] * 10

    single = xmr(values)
    split = xmr(values, recalculate_at=[20])

    assert any(single.run)
    assert len(split.segments) == 2
    first, second = (segment.limits for segment in split.segments)
    assert (first.mean, first.mean_moving_range) == pytest.approx((10.0, 2.0))
    assert (second.mean, second.mean_moving_range) == pytest.approx((20.0, 2.0))
    assert second.upl == pytest.approx(25.32)
    assert np.isnan(split.moving_ranges[20])  # no moving range across the change point
    assert _flagged(split) == []
    assert split.to_frame()["segment"].tolist() == [0] * 20 + [1] * 20


def test_screening_excludes_extreme_moving_ranges_from_the_limits():
    values = [*STABLE]
    values[8] = 40.0
    # 10, 40, 10 around point 8: moving ranges are 13 of 2 and two of 30 → mean 86/15 = 5.733;
    # 3.267 × 5.733 = 18.73, so both 30s are screened out and the mean becomes 26/13 = 2.
    # The mean of the values is (176 − 12 + 40) / 16 = 204/16.
    plain = xmr(values)
    screened = xmr(values, screen_moving_ranges=True)

    assert plain.limits.mean_moving_range == pytest.approx(86 / 15)
    assert screened.limits.mean_moving_range == pytest.approx(2.0)
    assert screened.limits.moving_ranges_screened_out == 2
    assert screened.limits.mean == pytest.approx(204 / 16)
    assert screened.limits.upl == pytest.approx(204 / 16 + 5.32)
    assert screened.beyond_limits[8]
    assert any("screened out" in note for note in screened.notes)


def test_baseline_slice_fixes_limits_on_those_points_and_extends_them():
    values = [*STABLE, *[30.0, 31.0] * 5]

    result = xmr(values, baseline=slice(0, 16))

    assert result.limits.mean == pytest.approx(11.0)
    assert result.limits.points_used == 16
    assert all(result.beyond_limits[16:])


def test_fewer_than_min_points_gives_a_run_chart_without_limits():
    values = [3, 1, 4, 1, 5, 9, 2, 6, 5]

    result = xmr(values, improvement="increase", target=4)

    assert result.chart == "run"
    assert result.limits is None
    assert result.segments[0].mean == pytest.approx(36 / 9)
    assert result.segments[0].median == 4
    assert result.variation_icon is None
    assert result.assurance_icon is None
    assert set(result.variation) == {None}
    assert any("at least 15 points" in n and "9 points (6 more needed)" in n for n in result.notes)
    frame = result.to_frame()
    assert frame["upl"].isna().all()
    assert frame["mean"].tolist() == pytest.approx([4.0] * 9)


def test_a_short_last_segment_gets_no_limits_and_a_note():
    values = [9.0, 11.0] * 10 + [19.0, 21.0] * 3

    result = xmr(values, recalculate_at=[20])

    assert result.chart == "xmr"
    assert result.segments[0].limits is not None
    assert result.segments[1].limits is None
    assert result.limits is None
    assert result.variation[19] == "common_cause"
    assert result.variation[20] is None
    assert any("segment 2 (points 20–25)" in n and "9 more needed" in n for n in result.notes)


def test_assurance_is_pass_when_both_limits_meet_the_target():
    # limits 5.68 to 16.32
    assert xmr(STABLE, improvement="increase", target=5).assurance_icon == "pass"
    assert xmr(STABLE, improvement="decrease", target=17).assurance_icon == "pass"


def test_assurance_is_fail_when_neither_limit_meets_the_target():
    assert xmr(STABLE, improvement="increase", target=17).assurance_icon == "fail"
    assert xmr(STABLE, improvement="decrease", target=5).assurance_icon == "fail"


def test_assurance_is_inconsistent_when_the_target_lies_between_the_limits():
    assert xmr(STABLE, improvement="increase", target=11).assurance_icon == "inconsistent"
    assert xmr(STABLE, improvement="decrease", target=16.32).assurance_icon == "inconsistent"


def test_a_target_without_a_direction_gives_no_assurance_and_says_why():
    result = xmr(STABLE, target=11)

    assert result.assurance_icon is None
    assert any("improvement direction" in note for note in result.notes)


def test_to_frame_has_one_row_per_point_with_limits_and_flags():
    periods = pd.date_range("2020-01-01", periods=18, freq="MS")
    result = xmr([*STABLE, 11, 17], periods=periods, baseline=16, improvement="increase")

    frame = result.to_frame()

    assert len(frame) == 18
    assert list(frame.columns[:4]) == ["period", "value", "segment", "mean"]
    assert {"upl", "lpl", "mr", "beyond_limits", "run", "trend", "two_of_three"} <= set(frame)
    assert frame.loc[17, "variation"] == "special_cause_improvement"
    assert frame["upl"].eq(result.limits.upl).all()


def test_to_dict_is_json_safe_with_dates_and_missing_moving_ranges():
    periods = pd.date_range("2020-01-01", periods=16, freq="MS")
    payload = json.loads(json.dumps(xmr(STABLE, periods=periods, target=3).to_dict()))

    assert payload["points"][0]["period"] == "2020-01-01T00:00:00"
    assert payload["points"][0]["mr"] is None
    assert payload["limits"]["upl"] == pytest.approx(16.32)
    assert payload["chart"] == "xmr"


def test_missing_values_are_refused_with_their_position():
    with pytest.raises(ValueError, match=r"values\[2\] is missing"):
        xmr([1.0, 2.0, float("nan"), 3.0])


def test_non_numeric_values_are_refused_with_their_position():
    with pytest.raises(ValueError, match=r"values\[1\] is 'x'"):
        xmr([1.0, "x"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"run_length": 8}, "run_length must be 7"),
        ({"trend_length": 5}, "trend_length must be 7"),
        ({"improvement": "up"}, "improvement must be"),
        ({"recalculate_at": [0]}, "outside 1..15"),
        ({"recalculate_at": [10, 5]}, "strictly increasing"),
        ({"baseline": 1}, "at least 2"),
        ({"baseline": slice(0, 8), "recalculate_at": [8]}, "cannot be combined"),
        ({"periods": [1, 2, 3]}, "one label per value; got 3 for 16"),
        ({"periods": list(range(16))[::-1]}, "strictly increasing"),
        ({"target": float("inf")}, "target must be a finite number"),
    ],
)
def test_bad_options_are_refused_with_a_clear_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        xmr(STABLE, **kwargs)


def test_real_four_hour_performance_for_bhrut_gives_a_sensible_chart():
    ae = pd.read_csv(AE_CSV, dtype={"org_code": str, "type": str}, parse_dates=["period"])
    rf4 = ae[(ae["org_code"] == "RF4") & (ae["type"] == "1")].sort_values("period")
    performance = 1 - rf4["breaches"] / rf4["attendances"]

    result = xmr(
        performance.tolist(),
        periods=rf4["period"].tolist(),
        improvement="increase",
        target=0.95,
    )

    assert result.chart == "xmr"
    assert len(result.to_frame()) == 36
    limits = result.limits
    assert 0 < limits.lpl < limits.mean < limits.upl < 1
    assert limits.mean == pytest.approx(performance.mean())
    # 95% was never within reach: the upper limit sits below it.
    assert result.assurance_icon == "fail"
    # The winter 2018/19 collapse (55% in January 2019) falls below the lower limit: a concern.
    january = result.to_frame().set_index("period").loc["2019-01-01"]
    assert january["value"] == pytest.approx(0.552, abs=5e-4)
    assert january["beyond_limits"]
    assert january["variation"] == "special_cause_concern"
    assert result.variation_icon == "concern_low"
    json.dumps(result.to_dict())


series = st.lists(
    st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False), min_size=15, max_size=60
)


@settings(max_examples=150, deadline=None)
@given(series)
def test_limits_bracket_the_mean_and_only_flagged_points_are_special_cause(values):
    result = xmr(values, improvement="increase")

    limits = result.limits
    assert limits.lpl <= limits.upper_two_sigma or limits.mean_moving_range == 0
    assert limits.lpl <= limits.mean <= limits.upl
    for flagged, variation in zip(result.special_cause, result.variation, strict=True):
        assert (variation != "common_cause") == flagged


@settings(max_examples=100, deadline=None)
@given(series, st.integers(-1000, 1000))
def test_shifting_every_value_shifts_the_limits_and_keeps_the_signals(values, shift):
    values = [round(v, 3) for v in values]
    base = xmr(values)
    moved = xmr([v + shift for v in values])

    assert moved.limits.mean == pytest.approx(base.limits.mean + shift, abs=1e-6)
    assert moved.limits.mean_moving_range == pytest.approx(base.limits.mean_moving_range, abs=1e-6)
    assert moved.trend == base.trend


@settings(max_examples=100, deadline=None)
@given(series)
def test_mirroring_the_series_and_the_direction_keeps_each_classification(values):
    values = [round(v, 3) for v in values]
    up = xmr(values, improvement="increase")
    down = xmr([-v for v in values], improvement="decrease")

    assert up.variation == down.variation
    assert up.special_cause == down.special_cause
