"""Number formats of the impact tables, as the report prints them."""

import contextlib
import datetime as dt

from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def total(value, kind: str) -> str:
    """Table 7.2 cells: whole hours/defects with thousands separators, ratios as .62."""
    if value is None:
        return "–"
    if kind == "defect_ratio":
        return f"{value:.2f}".removeprefix("0")
    return f"{round(value):,}"


@register.filter
def stat(value, kind: str) -> str:
    """Table 7.3 means and SEs: minutes whole, defects and ratios to three decimals."""
    if value is None:
        return "–"
    if kind == "lead_time":
        return f"{round(value):,}"
    text = f"{value:,.3f}"
    return text.removeprefix("0") if kind == "defect_ratio" else text


@register.filter
def pvalue(value) -> str:
    if value is None:
        return "–"
    return "< .001" if value < 0.001 else f"{value:.3f}".removeprefix("0")


def _amount(value: float) -> str:
    """Two significant figures, no sign: 0.052, 0.65, 1.3, 24."""
    return f"{abs(value):.2g}" if abs(value) < 100 else f"{abs(value):,.0f}"


def _p_plain(p: float | None) -> str:
    if p is None:
        return "p not available"
    return "p < .001" if p < 0.001 else f"p = {p:.3f}".replace("0.", ".", 1)


@register.filter
def its_verdict(result) -> str:
    """A stored ITS run in one plain sentence a board can read, with its verdict.

    The level change at the intervention and the change in trend (per year, not per month:
    0.065 points a year rather than 0.0054 a month), each with whether it could be chance
    (p ≥ .05), in the measure's own unit (a rate in % moves by percentage points); then whether
    the measure improved, worsened or showed no clear change, given which way is better.
    """
    if not result or "own" not in result:
        return "No result."
    coefficients = result["own"]["coefficients"]
    measure = result.get("measure", {})
    unit = measure.get("unit", "")
    points = " percentage points" if unit == "%" else (f" {unit}" if unit else "")
    when = result.get("intervention", "")
    with contextlib.suppress(ValueError):  # a month as stored, "2015-07", reads "July 2015"
        when = dt.date.fromisoformat(f"{when}-01").strftime("%B %Y")
    parts, signs = [], []
    for key, what, scale, per in (
        ("level_change", "the level", 1, ""),
        ("slope_change", "the trend", 12, " a year"),
    ):
        term = coefficients.get(key)
        if not term:
            continue
        estimate, p = term["estimate"] * scale, term.get("p_value")
        moved = "rose" if estimate > 0 else "fell"
        chance = p is None or p >= 0.05
        parts.append(
            f"{what} {moved} by {_amount(estimate)}{points}{per} "
            f"({'could be chance, ' if chance else ''}{_p_plain(p)})"
        )
        if not chance:
            signs.append(1 if estimate > 0 else -1)
    better = {"higher": 1, "lower": -1}.get(measure.get("direction", ""))
    if not signs or better is None:
        verdict = "no clear change" if not signs else "a clear change"
    elif all(s == better for s in signs):
        verdict = "improving"
    elif all(s == -better for s in signs):
        verdict = "worsening"
    else:
        verdict = "mixed"
    return f"From {when}, " + "; ".join(parts) + f". Verdict: {verdict}."
