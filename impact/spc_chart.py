"""XmR (SPC) chart of any series as a page fragment: Plotly figure, icons and a plain summary.

Any page with a measure over time (production-board measures, value-stream metrics,
organisational series) calls :func:`xmr_chart` with plain values and periods and renders
``chart.html`` plus ``{% include "impact/_spc_icons.html" with chart=chart %}``. It is cheap
(no model fitting), so it is computed when the page is drawn rather than stored as a job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from django.utils.safestring import SafeString

from vmi_programme.charts import figure_html, nhs_layout

from .analysis.spc import XmRResult, xmr

VARIATION_ICONS = {
    "common_cause": ("Common cause variation", "C", "#a5a5a5", "No significant change."),
    "improvement_high": (
        "Special cause: improvement (high)",
        "H",
        "#005eb8",
        "Significant improvement, with high values.",
    ),
    "improvement_low": (
        "Special cause: improvement (low)",
        "L",
        "#005eb8",
        "Significant improvement, with low values.",
    ),
    "concern_high": (
        "Special cause: concern (high)",
        "H",
        "#ed8b00",
        "Significant deterioration, with high values.",
    ),
    "concern_low": (
        "Special cause: concern (low)",
        "L",
        "#ed8b00",
        "Significant deterioration, with low values.",
    ),
    "neither_high": (
        "Special cause: high (neither better nor worse)",
        "H",
        "#330072",
        "Significantly high values; this measure has no better direction.",
    ),
    "neither_low": (
        "Special cause: low (neither better nor worse)",
        "L",
        "#330072",
        "Significantly low values; this measure has no better direction.",
    ),
}
ASSURANCE_ICONS = {
    "pass": ("Consistently passing the target", "P", "#005eb8"),
    "fail": ("Consistently failing the target", "F", "#ed8b00"),
    "inconsistent": ("Hit and miss: the target lies within the process limits", "?", "#a5a5a5"),
}
POINT_COLOURS = {
    "special_cause_improvement": "#005eb8",
    "special_cause_concern": "#ed8b00",
    "special_cause_neither": "#330072",
}


@dataclass
class XmRChart:
    """What a page shows: the figure, the icons and the library's result (for tables/API)."""

    html: SafeString
    result: XmRResult
    variation: dict[str, str] | None
    assurance: dict[str, str] | None
    summary: str

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.result.to_dict(),
            "variation": self.variation,
            "assurance": self.assurance,
            "summary": self.summary,
        }


def xmr_chart(
    values: Sequence[Any],
    periods: Sequence[Any],
    *,
    title: str,
    unit: str = "",
    improvement: str | None = None,
    target: float | None = None,
    **options: Any,
) -> XmRChart:
    """An XmR chart of ``values`` (Making Data Count rules) with its icons.

    Raises ValueError (from :func:`impact.analysis.spc.xmr`) on non-numeric or missing values.
    """
    result = xmr(values, periods=periods, improvement=improvement, target=target, **options)
    frame = result.to_frame()
    x = [str(p) for p in frame["period"]] if "period" in frame else list(range(len(frame)))
    fig = go.Figure()
    fig.add_scatter(
        x=x, y=frame["value"], mode="lines+markers", name=title, line={"color": "#768692"},
        marker={
            "size": 7,
            "color": [POINT_COLOURS.get(v, "#768692") for v in frame["variation"]],
        },
    )  # fmt: skip
    fig.add_scatter(x=x, y=frame["mean"], mode="lines", name="Mean", line={"color": "#212b32"})
    if result.chart == "xmr":
        for column, name in (("upl", "Upper process limit"), ("lpl", "Lower process limit")):
            fig.add_scatter(
                x=x, y=frame[column], mode="lines", name=name,
                line={"color": "#425563", "dash": "dash"},
            )  # fmt: skip
    else:
        fig.add_scatter(x=x, y=frame["median"], mode="lines", name="Median", line={"dash": "dot"})
    if target is not None:
        fig.add_hline(y=target, line={"color": "#d5281b", "dash": "dot"}, annotation_text="Target")
    nhs_layout(fig, title=title, y_title=unit)
    variation = _icon(VARIATION_ICONS, result.variation_icon)
    assurance = _icon(ASSURANCE_ICONS, result.assurance_icon)
    summary = _summary(result, variation, assurance)
    return XmRChart(figure_html(fig, description=summary), result, variation, assurance, summary)


def _icon(table: dict, key: str | None) -> dict[str, str] | None:
    if key is None:
        return None
    label, letter, colour, *rest = table[key]
    return {"key": key, "label": label, "letter": letter, "colour": colour, "text": "".join(rest)}


def _summary(result: XmRResult, variation, assurance) -> str:
    if result.chart == "run":
        return (
            f"Run chart of {len(result.values)} points (too few for process limits). "
            + " ".join(result.notes)
        )
    limits = result.limits
    parts = [
        f"XmR chart of {len(result.values)} points: mean {limits.mean:.3g}, process limits "
        f"{limits.lpl:.3g} to {limits.upl:.3g}.",
        f"Latest point: {variation['label'].lower()}." if variation else "",
        f"Assurance: {assurance['label'].lower()}." if assurance else "",
        f"{sum(result.special_cause)} point(s) show special-cause variation.",
    ]
    return " ".join(p for p in parts if p)
