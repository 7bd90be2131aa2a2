"""Seeded demo survey networks for the five partner trusts, reproducing Tables 5.3 and 5.4 exactly.

How a wave is made
------------------
The report publishes only totals, so the generator invents raw records that add up to them:

1. **Constructive start.** Respondents (L4L participants) and collaborators are split into a
   main component and a few small components (the trust's "shape"). The main component gets a
   protected backbone that carries the shape and connectivity: SASH small mutual teams that
   share collaborators (dense, reciprocal clusters); LTHT two long rings of respondents joined
   by one tie, with ties allowed only between people close on a ring; UHCW a handful of popular
   collaborators named by many respondents; SATH and BHRUT a sparse random tree. Every
   collaborator gets one protected naming tie (everyone named is named by a respondent).
   Free ties are then added at random up to the published number of ties.
2. **Local search.** Seeded simulated annealing rewires free ties (remove one, add one: the
   number of ties never changes) to drive the four brokering triad counts (021C, 111D, 111U,
   201) to the published values, with a soft band on the number of mutual dyads for the
   qualitative reciprocity ordering. The triad counts are updated incrementally: toggling the
   tie u→v changes only triads {u, v, w} with w a neighbour of u or v, so a move costs
   O(degree) rather than a new census.

Survey rules kept throughout: only respondents name people (collaborators have no out-ties);
a respondent names at most 10 people (most name 2–5; a few "silent" respondents named nobody
and are isolates); no self-ties or duplicate ties; every collaborator is named at least once.

UHCW's "9 isolated components" is read as nine weak components besides the main one (ten in
all), holding about a fifth of the respondents, as the report's text says. BHRUT is "sparse"
in ties per actor (the lowest of the five); its plain density cannot be the lowest because it
is the smallest network and the published tie counts fix density.

``PUBLISHED_TABLE_5_4`` holds the report's figures for tests only: the app computes every
figure from the generated records with ``networks.analysis.summarise``.

No Django here: the name limit comes from ``networks.constants``; the professional groups and
interactions written are values of ``ProfessionalGroup`` and ``networks.models.Interaction``
(tests/networks/analysis/test_demo_networks.py checks that they stay in step).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from networks.constants import MAX_NAMES

__all__ = [
    "TRUSTS",
    "WAVES",
    "PUBLISHED_TABLE_5_4",
    "DemoWave",
    "generate_wave",
]

TRUSTS: tuple[str, ...] = ("SASH", "LTHT", "UHCW", "BHRUT", "SATH")
WAVES: dict[str, tuple[str, ...]] = {
    "2018-12": TRUSTS,
    "2020-12": ("SASH", "SATH"),
}

PUBLISHED_TABLE_5_4: dict[str, dict[str, int]] = {
    "SASH": {
        "invitations": 198,
        "respondents": 94,
        "collaborators": 153,
        "actors": 247,
        "ties": 389,
        "021C": 258,
        "111D": 116,
        "111U": 102,
        "201": 11,
        "reciprocated_total": 229,
    },
    "LTHT": {
        "invitations": 195,
        "respondents": 70,
        "collaborators": 111,
        "actors": 181,
        "ties": 273,
        "021C": 180,
        "111D": 118,
        "111U": 61,
        "201": 12,
        "reciprocated_total": 191,
    },
    "UHCW": {
        "invitations": 155,
        "respondents": 67,
        "collaborators": 100,
        "actors": 167,
        "ties": 269,
        "021C": 278,
        "111D": 122,
        "111U": 83,
        "201": 9,
        "reciprocated_total": 214,
    },
    "BHRUT": {
        "invitations": 103,
        "respondents": 49,
        "collaborators": 84,
        "actors": 133,
        "ties": 194,
        "021C": 170,
        "111D": 45,
        "111U": 36,
        "201": 3,
        "reciprocated_total": 84,
    },
    "SATH": {
        "invitations": 114,
        "respondents": 67,
        "collaborators": 120,
        "actors": 187,
        "ties": 279,
        "021C": 355,
        "111D": 40,
        "111U": 83,
        "201": 1,
        "reciprocated_total": 124,
    },
}

BROKERING_TYPES: tuple[str, ...] = ("021C", "111D", "111U", "201")
INTERACTIONS: tuple[str, ...] = ("expertise", "advice", "influence")
PROFESSIONAL_GROUPS: tuple[str, ...] = (
    "nursing",
    "medical",
    "ahp",
    "managerial",
    "admin_clerical",
    "scientific",
    "other",
)
# L4L participants lean managerial and nursing; the people they name are more varied.
_RESPONDENT_GROUP_WEIGHTS = (30, 12, 14, 28, 8, 5, 3)
_COLLABORATOR_GROUP_WEIGHTS = (26, 20, 14, 18, 12, 6, 4)
DEPARTMENTS: tuple[str, ...] = (
    "Emergency Department",
    "Acute Medicine",
    "Surgery",
    "Theatres",
    "Women and Children",
    "Outpatients",
    "Pharmacy",
    "Radiology",
    "Pathology",
    "Therapies",
    "Estates and Facilities",
    "Finance",
    "Workforce",
    "Improvement Office (KPO)",
)


@dataclass(frozen=True)
class _Shape:
    """What a trust's wave must look like: published totals plus the qualitative shape."""

    respondents: int
    collaborators: int
    ties: int
    targets: dict[str, int]
    kind: str  # "clusters", "rings", "hubs" or "plain"
    small_components: tuple[tuple[int, int], ...] = ()  # (respondents, collaborators) each
    silent: int = 0  # respondents who named nobody and were named by nobody
    mutual_band: tuple[int, int] = (0, 10_000)


