"""Tests for nearest-peer selection on a hand-computed example and on real NHS A&E data."""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from impact.analysis.peers import nearest_peers

# The real NHS England file shipped with the repository (data/README.md says where it is from).
AE_CSV = Path(__file__).resolve().parents[3] / "data" / "ae_attendances.csv"
PARTNER_TRUSTS = ["RTP", "RR8", "RKB", "RXW", "RF4"]


@pytest.fixture
def tiny():
    # x: mean 3, population sd sqrt(2); y: mean 20, population sd sqrt(80).
    return pd.DataFrame(
        {"x": [1.0, 2.0, 3.0, 4.0, 5.0], "y": [10.0, 10.0, 30.0, 30.0, 20.0]},
        index=pd.Index(["A", "B", "C", "D", "E"], name="org_code"),
    )


def test_nearest_peers_matches_hand_computed_standardised_distances(tiny):
    # From A, z-gaps (x/sqrt2, y/sqrt80): B (1/√2, 0) C (√2, √5) D (3/√2, √5) E (4/√2, √5/2)
    result = nearest_peers(tiny, "A", k=4)

    assert list(result.peers.index) == ["B", "C", "E", "D"]
    assert result.peers["distance"].tolist() == pytest.approx(
        [math.sqrt(0.5), math.sqrt(7), math.sqrt(9.25), math.sqrt(9.5)]
    )
    assert result.peers["rank"].tolist() == [1, 2, 3, 4]
    assert result.peers.index.name == "org_code"


def test_standardisation_uses_the_population_standard_deviation(tiny):
    # With ddof=1 the distance to B would be 1/sqrt(2.5) = 0.632, not sqrt(0.5) = 0.707.
    result = nearest_peers(tiny, "A", k=1)

    assert result.peers.loc["B", "distance"] == pytest.approx(math.sqrt(0.5))
    assert any("ddof = 0" in note for note in result.notes)


def test_without_standardisation_the_large_scale_feature_dominates(tiny):
    result = nearest_peers(tiny, "A", k=4, standardise=False)

    assert list(result.peers.index) == ["B", "E", "C", "D"]
    assert result.peers.loc["E", "distance"] == pytest.approx(math.sqrt(16 + 100))


def test_weights_scale_each_squared_gap(tiny):
    result = nearest_peers(tiny, "A", k=4, weights={"x": 4.0, "y": 1.0})

    # B: 4 × 0.5 = 2; C: 4 × 2 + 5 = 13; D: 4 × 4.5 + 5 = 23; E: 4 × 8 + 1.25 = 33.25
    assert list(result.peers.index) == ["B", "C", "D", "E"]
    assert result.peers["distance"].tolist() == pytest.approx(
        [math.sqrt(2), math.sqrt(13), math.sqrt(23), math.sqrt(33.25)]
    )


def test_a_feature_with_weight_zero_is_reported_as_dropped(tiny):
    result = nearest_peers(tiny, "A", k=2, weights={"y": 0})

    assert result.features_used == ("x",)
    assert result.dropped_features == {"y": "weight 0"}
    assert list(result.peers.index) == ["B", "C"]


def test_the_target_is_never_its_own_peer_and_raw_values_are_returned(tiny):
    result = nearest_peers(tiny, "C", k=4)

    assert "C" not in result.peers.index
    assert result.peers.loc["D", "y"] == 30.0
    assert list(result.peers.columns) == ["rank", "distance", "x", "y"]


def test_drop_feature_removes_features_with_missing_values_and_says_so(tiny):
    tiny.loc["D", "y"] = np.nan

    result = nearest_peers(tiny, "A", k=2, missing="drop_feature")

    assert result.features_used == ("x",)
    assert result.dropped_features == {"y": "missing for 1 organisation(s)"}
    assert result.dropped_orgs == {}


def test_drop_org_removes_organisations_with_missing_values_and_says_so(tiny):
    tiny.loc["D", "y"] = np.nan

    result = nearest_peers(tiny, "A", k=3, missing="drop_org")

    assert result.dropped_orgs == {"D": "missing y"}
    assert list(result.peers.index) == ["B", "C", "E"]
    assert result.features_used == ("x", "y")


def test_drop_org_refuses_a_target_with_missing_values(tiny):
    tiny.loc["A", "x"] = np.nan

    with pytest.raises(ValueError, match=r"target 'A' has missing values for \['x'\]"):
        nearest_peers(tiny, "A", k=2, missing="drop_org")


