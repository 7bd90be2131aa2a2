"""Network position against improvement activity: reach, and a group compared with everyone else.

Measures per actor (computed in the network-summary job, see ``networks.jobs``):

* **degree** — ties in either direction, in + out (a respondent names at most 10 people);
* **betweenness** — directed betweenness normalised by (n − 1)(n − 2) (``actor_metrics``);
* **reach** — the share of the other actors within two steps in the network taken as
  undirected: |{j ≠ i : d(i, j) ≤ 2}| / (n − 1), 0 for a network of one. Undirected because
  only respondents have out-ties: a collaborator's directed reach would always be 0.

A group (e.g. RPIW team members) is compared with everyone else in the same network by the
medians of each measure and the Mann–Whitney U test (two-sided; ``scipy.stats.mannwhitneyu``
with ``method="auto"``: the exact distribution for small groups without ties, otherwise the
normal approximation with the tie correction and a continuity correction):

    U_group = Σ_i Σ_j ( [x_i > y_j] + ½ [x_i = y_j] ),   x in the group, y the others
    rank-biserial r = 2·U_group / (n_group · n_others) − 1   (−1 … 1; > 0: the group is higher)

When every value is equal the test has no information and p = 1. A comparison with fewer than
``MIN_COUNT`` (5) actors on either side is suppressed: no counts, medians or test are kept, so
a small group cannot be picked out of a table.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import Any

import networkx as nx
from scipy.stats import mannwhitneyu

__all__ = [
    "MEASURES",
    "MIN_COUNT",
    "GroupComparison",
    "compare_group",
    "exact_mann_whitney_p",
    "mann_whitney_u",
    "reach",
]

#: the measures compared, in the order pages show them
MEASURES: tuple[str, ...] = ("betweenness", "degree", "reach")
#: fewer actors than this on either side of a comparison → not shown
MIN_COUNT = 5


def reach(graph: nx.DiGraph[Hashable]) -> dict[Hashable, float]:
    """Two-step reach of every actor: the share of the others within distance 2 (undirected)."""
    n = graph.number_of_nodes()
    undirected = graph.to_undirected(as_view=True)
    result: dict[Hashable, float] = {}
    for node in graph:
        if n < 2:
            result[node] = 0.0
            continue
        near = nx.single_source_shortest_path_length(undirected, node, cutoff=2)
        result[node] = (len(near) - 1) / (n - 1)
    return result


def mann_whitney_u(group: Sequence[float], others: Sequence[float]) -> float:
    """U of ``group`` by counting pairs (a second implementation of scipy's statistic)."""
    return sum(1.0 if x > y else 0.5 if x == y else 0.0 for x in group for y in others)


def exact_mann_whitney_p(group: Sequence[float], others: Sequence[float]) -> float:
    """Two-sided exact p by enumerating every split of the pooled values (small samples only).

    p = P(|U − n₁n₂/2| ≥ |U_obs − n₁n₂/2|) over all C(n₁ + n₂, n₁) equally likely splits.
    """
    pooled = list(group) + list(others)
    n1 = len(group)
    centre = n1 * len(others) / 2
    observed = abs(mann_whitney_u(group, others) - centre)
    extreme = total = 0
    for chosen in combinations(range(len(pooled)), n1):
        picked = set(chosen)
        x = [pooled[i] for i in chosen]
        y = [pooled[i] for i in range(len(pooled)) if i not in picked]
        total += 1
        extreme += abs(mann_whitney_u(x, y) - centre) >= observed - 1e-12
    return extreme / total


@dataclass(frozen=True)
class GroupComparison:
    """One measure, a group against everyone else in the network (see the module docstring).

    When ``suppressed`` every other field but ``measure`` is ``None``.
    """

    measure: str
    suppressed: bool
    n_group: int | None = None
    n_others: int | None = None
    median_group: float | None = None
    median_others: float | None = None
    u: float | None = None
    p_value: float | None = None
    rank_biserial: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def compare_group(
    values: Mapping[Hashable, Mapping[str, float]],
    members: Collection[Hashable],
    *,
    measures: Sequence[str] = MEASURES,
    min_count: int = MIN_COUNT,
) -> list[GroupComparison]:
    """Each measure of the actors in ``members`` against the rest of ``values``' actors.

    ``values`` maps every actor of one network to its measures; members not in it are ignored
    (they are not in this network). Raises ``ValueError`` if an actor lacks a measure or a
    value is not a finite number.
    """
    if min_count < 1:
        raise ValueError("min_count must be at least 1")
    inside = [actor for actor in values if actor in members]
    outside = [actor for actor in values if actor not in members]
    comparisons = []
    for measure in measures:
        x = [_value(values, actor, measure) for actor in inside]
        y = [_value(values, actor, measure) for actor in outside]
        if len(x) < min_count or len(y) < min_count:
            comparisons.append(GroupComparison(measure=measure, suppressed=True))
            continue
        u = mann_whitney_u(x, y)
        if len(set(x) | set(y)) == 1:
            p = 1.0  # every value equal: nothing to tell the groups apart
        else:
            p = float(mannwhitneyu(x, y, alternative="two-sided", method="auto").pvalue)
        comparisons.append(
            GroupComparison(
                measure=measure,
                suppressed=False,
                n_group=len(x),
                n_others=len(y),
                median_group=float(statistics.median(x)),
                median_others=float(statistics.median(y)),
                u=u,
                p_value=p,
                rank_biserial=2 * u / (len(x) * len(y)) - 1,
            )
        )
    return comparisons


def _value(values: Mapping[Hashable, Mapping[str, float]], actor: Hashable, measure: str) -> float:
    try:
        value = float(values[actor][measure])
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"actor {actor!r} has no number for {measure!r}") from error
    if not math.isfinite(value):
        raise ValueError(f"actor {actor!r} has a non-finite {measure!r}: {value}")
    return value
