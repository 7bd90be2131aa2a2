"""The partnership summary at any number of trusts: totals first, trusts filtered, sorted, paged.

The stored tables (``read_model``) hold one row per trust plus rows that are not a trust's
(totals, the partnership, sections). On the page, a table shows its other rows first, then one
page of its trust rows, filtered by region and programme cohort (the partnership a trust joined)
and sorted by any column. Without a filter the totals are the stored ones. With a filter a totals
row follows the filter where the table says how (``SummaryTable.totals``: counts and sums add up,
a rate is recomputed from summed numerators and denominators) and every value column can be
recomputed; otherwise (medians, t-tests) it stays the stored one over every trust. Each totals
row then says which it is. The published five-trust view is a saved filter (the cohort of the
NHS–VMI partnership).

Everything here works on the stored rows in memory: a few hundred rows per table at national
size, and two queries (the trusts and their cohorts) whatever the data.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from vmi_programme.models import Organisation, OrganisationKind, Partnership
from vmi_programme.summary_tables import SummaryTable

PAGE_SIZE = 25


@dataclass
class TrustFacts:
    short_name: str
    name: str
    region: str
    cohorts: set[int]


@dataclass
class Filters:
    region: str = ""
    cohort: int | None = None
    trust: str = ""  # a search on the trust's name

    @property
    def active(self) -> bool:
        return bool(self.region or self.cohort or self.trust)

    def admits(self, facts: TrustFacts) -> bool:
        return (
            (not self.region or facts.region == self.region)
            and (self.cohort is None or self.cohort in facts.cohorts)
            and (
                not self.trust
                or self.trust.lower() in facts.name.lower()
                or self.trust.lower() == facts.short_name.lower()
            )
        )


def trust_facts() -> dict[str, TrustFacts]:
    """Every partner trust, under its short name and its name (rows use one or the other)."""
    facts: dict[str, TrustFacts] = {}
    trusts = Organisation.objects.filter(kind=OrganisationKind.PARTNER_TRUST).prefetch_related(
        "partnerships"
    )
    for trust in trusts.only("short_name", "name", "region"):
        fact = TrustFacts(
            trust.short_name, trust.name, trust.region, {p.pk for p in trust.partnerships.all()}
        )
        facts[trust.short_name] = facts[trust.name] = fact
    return facts


def filters_from(params: QueryDict) -> Filters:
    cohort = params.get("cohort", "")
    return Filters(
        region=params.get("region", "").strip()[:100],
        cohort=int(cohort) if cohort.isdigit() else None,
        trust=params.get("trust", "").strip()[:100],
    )


def choices(facts: dict[str, TrustFacts]) -> dict[str, Any]:
    regions = sorted({f.region for f in facts.values() if f.region})
    cohorts = list(Partnership.objects.order_by("started_on", "name").values("pk", "name"))
    return {"regions": regions, "cohorts": cohorts}


def _sort_value(value: Any) -> tuple:
    """Missing values last whichever way the column is sorted; numbers before text."""
    if value is None or value == "":
        return (1, 0, "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, 0, float(value))
    return (0, 1, str(value).lower())


@dataclass
class PagedTable:
    table: SummaryTable  # a copy holding the rows to show
    trust_rows: int  # trust rows after the filter
    all_trust_rows: int
    page: int
    pages: int
    sort: str
    descending: bool
    filtered: bool
    # with a filter on, each totals row (by key): which trusts its figures are over
    total_labels: dict[str, str] = field(default_factory=dict)
    unfiltered: bool = False  # a filter is on but the table has no trust rows to filter

    def html_rows(self) -> list[dict[str, Any]]:
        return [
            {**row, "total_label": self.total_labels.get(row["key"], "")}
            for row in self.table.html_rows()
        ]

    @property
    def paged(self) -> bool:
        return self.pages > 1

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1

    @property
    def last(self) -> int:
        return min(self.page * PAGE_SIZE, self.trust_rows)


def page_of(
    table: SummaryTable,
    facts: dict[str, TrustFacts],
    filters: Filters,
    params: QueryDict,
) -> PagedTable:
    """The table as the page shows it: its other rows, then one page of its trust rows."""
    column = table.row_key
    trust_rows = [r for r in table.rows if str(r.get(column)) in facts]
    other_rows = [r for r in table.rows if str(r.get(column)) not in facts]
    kept = [r for r in trust_rows if filters.admits(facts[str(r.get(column))])]
    keys = [key for key, _ in table.columns]
    sort = params.get(f"sort-{table.key}", "")
    if sort.lstrip("-") in keys:
        descending = sort.startswith("-")
        kept.sort(key=lambda r: _sort_value(r.get(sort.lstrip("-"))))
        if descending:  # missing values stay last
            present = [r for r in kept if r.get(sort[1:]) not in (None, "")]
            kept = present[::-1] + [r for r in kept if r.get(sort[1:]) in (None, "")]
        sort = sort.lstrip("-")
    else:
        sort, descending = "", False
    pages = max(1, -(-len(kept) // PAGE_SIZE))
    raw_page = params.get(f"page-{table.key}", "1")
    page = min(max(int(raw_page) if raw_page.isdigit() else 1, 1), pages)
    shown = kept[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    labels: dict[str, str] = {}
    if filters.active:
        other_rows, labels = _totals_for(table, other_rows, kept, trust_rows, facts)
    return PagedTable(
        table=dataclasses.replace(table, rows=[*other_rows, *shown]),
        trust_rows=len(kept),
        all_trust_rows=len(trust_rows),
        page=page,
        pages=pages,
        sort=sort,
        descending=descending,
        filtered=filters.active and len(kept) != len(trust_rows),
        total_labels=labels,
        unfiltered=filters.active and not trust_rows and not labels,
    )


def _trusts(n: int) -> str:
    return f"{n} trust" if n == 1 else f"{n} trusts"


def _totals_for(
    table: SummaryTable,
    other_rows: list[dict[str, Any]],
    kept: list[dict[str, Any]],
    trust_rows: list[dict[str, Any]],
    facts: dict[str, TrustFacts],
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The other rows with each totals row over the trusts the filter admits, where the table
    says how every value column combines; the label each totals row then carries."""
    value_columns = [key for key, _ in table.columns[1:]]
    follows = bool(trust_rows) and all(key in table.totals for key in value_columns)
    # a table of statistics over every trust (Table 7.3) has no trust rows to count
    every = len(trust_rows) or len({id(fact) for fact in facts.values()})
    rows, labels = [], {}
    for row in other_rows:
        key = table.key_of(row)
        if key in table.total_rows:
            if not follows:
                labels[key] = f"over all {_trusts(every)} (not recomputed for a filter)"
            else:
                labels[key] = f"for the {_trusts(len(kept))} shown by the filter"
                if len(kept) != len(trust_rows):  # all admitted: the stored row, exactly
                    row = row | {
                        column: how.over(kept, column) for column, how in table.totals.items()
                    }
        rows.append(row)
    return rows, labels
