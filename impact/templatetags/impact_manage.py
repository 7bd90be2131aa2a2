"""Template tags of impact's reference-data pages: whether to offer changing a measure."""

from __future__ import annotations

from django import template

from vmi_programme.access import Action, can
from vmi_programme.scope import Scope

register = template.Library()


@register.simple_tag(takes_context=True)
def may_change_measures(context) -> bool:
    """Measures are partnership-level: the regulator, TGB members and administrators."""
    return can(context["request"].user, Action.CHANGE, Scope.partnership())
