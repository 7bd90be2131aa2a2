"""Template tags for charts: load Plotly and our chart loader from our own static files."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def plotly_script():
    """Both scripts are deferred: they run in order after the page is parsed, wherever the tag is."""
    return format_html(
        '<script src="{}" defer></script><script src="{}" defer></script>',
        static("plotly/plotly.min.js"),
        static("vmi_programme/charts.js"),
    )
