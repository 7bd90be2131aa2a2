"""The partnership summary's totals follow its filter (issue #14): counts and sums add up over the
trusts the filter admits, rates are recomputed from their summed parts, statistics that do not
combine stay over every trust and say so; without a filter the totals are the stored ones."""

from __future__ import annotations

import html
import pickle
import re

import pytest
from django.contrib.auth import get_user_model
from django.http import QueryDict

from dashboards import partnership, summary_view
from rpiw import selectors as rpiw_selectors
from training.selectors import percent
from vmi_programme.models import Organisation
from vmi_programme.summary_tables import MEAN, SUM, Combine, SummaryTable, ratio

# --- generated trusts -------------------------------------------------------------------------


def _facts(n: int, regions=("London", "North West")) -> dict[str, summary_view.TrustFacts]:
    return {
        f"T{i:03}": summary_view.TrustFacts(
            f"T{i:03}", f"Trust {i:03}", regions[i % len(regions)], {i % 3}
        )
        for i in range(n)
    }


def _table(n: int, *, median: bool = False) -> SummaryTable:
    """Trust rows with counts, a rate and (optionally) a median that does not combine; the
    stored Total deliberately differs from the trusts' sum, so a test sees which one is shown."""
    rows = [
        {"trust": f"T{i:03}", "rpiws": i + 1, "complete": (i * 7) % (i + 1), "median": i}
        for i in range(n)
    ]
    for row in rows:
        row["share"] = percent(row["complete"], row["rpiws"])
    rows.append({"trust": "Total", "rpiws": -1, "complete": -1, "share": -1, "median": -1})
    columns = [("trust", "NHS trust"), ("rpiws", "RPIWs"), ("complete", "Complete")]
    columns.append(("share", "Share complete"))
    if median:
        columns.append(("median", "Median days"))
    return SummaryTable(
        "7-1",
        "Table 7.1",
        "",
        columns,
        rows,
        totals={
            "rpiws": SUM,
            "complete": SUM,
            "share": ratio("complete", "rpiws", scale=100, places=0),
        },
    )


def _total(paged: summary_view.PagedTable) -> dict:
    return next(r for r in paged.table.rows if r["trust"] == "Total")


def test_with_a_filter_a_sum_adds_the_admitted_trusts_and_a_rate_is_recomputed():
    facts, table = _facts(60), _table(60)
    london = [r for r in table.rows if r["trust"] in facts and facts[r["trust"]].region == "London"]
    paged = summary_view.page_of(table, facts, summary_view.Filters(region="London"), QueryDict())
    total = _total(paged)
    assert total["rpiws"] == sum(r["rpiws"] for r in london) != -1
    assert total["complete"] == sum(r["complete"] for r in london)
    assert total["share"] == percent(total["complete"], total["rpiws"])
    assert paged.total_labels == {"Total": "for the 30 trusts shown by the filter"}
    assert paged.html_rows()[0]["total_label"] == "for the 30 trusts shown by the filter"
    assert table.rows[-1]["rpiws"] == -1  # the stored table is left as it was


def test_a_totals_row_with_a_column_that_does_not_combine_stays_over_every_trust():
    paged = summary_view.page_of(
        _table(60, median=True), _facts(60), summary_view.Filters(region="London"), QueryDict()
    )
    assert _total(paged)["rpiws"] == -1 and _total(paged)["median"] == -1
    assert paged.total_labels == {"Total": "over all 60 trusts (not recomputed for a filter)"}


def test_without_a_filter_the_totals_are_the_stored_ones_unlabelled():
    paged = summary_view.page_of(_table(60), _facts(60), summary_view.Filters(), QueryDict())
    assert _total(paged) == _table(60).rows[-1]
    assert paged.total_labels == {} and paged.html_rows()[0]["total_label"] == ""


def test_a_filter_that_admits_every_trust_shows_the_stored_totals_for_them_all():
    facts = _facts(60, regions=("London",))
    paged = summary_view.page_of(
        _table(60), facts, summary_view.Filters(region="London"), QueryDict()
    )
    assert _total(paged)["rpiws"] == -1  # exactly the stored row: nothing to recompute
    assert paged.total_labels == {"Total": "for the 60 trusts shown by the filter"}


