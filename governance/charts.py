"""Governance figures (attendance at a series' meetings, a production-board run chart), drawn
with the one chart helper (vmi_programme.charts)."""

from __future__ import annotations

from collections.abc import Iterable

import plotly.graph_objects as go
from django.utils.safestring import SafeString

from governance.models import BoardMeasure, MeetingSeries
from governance.selectors.meetings import MeetingAttendance
from vmi_programme.charts import figure_html, nhs_layout


def attendance_chart(
    series: MeetingSeries, by_meeting: Iterable[MeetingAttendance]
) -> SafeString | None:
    """Share of members present at each meeting held; ``None`` when no meeting has a rate."""
    points = [(m.meeting.date, m.rate * 100) for m in by_meeting if m.rate is not None]
    if not points:
        return None
    fig = go.Figure(
        go.Scatter(
            x=[p[0] for p in points],
            y=[p[1] for p in points],
            mode="lines+markers",
            name="Members present (%)",
        )
    )
    nhs_layout(fig, y_title="Members present (%)", height=300)
    fig.update_yaxes(range=[0, 105])
    mean = sum(p[1] for p in points) / len(points)
    return figure_html(
        fig,
        description=f"Share of {series.name} members present at each meeting held; "
        f"{len(points)} meetings, mean {mean:.0f}%.",
    )


def run_chart(measure: BoardMeasure) -> SafeString | None:
    """A production-board measure's values with their median and the target; ``None`` when
    nothing is recorded. Reads the prefetched ``values`` (in date order)."""
    values = list(measure.values.all())
    if not values:
        return None
    ys = sorted(float(v.value) for v in values)
    median = ys[len(ys) // 2] if len(ys) % 2 else (ys[len(ys) // 2 - 1] + ys[len(ys) // 2]) / 2
    xs = [v.recorded_on for v in values]
    fig = go.Figure(
        [
            go.Scatter(
                x=xs, y=[float(v.value) for v in values], mode="lines+markers", name=measure.name
            ),
            go.Scatter(
                x=[xs[0], xs[-1]],
                y=[median] * 2,
                mode="lines",
                name="Median",
                line={"dash": "dash"},
            ),
            go.Scatter(
                x=[xs[0], xs[-1]],
                y=[float(measure.target)] * 2,
                mode="lines",
                name="Target",
                line={"dash": "dot"},
            ),
        ]
    )
    nhs_layout(fig, y_title=measure.unit or measure.name, height=280)
    return figure_html(
        fig,
        description=f"Run chart of {measure.name}: {len(values)} values from {xs[0]:%-d %b %Y} "
        # float: a Decimal formatted with "g" keeps its stored places ("3.80", "5.00")
        f"to {xs[-1]:%-d %b %Y}, median {median:g}, target {float(measure.target):g} "
        f"({measure.get_direction_display().lower()}); latest {float(values[-1].value):g}.",
    )
