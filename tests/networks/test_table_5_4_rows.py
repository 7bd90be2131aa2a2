"""Tables 5.3 and 5.4 are one row per trust, in every summary table's order, paged like them."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboards.models import Snapshot
from factories import PersonFactory
from networks.dashboard import table_5_4_networks
from networks.models import Nomination
from networks.selectors import SUMMARISE
from rpiw.dashboard import table_7_1_value_streams
from training.surveys import Invitation, Response
from vmi_programme.models import Job, JobStatus, Organisation

pytestmark = pytest.mark.django_db


def summary_of(n: int) -> dict[str, int]:
    """A stored run's summary whose figures tell the trust apart (n = its number)."""
    return {
        "respondents": n,
        "collaborators": n + 1,
        "actors": 2 * n + 1,
        "ties": 3 * n,
        "simple_brokering": 1000 + n,  # printed "1,00n": the downloads keep the full figure too
        "reciprocated_incoming_brokering": 4,
        "reciprocated_outgoing_brokering": 5,
        "mutually_reciprocated_brokering": 1,
        "reciprocated_brokering_total": 10,
    }


def nominated(wave, trust) -> None:
    """One nomination makes the wave a network wave (written without signals: no real run)."""
    person, alter = PersonFactory(organisation=trust), PersonFactory(organisation=trust)
    invitation = Invitation.objects.bulk_create([Invitation(wave=wave, person=person)])[0]
    now = timezone.now()
    response = Response.objects.bulk_create(
        [Response(invitation=invitation, started_at=now, updated_at=now)]
    )[0]
    Nomination.objects.bulk_create(
        [
            Nomination(
                response=response,
                wave=wave,
                organisation=trust,
                respondent=person,
                alter=alter,
                advice=True,
            )
        ]
    )


def stored_runs(wave, trusts, *, numbers=None) -> None:
    now = timezone.now()
    Job.objects.bulk_create(
        Job(
            kind=SUMMARISE,
            status=JobStatus.SUCCEEDED,
            parameters={"wave": wave.pk},
            organisation=trust,
            finished_at=now,
            result={
                "invitations": 100 + n,
                "summary": summary_of(n),
                "actors": [{"key": f"a{i}", "x": 0, "y": 0} for i in range(50)],
                "ties": [],
            },
        )
        for n, trust in zip(numbers or range(len(trusts)), trusts, strict=True)
    )


def generated_trusts(first: int, count: int) -> list[Organisation]:
    """Trusts as the read-model tests generate them, created out of alphabetical order."""
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


def test_the_trusts_of_table_5_4_are_rows_in_table_7_1s_order(wave, trust):
    # created in the report's column order (SASH, LTHT, ..., BHRUT), which is not the common one
    trusts = [trust] + [
        Organisation.objects.create(kind="partner_trust", name=f"{name} trust", short_name=name)
        for name in ("LTHT", "UHCW", "BHRUT", "SATH")
    ]
    nominated(wave, trust)
    stored_runs(wave, trusts)
    table = table_5_4_networks()
    order_7_1 = [r["trust"] for r in table_7_1_value_streams().rows if r["trust"] != "Total"]
    assert [r["trust"] for r in table.rows] == order_7_1 == sorted(order_7_1)
    assert table.row_key == "trust" and [table.key_of(r) for r in table.rows] == order_7_1
    assert table.columns[0] == ("trust", "NHS trust") and len(table.columns) == 11
    sash = next(r for r in table.rows if r["trust"] == "SASH")
    assert (sash["invitations"], sash["ties"], sash["simple_brokering"]) == (100, 0, 1000)


def test_a_trust_without_a_stored_run_is_named_in_a_note_not_shown_as_a_row(wave, trust):
    other = Organisation.objects.create(kind="partner_trust", name="Other", short_name="OTH")
    nominated(wave, trust)
    stored_runs(wave, [trust])
    table = table_5_4_networks()
    assert [r["trust"] for r in table.rows] == ["SASH"]
    assert f"No stored network run yet for {other.short_name}." in table.notes