def test_a_filter_admitting_one_trust_or_none_says_so_and_divides_by_nothing():
    one = summary_view.page_of(
        _table(60), _facts(60), summary_view.Filters(trust="T007"), QueryDict()
    )
    assert _total(one)["rpiws"] == 8 and one.total_labels["Total"] == (
        "for the 1 trust shown by the filter"
    )
    none = summary_view.page_of(
        _table(60), _facts(60), summary_view.Filters(region="Nowhere"), QueryDict()
    )
    assert (_total(none)["rpiws"], _total(none)["share"]) == (0, None)


def test_a_table_without_trust_rows_under_a_filter_says_it_is_not_filtered():
    table = SummaryTable("compact", "Compact", "", [("measure", "Measure")], [{"measure": "x"}])
    filtered = summary_view.page_of(
        table, _facts(5), summary_view.Filters(region="London"), QueryDict()
    )
    assert filtered.unfiltered and filtered.total_labels == {}
    assert not summary_view.page_of(
        table, _facts(5), summary_view.Filters(), QueryDict()
    ).unfiltered


def test_a_table_of_tests_over_every_trust_is_labelled_so_under_a_filter():
    table = SummaryTable(
        "7-3",
        "Table 7.3",
        "",
        [("variable", "Variable"), ("t", "t")],
        [{"key": "lead_time", "variable": "Lead time", "t": 4.2}],
        total_rows=("lead_time",),
    )
    paged = summary_view.page_of(
        table, _facts(5), summary_view.Filters(region="London"), QueryDict()
    )
    assert paged.total_labels == {"lead_time": "over all 5 trusts (not recomputed for a filter)"}
    assert not paged.unfiltered


@pytest.mark.parametrize(
    ("how", "rows", "expected"),
    [
        (SUM, [{"x": 1}, {"x": None}, {"x": 2}], 3),
        (SUM, [{"x": None}], None),
        (MEAN, [{"x": 1}, {"x": None}, {"x": 2}], 1.5),
        (ratio("x", "y", scale=100, places=0), [{"x": 1, "y": 8}], 13),  # 12.5 rounds half up
        (ratio("x", "y", scale=100, places=1), [{"x": 1, "y": 3}], 33.3),
        (ratio(("x", "z"), "y"), [{"x": 1, "z": 1, "y": 4}, {"x": 0, "y": None}], 0.5),
        (ratio("x", "y"), [{"x": 1, "y": 0}], None),
    ],
)
def test_each_way_of_combining_a_column(how: Combine, rows, expected):
    assert how.over(rows, "x") == expected


def test_a_table_stored_before_the_totals_fields_reads_their_defaults():
    table = _table(3)
    del table.__dict__["totals"], table.__dict__["total_rows"]
    loaded = pickle.loads(pickle.dumps(table))
    assert loaded.totals == {} and loaded.total_rows == ("Total",)


# --- on the demo ------------------------------------------------------------------------------


@pytest.fixture
def seeded(demo_seeded):
    """The demo seeded once for this module (tests/conftest.py)."""


def _cells(page: str, key: str, row: str) -> list[str]:
    table = re.search(rf'<table [^>]*data-table="{key}">(.*?)</table>', page, re.S).group(1)
    found = re.search(rf'data-row="{re.escape(row)}">(.*?)</tr>', table, re.S)
    assert found, f"no row {row} in table {key}"
    row_html = re.sub(r"<span [^>]*data-total-label>.*?</span>", "", found.group(1))
    return [
        html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
        for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row_html, re.S)
    ]


@pytest.mark.django_db
def test_on_the_demo_a_region_filter_totals_tables_7_1_and_7_2_as_the_records_give(seeded):
    """Midlands admits UHCW and SATH: Table 7.1's Total is their counts and Table 7.2's their
    sums, mean defect ratios and reductions, each as the selectors compute them from the records
    of those two trusts alone."""
    tables = {t.key: t for t in partnership.build(None)}
    facts = summary_view.trust_facts()
    filters = summary_view.Filters(region="Midlands")
    midlands = list(Organisation.objects.filter(short_name__in=["UHCW", "SATH"]).order_by("pk"))

    paged = summary_view.page_of(tables["7-1"], facts, filters, QueryDict())
    _, direct = rpiw_selectors.table_7_1(rpiw_selectors.REPORT_AS_AT, organisations=midlands)
    total = _total(paged)
    for column, _ in tables["7-1"].columns[1:]:
        assert total[column] == getattr(direct, column), column
    assert total["rpiws"] != tables["7-1"].rows[-1]["rpiws"]  # not the stored total
    assert paged.total_labels == {"Total": "for the 2 trusts shown by the filter"}

    paged = summary_view.page_of(tables["7-2"], facts, filters, QueryDict())
    _, direct72 = rpiw_selectors.table_7_2(organisations=midlands)
    total = _total(paged)
    for kind in ("lead_time", "defects", "defect_ratio"):
        cell = getattr(direct72, kind)
        assert total[f"{kind}_n"] == cell.n, kind
        for part in ("baseline", "post", "reduction"):
            expected = float(getattr(cell, part))
            assert float(total[f"{kind}_{part}"]) == pytest.approx(expected), (kind, part)
    assert float(total["lead_time_reduction"]) != pytest.approx(
        float(tables["7-2"].rows[-1]["lead_time_reduction"])
    )


