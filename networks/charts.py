"""The network map (Figures 5.2a–e): a Plotly scatter built from a stored run, never recomputed."""

from __future__ import annotations

import html
from typing import Any

import plotly.graph_objects as go
from django.utils.safestring import SafeString

from vmi_programme.charts import NHS_COLOURS, figure_html, nhs_layout

RESPONDENT_COLOUR, COLLABORATOR_COLOUR, TIE_COLOUR = NHS_COLOURS[0], NHS_COLOURS[1], "#aeb7bd"


def actor_label(actor: dict[str, Any], names: dict[str, str]) -> str:
    """A person's name for users who may see identities, otherwise only what kind of actor."""
    return names.get(actor["key"]) or ("Respondent" if actor["respondent"] else "Collaborator")


def _hover(actor: dict[str, Any], names: dict[str, str]) -> str:
    lines = [f"<b>{html.escape(actor_label(actor, names))}</b>"]
    lines.append(f"Role: {html.escape(actor.get('role') or 'not given')}")
    lines.append(f"Department: {html.escape(actor.get('department') or 'not given')}")
    lines.append(f"Named by {actor['in_degree']}, names {actor['out_degree']}")
    return "<br>".join(lines)


def visible_ties(result: dict[str, Any], interaction: str | None) -> list[dict[str, Any]]:
    ties = result.get("ties", [])
    if interaction:
        ties = [tie for tie in ties if interaction in tie["interactions"]]
    return ties


def network_map(
    result: dict[str, Any], names: dict[str, str], *, interaction: str | None, trust: str
) -> SafeString:
    """Ties as lines, respondents as circles and collaborators as squares at stored positions.

    Only coordinates and the hover text go to the browser: no actor keys or person ids, and
    names only when ``names`` holds them (users allowed to see identities).
    """
    actors = result.get("actors", [])
    where = {actor["key"]: (actor["x"], actor["y"]) for actor in actors}
    ties = visible_ties(result, interaction)
    xs: list[float | None] = []
    ys: list[float | None] = []
    for tie in ties:
        (x0, y0), (x1, y1) = where[tie["source"]], where[tie["target"]]
        xs += [x0, x1, None]
        ys += [y0, y1, None]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"color": TIE_COLOUR, "width": 0.8},
            hoverinfo="skip",
            name=f"Ties ({interaction or 'all kinds'})",
        )
    )
    for respondent, symbol, colour, label in (
        (True, "circle", RESPONDENT_COLOUR, "Respondents (L4L participants)"),
        (False, "square", COLLABORATOR_COLOUR, "Collaborators named"),
    ):
        group = [a for a in actors if a["respondent"] is respondent]
        fig.add_trace(
            go.Scatter(
                x=[a["x"] for a in group],
                y=[a["y"] for a in group],
                mode="markers",
                name=label,
                marker={
                    "symbol": symbol,
                    "color": colour,
                    "size": [7 + min(a["in_degree"], 10) for a in group],
                    "line": {"color": "#212b32", "width": 0.6},
                },
                hovertext=[_hover(a, names) for a in group],
                hoverinfo="text",
            )
        )
    nhs_layout(fig, height=640)
    fig.update_layout(hovermode="closest", legend={"orientation": "h", "y": -0.05})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    summary = result.get("summary", {})
    kind = f" ({interaction} ties only)" if interaction else ""
    description = (
        f"Improvement network of {trust}, {result.get('wave_name', '')}{kind}: "
        f"{summary.get('respondents', 0)} respondents (circles) and "
        f"{summary.get('collaborators', 0)} collaborators (squares), {len(ties)} ties shown."
    )
    return figure_html(fig, description=description, element_id="network-map")
