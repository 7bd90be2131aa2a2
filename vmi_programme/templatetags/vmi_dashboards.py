"""Template helpers for the dashboards."""

from django import template
from django.urls import reverse

register = template.Library()


@register.filter
def meeting_page(meeting_id) -> str:
    """The governance page of a meeting.

    ``{% url 'meeting-detail' %}`` resolves to the API's route of the same name (the router's
    ``meeting-detail``), so the page's address is built from the governance index instead.
    """
    return f"{reverse('governance')}meetings/{meeting_id}/"
