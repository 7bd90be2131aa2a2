"""The network map (Figures 5.2a–e): a Plotly figure built from a stored run, never recomputed.

Positions, degrees, betweenness and the core come from the network-summary job. The figure
carries every view the page can switch to without asking the server again
(``networks/static/networks/network_map.js``): one trace of nodes per category of each
colouring (department, staff group, L4L status; only one colouring visible at a time), the
node sizes by degree and by betweenness (in each trace's ``meta``), one trace of lines per kind
of interaction (a tie of two kinds is in both, so hiding one kind keeps ties of the other),
the core (largest component) as a shaded hull, the respondents outside it and the top brokers
ringed.

Who sees what: names only reach the browser for users allowed to see identities (``names``).
For everyone else nodes are "Respondent" or "Collaborator", and a role, department, staff
group or L4L status shared by fewer than ``SMALL_GROUP`` actors of the network is shown as
"Other (groups under 5)", so an unusual role cannot single a person out.
"""

from __future__ import annotations

import html
import math
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import plotly.graph_objects as go
from django.utils.safestring import SafeString

from vmi_programme.charts import NHS_COLOURS, figure_html, nhs_layout
from vmi_programme.models import ProfessionalGroup

from .models import Interaction

RESPONDENT_COLOUR, COLLABORATOR_COLOUR = NHS_COLOURS[0], NHS_COLOURS[1]
TIE_COLOURS = {"expertise": "#7c8fa6", "advice": "#aeb7bd", "influence": "#c9a66b"}
BROKER_COLOUR, DETACHED_COLOUR, CORE_FILL = "#d5281b", "#ffb81c", "rgba(0, 94, 184, 0.07)"
#: categories with fewer actors than this are merged for users who may not see names
SMALL_GROUP = 5
OTHER = "Other (groups under 5)"
#: how many of the highest-betweenness actors are ringed as the main brokers
TOP_BROKERS = 5
PALETTE = [*NHS_COLOURS, "#768692", "#ed8b00", "#78be20", "#7c2855", "#41b6e6", "#aeb7bd"]

COLOURINGS: dict[str, str] = {
    "department": "Department",
    "group": "Staff group",
    "l4l": "L4L status",
}
SIZINGS: dict[str, str] = {"degree": "Degree (ties)", "betweenness": "Brokerage (betweenness)"}
L4L_LABELS = {
    "completed": "L4L graduate",
    "in_progress": "L4L in progress",
    "enrolled": "L4L enrolled",
    "withdrawn": "L4L withdrawn",
    "not_enrolled": "Not in L4L",
    "not_matched": "Named, not matched to a person",
}
GROUP_LABELS = dict(ProfessionalGroup.choices)


def actor_label(actor: dict[str, Any], names: dict[str, str]) -> str:
    """A person's name for users who may see identities, otherwise only what kind of actor."""
    return names.get(actor["key"]) or ("Respondent" if actor["respondent"] else "Collaborator")


def visible_ties(result: dict[str, Any], interaction: str | None) -> list[dict[str, Any]]:
    ties = result.get("ties", [])
    if interaction:
        ties = [tie for tie in ties if interaction in tie["interactions"]]
    return ties


def has_map_fields(result: dict[str, Any]) -> bool:
    """Whether the stored run has what the newer map and comparison need (L4L status, reach);
    results stored before them still draw, without those views, until the summary is rerun."""
    actors = result.get("actors", [])
    return bool(actors) and all("l4l" in a and "reach" in a for a in actors)


def categoriser(
    actors: list[dict[str, Any]], value: Callable[[dict[str, Any]], str], *, anonymise: bool
) -> Callable[[dict[str, Any]], str]:
    """The category of an actor for one attribute, small ones merged when ``anonymise``."""
    counts = Counter(value(a) for a in actors)

    def category(actor: dict[str, Any]) -> str:
        label = value(actor)
        return OTHER if anonymise and counts[label] < SMALL_GROUP else label

    return category


def _department(actor: dict[str, Any]) -> str:
    return (actor.get("department") or "").strip() or "Not given"


