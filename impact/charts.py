"""Figures of the impact pages, drawn from stored results (ITS runs) or computed tables (RPIW)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import plotly.graph_objects as go
from django.utils.safestring import SafeString

from vmi_programme.charts import NHS_COLOURS, figure_html, mark_points, nhs_layout

#: the height of the small ITS chart beside each run's one-line verdict on the Impact page
SMALL_ITS_HEIGHT = 150
_TREND_KEYS = ("observed", "fitted_trend", "counterfactual_trend")


def its_figure(result: dict[str, Any], *, trust_name: str) -> SafeString:
    """Observed, fitted and counterfactual lines of a stored ITS run, the intervention line and
    the peers' mean."""
    own = result["own"]
    points = own["fitted"]
    x = [p["period"] for p in points]
    fig = go.Figure()
    fig.add_scatter(
        x=x, y=[p["observed"] for p in points], mode="markers", name=f"{trust_name} observed",
        marker={"color": NHS_COLOURS[0], "size": 6},
    )  # fmt: skip
    fig.add_scatter(
        x=x, y=[p["fitted"] for p in points], mode="lines", name="Fitted",
        line={"color": NHS_COLOURS[0]},
    )  # fmt: skip
    post = [p for p in points if p["period"] >= result["intervention"]]
    fig.add_scatter(
        x=[p["period"] for p in post], y=[p["counterfactual"] for p in post], mode="lines",
        name="Counterfactual (no intervention)", line={"color": NHS_COLOURS[0], "dash": "dash"},
    )  # fmt: skip
    if result.get("peer_mean"):
        fig.add_scatter(
            x=[p["period"] for p in result["peer_mean"]],
            y=[p["value"] for p in result["peer_mean"]],
            mode="lines", name=f"Peers' mean ({len(result['peers'])} peers)",
            line={"color": NHS_COLOURS[7], "width": 1.5},
        )  # fmt: skip
    fig.add_vline(x=result["intervention"], line={"color": "#d5281b", "dash": "dot"})
    fig.add_annotation(
        x=result["intervention"], y=1, yref="paper", text="Intervention", showarrow=False,
        xanchor="left", font={"color": "#d5281b"},
    )  # fmt: skip
    measure = result["measure"]
    nhs_layout(fig, y_title=f"{measure['name']} ({measure['unit']})", height=420)
    fig.update_xaxes(type="category", nticks=14)
    return figure_html(
        fig,
        description=(
            f"{measure['name']} for {trust_name} by month with the fitted segmented regression, "
            f"the counterfactual trend without the intervention ({result['intervention']}) and "
            "the peers' mean. " + own["summary_text"]
        ),
    )


def _month(period: str, fmt: str = "%B %Y") -> str:
    """A stored month, "2015-07", as "July 2015" (as the verdict writes it); else as stored."""
    try:
        return dt.date.fromisoformat(f"{period}-01").strftime(fmt)
    except ValueError:
        return period


def small_its_figure(result: dict[str, Any], *, trust_name: str) -> SafeString | None:
    """A small chart of a stored ITS run beside its verdict: the observed months as dots, the
    fitted trend before and after the intervention as two solid segments, the pre-intervention
    trend carried on (the counterfactual) dashed, and the intervention month marked.

    The lines are the stored seasonal-free trends (``fitted_trend``, ``counterfactual_trend``,
    ``impact.analysis.its.segmented_regression``), in the measure's own unit as the verdict
    gives it. None for a result stored before the trends were (the page shows the verdict only).
    """
    own = (result or {}).get("own") or {}
    points = own.get("fitted") or []
    n_pre = own.get("n_pre")
    if (
        not points
        or not isinstance(n_pre, int)
        or not 0 < n_pre < len(points)
        or not all(key in points[0] for key in _TREND_KEYS)
    ):
        return None
    pre, post = points[:n_pre], points[n_pre:]
    # The counterfactual starts at the last month before, so it reads as the earlier line going on.
    carried = points[n_pre - 1 :]
    measure = result.get("measure") or {}
    unit = str(measure.get("unit") or "")
    percent = unit.strip() == "%"
    value = "%{y:.3g}" + ("%" if percent else f" {unit}" if unit else "")

    def line(rows, key, name, colour, dash="solid") -> dict[str, Any]:
        return {
            "type": "scatter", "mode": "lines", "name": name,
            "x": [r["period"] for r in rows], "y": [r[key] for r in rows],
            "line": {"color": colour, "width": 2, "dash": dash},
            "hovertemplate": f"{name}: {value}<extra></extra>",
        }  # fmt: skip

    traces = [
        {
            "type": "scatter", "mode": "markers", "name": "Observed",
            "x": [r["period"] for r in points], "y": [r["observed"] for r in points],
            "marker": {"color": "#768692", "size": 4},
            "hovertemplate": f"Observed: {value}<extra></extra>",
        },
        line(pre, "fitted_trend", "Fitted before", NHS_COLOURS[0]),
        line(post, "fitted_trend", "Fitted after", NHS_COLOURS[0]),
        line(carried, "counterfactual_trend", "Without the change", "#425563", dash="dash"),
    ]  # fmt: skip
    fig = go.Figure(data=traces, _validate=False)
    nhs_layout(fig, height=SMALL_ITS_HEIGHT)
    fig.update_layout(
        showlegend=False,
        margin={"l": 55 if unit and not percent else 40, "r": 8, "t": 8, "b": 24},
        font={"size": 11},
    )
    fig.update_xaxes(tickformat="%Y", nticks=5)  # months as "2015-07" read as dates
    fig.update_yaxes(
        ticksuffix="%" if percent else "",
        title={"text": "" if percent else unit, "font": {"size": 10}},
        nticks=4,
    )
    intervention = str(result.get("intervention") or post[0]["period"])
    mark_points(fig, [(intervention, _month(intervention, "%b %Y"), "#d5281b")])
    what = measure.get("name") or "The measure"
    return figure_html(
        fig,
        description=(
            f"{trust_name}: {what} by month, {_month(points[0]['period'], '%b %Y')} to "
            f"{_month(points[-1]['period'], '%b %Y')}. Dots observed; solid lines fitted before "
            f"and after {_month(intervention)}; dashed, the earlier trend carried on."
        ),
    )


