"""Tests for the seeded demo survey networks: published Tables 5.3/5.4, shapes, survey rules."""

import os
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import networkx as nx
import pytest

from networks.analysis import build_graph, compare_waves, summarise
from networks.demo.networks import (
    INTERACTIONS,
    PROFESSIONAL_GROUPS,
    PUBLISHED_TABLE_5_4,
    TRUSTS,
    generate_wave,
)


@cache
def wave(trust, name="2018-12"):
    return generate_wave(trust, name)


@cache
def summary(trust, name="2018-12"):
    demo = wave(trust, name)
    return summarise(demo.edges, demo.respondents)


@cache
def graph(trust, name="2018-12"):
    demo = wave(trust, name)
    people = {person["id"]: person for person in demo.people}
    return build_graph(demo.edges, demo.respondents, attributes=people)


@pytest.mark.parametrize("trust", TRUSTS)
def test_summary_of_the_demo_records_equals_the_published_tables(trust):
    published = PUBLISHED_TABLE_5_4[trust]
    computed = summary(trust)
    assert computed.respondents == published["respondents"]
    assert computed.collaborators == published["collaborators"]
    assert computed.actors == published["actors"]
    assert computed.ties == published["ties"]
    assert computed.simple_brokering == published["021C"]
    assert computed.reciprocated_incoming_brokering == published["111D"]
    assert computed.reciprocated_outgoing_brokering == published["111U"]
    assert computed.mutually_reciprocated_brokering == published["201"]
    assert computed.reciprocated_brokering_total == published["reciprocated_total"]


def test_published_table_is_internally_consistent():
    for row in PUBLISHED_TABLE_5_4.values():
        assert row["actors"] == row["respondents"] + row["collaborators"]
        assert row["reciprocated_total"] == row["111D"] + row["111U"] + row["201"]


@pytest.mark.parametrize("trust", TRUSTS)
def test_demo_records_follow_the_survey_rules(trust):
    demo = wave(trust)
    g = graph(trust)
    respondents = set(demo.respondents)
    people = {person["id"] for person in demo.people}
    assert len(people) == len(demo.people) == g.number_of_nodes()
    # only respondents name people, at most ten each; everyone named was named by a respondent
    assert all(g.out_degree(node) == 0 for node in g if node not in respondents)
    assert all(g.out_degree(node) <= 10 for node in respondents)
    assert all(g.in_degree(node) >= 1 for node in g if node not in respondents)
    # no self-ties or duplicates among the raw records
    pairs = [(tie["source"], tie["target"]) for tie in demo.ties]
    assert len(pairs) == len(set(pairs))
    assert all(source != target for source, target in pairs)
    # most respondents name two to five people; a silent respondent named nobody and is an isolate
    naming = [g.out_degree(node) for node in respondents if g.out_degree(node) > 0]
    assert sum(2 <= d <= 5 for d in naming) / len(naming) >= 0.7
    for node in respondents:
        if g.out_degree(node) == 0:
            assert g.in_degree(node) == 0


@pytest.mark.parametrize("trust", TRUSTS)
def test_people_and_ties_carry_plausible_attributes(trust):
    demo = wave(trust)
    for person in demo.people:
        assert person["professional_group"] in PROFESSIONAL_GROUPS
        assert person["department"]
        assert isinstance(person["respondent"], bool)
    for tie in demo.ties:
        assert tie["interactions"]
        assert set(tie["interactions"]) <= set(INTERACTIONS)
    groups = Counter(person["professional_group"] for person in demo.people)
    assert len(groups) >= 5


def test_the_generator_writes_only_the_domains_values():
    """The generator has no Django, so it writes the values of the models' choices as plain
    strings; they must stay those the app accepts."""
    from networks.models import Interaction
    from vmi_programme.models import ProfessionalGroup

    assert set(PROFESSIONAL_GROUPS) <= set(ProfessionalGroup.values)
    assert set(INTERACTIONS) == set(Interaction.values)


def test_sash_is_the_most_reciprocal_and_almost_all_one_component():
    reciprocity = {trust: summary(trust).reciprocity for trust in TRUSTS}
    assert max(reciprocity, key=reciprocity.get) == "SASH"
    assert summary("SASH").respondents_outside_largest_component < 0.05