def _role(actor: dict[str, Any]) -> str:
    return (actor.get("role") or "").strip() or "Not given"


def _group(actor: dict[str, Any]) -> str:
    group = actor.get("group") or "other"
    return GROUP_LABELS.get(group, group.replace("_", " ").capitalize())


def _l4l(actor: dict[str, Any]) -> str:
    return L4L_LABELS.get(actor.get("l4l") or "", "L4L status not stored")


def describe_actors(
    actors: list[dict[str, Any]], names: dict[str, str], *, anonymise: bool
) -> list[dict[str, Any]]:
    """Each actor with the label, role, department, staff group and L4L status a user may see."""
    role = categoriser(actors, _role, anonymise=anonymise)
    department = categoriser(actors, _department, anonymise=anonymise)
    group = categoriser(actors, _group, anonymise=anonymise)
    l4l = categoriser(actors, _l4l, anonymise=anonymise)
    return [
        {
            **actor,
            "label": actor_label(actor, names),
            "role_shown": role(actor),
            "department_shown": department(actor),
            "group_shown": group(actor),
            "l4l_shown": l4l(actor),
        }
        for actor in actors
    ]


def top_brokers(actors: Iterable[dict[str, Any]], limit: int = TOP_BROKERS) -> list[dict]:
    """The actors with the highest betweenness (above 0), highest first."""
    ranked = sorted(
        (a for a in actors if a.get("betweenness", 0) > 0),
        key=lambda a: (-a["betweenness"], -a.get("brokerage", 0), a["key"]),
    )
    return ranked[:limit]


def _hover(actor: dict[str, Any]) -> str:
    lines = [f"<b>{html.escape(actor['label'])}</b>"]
    lines.append(f"Role: {html.escape(actor['role_shown'])}")
    lines.append(f"Department: {html.escape(actor['department_shown'])}")
    lines.append(f"Staff group: {html.escape(actor['group_shown'])}")
    if "l4l" in actor:
        lines.append(html.escape(actor["l4l_shown"]))
    lines.append(f"Named by {actor['in_degree']}, names {actor['out_degree']}")
    lines.append(f"Betweenness {actor['betweenness']:.3f}")
    if not actor.get("core", True):
        lines.append("Outside the core")
    return "<br>".join(lines)


def _sizes(group: list[dict[str, Any]], top_betweenness: float) -> dict[str, list[float]]:
    """Marker sizes (px) by degree (6–20) and by betweenness (6–30, by its square root)."""
    scale = math.sqrt(top_betweenness) if top_betweenness > 0 else 1.0
    return {
        "degree": [6 + min(a["in_degree"] + a["out_degree"], 14) for a in group],
        "betweenness": [
            round(6 + 24 * math.sqrt(max(a["betweenness"], 0)) / scale, 2) for a in group
        ],
    }


