"""The training app's figures, drawn with the one chart helper (vmi_programme.charts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import plotly.graph_objects as go
from django.utils.safestring import SafeString

from vmi_programme.charts import figure_html, nhs_layout
from vmi_programme.models import Organisation


def diffusion_chart(
    organisation: Organisation, series: list[dict[str, Any]], *, start: dt.date
) -> SafeString:
    """Participants completed and in progress per programme (stacked), month by month, with
    diffusion (% of the trust's headcount) on a second axis. ``series`` is
    ``selectors.diffusion_series``: one point per month end."""
    fig = go.Figure()
    codes = list(series[0]["programmes"]) if series else []
    dates = [p["date"] for p in series]
    for code in codes:
        fig.add_trace(
            go.Scatter(
                x=dates,
                y=[p["programmes"][code][0] for p in series],
                name=f"{code} completed",
                stackgroup="one",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=dates,
                y=[p["programmes"][code][1] for p in series],
                name=f"{code} in progress",
                stackgroup="one",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=dates,
            y=[p["diffusion"] for p in series],
            name="Diffusion (%)",
            yaxis="y2",
            line={"dash": "dot", "color": "#212b32"},
        )
    )
    nhs_layout(fig, y_title="Participants", x_title="Month end")
    fig.update_layout(
        yaxis2={
            "title": "Diffusion (% of headcount)",
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
        }
    )
    latest = series[-1] if series else None
    description = (
        f"Training diffusion at {organisation.short_name}, month by month from {start:%B %Y}: "
        f"participants who completed or are in progress in each programme, and their share of the "
        f"trust's headcount of {organisation.headcount:,}."
        + (f" On {latest['date']:%d %B %Y} diffusion was {latest['diffusion']}%." if latest else "")
    )
    return figure_html(fig, description=description)