def _table(html: str, key: str) -> str:
    return re.search(rf'<table [^>]*data-table="{key}">(.*?)</table>', html, re.S).group(1)


def _rows(html: str, key: str) -> list[str]:
    return re.findall(r'data-row="([^"]+)"', _table(html, key))


def _summary_queries(client, path: str) -> tuple[int, str]:
    client.get(path)  # builds what the page reads
    with CaptureQueriesContext(connection) as queries:
        html = client.get(path).content.decode()
    return len(queries), html


def test_the_summarys_table_5_4_is_paged_like_the_other_tables_at_two_sizes(
    client, regulator_user, wave, trust
):
    """30 trusts, then 60: Table 5.4 shows 25 trust rows a page in the common order, its pager
    and page 2 work, and the page makes as many queries at both sizes."""
    nominated(wave, trust)
    client.force_login(regulator_user)
    counts = []
    expected = [trust.short_name]
    for first, size in ((0, 30), (30, 30)):
        trusts = generated_trusts(first, size)
        stored_runs(wave, trusts, numbers=[int(t.short_name[1:]) for t in trusts])
        expected = sorted(expected + [t.short_name for t in trusts])  # SASH has no run: a note
        Snapshot.objects.all().delete()  # the trusts were written in bulk, without signals
        queries, html = _summary_queries(client, "/partnership/")
        counts.append(queries)
        shown = [key for key in expected if key != "SASH"]
        assert _rows(html, "5-4") == shown[:25]
        assert _rows(html, "5-4") == [r for r in _rows(html, "7-1") if r in shown][:25]
        pages = -(-len(shown) // 25)
        assert f"page 1 of {pages}" in html and 'data-table-pager="5-4"' in html
        second = client.get("/partnership/?page-5-4=2").content.decode()
        assert _rows(second, "5-4") == shown[25:50]
        london = client.get("/partnership/?region=London").content.decode()
        assert all(int(key[1:]) % 2 == 0 for key in _rows(london, "5-4"))
    assert counts[0] == counts[1], counts


def test_the_networks_table_5_4_page_and_its_downloads_are_one_row_per_trust(
    client, regulator_user, wave, trust
):
    nominated(wave, trust)
    client.force_login(regulator_user)
    url = "/networks/table-5-4/"
    counts = []
    for first, size in ((0, 30), (30, 30)):
        trusts = generated_trusts(first, size)
        stored_runs(wave, trusts, numbers=[int(t.short_name[1:]) for t in trusts])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        counts.append(len(queries))
        keys = re.findall(r'data-row="([^"]+)"', page.content.decode())
        every = sorted(
            Organisation.objects.filter(
                kind="partner_trust", short_name__startswith="N0"
            ).values_list("short_name", flat=True)
        )
        assert keys == every[:25]
        assert "Page 2 of" in page.content.decode()
        second = client.get(url, {"page": 2, "wave": wave.pk}).content.decode()
        assert re.findall(r'data-row="([^"]+)"', second) == every[25:50]
    assert counts[0] == counts[1], counts

    download = client.get(url, {"format": "csv"}).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(download)))
    assert lines[0][:2] == ["NHS trust", "Invitations"]
    assert "Simple brokering (021C) (full precision)" in lines[0]  # 1,0nn as shown, and 10nn
    assert [line[0] for line in lines[1:]] == every  # every trust, not one page
    n059 = lines[1:][every.index("N059")]
    assert n059[:2] == ["N059", "159"] and "1,059" in n059 and "1059" in n059

    workbook = openpyxl.load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    sheet = workbook.worksheets[0]
    assert sheet["A1"].value.startswith("Tables 5.3 and 5.4")
    assert [c.value for c in sheet[4]][:2] == ["NHS trust", "Invitations"]
    assert sheet.max_row == 4 + len(every)


@pytest.mark.parametrize("wave_param", ["abc", "99999", "1e3"])
def test_an_unknown_or_malformed_wave_is_not_found_not_a_server_error(
    client, regulator_user, wave_param
):
    client.force_login(regulator_user)
    assert client.get("/networks/table-5-4/", {"wave": wave_param}).status_code == 404
