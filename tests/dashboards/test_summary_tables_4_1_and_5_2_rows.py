"""Tables 4.1 and 5.2 are one row per trust, in every summary table's order, filtered, sorted
and paged like them; a table stored in its old shape (the trusts as columns) is never read."""

from __future__ import annotations

import datetime as dt
import pickle
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboards import read_model
from dashboards.models import Snapshot, SnapshotKind
from factories import PersonFactory
from governance.dashboard import table_4_1_context
from training.dashboard import table_5_1_training, table_5_2_survey
from training.models import AssessmentMethod, Programme
from training.selectors import percent
from training.surveys import Invitation, Response, Survey, SurveyWave
from vmi_programme.models import Organisation
from vmi_programme.summary_tables import TEXT, SummaryTable

pytestmark = pytest.mark.django_db

COUNTS = ("invitations", "responses", "graduates", "in_progress")


@pytest.fixture
def wave(db) -> SurveyWave:
    """An L4L survey wave (Table 5.2's: its survey is of a programme)."""
    l4l = Programme.objects.create(
        code="L4L", name="Lean for Leaders", assessment_method=AssessmentMethod.HOMEWORK
    )
    survey = Survey.objects.create(title="L4L participant survey", programme=l4l)
    return SurveyWave.objects.create(
        survey=survey,
        name="November 2018",
        opens_on=dt.date(2018, 11, 1),
        closes_on=dt.date(2018, 11, 30),
    )


def generated_trusts(first: int, count: int) -> list[Organisation]:
    """Trusts created out of alphabetical order, London (even) and North West (odd)."""
    numbers = list(range(first, first + count))[::-1]
    Organisation.objects.bulk_create(
        Organisation(
            kind="partner_trust",
            name=f"Generated Trust {i:03}",
            short_name=f"N{i:03}",
            region=["London", "North West"][i % 2],
        )
        for i in numbers
    )
    return list(Organisation.objects.filter(short_name__in=[f"N{i:03}" for i in numbers]))


def invited(wave: SurveyWave, trust: Organisation, n: int) -> None:
    """n + 2 invitations of the trust, n % 4 + 1 of them answered (written in bulk)."""
    people = [PersonFactory(organisation=trust) for _ in range(n + 2)]
    invitations = Invitation.objects.bulk_create(
        [Invitation(wave=wave, person=person) for person in people]
    )
    now = timezone.now()
    Response.objects.bulk_create(
        Response(invitation=invitation, started_at=now, updated_at=now)
        for invitation in invitations[: n % 4 + 1]
    )


def test_tables_4_1_and_5_2_are_one_row_per_trust_in_table_5_1s_order(wave):
    trusts = generated_trusts(0, 12)
    for trust in trusts:
        invited(wave, trust, int(trust.short_name[1:]))
    order_5_1 = [r["trust"] for r in table_5_1_training().rows if r["trust"] != "Total"]
    assert order_5_1 == sorted(t.short_name for t in trusts)

    table_4_1 = table_4_1_context()
    assert [r["trust"] for r in table_4_1.rows] == order_5_1
    assert [table_4_1.key_of(r) for r in table_4_1.rows] == order_5_1
    assert table_4_1.columns[0] == ("trust", "Trust") and len(table_4_1.columns) == 6
    assert set(table_4_1.formats.values()) == {TEXT} and not table_4_1.totals

    table_5_2 = table_5_2_survey()
    assert [table_5_2.key_of(r) for r in table_5_2.rows] == [*order_5_1, "Total"]
    assert [heading for _, heading in table_5_2.columns] == [
        "Trust",
        "Invitations",
        "Responses (started)",
        "of whom L4L graduates",
        "of whom L4L in progress",
        "Response rate",
    ]
    n007 = next(r for r in table_5_2.rows if r["trust"] == "N007")
    assert (n007["invitations"], n007["responses"], n007["response_rate"]) == (9, 4, 44)
    total = table_5_2.rows[-1]
    trust_rows = table_5_2.rows[:-1]
    for column in COUNTS:
        assert total[column] == sum(r[column] for r in trust_rows), column
    assert total["response_rate"] == percent(total["responses"], total["invitations"])