def rpiw_bars(rows: list[dict[str, Any]], *, label: str, unit: str) -> SafeString:
    """Baseline vs post bars per trust (Figures 7.1 and 7.2)."""
    trusts = [r["trust"] for r in rows]
    fig = go.Figure()
    fig.add_bar(x=trusts, y=[r["baseline"] for r in rows], name="Baseline")
    fig.add_bar(x=trusts, y=[r["post"] for r in rows], name="Post")
    nhs_layout(fig, y_title=unit)
    fig.update_layout(barmode="group")
    fmt = "{:.2f}" if unit == "mean" else "{:,.0f}"
    described = "; ".join(
        f"{r['trust']} {fmt.format(r['baseline'])} to {fmt.format(r['post'])}"
        for r in rows
        if r["n"]
    )
    return figure_html(fig, description=f"{label}, baseline and post per trust: {described}.")


def paired_dots(pairs: list[dict[str, Any]], *, label: str, unit: str) -> SafeString:
    """One line per RPIW measure from its baseline to its post value (paired dot plot)."""
    fig = go.Figure()
    colours: dict[str, str] = {}
    for pair in pairs:
        first_of_trust = pair["trust"] not in colours
        colour = colours.setdefault(pair["trust"], NHS_COLOURS[len(colours) % len(NHS_COLOURS)])
        fig.add_scatter(
            x=["Baseline", "Post"], y=[pair["baseline"], pair["post"]], mode="lines+markers",
            name=pair["trust"], legendgroup=pair["trust"],
            showlegend=first_of_trust,
            line={"color": colour, "width": 1}, opacity=0.7,
            hovertext=pair.get("rpiw", ""),
        )  # fmt: skip
    nhs_layout(fig, y_title=unit, height=420)
    if unit in ("minutes", "defects"):
        fig.update_yaxes(type="log")
    improved = sum(1 for p in pairs if p["post"] < p["baseline"])
    return figure_html(
        fig,
        description=f"{label}: {len(pairs)} paired measures, {improved} lower after the RPIW.",
    )


def funnel_figure(result: Any, *, scale: float, unit: str, title: str) -> SafeString:
    """Organisations as points (value against denominator) inside the 95% and 99.8% funnel
    around the target (Spiegelhalter 2005), with the over-dispersion adjustment applied."""
    curve = result.curve
    fig = go.Figure()
    for name, colour, dash in (("998", "#d5281b", "dash"), ("95", "#ffb81c", "dot")):
        label = "99.8%" if name == "998" else "95%"
        for side in ("upper", "lower"):
            fig.add_scatter(
                x=curve["denominator"], y=[v * scale for v in curve[f"{side}_{name}"]],
                mode="lines", name=f"{label} limits", legendgroup=name,
                showlegend=side == "upper", line={"color": colour, "dash": dash},
                hoverinfo="skip",
            )  # fmt: skip
    fig.add_hline(y=result.target * scale, line={"color": "#212b32"})
    outside = {"above_998", "below_998"}
    fig.add_scatter(
        x=[u.denominator for u in result.units], y=[u.value * scale for u in result.units],
        mode="markers", name="Organisations", text=[u.label for u in result.units],
        marker={"size": 9, "color": [
            "#d5281b" if u.position in outside else "#005eb8" for u in result.units
        ]},
        hovertemplate="%{text}: %{y:.3g} (denominator %{x:,.0f})<extra></extra>",
    )  # fmt: skip
    nhs_layout(fig, y_title=unit, x_title="Denominator (log scale)", height=460)
    fig.update_xaxes(type="log")
    beyond = [u.label for u in result.units if u.position in outside]
    described = (
        f"{title}: {len(result.units)} organisations around the target "
        f"{result.target * scale:.3g}{unit}; adjustment {result.adjustment} "
        f"(φ = {result.phi:.3g}, τ² = {result.tau2:.3g}). "
        + (f"Outside the 99.8% limits: {', '.join(beyond)}." if beyond else "All within 99.8%.")
    )
    return figure_html(fig, description=described)
