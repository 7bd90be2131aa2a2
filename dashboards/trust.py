"""The trust dashboard (CEO / executives / TGT): one page per trust, every panel for one period.

The panels are the apps' (each registers a ``TrustPanel`` in its ``AppConfig.ready()``, see
``vmi_programme.dashboard_registry``); ``build`` runs every registered builder for one trust and
period, then the insight flags over what they built. The number of queries does not grow with
the amount of data.
"""

from __future__ import annotations

from typing import Any

from dashboards import insights
from vmi_programme.dashboard_registry import trust_panel, trust_panels
from vmi_programme.models import Organisation
from vmi_programme.period import Period


def build(organisation: Organisation, period: Period, user: Any) -> dict[str, Any]:
    """Every registered panel by its key, and ``insights`` (the flags read the panels by key)."""
    panels: dict[str, Any] = {p.key: p.builder(organisation, period, user) for p in trust_panels()}
    panels["insights"] = insights.for_trust(organisation, period, panels)
    return panels


def layout(panels: dict[str, Any]) -> list[dict[str, Any]]:
    """The built panels that show on the page, in their registered order, with their templates."""
    return [
        {"key": p.key, "template": p.template, "data": panels[p.key]}
        for p in trust_panels()
        if p.template and p.key in panels
    ]


def panel(key: str, organisation: Organisation, period: Period, user: Any) -> dict[str, Any]:
    """One registered panel built alone (the TGT report builds a few, some for other periods)."""
    registered = trust_panel(key)
    if registered is None:
        raise LookupError(f"No trust-dashboard panel is registered under {key!r}.")
    return registered.builder(organisation, period, user)