def _published_shape(trust: str, **shape: Any) -> _Shape:
    """Shape whose totals and brokering targets come from Table 5.4."""
    row = PUBLISHED_TABLE_5_4[trust]
    return _Shape(
        respondents=row["respondents"],
        collaborators=row["collaborators"],
        ties=row["ties"],
        targets={label: row[label] for label in BROKERING_TYPES},
        **shape,
    )


_SHAPES: dict[tuple[str, str], _Shape] = {
    ("SASH", "2018-12"): _published_shape(
        "SASH", kind="clusters", small_components=((1, 2),), mutual_band=(46, 70)
    ),
    ("LTHT", "2018-12"): _published_shape(
        "LTHT", kind="rings", small_components=((1, 3), (2, 3), (1, 2)), mutual_band=(16, 26)
    ),
    ("UHCW", "2018-12"): _published_shape(
        "UHCW",
        kind="hubs",
        small_components=((2, 3), (2, 2), (1, 3), (1, 2), (2, 3), (1, 2), (1, 3), (2, 2), (1, 2)),
        mutual_band=(12, 40),
    ),
    ("BHRUT", "2018-12"): _published_shape(
        "BHRUT",
        kind="plain",
        small_components=((1, 3), (2, 3), (1, 2)),
        silent=2,
        mutual_band=(6, 18),
    ),
    ("SATH", "2018-12"): _published_shape(
        "SATH",
        kind="plain",
        small_components=(
            (2, 4),
            (2, 3),
            (3, 4),
            (2, 3),
            (1, 3),
            (2, 4),
            (3, 4),
            (2, 3),
            (2, 3),
            (2, 3),
        ),
        silent=1,
        mutual_band=(6, 16),
    ),
}


@dataclass
class DemoWave:
    """One trust's survey wave: people (respondents and the collaborators they named) and ties."""

    trust: str
    wave: str
    people: list[dict[str, Any]] = field(default_factory=list)
    ties: list[dict[str, Any]] = field(default_factory=list)

    @property
    def respondents(self) -> list[str]:
        """Ids of the people who answered the survey."""
        return [person["id"] for person in self.people if person["respondent"]]

    @property
    def edges(self) -> list[tuple[str, str]]:
        """Ties as (source, target) pairs, ready for ``networks.analysis``."""
        return [(tie["source"], tie["target"]) for tie in self.ties]


# --- incremental triad bookkeeping -----------------------------------------------------------


def _code_table() -> list[int]:
    """Map the 6-bit arc code of a triad (u, v, w) to an index in BROKERING_TYPES or -1."""
    arcs = (("u", "v"), ("v", "u"), ("u", "w"), ("w", "u"), ("v", "w"), ("w", "v"))
    table = []
    for code in range(64):
        graph: nx.DiGraph[str] = nx.DiGraph()
        graph.add_nodes_from("uvw")
        graph.add_edges_from(arc for bit, arc in enumerate(arcs) if code >> bit & 1)
        label = nx.triad_type(graph)
        table.append(BROKERING_TYPES.index(label) if label in BROKERING_TYPES else -1)
    return table


_CODE_TO_TARGET = _code_table()


