"""The rpiw app's figures (a value-stream metric over time, an RPIW measure's points), drawn with
the one chart helper (vmi_programme.charts)."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
from django.utils.safestring import SafeString

from vmi_programme.charts import figure_html, nhs_layout

from .models import Measure, Point, ValueStreamMetric


def metric_chart(metric: ValueStreamMetric) -> SafeString | None:
    """The metric's values over time, its target, and a dotted line at each approved change;
    ``None`` when nothing is recorded. Reads the prefetched ``values`` and ``versions``."""
    values = list(metric.values.all())
    if not values:
        return None
    fig = go.Figure(
        go.Scatter(
            x=[v.period_end for v in values],
            y=[float(v.value) for v in values],
            mode="lines+markers",
            name=metric.name,
        )
    )
    if metric.target is not None:
        fig.add_hline(y=float(metric.target), line_dash="dash", annotation_text="target")
    for version in metric.versions.all():
        if version.number > 1:
            # Plotly wants a date axis position in epoch milliseconds for a vertical line.
            fig.add_vline(
                x=dt.datetime.combine(version.effective_from, dt.time()).timestamp() * 1000,
                line_dash="dot",
                annotation_text=f"v{version.number}",
            )
    nhs_layout(fig, y_title=metric.unit, height=300)
    return figure_html(
        fig,
        description=f"{metric.name} ({metric.unit}) over time; {len(values)} values; dotted "
        "lines mark approved changes to the metric.",
    )


def measure_chart(measure: Measure) -> SafeString | None:
    """One bar per recorded point (baseline, then each follow-up) of an RPIW measure; ``None``
    when nothing is recorded. Reads the prefetched ``measurements``."""
    recorded = sorted(measure.measurements.all(), key=lambda m: m.point)
    if not recorded:
        return None
    labels = [Point(m.point).label for m in recorded]
    values = [None if m.number is None else float(m.number) for m in recorded]
    fig = go.Figure(go.Bar(x=labels, y=values, name=measure.name, marker_color="#005eb8"))
    y_title = measure.unit or ""
    if measure.is_ratio:
        y_title = "defects / output"
    nhs_layout(fig, y_title=y_title, height=260)
    fig.update_layout(showlegend=False, margin={"t": 10})
    summary = ", ".join(f"{label}: {value:g}" for label, value in zip(labels, values, strict=True))
    return figure_html(
        fig,
        description=f"{measure.name}: {summary}",
        element_id=f"measure-chart-{measure.pk}",
    )
