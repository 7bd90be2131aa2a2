"""Tests for the improvement-network metrics: triad conventions, references, brokerage, errors."""

import itertools
import json
import math

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from networks.analysis import (
    TRIAD_TYPES,
    actor_metrics,
    betweenness_centralisation,
    build_graph,
    compare_waves,
    degree_centralisation,
    layout,
    summarise,
    triad_census,
)


def only_triad(edges):
    """The single non-zero triad type of a hand-drawn graph on A, B, C."""
    summary = summarise(edges, respondents=["A", "B", "C"])
    present = {label: count for label, count in summary.triad_census.items() if count}
    assert sum(present.values()) == 1
    return next(iter(present)), summary


# --- hand-drawn triads: the labels networkx (and so this module) uses -----------------------


def test_a_to_b_to_c_is_simple_brokering_021c():
    label, summary = only_triad([("A", "B"), ("B", "C")])
    assert label == "021C"
    assert summary.simple_brokering == 1
    assert summary.reciprocated_brokering_total == 0


def test_mutual_plus_incoming_at_broker_is_111d_popularity():
    # A <-> B <- C : the broker B has a mutual tie and an incoming one
    label, summary = only_triad([("A", "B"), ("B", "A"), ("C", "B")])
    assert label == "111D"
    assert summary.reciprocated_incoming_brokering == 1
    assert summary.reciprocated_outgoing_brokering == 0
    assert summary.reciprocated_brokering_total == 1


def test_mutual_plus_outgoing_at_broker_is_111u_activity():
    # A <-> B -> C : the broker B has a mutual tie and an outgoing one
    label, summary = only_triad([("A", "B"), ("B", "A"), ("B", "C")])
    assert label == "111U"
    assert summary.reciprocated_outgoing_brokering == 1
    assert summary.reciprocated_incoming_brokering == 0
    assert summary.reciprocated_brokering_total == 1


def test_two_mutual_ties_through_broker_is_201():
    label, summary = only_triad([("A", "B"), ("B", "A"), ("B", "C"), ("C", "B")])
    assert label == "201"
    assert summary.mutually_reciprocated_brokering == 1
    assert summary.reciprocated_brokering_total == 1


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ([], "003"),
        ([("A", "B")], "012"),
        ([("A", "B"), ("B", "A")], "102"),
        ([("B", "A"), ("B", "C")], "021D"),
        ([("A", "B"), ("C", "B")], "021U"),
        ([("A", "B"), ("B", "C"), ("A", "C")], "030T"),
        ([("A", "B"), ("B", "C"), ("C", "A")], "030C"),
        ([("A", "B"), ("B", "A"), ("C", "A"), ("C", "B")], "120D"),
        ([("A", "B"), ("B", "A"), ("A", "C"), ("B", "C")], "120U"),
        ([("A", "B"), ("B", "A"), ("A", "C"), ("C", "B")], "120C"),
        ([("A", "B"), ("B", "A"), ("A", "C"), ("C", "A"), ("B", "C")], "210"),
        ([(u, v) for u in "ABC" for v in "ABC" if u != v], "300"),
    ],
)
def test_other_triad_types_follow_holland_leinhardt_labels(edges, expected):
    label, summary = only_triad(edges)
    assert label == expected
    if expected not in ("021C", "111D", "111U", "201"):
        assert summary.simple_brokering == 0
        assert summary.reciprocated_brokering_total == 0


def test_closing_a_brokered_pair_removes_the_brokering_triad():
    # A -> B -> C with A -> C is transitive (030T), not brokering
    label, summary = only_triad([("A", "B"), ("B", "C"), ("A", "C")])
    assert label == "030T"
    assert summary.simple_brokering == 0


def test_brokering_counts_add_up_per_broker_on_a_small_star():
    # B is mutual with A, named by C and D, and names E: 111D with C and D, 111U with E,
    # 021C for C->B->E and D->B->E
    edges = [("A", "B"), ("B", "A"), ("C", "B"), ("D", "B"), ("B", "E")]
    summary = summarise(edges, respondents=["A", "B", "C", "D"])
    assert summary.reciprocated_incoming_brokering == 2
    assert summary.reciprocated_outgoing_brokering == 1
    assert summary.simple_brokering == 2
    assert summary.reciprocated_brokering_total == 3


