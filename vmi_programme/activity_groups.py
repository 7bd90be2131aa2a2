"""The registry of improvement-activity groups (RPIW teams, value-stream leads, L4L graduates).

The app that owns a kind of activity registers who took part in it, in its AppConfig.ready();
an app that compares people by activity (networks: network position against improvement
activity) reads the registry, so it needs no import of the apps above or beside it (ADR 7).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

#: (trust id, as of) → ids of the trust's people in the group on that date
Members = Callable[[int, dt.date], set[int]]


@dataclass(frozen=True)
class ActivityGroup:
    key: str
    label: str
    members: Members
    order: int = 50


_GROUPS: dict[str, ActivityGroup] = {}


def register(group: ActivityGroup) -> None:
    """Add a group (registering a key again replaces it, e.g. on a reloaded app)."""
    _GROUPS[group.key] = group


def groups() -> list[ActivityGroup]:
    """Every registered group, in order."""
    return sorted(_GROUPS.values(), key=lambda g: (g.order, g.key))
