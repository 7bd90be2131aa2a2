"""Template filters for training tables."""

from django import template

register = template.Library()


@register.filter
def thousands(value):
    """1083 → "1,083", as the report prints its tables."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value


@register.filter
def status_label(value):
    """completed → Completed, in_progress → In progress; empty → –."""
    return str(value).replace("_", " ").capitalize() if value else "–"