def test_sath_has_a_third_of_respondents_outside_the_core_and_mostly_one_way_ties():
    sath = summary("SATH")
    assert 0.28 <= sath.respondents_outside_largest_component <= 0.38
    assert sath.reciprocity < 0.1
    outside = {t: summary(t).respondents_outside_largest_component for t in TRUSTS}
    assert max(outside, key=outside.get) == "SATH"


def test_uhcw_has_nine_components_besides_the_core_and_a_few_popular_collaborators():
    # "9 isolated components" = nine weak components apart from the main one, together
    # holding nearly a fifth of the respondents
    uhcw = summary("UHCW")
    assert uhcw.weak_components == 10
    assert 0.15 <= uhcw.respondents_outside_largest_component <= 0.25
    g = graph("UHCW")
    popular = [n for n in g if not g.nodes[n]["respondent"] and g.in_degree(n) >= 8]
    assert 3 <= len(popular) <= 6
    for trust in TRUSTS:
        if trust != "UHCW":
            other = graph(trust)
            assert max(d for n, d in other.in_degree() if not other.nodes[n]["respondent"]) < 8


def test_bhrut_is_the_sparsest_in_ties_per_actor():
    # plain density cannot be lowest: BHRUT is the smallest network and the published
    # actor and tie counts fix density; ties per actor is the lowest of the five
    mean_degree = {trust: summary(trust).mean_degree for trust in TRUSTS}
    assert min(mean_degree, key=mean_degree.get) == "BHRUT"
    assert summary("BHRUT").reciprocated_brokering_total == min(
        summary(t).reciprocated_brokering_total for t in TRUSTS
    )


def test_ltht_core_is_two_long_circular_chains():
    undirected = graph("LTHT").to_undirected()
    blocks = [b for b in nx.biconnected_components(undirected) if len(b) >= 20]
    assert len(blocks) == 2
    assert not blocks[0] & blocks[1]
    for block in blocks:
        ring = undirected.subgraph(block)
        assert nx.diameter(ring) >= 6  # long, not a compact cluster
        assert nx.number_of_edges(ring) <= 4 * len(block)  # a band, not a clique
    for trust in TRUSTS:
        if trust != "LTHT":
            others = nx.biconnected_components(graph(trust).to_undirected())
            assert sum(len(b) >= 20 for b in others) == 1


def test_generation_is_deterministic_and_seeded():
    first = generate_wave("BHRUT", seed=7)
    again = generate_wave("BHRUT", seed=7)
    assert first.ties == again.ties
    assert first.people == again.people
    other = generate_wave("BHRUT", seed=8)
    assert other.edges != first.edges
    assert summarise(other.edges, other.respondents).simple_brokering == 170


def test_generation_does_not_depend_on_hash_randomisation():
    code = (
        "import hashlib, json; from networks.demo.networks import generate_wave; "
        "w = generate_wave('SATH'); "
        "print(hashlib.sha256(json.dumps([w.people, w.ties]).encode()).hexdigest())"
    )
    root = Path(__file__).resolve().parents[3]
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": hashseed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hashseed in ("1", "2")
    }
    assert len(digests) == 1


def test_later_wave_shows_sath_becoming_more_reciprocal_and_connected():
    before, after = wave("SATH"), wave("SATH", "2020-12")
    comparison = compare_waves(before.edges, after.edges, before.respondents, after.respondents)
    assert comparison.after.reciprocity > comparison.before.reciprocity + 0.02
    assert (
        comparison.after.respondents_outside_largest_component
        < comparison.before.respondents_outside_largest_component
    )
    assert comparison.joined_largest_component
    assert not comparison.left_largest_component
    assert {p["id"] for p in before.people} == {p["id"] for p in after.people}


def test_later_sash_wave_exists_and_follows_the_survey_rules():
    later = wave("SASH", "2020-12")
    g = build_graph(later.edges, later.respondents)
    assert summarise(g).ties > summary("SASH").ties
    assert all(g.out_degree(n) <= 10 for n in g)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"trust": "XYZ"}, "unknown trust"),
        ({"trust": "SASH", "wave": "2019-01"}, "unknown wave"),
        ({"trust": "LTHT", "wave": "2020-12"}, "no 2020-12 wave"),
        ({"trust": "SASH", "seed": "one"}, "seed"),
    ],
)
def test_bad_requests_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        generate_wave(**kwargs)
