"""The compact's figures, drawn with the one chart helper (vmi_programme.charts)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping

import plotly.graph_objects as go
from django.utils.safestring import SafeString

from vmi_programme.charts import figure_html, nhs_layout

from .analysis import FulfilmentPoint
from .models import Breach, BreachState

STATE_COLOURS = {
    BreachState.CALLED_OUT: "#d5281b",
    BreachState.DISCUSSED: "#ffb81c",
    BreachState.REPAIRED: "#009639",
    BreachState.RENEGOTIATED: "#005eb8",
}


def fulfilment_chart(
    points: Iterable[FulfilmentPoint], labels: Mapping[str, str], *, description: str
) -> SafeString:
    """Share of judgements "fulfilled" per month, one line per group, counts on hover."""
    by_group: dict[str, list[FulfilmentPoint]] = defaultdict(list)
    for point in points:
        by_group[point.group].append(point)
    fig = go.Figure()
    for group, series in by_group.items():
        fig.add_trace(
            go.Scatter(
                x=[p.month for p in series],
                y=[round(100 * p.share_fulfilled, 1) for p in series],
                customdata=[[p.fulfilled, p.total] for p in series],
                mode="lines+markers",
                name=labels.get(group, group),
                hovertemplate="%{y:.0f}% fulfilled (%{customdata[0]} of %{customdata[1]})",
            )
        )
    nhs_layout(fig, y_title="Judged fulfilled (%)", x_title="Month")
    fig.update_yaxes(range=[0, 105])
    return figure_html(fig, description=description)


def participation_chart(meetings: Iterable, *, description: str) -> SafeString:
    meetings = sorted(meetings, key=lambda m: m.date)
    fig = go.Figure(
        [
            go.Bar(
                x=[m.date for m in meetings], y=[m.present_count for m in meetings], name="Present"
            ),
            go.Bar(
                x=[m.date for m in meetings],
                y=[m.reflected_count for m in meetings],
                name="Reflected",
            ),
        ]
    )
    nhs_layout(fig, y_title="Members", x_title="TGB meeting", height=300)
    fig.update_layout(barmode="group")
    return figure_html(fig, description=description)


def breach_timeline(breaches: Iterable[Breach], today: dt.date, *, description: str) -> SafeString:
    """Each breach as a bar from when it was called out to its repair (or today, if open)."""
    fig = go.Figure()
    shown: set[str] = set()
    breaches = sorted(breaches, key=lambda b: b.raised_at.date)
    for breach in breaches:
        end = breach.closed_on or today
        label = f"{breach.occurred_on:%b %Y}: {breach.what_happened[:40]}"
        fig.add_trace(
            go.Scatter(
                x=[breach.occurred_on, breach.raised_at.date, end],
                y=[label, label, label],
                mode="lines+markers",
                line={"color": STATE_COLOURS[breach.state], "width": 8},
                marker={"size": 10},
                name=breach.get_state_display(),
                legendgroup=breach.state,
                showlegend=breach.state not in shown,
                hovertemplate=(
                    f"{breach.get_state_display()}"
                    + (f", repaired in {breach.days_to_repair} days" if breach.closed_on else "")
                    + "<extra></extra>"
                ),
            )
        )
        shown.add(breach.state)
    nhs_layout(fig, x_title="Date", height=max(220, 120 + 50 * len(breaches)))
    fig.update_layout(hovermode="closest")
    return figure_html(fig, description=description)
