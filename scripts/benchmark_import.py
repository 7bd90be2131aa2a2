#!/usr/bin/env python
"""Benchmark the import pipeline against PostgreSQL COPY on a 1,000,000-row file.

Generates an organisational series (``impact.series``: organisation code, month, value,
measure — the spec with the simplest rows) for 1,000 peer trusts × 1,000 months, runs the
check and the commit as the recorded jobs (in this process, as the embedded default does)
against a PostgreSQL database of its own, then COPYs the same file into a typed temporary table
with the same unique key. Prints rows/s of each, the ratio of check + commit to COPY, and
this process's peak RSS. On PostgreSQL a file this size takes the pipeline's COPY path
(``vmi_programme/imports/bulk.py``, ADR 19); ``--row-by-row`` times the row-by-row path instead.

    nice -n 10 .venv/bin/python scripts/benchmark_import.py [--rows 1000000]
        [--database postgres://postgres@127.0.0.1:5432/vmi_import_benchmark]

The database named is dropped and created afresh (tables from the current models).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _backend_cpu() -> tuple[int, float] | None:
    """(pid, CPU seconds so far) of this connection's PostgreSQL backend, or None if the server
    may not read its own /proc (a superuser on Linux can). Steadier than wall time on a loaded
    machine: the same work costs the same CPU however long it waits for a core."""
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid(), pg_read_file('/proc/self/stat')")
            pid, stat = cursor.fetchone()
    except Exception:  # no right to read it, or not Linux
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after the command name: state, ppid, ...
    return pid, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _cpu_text(process_s: float, before: tuple | None, after: tuple | None) -> str:
    backend = (
        f", PostgreSQL backend {after[1] - before[1]:.1f} s"
        if before and after and before[0] == after[0]
        else ""
    )
    return f"CPU: this process {process_s:.1f} s{backend}"


def _recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _generate(path: Path, rows: int, organisations: int) -> None:
    months = -(-rows // organisations)
    with path.open("w", encoding="utf-8") as out:
        out.write("org_code,period,value,measure\n")
        written = 0
        for org in range(organisations):
            code = f"B{org:04d}"
            for month in range(months):
                if written == rows:
                    return
                year, m = 1990 + month // 12, month % 12 + 1
                out.write(f"{code},{year}-{m:02d}-01,{50 + (org * 7 + month) % 50}.5,bench_pct\n")
                written += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--organisations", type=int, default=1_000)
    parser.add_argument(
        "--row-by-row", action="store_true", help="time the row-by-row path (no COPY path)"
    )
    parser.add_argument(
        "--database", default="postgres://postgres@127.0.0.1:5432/vmi_import_benchmark"
    )
    args = parser.parse_args()

    _recreate_database(args.database)
    os.environ["DATABASE_URL"] = args.database
    os.environ.pop("CELERY_BROKER_URL", None)  # jobs run in this process (the embedded default)
    os.environ.setdefault("VMI_VAR_DIR", tempfile.mkdtemp(prefix="vmi-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vmi_programme.settings")

    import django
    from django.conf import settings

    django.setup()

    class NoMigrations(dict):
        def __contains__(self, item):
            return True

        def __getitem__(self, item):
            return None

    # Tables straight from the current models (no migration history needed for a benchmark).
    settings.MIGRATION_MODULES = NoMigrations()
    if args.row_by_row:
        settings.IMPORT_BULK_MIN_BYTES = 10**15
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)

    from django.contrib.auth import get_user_model
    from django.core.files import File
    from django.db import connection

    from impact.models import Measure, SeriesValue
    from vmi_programme import imports, jobs
    from vmi_programme.models import Organisation

    Organisation.objects.bulk_create(
        Organisation(
            kind="peer_trust", name=f"Bench trust {i}", short_name=f"B{i:04d}", ods_code=f"B{i:04d}"
        )
        for i in range(args.organisations)
    )
    Measure.objects.create(
        code="bench_pct", name="Benchmark percentage", unit="%", direction="higher"
    )
    user = get_user_model().objects.create_superuser("bench", "bench@example.invalid", "x")

    workdir = Path(tempfile.mkdtemp(prefix="vmi-bench-file-"))
    path = workdir / "series.csv"
    started = time.monotonic()
    _generate(path, args.rows, args.organisations)
    print(
        f"Generated {args.rows:,} rows ({path.stat().st_size / 1e6:.1f} MB) "
        f"in {time.monotonic() - started:.1f} s"
    )

    spec = imports.get_spec("impact.series")
    with path.open("rb") as fh:
        batch = imports.store_upload(spec, File(fh, "series.csv"), user)

    backend = _backend_cpu()
    started, cpu = time.monotonic(), time.process_time()
    check = jobs.submit("imports.validate", {"batch": batch.pk, "user": user.pk}, user=user)
    check_s, check_cpu = time.monotonic() - started, time.process_time() - cpu
    assert check.status == "succeeded", check.error
    assert check.result and check.result["errors"] == 0, batch.preview
    checked = _backend_cpu()
    print(
        f"Check  (job {check.pk}): {check_s:7.1f} s  {args.rows / check_s:10,.0f} rows/s"
        f"  ({_cpu_text(check_cpu, backend, checked)})"
    )

    started, cpu = time.monotonic(), time.process_time()
    commit = jobs.submit("imports.commit", {"batch": batch.pk, "user": user.pk}, user=user)
    commit_s, commit_cpu = time.monotonic() - started, time.process_time() - cpu
    commit_cpu_text = _cpu_text(commit_cpu, checked, _backend_cpu())
    assert commit.status == "succeeded", commit.error
    stored = SeriesValue.objects.count()
    assert stored == args.rows, stored
    history = SeriesValue.history.filter(history_source="import").count()
    assert history == args.rows, history  # one '+' audit row per record, as row by row
    batch.refresh_from_db()
    path_taken = "COPY path" if imports.bulk.applies(spec, batch) else "row by row"
    print(
        f"Commit (job {commit.pk}): {commit_s:7.1f} s  {args.rows / commit_s:10,.0f} rows/s"
        f"  ({path_taken}; {history:,} history rows; {commit_cpu_text})"
    )
    pipeline_s = check_s + commit_s
    print(f"Check + commit:      {pipeline_s:7.1f} s  {args.rows / pipeline_s:10,.0f} rows/s")
    print(f"Peak RSS of this process so far: {_rss_mib():,.0f} MiB")

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_copy (org_code varchar(10) NOT NULL, period date NOT NULL,"
            " value double precision, measure varchar(40) NOT NULL,"
            " UNIQUE (org_code, measure, period))"
        )
        started = time.monotonic()
        with (
            path.open("rb") as fh,
            cursor.copy(
                "COPY bench_copy (org_code, period, value, measure) FROM STDIN WITH (FORMAT csv, HEADER)"
            ) as copy,
        ):
            while data := fh.read(1 << 20):
                copy.write(data)
        copy_s = time.monotonic() - started
        cursor.execute("SELECT count(*) FROM bench_copy")
        assert cursor.fetchone()[0] == args.rows
    print(f"PostgreSQL COPY:     {copy_s:7.1f} s  {args.rows / copy_s:10,.0f} rows/s")
    print(
        f"Pipeline / COPY:     {pipeline_s / copy_s:7.1f} × the time "
        f"(check {check_s / copy_s:.1f} ×, commit {commit_s / copy_s:.1f} ×; target ≤ 3 ×)"
    )
    floor_s = _copy_into_the_real_tables()
    print(
        f"COPY of the stored records and their history back into the same tables: "
        f"{floor_s:7.1f} s (their indexes, WAL and the foreign-key checks at commit: the "
        f"floor for any import that writes these records and one history row each); "
        f"pipeline / this = {pipeline_s / floor_s:.1f} ×"
    )
    print(f"Peak RSS of this process: {_rss_mib():,.0f} MiB")


def _copy_into_the_real_tables() -> float:
    """The records and history rows the import wrote, copied out, the tables emptied, and COPYed
    back in one transaction (timed to its commit, where the deferred foreign keys are checked)."""
    from django.db import connection, transaction

    tables = ["impact_seriesvalue", "impact_historicalseriesvalue"]
    dumps = {}
    with connection.cursor() as cursor:
        for table in tables:
            chunks = []
            with cursor.copy(f"COPY {table} TO STDOUT") as copy:
                chunks = [bytes(data) for data in copy]
            dumps[table] = b"".join(chunks)
        cursor.execute(f"TRUNCATE {', '.join(tables)}")
        cursor.execute("CHECKPOINT")  # the truncate's writes are not the COPY's
        started = time.monotonic()
        with transaction.atomic():
            for table in tables:
                with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    copy.write(dumps[table])
        return time.monotonic() - started


if __name__ == "__main__":
    main()
