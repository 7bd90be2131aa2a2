"""A summary table built in parts (``SummaryTableEntry.parts``): the sustainment table's trust
rows are built as separate jobs (trusts by id modulo the parts) and joined on reading; the
joined table equals the table built whole, and its totals row pools every trust's measures."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from dashboards import read_model
from dashboards.models import Snapshot, SnapshotKind
from rpiw import selectors, sustainment
from rpiw.dashboard import SUSTAINMENT_PARTS, sustainment_by_trust
from vmi_programme.dashboard_registry import summary_table
from vmi_programme.summary_tables import joined

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated():
    call_command(
        "generate_scale",
        "--trusts",
        "7",
        "--seed",
        "11",
        "--password",
        "x-test-only-9",
        stdout=io.StringIO(),
    )


def _pooled_total() -> dict:
    """The totals row computed another way: one rollup over every trust's records."""
    records = selectors.sustainment_records(organisations=list(selectors.partner_trusts()))
    pooled = sustainment.rollup(records, selectors.sustainment_thresholds())
    return {"measures": pooled.measures, "sustained": pooled.sustained, "lost": pooled.lost}


@pytest.mark.parametrize("count", [2, 3, SUSTAINMENT_PARTS])
def test_the_parts_joined_equal_the_table_built_whole(generated, count):
    whole = sustainment_by_trust()
    parts = [sustainment_by_trust(part=(i, count)) for i in range(count)]
    assert all(row["trust"] != "Total" for part in parts for row in part.rows)
    assert sum(len(part.rows) for part in parts) == 7  # each trust in exactly one part
    assert joined(parts).rows == whole.rows
    total = whole.rows[-1]
    assert total["trust"] == "Total"
    assert {k: total[k] for k in ("measures", "sustained", "lost")} == _pooled_total()
    assert total["measures"] > 0


def test_the_read_model_stores_the_parts_and_the_page_reads_one_table(generated, settings):
    settings.READ_MODEL_BUILD_INLINE = True
    regulator = get_user_model().objects.get(username="regulator")
    # a snapshot stored when the table was built whole is dropped, not refreshed for ever
    Snapshot.objects.create(
        kind=SnapshotKind.PARTNERSHIP,
        key=f"{read_model.PUBLISHED}|sustainment",
        scope=read_model.PARTNERSHIP_SCOPE,
    )
    reading = read_model.read_partnership(read_model.PUBLISHED, regulator)
    keys = set(Snapshot.objects.filter(kind=SnapshotKind.PARTNERSHIP).values_list("key", flat=True))
    parts = {f"published|sustainment~{i}" for i in range(SUSTAINMENT_PARTS)}
    assert parts <= keys and "published|sustainment" not in keys
    assert summary_table("sustainment").parts == SUSTAINMENT_PARTS
    tables = [t for t in reading.data if t.key == "sustainment"]
    assert len(tables) == 1 and tables[0].rows == sustainment_by_trust().rows


def test_a_part_key_names_its_table_and_part():
    assert read_model.table_of("published|sustainment~3") == ("sustainment", 3)
    assert read_model.table_of("2021-03-31|sustainment~0@2") == ("sustainment", 0)
    assert read_model.table_of("published|4-1@2") == ("4-1", None)
    assert read_model.table_of("published|7-3") == ("7-3", None)
