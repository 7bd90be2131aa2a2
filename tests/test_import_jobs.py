"""Imports as jobs: malformed files get named errors, the check is stored and read (never
re-run by the page), the commit streams in chunks all or nothing, the size limit holds while the
upload is received, and a large file is checked in bounded memory."""

from __future__ import annotations

import datetime as dt
import io
import time
import tracemalloc
from decimal import Decimal

import pytest
from conftest import jobs_in_process
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from impact.models import SeriesValue
from vmi_programme import imports
from vmi_programme.imports import Column, DuplicateKeys, ImportSpec, RowCleaner, RowError
from vmi_programme.models import ImportBatch, ImportStatus, Job, Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _jobs_in_process(request):
    """The check and commit jobs run in this process (on the PostgreSQL run too), except in
    the test that runs them on the real worker."""
    if request.node.get_closest_marker("services"):
        yield
        return
    with jobs_in_process():
        yield


class Counted(ImportSpec):
    """A streaming spec writing people, counting how often rows are cleaned."""

    name = "tests.counted"
    title = "Import counted people"
    streaming = True
    chunk_size = 2
    columns = [
        Column("name", "Full name"),
        Column("code", "Code"),
        Column("started", "Started", required=False),
        Column("score", "Score", required=False),
    ]
    cleaned = 0

    def clean_row(self, row, ctx):
        type(self).cleaned += 1
        c = RowCleaner(row)
        return c.result(
            name=c.text("name"),
            code=c.text("code"),
            started=c.date("started", required=False, earliest=dt.date(2000, 1, 1)),
            score=c.decimal("score", required=False, minimum=Decimal(0)),
        )

    def check_row(self, number, row, ctx):
        ctx.state.setdefault("keys", DuplicateKeys()).add(number, hash(row["code"]))
        return []

    def finish_checks(self, ctx):
        return [
            RowError(number, "code", f"repeats row {first}")
            for number, first in ctx.state.get("keys", DuplicateKeys()).duplicates()
        ]

    def write_chunk(self, rows, ctx):
        for row in rows:
            if row["name"] == "Explode":
                raise ValidationError("The writer refused Explode.")
        Person.objects.bulk_create(
            Person(organisation=ctx.organisation, full_name=r["name"], department=r["code"])
            for r in rows
        )
        return {"people": len(rows)}


imports.register(Counted())
SPEC = imports.get_spec("tests.counted")
HEADER = "Full name,Code,Started,Score\n"


def check(content: str | bytes, trust, user, name="people.csv", **options):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return imports.preview(
        SPEC, SimpleUploadedFile(name, data), user, organisation=trust, **options
    )


def imported():
    """People this file made (the users' own Person rows are not counted)."""
    return Person.objects.filter(full_name__in=["Ann", "Bob", "Cid", "Dee", "Explode"])


def messages(result) -> list[str]:
    return [str(e) for e in result.errors]


# --- Malformed files: one named error each, nothing written ----------------------------------


def test_a_nul_byte_is_named_by_row_and_column(trust, kpo_user):
    result = check(HEADER + "Ann,1,,\nB\x00b,2,,\n", trust, kpo_user)
    assert messages(result) == [
        "Row 3, column 'name': contains a NUL byte: this looks like binary data, not text"
    ]
    with pytest.raises(imports.ImportFailed):
        imports.commit(result.batch, kpo_user)
    assert not imported().exists()


def test_random_binary_content_is_refused_as_not_a_csv(trust, kpo_user):
    import random

    rng = random.Random(4)
    noise = bytes(rng.randrange(256) for _ in range(20_000))
    result = check(noise, trust, kpo_user)
    assert messages(result) == ["This is not a CSV file: it holds binary data, not text."]


