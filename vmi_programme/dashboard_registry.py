"""The registry of trust-dashboard panels and partnership-summary tables the apps contribute.

Each app registers its panels and tables in its ``AppConfig.ready()`` (from its
``dashboard.py``); the dashboards build whatever is registered, in order, and never import an
app. A panel's key is its handle everywhere: ``panels[key]`` in the templates, the insight
flags and the TGT report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

from vmi_programme.period import Period
from vmi_programme.summary_tables import SummaryTable

if TYPE_CHECKING:
    from vmi_programme.models import Organisation

#: builder(organisation, period, user) → the panel's template context (a plain dict)
PanelBuilder = Callable[["Organisation", Period, Any], dict[str, Any]]
#: builder(as_of) → the table; ``as_of=None`` means "as published". A table built in parts
#: is also called as builder(as_of, part=(index, count)) → the trust rows of that part, no totals.
TableBuilder = Callable[..., SummaryTable]


@dataclass(frozen=True)
class TrustPanel:
    """A panel of the trust dashboard: one trust, one period."""

    key: str
    builder: PanelBuilder
    template: str = ""  # its markup on the trust dashboard (given ``p``); "" = built, not shown
    order: int = 50  # its place on the page


@dataclass(frozen=True)
class SummaryTableEntry:
    """A table of the partnership summary; ``key`` is the built table's key (anchor, download)."""

    key: str
    builder: TableBuilder
    order: int = 50  # its place in the summary (the report's section order)
    # > 1: the read model builds it in this many parts, each a job over the trusts whose id
    # is ``index`` modulo ``parts``, and joins them (``summary_tables.joined``): a table that
    # reads every measurement no longer holds up a recompute's end on one worker.
    parts: int = 1
    # The built table's shape: bump it when the builder's rows or columns change shape, so a
    # table stored in the old shape is never read (the read model stores each version apart).
    version: int = 1


_TRUST_PANELS: dict[str, TrustPanel] = {}
_SUMMARY_TABLES: dict[str, SummaryTableEntry] = {}


def _add(registry: dict, entry: Any, what: str) -> None:
    # Registering the same entry twice is harmless (ready() may run again); two different
    # entries under one key would silently hide one of them.
    existing = registry.setdefault(entry.key, entry)
    if existing != entry:
        raise ImproperlyConfigured(f"Two {what}s are registered under the key {entry.key!r}.")


def register_trust_panel(panel: TrustPanel) -> None:
    _add(_TRUST_PANELS, panel, "trust-dashboard panel")


def trust_panels() -> list[TrustPanel]:
    return sorted(_TRUST_PANELS.values(), key=lambda p: (p.order, p.key))


def trust_panel(key: str) -> TrustPanel | None:
    return _TRUST_PANELS.get(key)


def register_summary_table(entry: SummaryTableEntry) -> None:
    _add(_SUMMARY_TABLES, entry, "summary table")


def summary_tables() -> list[SummaryTableEntry]:
    return sorted(_SUMMARY_TABLES.values(), key=lambda t: (t.order, t.key))


def summary_table(key: str) -> SummaryTableEntry | None:
    return _SUMMARY_TABLES.get(key)
