"""The COPY path of a large series import on PostgreSQL (ADR 19): the same records, history and
errors as the row-by-row path, all or nothing, the check's staged rows reused by the commit."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection, transaction

from impact.imports import SeriesImport
from impact.models import SeriesValue
from impact.services import MonthValue, record_values
from vmi_programme import imports as pipeline
from vmi_programme.imports import bulk

pytestmark = pytest.mark.django_db

COPY_PATH = 0  # IMPORT_BULK_MIN_BYTES: every file takes the COPY path
ROW_BY_ROW = 10**12  # no file does

FILE = (
    "Org code,Period,Value,Numerator,Denominator,Measure\n"
    "RTP,2015-07,94.80%,,,fft_ae_recommend\n"  # replaces a stored month
    "RTP,2015-08,*,,,fft_ae_recommend\n"  # replaces a stored month with a missing value
    "RTP,Sep-15,50,,,fft_ae_recommend\n"  # an integral value (its history text "50.0")
    "RP0,2015-07,0.948,,,fft_ae_positive\n"  # plain 0–1 values of a % measure: fractions
    "RP0,2015-08,0.9,,,fft_ae_positive\n"
    "RP1,2015-07,,55,5500,staff_turnover\n"  # a ratio computed from its parts
    "RP1,2015-08,,*,*,staff_turnover\n"
    'RP2,2015-07,"1,234.5",,,fft_ae_recommend\n'
)


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the COPY path (SQLite keeps the row-by-row path)")


def upload(text: str):
    handle = io.BytesIO(text.encode())
    handle.name = "series.csv"
    return handle


def _stored_months(measures, trust):
    record_values(
        measures["fft_ae_recommend"],
        [
            MonthValue(trust, dt.date(2015, 7, 1), value=90.0),
            MonthValue(trust, dt.date(2015, 8, 1), value=91.0),
        ],
        rerun=False,
    )


def _import(settings, user, minimum, text=FILE):
    settings.IMPORT_BULK_MIN_BYTES = minimum
    result = pipeline.preview(pipeline.get_spec("impact.series"), upload(text), user)
    assert result.is_valid, result.errors
    assert ("bulk" in result.batch.preview["facts"]) == (minimum == COPY_PATH)
    summary = pipeline.commit(result.batch, user)
    return summary


def _records_and_history():
    """Records and their history by (organisation, measure, month): ids differ between runs."""
    records = {
        (r.organisation_id, r.measure_id, r.period): r
        for r in SeriesValue.objects.all()
    }  # fmt: skip
    keys = {r.pk: key for key, r in records.items()}
    values = {
        key: (r.value, r.numerator, r.denominator) for key, r in records.items()
    }  # fmt: skip
    history = sorted(
        [
            (
                keys[h.id],
                h.value,
                h.numerator,
                h.denominator,
                h.history_type,
                h.history_source,
                h.history_user_id,
                h.history_owner_id,
                h.history_ip_address,
                h.history_change_reason,
                h.history_object_repr,
                h.updated_at == r.updated_at if (r := records.get(keys[h.id])) else None,
            )
            for h in SeriesValue.history.all()
            if h.id in keys
        ],
        key=str,
    )
    return values, history


def test_the_copy_path_writes_the_records_and_history_the_row_by_row_path_writes(
    settings, measures, trust, peers, admin_user
):
    _stored_months(measures, trust)
    before = SeriesValue.history.count()
    outcomes = {}
    for name, minimum in (("row by row", ROW_BY_ROW), ("copy", COPY_PATH)):
        with transaction.atomic():
            summary = _import(settings, admin_user, minimum)
            values, history = _records_and_history()
            outcomes[name] = (summary, values, history, SeriesValue.history.count() - before)
            transaction.set_rollback(True)
    assert outcomes["copy"] == outcomes["row by row"]
    summary, values, history, written = outcomes["copy"]
    assert summary == {"months": 8, "runs re-queued": 0}
    assert written == 8
    rtp, rp0, rp1 = trust.pk, peers[0].pk, peers[1].pk
    assert values[(rtp, measures["fft_ae_recommend"].pk, dt.date(2015, 8, 1))] == (None,) * 3
    assert values[(rp0, measures["fft_ae_positive"].pk, dt.date(2015, 7, 1))][0] == pytest.approx(
        94.8
    )
    assert values[(rp1, measures["staff_turnover"].pk, dt.date(2015, 7, 1))] == (1.0, 55, 5500)
    by_key = {row[0]: row for row in history if row[5] == "import"}
    july = by_key[(rtp, measures["fft_ae_recommend"].pk, dt.date(2015, 7, 1))]
    assert july[4:8] == ("~", "import", admin_user.pk, rtp)  # replaced; the trust owns it
    september = by_key[(rtp, measures["fft_ae_recommend"].pk, dt.date(2015, 9, 1))]
    assert september[4] == "+" and september[10] == f"fft_ae_recommend {rtp} 2015-09: 50.0"
    assert by_key[(rp1, measures["staff_turnover"].pk, dt.date(2015, 7, 1))][7] is None  # a peer


def test_a_bad_row_stops_the_whole_copy_import_naming_its_row_and_column_heading(
    settings, measures, trust, peers, admin_user
):
    settings.IMPORT_BULK_MIN_BYTES = COPY_PATH
    _stored_months(measures, trust)
    before = (SeriesValue.objects.count(), SeriesValue.history.count())
    bad = FILE + "RP3,2015-13,90,,,fft_ae_recommend\n"
    result = pipeline.preview(pipeline.get_spec("impact.series"), upload(bad), admin_user)
    assert result.batch.preview["errors"] == [
        {
            "row": 10,
            "column": "Period",
            "message": "'2015-13' is not a month from 1990 to 2100 (use YYYY-MM or a date)",
        }
    ]
    assert "bulk" not in result.batch.preview["facts"]  # nothing staged for a file with errors
    with pytest.raises(pipeline.ImportFailed):
        pipeline.commit(result.batch, admin_user)
    assert (SeriesValue.objects.count(), SeriesValue.history.count()) == before


def test_the_commit_reuses_the_checked_rows_unless_what_they_depended_on_changed(
    settings, measures, trust, peers, admin_user, monkeypatch
):
    settings.IMPORT_BULK_MIN_BYTES = COPY_PATH
    staged = []
    original = SeriesImport.stage_row
    monkeypatch.setattr(
        SeriesImport,
        "stage_row",
        lambda self, number, row, ctx: staged.append(number) or original(self, number, row, ctx),
    )
    spec = pipeline.get_spec("impact.series")
    result = pipeline.preview(spec, upload(FILE), admin_user)
    assert len(staged) == 8
    pipeline.commit(result.batch, admin_user)
    assert len(staged) == 8  # the commit loaded the check's rows; it cleaned none again
    assert SeriesValue.objects.count() == 8

    # A code renamed after the check: the commit cleans the file again and stops at its rows.
    result = pipeline.preview(spec, upload(FILE), admin_user)
    peers[2].ods_code = "RX2"
    peers[2].save()
    before = (SeriesValue.objects.count(), SeriesValue.history.count())
    with pytest.raises(pipeline.ImportFailed) as failed:
        pipeline.commit(result.batch, admin_user)
    assert [str(e) for e in failed.value.errors] == [
        "Row 9, column 'org_code': 'RP2' is not a known organisation code"
    ]
    assert len(staged) == 16 + 8
    assert (SeriesValue.objects.count(), SeriesValue.history.count()) == before


def test_a_large_copy_import_reports_its_progress(settings, measures, peers, admin_user):
    settings.IMPORT_BULK_MIN_BYTES = COPY_PATH
    lines = [
        f"{peer.ods_code},{1990 + i // 12}-{i % 12 + 1:02d},{i % 90}.5,{measure}\n"
        for peer in peers
        for measure in ("fft_ae_recommend", "fft_ae_positive")
        for i in range(750)
    ]
    text = "org_code,period,value,measure\n" + "".join(lines)
    store = pipeline.store_upload(pipeline.get_spec("impact.series"), upload(text), admin_user)
    checked, committed = [], []
    result = pipeline.validate_batch(store, admin_user, report=lambda f, m: checked.append(m))
    assert result.is_valid and result.row_count == 6_000
    assert checked == ["Checked 5,000 rows"]
    pipeline.commit_batch(store, admin_user, report=lambda f, m: committed.append((f, m)))
    assert [m for _, m in committed][-2:] == ["Writing 6,000 rows", "Wrote 6,000 rows"]
    assert committed[0][1] == "Loading the checked rows"
    assert [f for f, _ in committed] == sorted(f for f, _ in committed)
    assert SeriesValue.objects.count() == SeriesValue.history.count() == 6_000


@pytest.mark.parametrize(
    "number",
    [
        0.0, -0.0, 100.0, -3.0, 94.8, 0.1 + 0.2, 1e-05, 0.0001, 5.5e-07, 123456789012345.6,
        1e15, 1e15 + 0.125, 9999999999999998.0, 1e16, 1.2345e16, 1e100, 5e-324, 2.5e-308,
    ],
)  # fmt: skip
def test_a_float_is_printed_by_postgresql_as_python_prints_it(number):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL extra_float_digits = 1")
        cursor.execute(
            f"SELECT {bulk.python_float_text('x')} FROM (SELECT %s::double precision AS x) AS t",
            [number],
        )
        assert cursor.fetchone()[0] == str(number)


def test_a_100000_row_file_is_checked_and_staged_in_bounded_memory(
    settings, measures, admin_user, tmp_path
):
    import tracemalloc

    from factories import OrganisationFactory
    from vmi_programme.models import OrganisationKind

    settings.IMPORT_BULK_MIN_BYTES = COPY_PATH
    codes = [
        OrganisationFactory(kind=OrganisationKind.PEER_TRUST, ods_code=f"B{i:03d}").ods_code
        for i in range(100)
    ]
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("org_code,period,value,measure\n")
        for code in codes:
            for month in range(1_000):
                out.write(f"{code},{1990 + month // 12}-{month % 12 + 1:02d},{month % 97}.5,")
                out.write("fft_ae_recommend\n")
    with path.open("rb") as fh:
        batch = pipeline.store_upload(pipeline.get_spec("impact.series"), fh, admin_user)
    tracemalloc.start()
    try:
        result = pipeline.validate_batch(batch, admin_user)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.row_count == 100_000 and result.is_valid
    assert batch.preview["facts"]["bulk"]["rows"] == 100_000
    # 16 bytes a row of duplicate keys (1.6 MB) + 10,000 staged lines + one block of the file.
    assert peak < 8 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
