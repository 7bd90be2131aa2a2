"""Template tags for charts: load Plotly from our own static files, once per page."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def plotly_script():
    return format_html('<script src="{}"></script>', static("plotly/plotly.min.js"))