class _Network:
    """Mutable directed network with incremental counts of the four brokering triad types."""

    def __init__(self, n: int) -> None:
        self.succ: list[set[int]] = [set() for _ in range(n)]
        self.pred: list[set[int]] = [set() for _ in range(n)]
        self.counts = [0, 0, 0, 0]
        self.mutual = 0
        self.ties = 0

    def _triad_counts(self, u: int, v: int) -> list[int]:
        """Brokering-type counts over triads {u, v, w}, w adjacent to u or v."""
        su, pu, sv, pv = self.succ[u], self.pred[u], self.succ[v], self.pred[v]
        base = (v in su) | (u in sv) << 1
        counts = [0, 0, 0, 0]
        for w in (su | pu | sv | pv) - {u, v}:
            code = base | (w in su) << 2 | (w in pu) << 3 | (w in sv) << 4 | (w in pv) << 5
            index = _CODE_TO_TARGET[code]
            if index >= 0:
                counts[index] += 1
        return counts

    def toggle(self, u: int, v: int) -> None:
        """Add the tie u→v if absent, else remove it, keeping the counts up to date."""
        before = self._triad_counts(u, v)
        adding = v not in self.succ[u]
        if adding:
            self.succ[u].add(v)
            self.pred[v].add(u)
            self.ties += 1
            self.mutual += u in self.succ[v]
        else:
            self.succ[u].discard(v)
            self.pred[v].discard(u)
            self.ties -= 1
            self.mutual -= u in self.succ[v]
        after = self._triad_counts(u, v)
        for index in range(4):
            self.counts[index] += after[index] - before[index]

    def has(self, u: int, v: int) -> bool:
        """Whether u names v."""
        return v in self.succ[u]


# --- construction and search -------------------------------------------------------------------