def _hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Convex hull (Andrew's monotone chain), closed, for shading the core."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return pts

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[tuple[float, float]] = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    ring = lower[:-1] + upper[:-1]
    return [*ring, ring[0]]


def network_map(
    result: dict[str, Any],
    names: dict[str, str],
    *,
    interaction: str | None,
    trust: str,
    anonymise: bool,
) -> SafeString:
    """The interactive map of one stored run (see the module docstring for what it holds).

    Only coordinates, measures and the hover text go to the browser: no actor keys or person
    ids, and names only when ``names`` holds them.
    """
    actors = describe_actors(result.get("actors", []), names, anonymise=anonymise)
    where = {actor["key"]: (actor["x"], actor["y"]) for actor in actors}
    ties = visible_ties(result, interaction)
    fig = go.Figure()

    core_points = [where[a["key"]] for a in actors if a.get("core")]
    if len(core_points) >= 3:
        ring = _hull(core_points)
        fig.add_trace(
            go.Scatter(
                x=[p[0] for p in ring],
                y=[p[1] for p in ring],
                mode="lines",
                fill="toself",
                fillcolor=CORE_FILL,
                line={"color": "rgba(0, 94, 184, 0.25)", "width": 1, "dash": "dot"},
                hoverinfo="skip",
                name=f"Core: largest component ({len(core_points)} actors)",
                meta={"role": "core"},
            )
        )

    kinds = [interaction] if interaction else list(Interaction.values)
    for kind in kinds:
        xs: list[float | None] = []
        ys: list[float | None] = []
        count = 0
        for tie in ties:
            if kind not in tie["interactions"]:
                continue
            (x0, y0), (x1, y1) = where[tie["source"]], where[tie["target"]]
            xs += [x0, x1, None]
            ys += [y0, y1, None]
            count += 1
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": TIE_COLOURS.get(kind, "#aeb7bd"), "width": 0.8},
                opacity=0.8,
                hoverinfo="skip",
                name=f"{kind.capitalize()} ties ({count})",
                meta={"role": "ties", "kind": kind},
            )
        )

    top_betweenness = max((a["betweenness"] for a in actors), default=0.0)
    stored_fields = has_map_fields(result)
    for colouring in COLOURINGS:
        if colouring == "l4l" and not stored_fields:
            continue
        attribute = f"{colouring}_shown"
        categories = sorted({a[attribute] for a in actors}, key=lambda c: (c == OTHER, c))
        for index, category in enumerate(categories):
            group = [a for a in actors if a[attribute] == category]
            sizes = _sizes(group, top_betweenness)
            fig.add_trace(
                go.Scatter(
                    x=[a["x"] for a in group],
                    y=[a["y"] for a in group],
                    mode="markers",
                    name=f"{category} ({len(group)})",
                    legendgroup=colouring,
                    visible=colouring == "department",
                    marker={
                        "symbol": ["circle" if a["respondent"] else "square" for a in group],
                        "color": PALETTE[index % len(PALETTE)] if category != OTHER else "#d8dde0",
                        "size": sizes["degree"],
                        "line": {"color": "#212b32", "width": 0.6},
                    },
                    customdata=[a["label"] for a in group],
                    hovertext=[_hover(a) for a in group],
                    hoverinfo="text",
                    meta={"role": "nodes", "colouring": colouring, "sizes": sizes},
                )
            )

    detached = [a for a in actors if a["respondent"] and not a.get("core", True)]
    fig.add_trace(
        go.Scatter(
            x=[a["x"] for a in detached],
            y=[a["y"] for a in detached],
            mode="markers",
            marker={
                "symbol": "circle-open",
                "size": 18,
                "color": DETACHED_COLOUR,
                "line": {"width": 2.5},
            },
            hoverinfo="skip",
            name=f"Respondents outside the core ({len(detached)})",
            meta={"role": "detached"},
        )
    )
    brokers = top_brokers(actors)
    fig.add_trace(
        go.Scatter(
            x=[a["x"] for a in brokers],
            y=[a["y"] for a in brokers],
            mode="markers+text",
            marker={
                "symbol": "circle-open",
                "size": 26,
                "color": BROKER_COLOUR,
                "line": {"width": 2.5},
            },
            text=[a["label"] if names else f"Broker {i}" for i, a in enumerate(brokers, 1)],
            textposition="top center",
            textfont={"color": BROKER_COLOUR, "size": 12},
            hoverinfo="skip",
            name=f"Top {len(brokers)} brokers (betweenness)",
            meta={"role": "brokers"},
        )
    )

    nhs_layout(fig, height=680)
    fig.update_layout(
        hovermode="closest",
        dragmode="pan",
        legend={"orientation": "v", "x": 1.01, "y": 1, "font": {"size": 12}},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    summary = result.get("summary", {})
    kind = f" ({interaction} ties only)" if interaction else ""
    description = (
        f"Improvement network of {trust}, {result.get('wave_name', '')}{kind}: "
        f"{summary.get('respondents', 0)} respondents (circles) and "
        f"{summary.get('collaborators', 0)} collaborators (squares), {len(ties)} ties shown. "
        f"The shaded area is the core (largest component); {len(detached)} respondents outside "
        f"it are ringed in yellow and the {len(brokers)} main brokers in red."
    )
    return figure_html(fig, description=description, element_id="network-map")