def _table(html: str, key: str) -> str:
    return re.search(rf'<table [^>]*data-table="{key}">(.*?)</table>', html, re.S).group(1)


def _rows(html: str, key: str) -> list[str]:
    return re.findall(r'data-row="([^"]+)"', _table(html, key))


def _cells(html: str, key: str, row: str) -> list[str]:
    found = re.search(rf'data-row="{re.escape(row)}">(.*?)</tr>', _table(html, key), re.S)
    row_html = re.sub(r"<span [^>]*data-total-label>.*?</span>", "", found.group(1))
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row_html, re.S)
    ]


def _summary_queries(client, path: str) -> tuple[int, str]:
    client.get(path)  # builds what the page reads
    with CaptureQueriesContext(connection) as queries:
        html = client.get(path).content.decode()
    return len(queries), html


def test_the_summary_filters_sorts_and_pages_tables_4_1_and_5_2_at_two_sizes(
    client, regulator_user, wave
):
    """30 trusts, then 60: both tables show 25 trust rows a page in 5.1's order, page 2 and a
    sort work, a region filter keeps only that region's trusts (5.2's total then adds up over
    them), and the page makes as many queries at both sizes."""
    client.force_login(regulator_user)
    counts = []
    for first, size in ((0, 30), (30, 30)):
        for trust in generated_trusts(first, size):
            invited(wave, trust, int(trust.short_name[1:]))
        Snapshot.objects.all().delete()  # the records were written in bulk, without signals
        queries, html = _summary_queries(client, "/partnership/")
        counts.append(queries)
        every = [key for key in _rows(html, "5-1") if key != "Total"]
        assert len(every) == 25 and every == sorted(every)
        for key in ("4-1", "5-2"):
            assert [r for r in _rows(html, key) if r != "Total"] == every, key
            assert f'data-table-pager="{key}"' in html
        second = client.get("/partnership/?page-4-1=2&page-5-2=2").content.decode()
        assert _rows(second, "4-1")[0] == f"N{25:03}"
        assert [r for r in _rows(second, "5-2") if r != "Total"][0] == f"N{25:03}"
        by_responses = client.get("/partnership/?sort-5-2=-responses").content.decode()
        shown = [_cells(by_responses, "5-2", r)[2] for r in _rows(by_responses, "5-2")[1:]]
        assert shown == sorted(shown, key=int, reverse=True)

        london = client.get("/partnership/?region=London").content.decode()
        london_rows = [
            r
            for r in table_5_2_survey().rows
            if r["trust"] != "Total" and int(r["trust"][1:]) % 2 == 0
        ]
        kept = [r["trust"] for r in london_rows][:25]
        assert _rows(london, "4-1") == kept
        assert [r for r in _rows(london, "5-2") if r != "Total"] == kept
        # the total is over every London trust, not only the page shown
        sums = [sum(r[c] for r in london_rows) for c in COUNTS]
        assert _cells(london, "5-2", "Total")[1:] == [
            *(f"{n:,}" for n in sums),
            f"{percent(sums[1], sums[0])}%",
        ]
    assert counts[0] == counts[1], counts


def test_a_table_stored_in_its_old_shape_is_dropped_and_built_anew(client, regulator_user, trust):
    """Before version 2, Table 4.1 was stored under "published|4-1" with the trusts as columns:
    the summary reads "published|4-1@2" instead and drops the old snapshot."""
    old = SummaryTable(
        "4-1",
        "Table 4.1: context (old shape)",
        "",
        [("attribute", "Context"), ("SASH", "SASH")],
        [{"key": "ceo", "attribute": "CEO", "SASH": "stored in the old shape"}],
    )
    Snapshot.objects.create(
        kind=SnapshotKind.PARTNERSHIP,
        key="published|4-1",
        scope=read_model.PARTNERSHIP_SCOPE,
        payload=pickle.dumps(old),
        built_at=timezone.now(),
    )
    assert "published|4-1@2" in read_model.partnership_keys()
    client.force_login(regulator_user)
    html = client.get("/partnership/").content.decode()
    assert _rows(html, "4-1") == ["SASH"] and "old shape" not in html
    stored = set(Snapshot.objects.filter(key__startswith="published|4-1").values_list("key"))
    assert stored == {("published|4-1@2",)}