class _Builder:
    """Builds one wave: backbone, random fill, then annealing on the free ties."""

    def __init__(self, shape: _Shape, rng: random.Random) -> None:
        self.shape = shape
        self.rng = rng
        self.n_resp = shape.respondents
        self.n = shape.respondents + shape.collaborators
        self.net = _Network(self.n)
        self.protected: set[tuple[int, int]] = set()
        self.free: list[tuple[int, int]] = []
        self.free_at: dict[tuple[int, int], int] = {}
        self.block = [-1] * self.n  # -1: silent isolate; 0: main component; k: small component k
        self.position: dict[int, tuple[int, int]] = {}  # rings: node -> (ring, slot)
        self.ring_sizes: list[int] = []
        self.candidates: dict[int, list[int]] = {}

    # bookkeeping ---------------------------------------------------------------------------

    def is_respondent(self, node: int) -> bool:
        """Respondents are numbered before collaborators."""
        return node < self.n_resp

    def out_degree(self, node: int) -> int:
        """How many people ``node`` names."""
        return len(self.net.succ[node])

    def add_protected(self, u: int, v: int) -> None:
        """Add u→v as a backbone tie the search never removes."""
        if u == v or self.net.has(u, v):
            return
        if (u, v) in self.free_at:
            self._drop_free(u, v)
            self.protected.add((u, v))
            return
        self.net.toggle(u, v)
        self.protected.add((u, v))

    def add_free(self, u: int, v: int) -> None:
        """Add u→v as a tie the search may rewire."""
        self.net.toggle(u, v)
        self.free_at[(u, v)] = len(self.free)
        self.free.append((u, v))

    def _drop_free(self, u: int, v: int) -> None:
        """Forget u→v as a free tie (O(1) swap-remove), leaving the network unchanged."""
        index = self.free_at.pop((u, v))
        last = self.free.pop()
        if last != (u, v):
            self.free[index] = last
            self.free_at[last] = index

    def remove_free(self, u: int, v: int) -> None:
        """Remove the free tie u→v from the network."""
        self._drop_free(u, v)
        self.net.toggle(u, v)

    # constructive start ----------------------------------------------------------------------

    def allocate_blocks(self) -> tuple[list[int], list[int]]:
        """Assign people to the main component, small components and silent isolates."""
        shape = self.shape
        respondents = list(range(self.n_resp))
        collaborators = list(range(self.n_resp, self.n))
        next_r, next_c = self.n_resp - shape.silent, self.n
        for number, (n_r, n_c) in enumerate(shape.small_components, start=1):
            members_r = list(range(next_r - n_r, next_r))
            members_c = list(range(next_c - n_c, next_c))
            next_r -= n_r
            next_c -= n_c
            for node in members_r + members_c:
                self.block[node] = number
            self._small_component(members_r, members_c)
        main_r, main_c = respondents[:next_r], collaborators[: next_c - self.n_resp]
        for node in main_r + main_c:
            self.block[node] = 0
        return main_r, main_c

    def _small_component(self, members_r: list[int], members_c: list[int]) -> None:
        """A respondent, or a short chain of respondents, and the few people they name."""
        for a, b in zip(members_r, members_r[1:], strict=False):
            if self.rng.random() < 0.7:
                self.add_protected(a, b)
            else:
                self.add_protected(b, a)
        for index, c in enumerate(members_c):
            self.add_protected(members_r[index % len(members_r)], c)
        for r in members_r:  # most people name two to five colleagues
            for c in self.rng.sample(members_c, len(members_c)):
                if self.out_degree(r) >= 3:
                    break
                self.add_protected(r, c)

    def _least_busy(self, pool: list[int]) -> int:
        """A respondent from ``pool`` who names (nearly) the fewest people so far."""
        low = min(self.out_degree(r) for r in pool)
        return self.rng.choice([r for r in pool if self.out_degree(r) <= low + 1])

    def _tree(self, members: list[int]) -> None:
        """Connect ``members`` by a random tree of protected ties in random directions."""
        order = members[:]
        self.rng.shuffle(order)
        for i, node in enumerate(order[1:], start=1):
            other = order[self.rng.randrange(i)]
            if self.rng.random() < 0.5:
                self.add_protected(node, other)
            else:
                self.add_protected(other, node)

    def backbone(self, main_r: list[int], main_c: list[int]) -> None:
        """Protected ties that carry the trust's shape and keep the main component connected."""
        rng, kind = self.rng, self.shape.kind
        collaborators = main_c[:]
        rng.shuffle(collaborators)
        if kind == "rings":
            half = len(main_r) // 2
            rings = [main_r[:half], main_r[half:]]
            self.ring_sizes = [len(ring) for ring in rings]
            for ring_number, ring in enumerate(rings):
                for slot, node in enumerate(ring):
                    self.position[node] = (ring_number, slot)
                    self.add_protected(node, ring[(slot + 1) % len(ring)])
            self.add_protected(rings[0][0], rings[1][len(rings[1]) // 2])
            # collaborators hang off every other respondent, leaving the rest free to pair up
            namers = [node for ring in rings for node in ring[::2]]
            for c in collaborators:
                namer = self._least_busy(namers)
                self.position[c] = self.position[namer]
                self.add_protected(namer, c)
            return
        if kind == "clusters":
            # small mutual teams who all name the same colleague: closed, reciprocal clusters
            teams = [main_r[i : i + 3] for i in range(0, 39, 3)]
            for team in teams:
                for a in team:
                    for b in team:
                        if a != b:
                            self.add_protected(a, b)
                shared = collaborators.pop()
                for a in team:
                    self.add_protected(a, shared)
            leaders = [team[0] for team in teams] + main_r[39:]
            self._tree(leaders)
        elif kind == "hubs":
            self._tree(main_r)
            for _ in range(4):
                hub = collaborators.pop()
                for namer in rng.sample(main_r, 10):
                    self.add_protected(namer, hub)
        else:
            self._tree(main_r)
        for c in collaborators:
            self.add_protected(self._least_busy(main_r), c)

    def prepare_candidates(self, main_r: list[int]) -> None:
        """Who each main-component respondent may name (rings: only people close by)."""
        main = [node for node in range(self.n) if self.block[node] == 0]
        for u in main_r:
            if self.shape.kind == "rings":
                self.candidates[u] = [v for v in main if v != u and self._near(u, v)]
            else:
                self.candidates[u] = [v for v in main if v != u]

    def _near(self, u: int, v: int, window: int = 4) -> bool:
        """Rings: u and v are on the same ring within ``window`` slots of each other."""
        (ring_u, slot_u), (ring_v, slot_v) = self.position[u], self.position[v]
        if ring_u != ring_v:
            return False
        gap = abs(slot_u - slot_v)
        return min(gap, self.ring_sizes[ring_u] - gap) <= window

    def fill(self, main_r: list[int]) -> None:
        """Add random free ties in the main component up to the published number of ties."""
        while self.net.ties < self.shape.ties:
            u = self.rng.choice(main_r)
            if self.out_degree(u) >= MAX_NAMES or (
                self.out_degree(u) >= 5 and self.rng.random() < 0.9
            ):
                continue
            v = self.rng.choice(self.candidates[u])
            if not self.net.has(u, v):
                self.add_free(u, v)

    # local search ------------------------------------------------------------------------------

    def cost(self) -> float:
        """Distance to the targets: Σ|count − target| plus half the miss of the mutual band."""
        counts, targets = self.net.counts, self.shape.targets
        gap = sum(abs(counts[i] - targets[label]) for i, label in enumerate(BROKERING_TYPES))
        low, high = self.shape.mutual_band
        return gap + 0.5 * max(0, low - self.net.mutual, self.net.mutual - high)

    def _propose_addition(self, main_r: list[int]) -> tuple[int, int] | None:
        """A candidate new tie (random, towards a mutual pair, naming back, or closing), or None."""
        rng, net = self.rng, self.net
        roll = rng.random()
        if roll < 0.45:
            u = rng.choice(main_r)
            v = rng.choice(self.candidates[u])
        elif roll < 0.6:  # name someone who is in a mutual pair
            v = rng.choice(main_r)
            if not net.succ[v] & net.pred[v]:
                return None
            u = rng.choice(self.candidates[v])
        elif roll < 0.8:  # name someone back
            v = rng.choice(main_r)
            if not net.pred[v]:
                return None
            u = v
            v = rng.choice(tuple(net.pred[u]))
        else:  # close a two-path a→b→c with a→c
            b = rng.choice(main_r)
            if not net.pred[b] or not net.succ[b]:
                return None
            u = rng.choice(tuple(net.pred[b]))
            v = rng.choice(tuple(net.succ[b]))
        if u == v or net.has(u, v) or self.block[u] != 0 or self.block[v] != 0:
            return None
        if not self.is_respondent(u) or self.out_degree(u) >= MAX_NAMES:
            return None
        if self.shape.kind == "rings" and not self._near(u, v):
            return None
        return u, v

    def anneal(self, main_r: list[int], max_steps: int = 400_000) -> bool:
        """Rewire free ties until the brokering counts are exact; True on success."""
        rng = self.rng
        current = self.cost()
        temperature = 2.0
        for step in range(max_steps):
            if current == 0:
                return True
            if step % 2000 == 0:
                temperature = max(0.05, temperature * 0.93)
            removal = self.free[rng.randrange(len(self.free))]
            addition = self._propose_addition(main_r)
            if addition is None or addition == removal:
                continue
            u0, v0 = removal
            if self.out_degree(u0) <= 1 and addition[0] != u0:
                continue  # everyone who answered keeps naming someone
            if self.out_degree(u0) <= 2 and rng.random() < 0.5:
                continue  # prefer respondents who name two or more people
            if self.out_degree(addition[0]) >= 6 and rng.random() < 0.8:
                continue  # most respondents name 2–5 people
            self.remove_free(u0, v0)
            self.add_free(*addition)
            proposed = self.cost()
            delta = proposed - current
            if delta <= 0 or rng.random() < math.exp(-delta / temperature):
                current = proposed
            else:
                self.remove_free(*addition)
                self.add_free(u0, v0)
        return current == 0


# --- later waves: the same people a few years on (not published; shows change) -------------------


@dataclass(frozen=True)
class _LaterWave:
    """How a later wave differs from 2018: small components that joined the core, more ties."""

    joined_components: int
    extra_ties: int
    targets: dict[str, int]
    mutual_band: tuple[int, int]


_LATER_WAVES: dict[tuple[str, str], _LaterWave] = {
    # SATH: more respondents connected to the core and far more reciprocity
    ("SATH", "2020-12"): _LaterWave(
        joined_components=6,
        extra_ties=25,
        targets={"021C": 300, "111D": 90, "111U": 115, "201": 8},
        mutual_band=(18, 40),
    ),
    # SASH: steady, a little denser
    ("SASH", "2020-12"): _LaterWave(
        joined_components=1,
        extra_ties=20,
        targets={"021C": 250, "111D": 125, "111U": 110, "201": 13},
        mutual_band=(50, 75),
    ),
}


def _evolve(builder: _Builder, later: _LaterWave) -> None:
    """Turn a built 2018 wave into a later one: join components to the core, add ties, anneal."""
    rng = builder.rng
    main_r = [r for r in range(builder.n_resp) if builder.block[r] == 0]
    for number in range(1, later.joined_components + 1):
        members = [node for node in range(builder.n) if builder.block[node] == number]
        for node in members:
            builder.block[node] = 0
        newcomer = rng.choice([node for node in members if builder.is_respondent(node)])
        builder.add_protected(newcomer, rng.choice(main_r))
    main_r = [r for r in range(builder.n_resp) if builder.block[r] == 0]
    builder.prepare_candidates(main_r)
    # the protected 2018 backbone stays, so the core cannot fall apart; other ties are rewired
    builder.shape = _Shape(
        respondents=builder.shape.respondents,
        collaborators=builder.shape.collaborators,
        ties=builder.shape.ties + later.extra_ties,
        targets=later.targets,
        kind=builder.shape.kind,
        mutual_band=later.mutual_band,
    )
    builder.fill(main_r)
    builder.anneal(main_r, max_steps=60_000)


# --- records ---------------------------------------------------------------------------------------


def _build(shape: _Shape, rng: random.Random, max_steps: int = 400_000) -> _Builder | None:
    """Construct and anneal one published wave; None if the search did not reach the targets."""
    builder = _Builder(shape, rng)
    main_r, main_c = builder.allocate_blocks()
    builder.backbone(main_r, main_c)
    builder.prepare_candidates(main_r)
    builder.fill(main_r)
    return builder if builder.anneal(main_r, max_steps=max_steps) else None


def _records(trust: str, wave: str, builder: _Builder, seed: int) -> DemoWave:
    """People and ties with plausible attributes; ids are shuffled so order reveals nothing."""
    rng = random.Random(f"{trust}:{seed}:people")
    order = list(range(builder.n))
    rng.shuffle(order)
    ids = {node: f"{trust}-{order[node] + 1:03d}" for node in range(builder.n)}
    department: dict[int, str] = {}
    for node in range(builder.n_resp):
        department[node] = rng.choice(DEPARTMENTS)
    people = []
    for node in range(builder.n):
        respondent = builder.is_respondent(node)
        if not respondent:
            namers = sorted(builder.net.pred[node])
            # people mostly name colleagues from their own department
            if namers and rng.random() < 0.6:
                department[node] = department[namers[0]]
            else:
                department[node] = rng.choice(DEPARTMENTS)
        weights = _RESPONDENT_GROUP_WEIGHTS if respondent else _COLLABORATOR_GROUP_WEIGHTS
        people.append(
            {
                "id": ids[node],
                "respondent": respondent,
                "professional_group": rng.choices(PROFESSIONAL_GROUPS, weights=weights)[0],
                "department": department[node],
            }
        )
    people.sort(key=lambda person: person["id"])
    ties = []
    for u in range(builder.n):
        for v in sorted(builder.net.succ[u]):
            kinds = [kind for kind in INTERACTIONS if rng.random() < 0.45] or [
                rng.choice(INTERACTIONS)
            ]
            ties.append({"source": ids[u], "target": ids[v], "interactions": kinds})
    ties.sort(key=lambda tie: (tie["source"], tie["target"]))
    return DemoWave(trust=trust, wave=wave, people=people, ties=ties)


def generate_wave(trust: str, wave: str = "2018-12", seed: int = 2018) -> DemoWave:
    """Generate one trust's survey wave of people and ties, deterministically from ``seed``.

    For ``wave="2018-12"`` the result reproduces Tables 5.3 and 5.4 exactly when summarised
    with ``networks.analysis.summarise(wave.edges, wave.respondents)``: respondents,
    collaborators, actors, ties and the 021C, 111D, 111U and 201 triad counts. ``"2020-12"``
    (SASH and SATH only) is an invented later wave of the same people, for showing change.
    Takes well under a few seconds per trust. Raises ``ValueError`` for an unknown trust or
    wave and ``RuntimeError`` if the search fails (it does not for the shipped seeds).
    """
    if trust not in TRUSTS:
        raise ValueError(f"unknown trust {trust!r}; expected one of {', '.join(TRUSTS)}")
    if wave not in WAVES:
        raise ValueError(f"unknown wave {wave!r}; expected one of {', '.join(WAVES)}")
    if trust not in WAVES[wave]:
        raise ValueError(f"there is no {wave} wave for {trust}")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError(f"seed must be an integer, got {seed!r}")
    shape = _SHAPES[(trust, "2018-12")]
    builder = None
    for attempt in range(8):
        builder = _build(shape, random.Random(f"{trust}:{seed}:{attempt}"))
        if builder is not None:
            break
    if builder is None:
        raise RuntimeError(f"could not reproduce the published {trust} network with seed {seed}")
    if wave != "2018-12":
        _evolve(builder, _LATER_WAVES[(trust, wave)])
    return _records(trust, wave, builder, seed)
