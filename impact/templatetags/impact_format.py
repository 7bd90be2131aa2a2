"""Number formats of the impact tables, as the report prints them."""

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