# --- agreement with networkx and published reference networks -------------------------------


def brute_force_census(graph):
    census = dict.fromkeys(TRIAD_TYPES, 0)
    for triple in itertools.combinations(graph, 3):
        census[nx.triad_type(graph.subgraph(triple))] += 1
    return census


def test_karate_club_both_ways_matches_published_size_and_density():
    graph = nx.karate_club_graph().to_directed()
    summary = summarise(graph)
    assert summary.actors == 34
    assert summary.ties == 156  # 78 undirected edges, each named both ways
    assert round(summary.density, 3) == 0.139
    assert summary.reciprocity == pytest.approx(1.0)
    assert summary.mutual_dyads == 78
    assert summary.weak_components == 1
    assert summary.triad_census == dict(nx.triadic_census(graph))
    assert sum(summary.triad_census.values()) == math.comb(34, 3)
    # an all-mutual network has only 003, 102, 201 and 300 triads
    assert {k for k, v in summary.triad_census.items() if v} <= {"003", "102", "201", "300"}


def test_florentine_families_matches_published_size():
    graph = nx.florentine_families_graph().to_directed()
    summary = summarise(graph)
    assert summary.actors == 15
    assert summary.ties == 40
    assert summary.mutual_dyads == 20
    assert summary.density == pytest.approx(nx.density(graph))
    assert round(summary.density, 3) == 0.190
    assert summary.triad_census == brute_force_census(graph)


def test_seeded_random_digraph_agrees_with_networkx_and_brute_force():
    graph = nx.gnp_random_graph(40, 0.08, seed=7, directed=True)
    summary = summarise(graph)
    assert summary.density == pytest.approx(nx.density(graph))
    assert summary.reciprocity == pytest.approx(nx.reciprocity(graph))
    assert summary.triad_census == dict(nx.triadic_census(graph))
    assert summary.triad_census == brute_force_census(graph)
    assert summary.weak_components == nx.number_weakly_connected_components(graph)


def test_star_has_full_degree_and_betweenness_centralisation():
    star = nx.DiGraph([(leaf, 0) for leaf in range(1, 6)])
    assert degree_centralisation(star, "in") == pytest.approx(1.0)
    assert degree_centralisation(star, "out") == pytest.approx(
        1 / 25
    )  # only the centre falls short
    mutual_star = star.to_undirected().to_directed()
    assert betweenness_centralisation(mutual_star) == pytest.approx(1.0)
    ring = nx.cycle_graph(6, create_using=nx.DiGraph)
    assert degree_centralisation(ring, "in") == 0.0
    assert betweenness_centralisation(ring) == pytest.approx(0.0)


# --- survey semantics -------------------------------------------------------------------------


def test_summary_counts_respondents_collaborators_and_silent_respondents():
    edges = [("r1", "c1"), ("r1", "r2"), ("r2", "r1"), ("r2", "c2"), ("r1", "c1")]
    summary = summarise(edges, respondents=["r1", "r2", "r3"])
    assert summary.respondents == 3
    assert summary.collaborators == 2
    assert summary.actors == 5
    assert summary.ties == 4  # the duplicate r1 -> c1 is collapsed
    assert summary.isolates == 1  # r3 named nobody and nobody named r3
    assert summary.weak_components == 2
    assert summary.respondents_outside_largest_component == pytest.approx(1 / 3)
    assert summary.reciprocity == pytest.approx(0.5)


def test_summary_to_dict_is_json_safe():
    summary = summarise([("a", "b")], respondents=["a", "z"])
    payload = json.loads(json.dumps(summary.to_dict()))
    assert payload["triad_census"]["012"] == 1
    assert payload["respondents"] == 2


