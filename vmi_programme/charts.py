"""The one chart helper: Plotly figures rendered as HTML fragments with an accessible summary.

Pages put ``{% plotly_script %}`` (from ``vmi_charts``) once, anywhere (it loads ``plotly.min.js``
from our own static files and ``charts.js``, both deferred), and insert ``figure_html(fig, ...)``
where each chart goes. Every chart carries a text description for screen readers and a table fallback when
given one, so it meets WCAG without the picture.
"""

from __future__ import annotations

import html
import itertools
import json

import plotly.graph_objects as go
import plotly.io as pio
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
    """The figure as a <figure> with its description as the caption and accessible name.

    The figure travels as a JSON spec in a ``<script type="application/json">`` block and is drawn
    by ``vmi_programme/charts.js`` once Plotly has loaded (both deferred by ``{% plotly_script %}``),
    so a chart works wherever the page puts that tag and no inline script runs before Plotly.
    """
    element_id = element_id or f"chart-{next(_ids)}"
    config = {
        "displaylogo": False,
        "responsive": True,
        "toImageButtonOptions": {"format": "png", "filename": element_id},
    }
    spec = '{"figure":' + pio.to_json(fig, validate=False) + ',"config":' + json.dumps(config) + "}"
    spec = spec.replace("</", "<\\/")  # a JSON string may not close the script element
    caption = html.escape(description)
    return mark_safe(
        f'<figure class="vmi-chart-figure" role="group" aria-label="{caption}">'
        f'<div id="{element_id}" class="vmi-chart" data-plotly-spec="{element_id}-spec"></div>'
        f'<script type="application/json" id="{element_id}-spec">{spec}</script>'
        f'<figcaption class="nhsuk-body-s">{caption}</figcaption></figure>'
    )


def mark_points(
    fig: go.Figure,
    marks: list[tuple[object, str, str]],
    *,
    spans: list[tuple[object, object, str]] | None = None,
) -> go.Figure:
    """Mark dates or categories on the x axis: a dotted vertical line and a label per
    ``(x, label, colour)``, and a light band per ``(x0, x1, colour)`` span (e.g. a baseline).

    Shapes and annotations rather than ``add_vline(annotation_text=...)``, which cannot place a
    label on a category axis.
    """
    for x0, x1, colour in spans or []:
        fig.add_shape(
            type="rect", x0=x0, x1=x1, y0=0, y1=1, yref="paper", fillcolor=colour,
            opacity=0.12, line={"width": 0}, layer="below",
        )  # fmt: skip
    for number, (x, label, colour) in enumerate(marks):
        fig.add_shape(
            type="line", x0=x, x1=x, y0=0, y1=1, yref="paper",
            line={"color": colour, "dash": "dot", "width": 1.5},
        )  # fmt: skip
        fig.add_annotation(
            x=x, y=1 - 0.07 * (number % 4), yref="paper", text=html.escape(label),
            showarrow=False, xanchor="left", font={"color": colour, "size": 11},
            bgcolor="rgba(255,255,255,0.8)",
        )  # fmt: skip
    return fig