def test_a_cell_over_the_limit_is_named_and_one_over_the_csv_limit_too(trust, kpo_user):
    long_cell = "x" * (imports.MAX_CELL_CHARS + 1)
    result = check(HEADER + f"Ann,1,,\n{long_cell},2,,\n", trust, kpo_user)
    assert messages(result) == ["Row 3, column 'name': is longer than 10,000 characters"]
    huge = "y" * 200_000  # past the csv module's own 128 kB field limit
    result = check(HEADER + f"Ann,1,,\n{huge},2,,\n", trust, kpo_user)
    assert len(result.errors) == 1 and result.errors[0].row == 3
    assert "longer than" in result.errors[0].message


def test_nan_and_infinity_in_a_number_are_named(trust, kpo_user):
    result = check(HEADER + "Ann,1,,NaN\nBob,2,,-Infinity\nCid,3,,4.5\n", trust, kpo_user)
    assert messages(result) == [
        "Row 2, column 'score': 'NaN' is not a number (NaN and infinity are not allowed)",
        "Row 3, column 'score': '-Infinity' is not a number (NaN and infinity are not allowed)",
    ]


def test_an_unbalanced_quote_is_named_with_its_line(trust, kpo_user):
    result = check(HEADER + 'Ann,1,,\n"Bob,2,,\nCid,3,,\n', trust, kpo_user)
    assert len(result.errors) == 1
    assert result.errors[0].row == 3 and "never closed" in result.errors[0].message
    stray = check(HEADER + 'Ann,1,,\n"Bob"x,2,,\n', trust, kpo_user)
    assert stray.errors[0].row == 3 and "malformed" in stray.errors[0].message


def test_a_file_not_in_utf8_asks_for_its_encoding_and_is_read_once_chosen(client, trust, kpo_user):
    content = (HEADER + "Zoë Brontë,1,,\n").encode("cp1252")
    result = check(content, trust, kpo_user)
    assert result.needs_encoding
    assert "Line 2 has a byte (0xEB) that is not valid UTF-8" in str(result.errors[0])
    client.force_login(kpo_user)
    page = client.get(f"/imports/batches/{result.batch.pk}/").content.decode()
    assert "Check it again in this encoding" in page and "Confirm and import" not in page
    response = client.post(f"/imports/batches/{result.batch.pk}/encoding/", {"encoding": "cp1252"})
    assert response.status_code == 302
    result.batch.refresh_from_db()
    assert result.batch.preview["error_count"] == 0
    assert result.batch.preview["sample"][0]["values"]["name"] == "Zoë Brontë"


def test_utf8_with_and_without_a_byte_order_mark_is_read(trust, kpo_user):
    for content in ((HEADER + "Zoë,1,,\n").encode("utf-8-sig"), (HEADER + "Zoë,1,,\n").encode()):
        result = check(content, trust, kpo_user)
        assert result.is_valid, result.errors
        assert result.rows[0].cleaned["name"] == "Zoë"


def test_a_date_outside_the_fields_range_is_named(trust, kpo_user):
    result = check(
        HEADER + "Ann,1,9999-01-01,\nBob,2,1999-12-31,\nCid,3,2019-04-01,\n", trust, kpo_user
    )
    assert [e.row for e in result.errors] == [2, 3]
    assert "outside 01/01/2000–31/12/2100" in result.errors[0].message


def test_an_rpiw_workshop_in_the_year_9999_is_refused(trust, kpo_user):
    from rpiw.services import save_value_stream

    save_value_stream(organisation=trust, name="Outpatients", started_on=dt.date(2016, 1, 4))
    content = (
        "Trust,Value stream,RPIW reference,RPIW title,Workshop start,Workshop end,Measure,"
        "Measure type,Unit,Time point,Value\n"
        "SASH,Outpatients,R-1,Letters,9999-03-04,9999-03-08,Lead time,lead_time,days,baseline,9\n"
    )
    spec = imports.get_spec("rpiw.measures")
    result = imports.preview(
        spec, SimpleUploadedFile("r.csv", content.encode()), kpo_user, organisation=trust
    )
    assert {e.column for e in result.errors} >= {"workshop_start", "workshop_end"}