def test_summary_of_respondents_without_ties_has_undefined_reciprocity():
    summary = summarise([], respondents=["a", "b"])
    assert summary.ties == 0
    assert summary.reciprocity is None
    assert summary.isolates == 2


def test_build_graph_keeps_tie_and_person_attributes():
    graph = build_graph(
        [("a", "b", {"interactions": ["advice"]})],
        respondents=["a"],
        attributes={"a": {"department": "ED"}, "ghost": {"department": "X"}},
    )
    assert graph.edges["a", "b"]["interactions"] == ["advice"]
    assert graph.nodes["a"]["department"] == "ED"
    assert graph.nodes["a"]["respondent"] is True
    assert graph.nodes["b"]["respondent"] is False
    assert "ghost" not in graph


# --- Gould-Fernandez brokerage -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        ({"A": 1, "B": 1, "C": 1}, "coordinator"),
        ({"A": 1, "B": 2, "C": 1}, "itinerant"),
        ({"A": 1, "B": 1, "C": 2}, "representative"),
        ({"A": 1, "B": 2, "C": 2}, "gatekeeper"),
        ({"A": 1, "B": 2, "C": 3}, "liaison"),
    ],
)
def test_gould_fernandez_role_of_a_single_two_path(groups, role):
    frame = actor_metrics([("A", "B"), ("B", "C")], groups=groups)
    assert frame.loc["B", role] == 1
    assert frame.loc["B", "brokerage"] == 1
    assert frame.loc[["A", "C"], "brokerage"].sum() == 0


def test_direct_tie_from_a_to_c_cancels_brokerage_but_c_to_a_does_not():
    groups = dict.fromkeys("ABC", "nursing")
    closed = actor_metrics([("A", "B"), ("B", "C"), ("A", "C")], groups=groups)
    assert closed.loc["B", "brokerage"] == 0
    back = actor_metrics([("A", "B"), ("B", "C"), ("C", "A")], groups=groups)
    assert back.loc["B", "brokerage"] == 1
    assert back.loc[["A", "C"], "brokerage"].tolist() == [1, 1]  # the 3-cycle: everyone brokers


def test_mutual_two_path_is_brokered_in_both_directions():
    frame = actor_metrics([("A", "B"), ("B", "A"), ("B", "C"), ("C", "B")])
    assert frame.loc["B", "brokerage"] == 2
    assert "coordinator" not in frame.columns  # roles need groups


def test_actor_metrics_degrees_and_betweenness():
    frame = actor_metrics([("A", "B"), ("B", "C"), ("D", "B")], respondents=["A", "B", "D"])
    assert frame.loc["B", "in_degree"] == 2
    assert frame.loc["B", "out_degree"] == 1
    assert frame.loc["B", "betweenness"] == pytest.approx(2 / 6)
    assert not frame.loc["C", "respondent"]
    assert list(frame.index) == ["A", "B", "C", "D"]


def test_brokerage_on_karate_club_agrees_with_two_path_count():
    graph = nx.karate_club_graph().to_directed()
    groups = {n: d["club"] for n, d in graph.nodes(data=True)}
    frame = actor_metrics(graph, groups=groups)
    expected = sum(
        1
        for b in graph
        for a in graph.predecessors(b)
        for c in graph.successors(b)
        if a != c and not graph.has_edge(a, c)
    )
    assert frame["brokerage"].sum() == expected
    roles = ["coordinator", "itinerant", "representative", "gatekeeper", "liaison"]
    assert (frame[roles].sum(axis=1) == frame["brokerage"]).all()
    assert frame["liaison"].sum() == 0  # only two groups


# --- waves and layout ----------------------------------------------------------------------------


def test_compare_waves_reports_who_joined_and_left_the_core():
    before = [("a", "b"), ("b", "c"), ("d", "e")]
    after = [("a", "b"), ("d", "b"), ("d", "e"), ("b", "a"), ("f", "g")]
    comparison = compare_waves(before, after, ["a", "b", "d"], ["a", "b", "d", "f"])
    assert comparison.joined_largest_component == ["d", "e"]
    assert comparison.left_largest_component == ["c"]
    table = comparison.table()
    assert table.loc["ties", "before"] == 3
    assert table.loc["ties", "after"] == 5
    assert table.loc["mutual_dyads", "change"] == 1
    json.dumps(comparison.to_dict())


