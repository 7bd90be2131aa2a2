"""The partnership summary (regulator / TGB): the report's tables, trusts side by side, computed
from the records (and stored by the read model, ``read_model``).

The tables are the apps' (each registers a ``SummaryTableEntry`` in its ``AppConfig.ready()``,
see ``vmi_programme.dashboard_registry``); each builder calls its app's selectors and reshapes
the answer into a :class:`~vmi_programme.summary_tables.SummaryTable`. Tables are "as
published" by default (each at the report's own date or survey wave); ``as_of`` recomputes
every dated table on that date instead.
"""

from __future__ import annotations

import datetime as dt

from vmi_programme.dashboard_registry import summary_table, summary_tables
from vmi_programme.summary_tables import SummaryTable


def build(as_of: dt.date | None = None) -> list[SummaryTable]:
    """Every registered table of the summary, in the report's order."""
    return [entry.builder(as_of) for entry in summary_tables()]


def table_by_key(
    key: str, as_of: dt.date | None = None, part: tuple[int, int] | None = None
) -> SummaryTable | None:
    """One table built alone, or one part of a table built in parts (its trust rows whose id
    is ``part[0]`` modulo ``part[1]``, no totals row)."""
    entry = summary_table(key)
    if entry is None:
        return None
    return entry.builder(as_of) if part is None else entry.builder(as_of, part=part)
