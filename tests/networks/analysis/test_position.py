"""Network position against improvement activity: reach, Mann–Whitney U against references and a
second implementation, suppression below five."""

import math

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import mannwhitneyu

from networks.analysis.metrics import build_graph
from networks.analysis.position import (
    compare_group,
    exact_mann_whitney_p,
    mann_whitney_u,
    reach,
)

# Hollander & Wolfe's depression data, the example of R's wilcox.test help page:
# wilcox.test(x, y, alternative = "greater") gives W = 35, p-value = 0.1272.
HW_X = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
HW_Y = [1.15, 0.88, 0.90, 0.74, 1.21]


def values(group, others, measure="betweenness"):
    """Measures of actors g0.. (the group) and o0.. (everyone else), one measure given."""
    table = {f"g{i}": {measure: v} for i, v in enumerate(group)}
    table.update({f"o{i}": {measure: v} for i, v in enumerate(others)})
    return table, {f"g{i}" for i in range(len(group))}


def test_u_and_the_exact_p_match_the_published_r_example():
    table, members = values(HW_X, HW_Y)
    (result,) = compare_group(table, members, measures=["betweenness"])
    assert result.u == 35  # R's W is the first sample's U
    assert result.p_value == pytest.approx(2 * 0.1272, abs=1e-3)  # two-sided = twice one-sided
    assert result.median_group == pytest.approx(1.415)
    assert result.median_others == pytest.approx(0.90)
    assert result.rank_biserial == pytest.approx(2 * 35 / 50 - 1)


def test_the_exact_p_agrees_with_enumerating_every_split():
    assert exact_mann_whitney_p(HW_X, HW_Y) == pytest.approx(
        mannwhitneyu(HW_X, HW_Y, method="exact").pvalue
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 6), min_size=1, max_size=8),
    st.lists(st.integers(0, 6), min_size=1, max_size=8),
)
def test_u_by_counting_pairs_equals_scipys_u_with_ties(group, others):
    assert mann_whitney_u(group, others) == pytest.approx(mannwhitneyu(group, others).statistic)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(0, 1, allow_nan=False), min_size=5, max_size=6, unique=True),
    st.lists(st.floats(0, 1, allow_nan=False), min_size=5, max_size=6, unique=True),
)
def test_the_p_value_without_ties_equals_the_enumerated_exact_p(group, others):
    if set(group) & set(others):
        return  # a tie across the groups: scipy would switch to the normal approximation
    table, members = values(group, others)
    (result,) = compare_group(table, members, measures=["betweenness"])
    assert result.p_value == pytest.approx(exact_mann_whitney_p(group, others), abs=1e-9)


def test_with_ties_the_p_value_is_the_tie_corrected_normal_approximation():
    group, others = [0, 0, 1, 2, 2, 3, 3], [0, 0, 0, 0, 1, 1, 2, 0]
    n1, n2 = len(group), len(others)
    u = mann_whitney_u(group, others)
    pooled = group + others
    n = n1 + n2
    ties = sum(c**3 - c for c in (pooled.count(v) for v in set(pooled)))
    sigma = math.sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))))
    z = (abs(u - n1 * n2 / 2) - 0.5) / sigma  # continuity correction
    expected = math.erfc(z / math.sqrt(2))
    table, members = values(group, others)
    (result,) = compare_group(table, members, measures=["betweenness"])
    assert result.p_value == pytest.approx(expected, rel=1e-9)


def test_every_value_equal_gives_p_one():
    table, members = values([0.0] * 5, [0.0] * 7)
    (result,) = compare_group(table, members, measures=["betweenness"])
    assert result.p_value == 1.0 and result.rank_biserial == 0.0


@pytest.mark.parametrize(("inside", "outside"), [(4, 10), (10, 4), (0, 12)])
def test_fewer_than_five_on_either_side_is_suppressed_without_counts(inside, outside):
    table, members = values([1.0] * inside, [2.0] * outside)
    (result,) = compare_group(table, members, measures=["betweenness"])
    assert result.suppressed
    assert result.to_dict() == {
        "measure": "betweenness",
        "suppressed": True,
        "n_group": None,
        "n_others": None,
        "median_group": None,
        "median_others": None,
        "u": None,
        "p_value": None,
        "rank_biserial": None,
    }


def test_five_on_each_side_is_shown():
    table, members = values([1.0, 2, 3, 4, 5], [0.0, 0, 1, 1, 2])
    (result,) = compare_group(table, members, measures=["betweenness"])
    assert not result.suppressed and (result.n_group, result.n_others) == (5, 5)


def test_members_outside_the_network_are_ignored():
    table, members = values([1.0] * 5, [0.0] * 5)
    (result,) = compare_group(table, members | {"somebody-else"}, measures=["betweenness"])
    assert result.n_group == 5


def test_a_missing_or_non_finite_measure_is_a_clear_error():
    table, members = values([1.0] * 5, [0.0] * 5)
    with pytest.raises(ValueError, match="has no number for 'degree'"):
        compare_group(table, members, measures=["degree"])
    table["o0"]["betweenness"] = math.nan
    with pytest.raises(ValueError, match="non-finite"):
        compare_group(table, members, measures=["betweenness"])


def test_reach_counts_others_within_two_steps_either_direction():
    # A→B→C→D, and E alone: A reaches B, C; B reaches A, C, D; D reaches C, B.
    graph = build_graph([("A", "B"), ("B", "C"), ("C", "D")], respondents=["A", "B", "C", "E"])
    result = reach(graph)
    assert result == {"A": 2 / 4, "B": 3 / 4, "C": 3 / 4, "D": 2 / 4, "E": 0.0}


def test_reach_agrees_with_the_square_of_the_adjacency_matrix():
    graph = nx.gnp_random_graph(30, 0.08, seed=4, directed=True)
    import numpy as np

    adjacency = nx.to_numpy_array(graph.to_undirected(), nodelist=sorted(graph))
    within_two = (adjacency + adjacency @ adjacency) > 0
    np.fill_diagonal(within_two, False)
    expected = within_two.sum(axis=1) / (len(graph) - 1)
    result = reach(graph)
    assert [result[n] for n in sorted(graph)] == pytest.approx(list(expected))


def test_a_network_of_one_has_reach_zero():
    graph = build_graph([], respondents=["A"])
    assert reach(graph) == {"A": 0.0}
