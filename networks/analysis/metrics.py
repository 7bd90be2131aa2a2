"""Improvement-network metrics over directed survey ties: summaries, triad census, brokerage, layout.

Conventions
-----------
Ties are directed: ``(source, target)`` means *source named target* in the name generator.
Only survey respondents can name people, so collaborators (people named who did not
respond) have no out-ties.

Triad census labels follow Holland & Leinhardt (1976) in the MAN notation used by UCINET,
igraph, R's ``sna`` and ``networkx.triadic_census``. The labels were checked on hand-drawn
three-node graphs against networkx 3.x (see ``tests/networks/analysis/test_metrics.py``)::

    021C  A→B→C          simple brokering: B passes from A to C
    111D  A↔B←C          B has a mutual tie and an incoming one: "reciprocated incoming"
    111U  A↔B→C          B has a mutual tie and an outgoing one: "reciprocated outgoing"
    201   A↔B↔C          B has two mutual ties: "mutually reciprocated" brokering
    021D  A←B→C          (out-star)       021U  A→B←C   (in-star)

In every one of these A and C are not tied. Table 5.4 of the NHS-VMI evaluation maps
simple brokering = 021C, "popularity" = 111D, "activity" = 111U, mutually reciprocated = 201,
and reciprocated brokering total = 111D + 111U + 201.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import networkx as nx
import pandas as pd

__all__ = [
    "TRIAD_TYPES",
    "BROKERAGE_ROLES",
    "NetworkSummary",
    "WaveComparison",
    "build_graph",
    "summarise",
    "triad_census",
    "degree_centralisation",
    "betweenness_centralisation",
    "actor_metrics",
    "brokerage_roles",
    "compare_waves",
    "layout",
]

TRIAD_TYPES: tuple[str, ...] = (
    "003",
    "012",
    "102",
    "021D",
    "021U",
    "021C",
    "111D",
    "111U",
    "030T",
    "030C",
    "201",
    "120D",
    "120U",
    "120C",
    "210",
    "300",
)

BROKERAGE_ROLES: tuple[str, ...] = (
    "coordinator",
    "itinerant",
    "representative",
    "gatekeeper",
    "liaison",
)

Edge = tuple[Hashable, Hashable] | tuple[Hashable, Hashable, Mapping[str, Any]]


def _as_graph(
    edges: Iterable[Edge] | nx.DiGraph[Hashable], respondents: Iterable[Hashable] | None
) -> nx.DiGraph[Hashable]:
    """Return ``edges`` as a DiGraph; a graph already built by :func:`build_graph` is reused."""
    if (
        isinstance(edges, nx.DiGraph)
        and respondents is None
        and all("respondent" in data for _, data in edges.nodes(data=True))
    ):
        return edges
    return build_graph(edges, respondents=respondents)


def build_graph(
    edges: Iterable[Edge] | nx.DiGraph[Hashable],
    respondents: Iterable[Hashable] | None = None,
    attributes: Mapping[Hashable, Mapping[str, Any]] | None = None,
) -> nx.DiGraph[Hashable]:
    """Build a directed network from ``(source, target[, attrs])`` ties.

    Duplicate ties are collapsed into one (later attributes update earlier ones). Every
    respondent is added as a node even if they named nobody and nobody named them, and gets
    node attribute ``respondent=True``; other nodes get ``respondent=False``. When
    ``respondents`` is given, a tie from a non-respondent is an error (only respondents
    answered the name generator). When it is ``None`` every node with an out-tie is taken as a
    respondent. ``attributes`` maps a node to extra node attributes; entries for people who
    are neither respondents nor in any tie are ignored (they are not actors).

    Raises ``ValueError`` on self-ties, malformed ties, ``None`` node ids, or ties from
    non-respondents.
    """
    if isinstance(edges, nx.DiGraph):
        graph: nx.DiGraph[Hashable] = nx.DiGraph(edges)
        if nx.number_of_selfloops(graph):
            raise ValueError("self-ties are not allowed: a person cannot name themselves")
    elif isinstance(edges, nx.Graph):
        raise ValueError("expected directed ties; convert an undirected graph with .to_directed()")
    else:
        if isinstance(edges, str | bytes):
            raise ValueError("edges must be an iterable of (source, target) pairs")
        graph = nx.DiGraph()
        for position, edge in enumerate(edges):
            if not isinstance(edge, tuple | list) or len(edge) not in (2, 3):
                raise ValueError(
                    f"tie {position} is not a (source, target[, attrs]) pair: {edge!r}"
                )
            source, target = edge[0], edge[1]
            attrs = edge[2] if len(edge) == 3 else {}
            if not isinstance(attrs, Mapping):
                raise ValueError(f"tie {position}: attributes must be a mapping, got {attrs!r}")
            if source is None or target is None:
                raise ValueError(f"tie {position} has a missing person id: {edge!r}")
            if source == target:
                raise ValueError(f"tie {position} is a self-tie ({source!r} named themselves)")
            try:
                graph.add_edge(source, target, **attrs)
            except TypeError as error:
                raise ValueError(f"tie {position} has an unhashable person id: {edge!r}") from error

    if respondents is None:
        respondent_set = {node for node in graph if graph.out_degree(node) > 0}
    else:
        if isinstance(respondents, str | bytes):
            raise ValueError("respondents must be an iterable of person ids, not a string")
        respondent_set = set(respondents)
        if None in respondent_set:
            raise ValueError("respondents contains a missing (None) person id")
        naming = {node for node in graph if graph.out_degree(node) > 0}
        strays = naming - respondent_set
        if strays:
            sample = sorted(map(str, strays))[:5]
            raise ValueError(
                f"{len(strays)} people name others but are not respondents (e.g. {sample}); "
                "only respondents can have out-ties"
            )
        graph.add_nodes_from(sorted(respondent_set - set(graph), key=str))
    for node in graph:
        graph.nodes[node]["respondent"] = node in respondent_set
    if attributes is not None:
        for node, attrs in attributes.items():
            if node in graph:
                graph.nodes[node].update({k: v for k, v in attrs.items() if k != "respondent"})
    return graph


def triad_census(graph: nx.DiGraph[Hashable]) -> dict[str, int]:
    """Return the 16-type Holland–Leinhardt triad census (``networkx.triadic_census``).

    Keys are ``TRIAD_TYPES`` in the standard order; counts add up to C(n, 3).
    Runs in roughly O(m·Δ), fine for survey networks of a few hundred actors.
    """
    if not isinstance(graph, nx.DiGraph):
        raise ValueError("triad_census needs a networkx DiGraph")
    census = nx.triadic_census(graph)
    return {label: int(census[label]) for label in TRIAD_TYPES}


def degree_centralisation(graph: nx.DiGraph[Hashable], direction: str = "in") -> float:
    """Freeman degree centralisation of a directed graph, in [0, 1].

    C = Σ_i (d_max − d_i) / (n − 1)², with d the raw in- or out-degree; the denominator is
    the value for a star in which everyone names (``in``) or is named by (``out``) one
    centre. Returns 0.0 for fewer than two actors.
    """
    if direction not in ("in", "out"):
        raise ValueError(f"direction must be 'in' or 'out', got {direction!r}")
    n = graph.number_of_nodes()
    if n < 2:
        return 0.0
    degrees = [d for _, d in (graph.in_degree() if direction == "in" else graph.out_degree())]
    top = max(degrees)
    return float(sum(top - d for d in degrees) / (n - 1) ** 2)


def betweenness_centralisation(graph: nx.DiGraph[Hashable]) -> float:
    """Freeman betweenness centralisation of a directed graph, in [0, 1].

    Uses directed betweenness normalised by (n − 1)(n − 2) (``networkx``'s normalisation),
    then C = Σ_i (b_max − b_i) / (n − 1), the maximum being a star with mutual ties.
    Returns 0.0 for fewer than three actors.
    """
    n = graph.number_of_nodes()
    if n < 3:
        return 0.0
    scores = list(nx.betweenness_centrality(graph, normalized=True).values())
    top = max(scores)
    return float(sum(top - b for b in scores) / (n - 1))


def _largest_component(graph: nx.DiGraph[Hashable]) -> set[Hashable]:
    """Largest weakly connected component; ties broken by respondents, then by sorted ids."""
    components = list(nx.weakly_connected_components(graph))
    if not components:
        return set()

    def rank(component: set[Hashable]) -> tuple[int, int, list[str]]:
        respondents = sum(1 for node in component if graph.nodes[node].get("respondent"))
        return (-len(component), -respondents, sorted(map(str, component)))

    largest = min(components, key=rank)
    return set(largest)


@dataclass(frozen=True)
class NetworkSummary:
    """Whole-network figures for one trust and survey wave (Tables 5.3 and 5.4 and more).

    ``reciprocity`` is the share of ties that are reciprocated, 2·mutual dyads / ties
    (= ``networkx.reciprocity``), ``None`` when there are no ties.
    ``respondents_outside_largest_component`` is the share of respondents not in the largest
    weakly connected component (``None`` without respondents). ``isolates`` counts actors
    with no tie at all. ``mean_degree`` is ties per actor.
    """

    actors: int
    respondents: int
    collaborators: int
    ties: int
    density: float
    reciprocity: float | None
    mutual_dyads: int
    mean_degree: float
    weak_components: int
    largest_component_size: int
    isolates: int
    respondents_outside_largest_component: float | None
    in_degree_centralisation: float
    out_degree_centralisation: float
    betweenness_centralisation: float
    triad_census: dict[str, int] = field(default_factory=dict)
    simple_brokering: int = 0
    reciprocated_incoming_brokering: int = 0
    reciprocated_outgoing_brokering: int = 0
    mutually_reciprocated_brokering: int = 0
    reciprocated_brokering_total: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict (plain ints, floats, ``None`` and a nested census dict)."""
        return asdict(self)


def summarise(
    edges: Iterable[Edge] | nx.DiGraph[Hashable], respondents: Iterable[Hashable] | None = None
) -> NetworkSummary:
    """Summarise a survey network: size, ties, density, reciprocity, components, triads.

    Actors are respondents plus everyone named; collaborators are actors who are not
    respondents. Density = ties / (n(n − 1)). The brokering counts are triad-census counts
    (see the module docstring): simple = 021C, reciprocated incoming = 111D, reciprocated
    outgoing = 111U, mutually reciprocated = 201, reciprocated total = 111D + 111U + 201.
    Raises ``ValueError`` if there are no actors.
    """
    graph = _as_graph(edges, respondents)
    n = graph.number_of_nodes()
    if n == 0:
        raise ValueError("the network has no actors: give at least one tie or respondent")
    ties = graph.number_of_edges()
    respondent_nodes = [node for node in graph if graph.nodes[node].get("respondent")]
    mutual = sum(1 for u, v in graph.edges() if graph.has_edge(v, u)) // 2
    largest = _largest_component(graph)
    outside = sum(1 for node in respondent_nodes if node not in largest)
    census = triad_census(graph)
    return NetworkSummary(
        actors=n,
        respondents=len(respondent_nodes),
        collaborators=n - len(respondent_nodes),
        ties=ties,
        density=float(nx.density(graph)),
        reciprocity=(2 * mutual / ties) if ties else None,
        mutual_dyads=mutual,
        mean_degree=ties / n,
        weak_components=nx.number_weakly_connected_components(graph),
        largest_component_size=len(largest),
        isolates=nx.number_of_isolates(graph),
        respondents_outside_largest_component=(
            outside / len(respondent_nodes) if respondent_nodes else None
        ),
        in_degree_centralisation=degree_centralisation(graph, "in"),
        out_degree_centralisation=degree_centralisation(graph, "out"),
        betweenness_centralisation=betweenness_centralisation(graph),
        triad_census=census,
        simple_brokering=census["021C"],
        reciprocated_incoming_brokering=census["111D"],
        reciprocated_outgoing_brokering=census["111U"],
        mutually_reciprocated_brokering=census["201"],
        reciprocated_brokering_total=census["111D"] + census["111U"] + census["201"],
    )


def brokerage_roles(
    graph: nx.DiGraph[Hashable], groups: Mapping[Hashable, Hashable]
) -> pd.DataFrame:
    """Gould–Fernandez (1989) brokerage role counts for every actor.

    Actor b brokers each two-path a→b→c with a ≠ c and **no direct tie a→c** (a tie c→a
    does not matter), as in Gould & Fernandez and UCINET's brokerage routine. A mutual pair
    of two-paths (a↔b↔c, a and c untied) counts twice, once in each direction. With g the
    group (department or professional group) of each actor, the two-path is:

    * coordinator: g(a) = g(b) = g(c)
    * itinerant (consultant): g(a) = g(c) ≠ g(b)
    * representative: g(a) = g(b) ≠ g(c)
    * gatekeeper: g(a) ≠ g(b) = g(c)
    * liaison: all three groups differ

    Returns a DataFrame indexed by actor with one integer column per role and ``brokerage``
    (their sum). Raises ``ValueError`` if an actor has no group.
    """
    missing = [node for node in graph if node not in groups]
    if missing:
        raise ValueError(
            f"{len(missing)} actors have no group, e.g. {sorted(map(str, missing))[:5]}"
        )
    counts = {node: dict.fromkeys(BROKERAGE_ROLES, 0) for node in graph}
    for b in graph:
        gb = groups[b]
        for a in graph.predecessors(b):
            ga = groups[a]
            a_succ = graph.succ[a]
            for c in graph.successors(b):
                if c == a or c in a_succ:
                    continue
                gc = groups[c]
                if ga == gb == gc:
                    role = "coordinator"
                elif ga == gc:
                    role = "itinerant"
                elif ga == gb:
                    role = "representative"
                elif gb == gc:
                    role = "gatekeeper"
                else:
                    role = "liaison"
                counts[b][role] += 1
    frame = pd.DataFrame.from_dict(counts, orient="index", columns=list(BROKERAGE_ROLES))
    frame = frame.astype(int)
    frame["brokerage"] = frame[list(BROKERAGE_ROLES)].sum(axis=1)
    return frame


def actor_metrics(
    edges: Iterable[Edge] | nx.DiGraph[Hashable],
    groups: Mapping[Hashable, Hashable] | None = None,
    respondents: Iterable[Hashable] | None = None,
) -> pd.DataFrame:
    """Per-actor measures: degree, betweenness and Gould–Fernandez brokerage.

    Columns: ``respondent``, ``in_degree``, ``out_degree``, ``betweenness`` (directed,
    normalised by (n − 1)(n − 2)), ``brokerage`` (two-paths brokered, see
    :func:`brokerage_roles`) and, when ``groups`` maps each actor to a group, the five role
    counts ``coordinator``, ``itinerant``, ``representative``, ``gatekeeper``, ``liaison``.
    Rows are actors, sorted by id (as strings). Raises ``ValueError`` on an empty network or
    an actor missing from ``groups``.
    """
    graph = _as_graph(edges, respondents)
    if graph.number_of_nodes() == 0:
        raise ValueError("the network has no actors")
    role_groups = groups if groups is not None else dict.fromkeys(graph, 0)
    roles = brokerage_roles(graph, role_groups)
    betweenness = nx.betweenness_centrality(graph, normalized=True)
    frame = pd.DataFrame(
        {
            "respondent": [bool(graph.nodes[node].get("respondent")) for node in graph],
            "in_degree": [graph.in_degree(node) for node in graph],
            "out_degree": [graph.out_degree(node) for node in graph],
            "betweenness": [float(betweenness[node]) for node in graph],
        },
        index=list(graph),
    )
    frame = frame.join(roles if groups is not None else roles[["brokerage"]])
    frame.index.name = "actor"
    return frame.loc[sorted(frame.index, key=str)]


@dataclass(frozen=True)
class WaveComparison:
    """Two survey waves side by side, and who moved into or out of the largest component."""

    before: NetworkSummary
    after: NetworkSummary
    joined_largest_component: list[Hashable]
    left_largest_component: list[Hashable]

    def table(self) -> pd.DataFrame:
        """Scalar metrics as rows, with ``before``, ``after`` and ``change`` columns."""
        rows = {}
        for name, value in self.before.to_dict().items():
            if name == "triad_census":
                continue
            after = getattr(self.after, name)
            change = None if value is None or after is None else after - value
            rows[name] = {"before": value, "after": after, "change": change}
        return pd.DataFrame.from_dict(rows, orient="index")

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict (person ids are kept as given)."""
        return {
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
            "joined_largest_component": list(self.joined_largest_component),
            "left_largest_component": list(self.left_largest_component),
        }


def compare_waves(
    edges_a: Iterable[Edge] | nx.DiGraph[Hashable],
    edges_b: Iterable[Edge] | nx.DiGraph[Hashable],
    respondents_a: Iterable[Hashable] | None = None,
    respondents_b: Iterable[Hashable] | None = None,
) -> WaveComparison:
    """Compare an earlier wave (a) with a later one (b) of the same trust's network.

    Returns both summaries and the people in the largest weak component of wave b but not
    of wave a (joined — including people new to the network) and vice versa (left), each
    sorted by id as a string.
    """
    graph_a = _as_graph(edges_a, respondents_a)
    graph_b = _as_graph(edges_b, respondents_b)
    core_a = _largest_component(graph_a)
    core_b = _largest_component(graph_b)
    return WaveComparison(
        before=summarise(graph_a),
        after=summarise(graph_b),
        joined_largest_component=sorted(core_b - core_a, key=str),
        left_largest_component=sorted(core_a - core_b, key=str),
    )


def layout(
    edges: Iterable[Edge] | nx.DiGraph[Hashable],
    seed: int = 0,
    respondents: Iterable[Hashable] | None = None,
) -> dict[Hashable, tuple[float, float]]:
    """Deterministic spring (Fruchterman–Reingold) layout to store with a network.

    Nodes are laid out in sorted-id order so the same ties give the same positions whatever
    order they arrive in; coordinates lie in [-1, 1] and are rounded to 6 decimals.
    """
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError(f"seed must be an integer, got {seed!r}")
    graph = _as_graph(edges, respondents)
    if graph.number_of_nodes() == 0:
        raise ValueError("the network has no actors to lay out")
    ordered: nx.DiGraph[Hashable] = nx.DiGraph()
    ordered.add_nodes_from(sorted(graph, key=str))
    ordered.add_edges_from(sorted(graph.edges(), key=lambda e: (str(e[0]), str(e[1]))))
    n = ordered.number_of_nodes()
    positions = nx.spring_layout(ordered, seed=seed, k=1.5 / math.sqrt(n) if n > 1 else None)
    return {node: (round(float(x), 6), round(float(y), 6)) for node, (x, y) in positions.items()}