def test_missing_error_policy_refuses_and_counts_missing_values(tiny):
    tiny.loc["D", "y"] = np.nan

    with pytest.raises(ValueError, match=r"missing values \(count per column: \{'y': 1\}\)"):
        nearest_peers(tiny, "A", k=2, missing="error")


def test_a_constant_feature_is_dropped_with_a_warning(tiny):
    tiny["sites"] = 1.0

    with pytest.warns(UserWarning, match="'sites' dropped"):
        result = nearest_peers(tiny, "A", k=4)

    assert "sites" in result.dropped_features
    assert result.features_used == ("x", "y")
    assert list(result.peers.index) == ["B", "C", "E", "D"]


def test_unknown_target_is_refused(tiny):
    with pytest.raises(ValueError, match="target 'Z' is not in the features index"):
        nearest_peers(tiny, "Z")


def test_k_must_be_smaller_than_the_number_of_organisations(tiny):
    with pytest.raises(ValueError, match="k=5 peers requested but only 4 other"):
        nearest_peers(tiny, "A", k=5)


def test_k_equal_to_all_other_organisations_is_allowed(tiny):
    assert len(nearest_peers(tiny, "A", k=4).peers) == 4


def test_non_numeric_features_are_refused(tiny):
    tiny["region"] = ["N", "S", "E", "W", "N"]

    with pytest.raises(ValueError, match=r"non-numeric columns: \['region'\]"):
        nearest_peers(tiny, "A", k=2)


def test_weights_for_unknown_features_are_refused(tiny):
    with pytest.raises(ValueError, match=r"not columns: \['beds'\]"):
        nearest_peers(tiny, "A", k=2, weights={"beds": 2.0})


def test_duplicate_organisation_codes_are_refused(tiny):
    doubled = pd.concat([tiny, tiny.loc[["B"]]])

    with pytest.raises(ValueError, match=r"duplicated: \['B'\]"):
        nearest_peers(doubled, "A", k=2)


def test_to_dict_is_json_safe(tiny):
    payload = json.loads(json.dumps(nearest_peers(tiny, "A", k=2).to_dict()))

    assert [row["org"] for row in payload["peers"]] == ["B", "C"]
    assert payload["peers"][0]["rank"] == 1


def _ae_features() -> pd.DataFrame:
    ae = pd.read_csv(AE_CSV, dtype={"org_code": str, "type": str})
    type1 = ae[ae["type"] == "1"]
    by_org = type1.groupby("org_code")
    totals = by_org[["attendances", "breaches", "admissions"]].sum()
    return pd.DataFrame(
        {
            "mean_monthly_attendances": by_org["attendances"].mean(),
            "four_hour_performance": 1 - totals["breaches"] / totals["attendances"],
            "admission_rate": totals["admissions"] / totals["attendances"],
        }
    )


@pytest.mark.parametrize("trust", PARTNER_TRUSTS)
def test_each_partner_trust_gets_ten_real_peers_excluding_itself(trust):
    features = _ae_features()

    result = nearest_peers(features, trust, k=10)

    assert len(result.peers) == 10
    assert trust not in result.peers.index
    assert result.peers.index.is_unique
    assert set(result.peers.index) <= set(features.index)
    assert result.peers["distance"].is_monotonic_increasing
    assert (result.peers["distance"] > 0).all()
    assert result.features_used == (
        "mean_monthly_attendances",
        "four_hour_performance",
        "admission_rate",
    )


@settings(max_examples=100, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(3, 12), st.integers(1, 4)),
        elements=st.floats(-1e3, 1e3, allow_nan=False, allow_subnormal=False),
    ),
    st.data(),
)
def test_peers_are_sorted_distinct_and_exclude_the_target(matrix, data):
    frame = pd.DataFrame(
        matrix,
        index=[f"R{i:02d}" for i in range(matrix.shape[0])],
        columns=[f"f{j}" for j in range(matrix.shape[1])],
    )
    frame = frame.loc[:, frame.std(ddof=0) > 1e-6]
    if frame.shape[1] == 0:
        return
    target = data.draw(st.sampled_from(list(frame.index)))
    k = data.draw(st.integers(1, len(frame) - 1))

    result = nearest_peers(frame, target, k=k)

    assert len(result.peers) == k
    assert target not in result.peers.index
    assert result.peers.index.is_unique
    assert result.peers["distance"].is_monotonic_increasing
    assert (result.peers["distance"] >= 0).all()
