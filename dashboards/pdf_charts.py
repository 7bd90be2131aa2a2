"""Small line charts drawn as SVG on the server, for the TGT report's PDF.

The page draws its charts with Plotly in the browser; a PDF has no browser, and Plotly's static
export needs kaleido (a bundled Chromium), which the project does not ship. These charts are
plain SVG (xhtml2pdf draws SVG images through svglib): the metric's monthly values, its target
as a dotted red line, the first and last months and the value range as labels.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 460, 120
LEFT, RIGHT, TOP, BOTTOM = 44, 10, 10, 22  # room for the axis labels
BLUE, GREY, RED, TEXT = "#005eb8", "#768692", "#d5281b", "#4c6272"


def _plain(value: float) -> str:
    return f"{value:,.1f}".removesuffix(".0")


def line_chart_svg(
    points: Sequence[tuple[dt.date, float]], *, target: float | None = None, label: str = ""
) -> str:
    """An SVG line chart of (month, value) points, oldest first, with an optional target line."""
    values = [v for _, v in points]
    low = min([*values, *([target] if target is not None else [])])
    high = max([*values, *([target] if target is not None else [])])
    if high == low:
        high, low = high + 1, low - 1
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(index: int) -> float:
        return LEFT + (inner_w * index / (len(points) - 1) if len(points) > 1 else inner_w / 2)

    def y(value: float) -> float:
        return TOP + inner_h * (high - value) / (high - low)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}">',
        f"<title>{escape(label)}</title>",
        f'<line x1="{LEFT}" y1="{TOP + inner_h}" x2="{WIDTH - RIGHT}" y2="{TOP + inner_h}" '
        f'stroke="{GREY}" stroke-width="0.5"/>',
    ]
    if target is not None:
        parts.append(
            f'<line x1="{LEFT}" y1="{y(target):.1f}" x2="{WIDTH - RIGHT}" y2="{y(target):.1f}" '
            f'stroke="{RED}" stroke-width="1" stroke-dasharray="3,3"/>'
        )
    path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    parts.append(f'<polyline points="{path}" fill="none" stroke="{BLUE}" stroke-width="1.5"/>')
    last_x, last_y = x(len(values) - 1), y(values[-1])
    parts.append(f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.5" fill="{BLUE}"/>')
    for value, anchor_y in ((high, TOP + 8), (low, TOP + inner_h)):
        parts.append(
            f'<text x="{LEFT - 4}" y="{anchor_y:.1f}" font-size="9" text-anchor="end" '
            f'fill="{TEXT}">{_plain(value)}</text>'
        )
    first, last = points[0][0], points[-1][0]
    for text, at, anchor in (
        (f"{first:%b %Y}", LEFT, "start"),
        (f"{last:%b %Y}", WIDTH - RIGHT, "end"),
    ):
        parts.append(
            f'<text x="{at}" y="{HEIGHT - 6}" font-size="9" text-anchor="{anchor}" '
            f'fill="{TEXT}">{text}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def data_uri(svg: str) -> str:
    """The SVG as an ``<img src>`` xhtml2pdf reads without fetching anything."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