def test_layout_is_deterministic_and_order_independent():
    edges = [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]
    first = layout(edges, seed=3)
    assert layout(list(reversed(edges)), seed=3) == first
    assert set(first) == {"a", "b", "c", "d"}
    assert all(-1.0 <= x <= 1.0 and -1.0 <= y <= 1.0 for x, y in first.values())
    assert layout(edges, seed=4) != first


# --- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edges", "message"),
    [
        ([("a", "a")], "self-tie"),
        ([("a",)], "not a"),
        (["ab"], "not a"),
        ([("a", None)], "missing"),
        ([("a", "b", "advice")], "mapping"),
        ("ab", "iterable"),
    ],
)
def test_bad_ties_are_rejected_with_a_clear_message(edges, message):
    with pytest.raises(ValueError, match=message):
        build_graph(edges)


def test_ties_from_non_respondents_are_rejected():
    with pytest.raises(ValueError, match="not respondents"):
        summarise([("a", "b"), ("b", "c")], respondents=["a"])


def test_empty_network_cannot_be_summarised_or_laid_out():
    with pytest.raises(ValueError, match="no actors"):
        summarise([])
    with pytest.raises(ValueError, match="no actors"):
        layout([])


def test_other_bad_inputs():
    with pytest.raises(ValueError, match="no group"):
        actor_metrics([("a", "b")], groups={"a": 1})
    with pytest.raises(ValueError, match="direction"):
        degree_centralisation(nx.DiGraph([(1, 2)]), "both")
    with pytest.raises(ValueError, match="directed"):
        build_graph(nx.Graph([(1, 2)]))
    with pytest.raises(ValueError, match="self-ties"):
        build_graph(nx.DiGraph([(1, 1)]))
    with pytest.raises(ValueError, match="DiGraph"):
        triad_census([(1, 2)])
    with pytest.raises(ValueError, match="seed"):
        layout([(1, 2)], seed="x")


# --- properties ----------------------------------------------------------------------------------

tie_lists = st.lists(
    st.tuples(st.integers(0, 14), st.integers(0, 14)).filter(lambda e: e[0] != e[1]),
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(tie_lists)
def test_summary_invariants_hold_for_any_tie_list(edges):
    respondents = sorted({s for s, _ in edges} | {0})
    summary = summarise(edges, respondents=respondents)
    graph = nx.DiGraph(edges)
    graph.add_nodes_from(respondents)
    assert summary.ties == len(set(edges))
    assert summary.actors == summary.respondents + summary.collaborators
    assert sum(summary.triad_census.values()) == math.comb(summary.actors, 3)
    assert summary.triad_census == dict(nx.triadic_census(graph))
    if summary.ties:
        assert summary.reciprocity == pytest.approx(nx.reciprocity(graph))
    assert 0.0 <= summary.in_degree_centralisation <= 1.0
    assert 0.0 <= summary.betweenness_centralisation <= 1.0 + 1e-9
    assert summary.reciprocated_brokering_total == (
        summary.reciprocated_incoming_brokering
        + summary.reciprocated_outgoing_brokering
        + summary.mutually_reciprocated_brokering
    )


@settings(max_examples=40, deadline=None)
@given(tie_lists, st.lists(st.sampled_from("xyz"), min_size=15, max_size=15))
def test_brokerage_roles_partition_the_brokered_two_paths(edges, labels):
    graph = nx.DiGraph(edges)
    graph.add_node(0)
    groups = {node: labels[node] for node in graph}
    frame = actor_metrics(graph, groups=groups)
    roles = ["coordinator", "itinerant", "representative", "gatekeeper", "liaison"]
    assert (frame[roles].sum(axis=1) == frame["brokerage"]).all()
    assert frame["in_degree"].sum() == graph.number_of_edges()
