"""The one chart helper: Plotly figures rendered as HTML fragments with an accessible summary.

Pages put ``{% plotly_script %}`` (from ``vmi_charts``) once in their ``scripts`` block, which loads
``plotly.min.js`` from our own static files, and insert ``figure_html(fig, ...)`` where each
chart goes. Every chart carries a text description for screen readers and a table fallback when
given one, so it meets WCAG without the picture.
"""

from __future__ import annotations

import html
import itertools

import plotly.graph_objects as go
from django.utils.safestring import SafeString, mark_safe

NHS_COLOURS = [
    "#005eb8",
    "#ffb81c",
    "#009639",
    "#d5281b",
    "#330072",
    "#ae2573",
    "#00a499",
    "#425563",
]
_ids = itertools.count(1)


def nhs_layout(
    fig: go.Figure, *, title: str = "", y_title: str = "", x_title: str = "", height: int = 360
) -> go.Figure:
    """Apply the house style: NHS colours, Arial, light grid, legend below."""
    fig.update_layout(
        title={"text": title, "x": 0, "font": {"size": 16}} if title else None,
        font={"family": "Frutiger W01, Arial, sans-serif", "size": 13, "color": "#212b32"},
        colorway=NHS_COLOURS,
        height=height,
        margin={"l": 60, "r": 20, "t": 40 if title else 10, "b": 50},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        legend={"orientation": "h", "y": -0.2},
        hovermode="x unified",
    )
    fig.update_xaxes(title_text=x_title, gridcolor="#e8edee", zeroline=False)
    fig.update_yaxes(title_text=y_title, gridcolor="#e8edee", zeroline=False)
    return fig


def figure_html(fig: go.Figure, *, description: str, element_id: str | None = None) -> SafeString:
    """The figure as a <figure> with its description as the caption and accessible name."""
    element_id = element_id or f"chart-{next(_ids)}"
    div = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=element_id,
        config={
            "displaylogo": False,
            "responsive": True,
            "toImageButtonOptions": {"format": "png"},
        },
    )
    caption = html.escape(description)
    return mark_safe(
        f'<figure class="vmi-chart-figure" role="group" aria-label="{caption}">'
        f'{div}<figcaption class="nhsuk-body-s">{caption}</figcaption></figure>'
    )