@pytest.mark.django_db
def test_on_the_demo_the_filtered_page_recomputes_what_combines_and_labels_the_rest(seeded, client):
    client.force_login(get_user_model().objects.get(username="regulator"))
    stored = {t.key: t for t in partnership.build(None)}
    page = client.get("/partnership/?region=Midlands").content.decode()

    # Table 5.1: headcounts and counts add up; diffusion is recomputed from them.
    rows = [r for r in stored["5-1"].rows if r["trust"] in ("UHCW", "SATH")]
    headcount = sum(r["headcount"] for r in rows)
    active = sum(r["completed"] + r["in_progress"] for r in rows)
    shown = _cells(page, "5-1", "Total")
    assert shown[1] == f"{headcount:,}" and shown[-1] == f"{percent(active, headcount)}%"
    assert shown[-1] != stored["5-1"].cells(stored["5-1"].rows[-1])[-1]
    assert "for the 2 trusts shown by the filter" in _total_label(page, "5-1", "Total")

    # Table 7.3's paired t-tests and sustainment's shares do not all combine: over every trust.
    assert _cells(page, "7-3", "lead_time") == stored["7-3"].cells(stored["7-3"].rows[0])
    assert _total_label(page, "7-3", "lead_time") == (
        "over all 5 trusts (not recomputed for a filter)"
    )
    # Sustainment's shares are recomputed from the hidden counts they are shares of.
    assert "for the 2 trusts shown by the filter" in _total_label(page, "sustainment", "Total")
    # Tables 4.1 and 5.2 are one row per trust: filtered like the others; 5.2's counts add up
    # over the trusts kept and its response rate is recomputed from them.
    for key in ("4-1", "5-2"):
        assert [r for r in _row_keys(page, key) if r != "Total"] == ["SATH", "UHCW"], key
        assert not re.search(
            rf'id="table-{key}"[^>]*>(?:(?!</section>).)*data-unfiltered', page, re.S
        )
    kept = [r for r in stored["5-2"].rows if r["trust"] in ("UHCW", "SATH")]
    sums = [sum(r[c] for r in kept) for c in ("invitations", "responses", "graduates")]
    shown = _cells(page, "5-2", "Total")
    assert shown[1:4] == [f"{n:,}" for n in sums]
    assert (
        shown[-1]
        == f"{percent(sums[1], sums[0])}%"
        != stored["5-2"].cells(stored["5-2"].rows[-1])[-1]
    )
    assert "for the 2 trusts shown by the filter" in _total_label(page, "5-2", "Total")

    unfiltered = client.get("/partnership/").content.decode()
    assert "data-total-label" not in unfiltered and "data-unfiltered" not in unfiltered
    for key in ("5-1", "5-2", "7-1", "7-2", "sustainment"):
        table = stored[key]
        assert _cells(unfiltered, key, "Total") == table.cells(table.rows[-1]), key


def _row_keys(page: str, key: str) -> list[str]:
    table = re.search(rf'<table [^>]*data-table="{key}">(.*?)</table>', page, re.S).group(1)
    return re.findall(r'data-row="([^"]+)"', table)


def _total_label(page: str, key: str, row: str) -> str:
    table = re.search(rf'<table [^>]*data-table="{key}">(.*?)</table>', page, re.S).group(1)
    found = re.search(
        rf'data-row="{re.escape(row)}">(?:(?!</tr>).)*?data-total-label>(.*?)</span>', table, re.S
    )
    return found.group(1) if found else ""
