"""Template filters for training tables, and the choices of an assessment-grid cell."""

from django import template

from training.models import AssessmentResult

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


@register.simple_tag
def assessment_choices(cell) -> list[tuple[str, str]]:
    """A grid cell's results to choose from; leaving it empty keeps a resubmit as it is."""
    keep = "↺ resubmit" if cell["assessment"] and cell["assessment"].result == "resubmit" else "–"
    return [("", keep), *AssessmentResult.choices]