def test_empty_and_header_only_files_are_named(trust, kpo_user):
    assert messages(check("", trust, kpo_user)) == ["The file is empty."]
    assert messages(check(HEADER, trust, kpo_user)) == [
        "The file has a header row but no data rows."
    ]


def test_missing_duplicate_and_unknown_columns_are_named_on_the_header_row(trust, kpo_user):
    assert messages(check("Full name\nAnn\n", trust, kpo_user)) == [
        "Row 1, column 'Code': this required column is missing from the header row"
    ]
    assert messages(check("Full name,Code,Code\nAnn,1,1\n", trust, kpo_user)) == [
        "Row 1, column 'Code': this column appears more than once"
    ]
    unknown = messages(check("Full name,Code,Shoe size\nAnn,1,9\n", trust, kpo_user))
    assert len(unknown) == 1 and unknown[0].startswith(
        "Row 1, column 'Shoe size': is not a column of this import"
    )


def test_duplicate_keys_name_the_first_row(trust, kpo_user):
    result = check(HEADER + "Ann,1,,\nBob,2,,\nCid,1,,\nDee,1,,\n", trust, kpo_user)
    assert messages(result) == [
        "Row 4, column 'code': repeats row 2",
        "Row 5, column 'code': repeats row 2",
    ]


# --- The stored check, the commit -----------------------------------------------------------


