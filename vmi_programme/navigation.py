"""The navigation and landing-page registry every app adds its sections to.

An app registers its entries in its AppConfig.ready(); the base template and the landing page
read them, so no app edits another's templates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse

Predicate = Callable[[Any], bool]


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 50
    visible: Predicate = field(default=lambda user: True)
    description: str = ""


_NAV: list[NavItem] = []


def register(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in _NAV):
        _NAV.append(item)


def items_for(user: Any, current_path: str = "") -> list[dict]:
    entries = []
    for item in sorted(_NAV, key=lambda i: (i.order, i.label)):
        if not item.visible(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = url != "/" and current_path.startswith(url) or url == current_path
        entries.append(
            {"label": item.label, "url": url, "active": active, "description": item.description}
        )
    return entries


@dataclass(frozen=True)
class LandingPanel:
    """A panel on the signed-in landing page: a template and a function giving its context."""

    template: str
    context: Callable[[Any], dict]
    order: int = 50
    visible: Predicate = field(default=lambda user: True)


_PANELS: list[LandingPanel] = []


def register_panel(panel: LandingPanel) -> None:
    if all(existing.template != panel.template for existing in _PANELS):
        _PANELS.append(panel)


def panels_for(user: Any) -> list[dict]:
    return [
        {"template": panel.template, **panel.context(user)}
        for panel in sorted(_PANELS, key=lambda p: p.order)
        if panel.visible(user)
    ]
