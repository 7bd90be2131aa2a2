"""Tests that the demo partnership series reproduce the report's Section 8.2 ITS directions."""

import numpy as np
import pandas as pd
import pytest

from impact.analysis.its import controlled_its, segmented_regression
from impact.demo.series import (
    DEFAULT_SEED,
    INTERVENTION,
    PARTNERS,
    check_expected_directions,
    expected_directions,
    generate_fft,
    generate_turnover,
    peer_groups,
    turnover_percent,
)


@pytest.fixture(scope="module")
def fft():
    return generate_fft()


@pytest.fixture(scope="module")
def turnover():
    return generate_turnover()


@pytest.fixture(scope="module")
def checks(fft, turnover):
    return {
        (c.direction.measure, c.direction.org_code, c.direction.analysis, c.direction.quantity): c
        for c in check_expected_directions(fft, turnover)
    }


def _wide(frame: pd.DataFrame, column: str = "value") -> pd.DataFrame:
    table = frame.pivot(index="period", columns="org_code", values=column)
    table.index = pd.DatetimeIndex(table.index).to_period("M")
    return table


DIRECTIONS = expected_directions()


@pytest.mark.parametrize(
    "direction",
    DIRECTIONS,
    ids=[f"{d.measure}-{d.org_code}-{d.analysis}-{d.quantity}" for d in DIRECTIONS],
)
def test_each_section_8_2_direction_holds_for_the_default_seed(direction, checks):
    key = (direction.measure, direction.org_code, direction.analysis, direction.quantity)
    check = checks[key]
    assert check.holds, (direction.claim, check.estimate, check.p_value)


def test_every_partner_and_both_measures_have_expected_directions():
    covered = {(d.measure, d.org_code) for d in DIRECTIONS}
    assert covered == {(m, code) for m in ("fft", "turnover") for code in PARTNERS}


def test_bhrut_is_better_than_peers_when_computed_directly_through_its(fft):
    table = _wide(fft)
    peers = table[peer_groups()["RF4"]]
    result = controlled_its(table["RF4"], peers, INTERVENTION, errors="hac", seasonality="month")
    gap = result.differences["post_mean_difference"]
    assert gap.estimate > 0 and gap.p_value < 0.05
    own = segmented_regression(table["RF4"], "2015-07", errors="hac", seasonality="month")
    assert own.coefficients["slope_change"].estimate > 0
    assert own.coefficients["slope_change"].p_value < 0.05
    assert "July 2015" in own.summary_text


def test_fft_covers_partners_and_peers_monthly_april_2013_to_february_2020(fft):
    assert list(fft.columns) == ["org_code", "period", "value"]
    months = pd.date_range("2013-04-01", "2020-02-01", freq="MS")
    orgs = set(PARTNERS) | {p for peers in peer_groups().values() for p in peers}
    assert set(fft["org_code"]) == orgs and len(orgs) == 55
    for _, rows in fft.groupby("org_code"):
        assert list(rows["period"]) == list(months)
    assert fft["value"].between(0, 100).all()
    assert fft["org_code"].map(type).eq(str).all()


def test_turnover_is_computed_from_leavers_and_headcounts_january_2009_to_february_2020(
    turnover,
):
    assert list(turnover.columns) == [
        "org_code",
        "period",
        "leavers",
        "headcount_start",
        "headcount_end",
    ]
    for _, rows in turnover.groupby("org_code"):
        assert rows["period"].iloc[0] == pd.Timestamp("2009-01-01")
        assert rows["period"].iloc[-1] == pd.Timestamp("2020-02-01")
        assert len(rows) == 134
        # each month starts with the headcount the previous month ended with
        assert (
            rows["headcount_start"].iloc[1:].to_numpy() == rows["headcount_end"].iloc[:-1]
        ).all()
    percent = turnover_percent(turnover)
    expected = (
        100 * turnover["leavers"] / ((turnover["headcount_start"] + turnover["headcount_end"]) / 2)
    )
    assert percent.to_numpy() == pytest.approx(expected.to_numpy())
    assert percent.between(0.2, 3.0).all()  # monthly leaver rates, about 8–16% a year


def test_peer_groups_are_ten_distinct_non_partner_trusts_each():
    groups = peer_groups()
    assert set(groups) == set(PARTNERS)
    everyone = [p for peers in groups.values() for p in peers]
    assert all(len(peers) == 10 for peers in groups.values())
    assert len(set(everyone)) == 50 and not set(everyone) & set(PARTNERS)
    groups["RF4"].append("XXX")
    assert len(peer_groups()["RF4"]) == 10


def test_generators_are_deterministic_for_a_seed_and_vary_between_seeds():
    pd.testing.assert_frame_equal(generate_fft(), generate_fft(DEFAULT_SEED))
    pd.testing.assert_frame_equal(generate_turnover(7), generate_turnover(7))
    assert not generate_fft(1)["value"].equals(generate_fft(2)["value"])


def test_series_are_noisy_not_straight_lines(fft, turnover):
    fft_table = _wide(fft)
    turnover_table = _wide(turnover.assign(value=turnover_percent(turnover)))
    for code in PARTNERS:
        fit = segmented_regression(fft_table[code], INTERVENTION, seasonality="month")
        residual_sd = float(np.std(fit.fitted["observed"] - fit.fitted["fitted"]))
        assert residual_sd > 0.4, code
        assert turnover_table[code].diff().abs().median() > 0.03, code