def test_the_batch_page_reads_the_stored_check_and_never_checks_again(
    client, trust, kpo_user, django_assert_max_num_queries
):
    client.force_login(kpo_user)
    Counted.cleaned = 0
    response = client.post(
        "/imports/tests.counted/",
        {
            "file": SimpleUploadedFile("p.csv", (HEADER + "Ann,1,,\nBob,2,,\n").encode()),
            "organisation": trust.pk,
        },
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.validate_job.status == "succeeded" and batch.status == ImportStatus.PREVIEWED
    assert Counted.cleaned == 2
    for _ in range(3):
        with django_assert_max_num_queries(12):
            html = client.get(response.url).content.decode()
        assert "Confirm and import 2 rows" in html and "Ann" in html
    assert Counted.cleaned == 2  # the page read the stored result three times


def test_the_page_shows_the_jobs_progress_while_it_runs(client, trust, kpo_user):
    client.force_login(kpo_user)
    batch = imports.store_upload(
        SPEC,
        SimpleUploadedFile("p.csv", (HEADER + "Ann,1,,\n").encode()),
        kpo_user,
        organisation=trust,
    )
    batch.validate_job = Job.objects.create(
        kind="imports.validate", progress=40, progress_message="Checked 40,000 rows"
    )
    batch.save()
    html = client.get(f"/imports/batches/{batch.pk}/").content.decode()
    assert "Checked 40,000 rows" in html and 'value="40"' in html
    assert "Confirm and import" not in html


def test_a_commit_failing_in_a_later_chunk_writes_nothing(client, trust, kpo_user):
    client.force_login(kpo_user)
    result = check(HEADER + "Ann,1,,\nBob,2,,\nCid,3,,\nDee,4,,\nExplode,5,,\n", trust, kpo_user)
    assert result.is_valid
    response = client.post(f"/imports/batches/{result.batch.pk}/confirm/")
    assert response.status_code == 302
    result.batch.refresh_from_db()
    assert result.batch.status == ImportStatus.FAILED
    assert result.batch.commit_job.status == "failed"
    assert "refused Explode" in result.batch.errors[0]["message"]
    assert not imported().exists()  # two chunks of two had been written, then rolled back


def test_confirm_is_post_only_and_commits_once(client, trust, kpo_user):
    client.force_login(kpo_user)
    result = check(HEADER + "Ann,1,,\nBob,2,,\nCid,3,,\n", trust, kpo_user)
    url = f"/imports/batches/{result.batch.pk}/confirm/"
    assert client.get(url).status_code == 405
    client.post(url)
    client.post(url)
    assert imported().count() == 3
    result.batch.refresh_from_db()
    assert result.batch.summary == {"people": 3}


def test_a_file_with_errors_cannot_be_confirmed(client, trust, kpo_user):
    client.force_login(kpo_user)
    result = check(HEADER + "Ann,1,,\n,2,,\n", trust, kpo_user)
    client.post(f"/imports/batches/{result.batch.pk}/confirm/")
    result.batch.refresh_from_db()
    assert result.batch.status == ImportStatus.PREVIEWED and not imported().exists()


def test_the_stored_check_keeps_the_first_100_errors_and_counts_them_all(trust, kpo_user):
    rows = "".join(f"Ann,{i},,NaN\n" for i in range(250))
    result = check(HEADER + rows, trust, kpo_user)
    result.batch.refresh_from_db()
    assert result.batch.preview["error_count"] == 250
    assert len(result.batch.preview["errors"]) == 100
    assert len(result.batch.preview["sample"]) == 20


# --- The size limit while receiving ---------------------------------------------------------


def test_a_file_over_the_limit_is_stopped_while_received_with_a_form_error(
    client, trust, kpo_user, settings
):
    settings.IMPORT_MAX_UPLOAD_BYTES = 10_000
    client.force_login(kpo_user)
    big = SimpleUploadedFile("p.csv", (HEADER + "Ann,1,,\n" * 3_000).encode())
    response = client.post("/imports/tests.counted/", {"file": big, "organisation": trust.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "The file is larger than" in html and "split it" in html
    assert not ImportBatch.objects.exists()


def test_the_upload_handler_stops_storing_past_the_limit(rf, settings):
    from django.core.files.uploadhandler import StopUpload

    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    request = rf.post("/")
    handler = imports.SizeLimitUploadHandler(request)
    handler.handle_raw_input(None, {}, 150, b"x")
    assert handler.receive_data_chunk(b"a" * 64, 0) == b"a" * 64
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"a" * 64, 64)
    assert request.upload_too_large


# --- A large file in bounded memory ---------------------------------------------------------


def test_a_100000_row_file_is_checked_in_bounded_memory(trust, kpo_user, tmp_path):
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for i in range(100_000):
            out.write(f"Person {i},{i},2019-04-01,{i % 97}.5\n")
    size = path.stat().st_size
    with path.open("rb") as fh:
        batch = imports.store_upload(SPEC, fh, kpo_user, organisation=trust)
    tracemalloc.start()
    try:
        result = imports.validate_batch(batch, kpo_user)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.row_count == 100_000 and result.is_valid
    # 16 bytes a row for the duplicate check (1.6 MB) + one chunk of the file; the old
    # pipeline held the file, every cell and every cleaned row (well over 100 MB here).
    assert peak < 8 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB file"


# --- On the real worker ---------------------------------------------------------------------


def _wait(job: Job, seconds: float = 90) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.2)
    return job


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_check_and_commit_jobs_run_on_a_real_worker(celery_worker, trust, admin_user):
    from vmi_programme import jobs

    assert connection.vendor == "postgresql"
    rows = "".join(
        f"RTP,{2000 + i // 12}-{i % 12 + 1:02d},{50 + i % 40}.5,fft_ae_recommend\n"
        for i in range(240)
    )
    content = io.BytesIO(("org_code,period,value,measure\n" + rows).encode())
    content.name = "series.csv"
    batch = imports.store_upload(imports.get_spec("impact.series"), content, admin_user)
    check_job = _wait(jobs.submit("imports.validate", {"batch": batch.pk, "user": admin_user.pk}))
    assert check_job.status == "succeeded", check_job.error
    assert check_job.result == {"batch": batch.pk, "rows": 240, "errors": 0}
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED and batch.preview["error_count"] == 0
    commit_job = _wait(jobs.submit("imports.commit", {"batch": batch.pk, "user": admin_user.pk}))
    assert commit_job.status == "succeeded", commit_job.error
    assert commit_job.result["months"] == 240
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    assert SeriesValue.objects.filter(organisation=trust).count() == 240
