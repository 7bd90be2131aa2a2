"""Benchmark the pages and API lists at a given scale, served by gunicorn as in production.

    .venv/bin/python scripts/benchmark.py --trusts 200      # national size (generate_scale)
    .venv/bin/python scripts/benchmark.py --trusts 0        # the demo (seed_demo)

Builds (or reuses) the PostgreSQL database ``vmi_bench_<trusts|demo>`` next to $DATABASE_URL's
(default postgres://postgres@127.0.0.1:5432), migrates it, starts gunicorn on a free port
(``--workers 3``, as the Dockerfile) with BENCHMARK_VIEWS on, signs in over HTTP as each role
and reports per page and API list:

* queries: counted in-process with the Django test client and CaptureQueriesContext;
* median and p95 time over ``--runs`` requests (measured at the client over loopback, so it is
  the server's time plus well under a millisecond);
* the ratio of the median to the bare page's (/bench/bare/: sign-in, middleware, base.html and
  one query, served by the same gunicorn in the same run);

then a load run (``--load-seconds`` with ``--users`` concurrent signed-in users, each cycling
through the pages of its role): requests per second, p50/p95/p99, errors and the peak resident
memory of a gunicorn worker (from /proc). Results go to var/benchmarks/<date>-<label>.json;
the tables are printed as docs/BENCHMARK.md has them.

Before timing, the stored figures (ADR 18) of the trusts the measured users read are built
(``refresh_dashboards``). Later stages: ``--recompute`` times ``manage.py recompute --wait``
(every analysis and read-model refresh as bulk jobs) on one and then two Celery workers;
``--with-import`` runs scripts/benchmark_import.py (1,000,000 rows through the pipeline against
``COPY``). Run it niced: the machine is shared.

``--explain`` runs only the explain stage (scripts/benchmark_explain.py) on the existing
database, which it only reads (no migration, no build, no timing): EXPLAIN ANALYZE of every
query of every list page and API list, per filter, ordering and second page, as the regulator
and a CEO; the flagged plans are printed and written under the result file's "explain" key.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
CODE = ROOT  # the checkout that is served (--code-dir): another worktree can be measured
PYTHON = sys.executable
BENCH_PASSWORD = "bench-" + "password-2026"  # only ever set on the generated benchmark database
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/vmi_programme"
SLOW_SECONDS, SLOW_RUNS = 5, 3


@dataclass(frozen=True)
class Target:
    name: str
    role: str  # a key of the users mapping
    path: str
    api: bool = False


BARE = "/bench/bare/"


def targets(trust: str, month: str) -> list[Target]:
    return [
        Target("bare page (CEO)", "ceo", "/bench/bare/"),
        Target("bare page (regulator)", "regulator", "/bench/bare/"),
        Target("trust dashboard (CEO)", "ceo", f"/dashboard/{trust}/"),
        Target("partnership summary (regulator)", "regulator", "/partnership/"),
        Target("TGT report page (KPO lead)", "kpolead", f"/tgt-report/{trust}/{month}/"),
        Target("TGT report page (CEO)", "ceo", f"/tgt-report/{trust}/{month}/"),
        Target("RPIW list (regulator)", "regulator", "/rpiw/rpiws/"),
        Target("RPIW list (CEO)", "ceo", "/rpiw/rpiws/"),
        Target("API rpiws (regulator)", "regulator", "/api/rpiw/rpiws/", True),
        Target("API measures (regulator)", "regulator", "/api/rpiw/measures/", True),
        Target("API measurements (regulator)", "regulator", "/api/rpiw/measurements/", True),
        Target("API enrolments (regulator)", "regulator", "/api/training/enrolments/", True),
        Target("API assessments (regulator)", "regulator", "/api/training/assessments/", True),
        Target("API jobs (regulator)", "regulator", "/api/jobs/", True),
        Target("API rpiws (CEO)", "ceo", "/api/rpiw/rpiws/", True),
    ]


# --- The database ---------------------------------------------------------------------------


def database_url(label: str) -> str:
    base = urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_DB)
    return urlunsplit(base._replace(path=f"/vmi_bench_{label}"))


def ensure_database(url: str) -> bool:
    """Create the database if missing; True when it was created."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
        return True


def manage(env: dict, *args: str) -> None:
    subprocess.run(["nice", "-n", "10", PYTHON, "manage.py", *args], cwd=CODE, env=env, check=True)


def build(env: dict, trusts: int, seed: int) -> None:
    """Migrate, then fill an empty database (generate_scale, or seed_demo for --trusts 0)."""
    manage(env, "migrate", "--noinput", "-v0")
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        row = conn.execute("SELECT count(*) FROM vmi_programme_partnership").fetchone()
        filled = row[0] if row else 0
    if filled:
        print("Reusing the database already built.")
        return
    started = time.monotonic()
    if trusts:
        manage(env, "generate_scale", "--trusts", str(trusts), "--seed", str(seed),
               "--password", BENCH_PASSWORD)  # fmt: skip
    else:
        manage(env, "seed_demo")
    print(f"Built in {time.monotonic() - started:.0f} s.")


# --- In-process: users and query counts -----------------------------------------------------


def setup_django(env: dict) -> None:
    os.environ.update(env)
    os.chdir(CODE)  # Celery puts the working directory first on sys.path
    sys.path.insert(0, str(CODE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vmi_programme.settings")
    import django

    django.setup()


def bench_users(trusts: int, load_users: int) -> tuple[dict[str, str], list[str], str, str]:
    """Usernames per role, the load run's usernames, the trust and the TGT report's month.

    Sets the benchmark password on these accounts (of the benchmark database only).
    """
    from django.contrib.auth import get_user_model

    users, load, trust, month = bench_usernames(trusts, load_users)
    model = get_user_model()
    for account in model.objects.filter(username__in={*users.values(), *load}):
        account.set_password(BENCH_PASSWORD)
        account.save(update_fields=["password"])
    return users, load, trust, month


def bench_usernames(trusts: int, load_users: int) -> tuple[dict[str, str], list[str], str, str]:
    """``bench_users``'s names, trust and month, without touching the accounts."""
    if trusts:
        users = {"ceo": "ceo.t001", "kpolead": "kpolead.t001", "regulator": "regulator"}
        # CEOs of different trusts, and two regulators reading the partnership summary.
        load = [f"ceo.t{i:03d}" for i in range(1, min(load_users - 2, trusts) + 1)]
        load += ["regulator", "regulator"]
        trust, month = "T001", "2025-12"
    else:
        users = {"ceo": "ceo.sash", "kpolead": "kpolead.sash", "regulator": "regulator"}
        load = ["ceo.sash", "ceo.ltht", "ceo.uhcw", "ceo.sath", "ceo.bhrut", "regulator"]
        trust, month = "SASH", "2021-03"
    return users, load, trust, month


def count_queries(users: dict[str, str], items: list[Target]) -> dict[str, int]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["*"]
    clients: dict[str, Any] = {}
    counts = {}
    for item in items:
        if item.path.startswith("/bench/"):
            counts[item.name] = 1
            continue
        client = clients.get(item.role)
        if client is None:
            client = clients[item.role] = Client()
            client.force_login(get_user_model().objects.get(username=users[item.role]))
            client.get("/bench/bare/")  # the first request of a session writes it
        with CaptureQueriesContext(connection) as queries:
            response = client.get(item.path)
        counts[item.name] = len(queries.captured_queries) if response.status_code == 200 else -1
        print(f"  {item.name:34} {counts[item.name]:5d} queries", flush=True)
    return counts


# --- gunicorn and HTTP ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        ["nice", "-n", "10", PYTHON, "-m", "gunicorn", "vmi_programme.wsgi",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "600"],
        cwd=CODE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/login/", timeout=30)
            return process
        except requests.RequestException:  # not listening yet, or still booting its workers
            time.sleep(0.5)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def sign_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login/", timeout=30)
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert found, f"no sign-in form at {base}/login/"
    token = found.group(1)
    response = session.post(
        f"{base}/login/",
        data={"username": username, "password": BENCH_PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/login/"},
        timeout=30,
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise SystemExit(f"Could not sign in as {username} ({response.status_code})")
    return session


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def time_targets(base: str, sessions: dict, items: list[Target], runs: int) -> dict[str, dict]:
    out = {}
    for item in items:
        session = sessions[item.role]
        started = time.perf_counter()
        session.get(base + item.path, timeout=600)  # warm up
        # A page slower than SLOW_SECONDS is timed over fewer requests (the run must end).
        n = runs if time.perf_counter() - started < SLOW_SECONDS else min(runs, SLOW_RUNS)
        timings, status = [], 200
        for _ in range(n):
            started = time.perf_counter()
            response = session.get(base + item.path, timeout=600)
            timings.append((time.perf_counter() - started) * 1000)
            status = response.status_code if response.status_code != 200 else status
        out[item.name] = {
            "path": item.path,
            "median_ms": statistics.median(timings),
            "p95_ms": percentile(timings, 95),
            "status": status,
            "runs": n,
        }
        print(f"  {item.name:34} {out[item.name]['median_ms']:9.1f} ms", flush=True)
    return out


def worker_rss_kb(master: int) -> int:
    """The largest resident set among gunicorn's workers (children of the master)."""
    largest = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields.get("PPid", "0").strip()) == master and "VmRSS" in fields:
            largest = max(largest, int(fields["VmRSS"].split()[0]))
    return largest


def load_run(base, usernames, paths, trust, seconds, users, master_pid) -> dict:
    sessions = [sign_in(base, usernames[i % len(usernames)]) for i in range(users)]
    latencies: list[float] = []
    bare_latencies: list[float] = []  # the bare page, asked for in the same run by every user
    errors = [0]
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    peak = [0]

    def user(session: requests.Session, offset: int, own: list[str]) -> None:
        i = offset
        while time.monotonic() < stop:
            path = own[i % len(own)]
            i += 1
            started = time.perf_counter()
            try:
                code = session.get(base + path, timeout=600).status_code
            except requests.RequestException:
                code = 0
            ok = code == 200
            with lock:
                statuses[code] = statuses.get(code, 0) + 1
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                (bare_latencies if path.startswith("/bench/") else latencies).append(elapsed)
                errors[0] += not ok

    def watch() -> None:
        while time.monotonic() < stop:
            peak[0] = max(peak[0], worker_rss_kb(master_pid))
            time.sleep(0.5)

    def own_paths(username: str) -> list[str]:
        # A CEO reads their own trust's pages (ceo.t007 → T007, ceo.sash → SASH); a regulator
        # the partnership summary and the RPIWs of every trust; everyone the bare page too.
        if not username.startswith("ceo."):
            return ["/partnership/", "/rpiw/rpiws/", BARE]
        mine = username.split(".", 1)[1].upper()
        return [p.replace(f"/{trust}/", f"/{mine}/") for p in paths] + [BARE]

    threads = [
        threading.Thread(target=user, args=(s, n, own_paths(usernames[n % len(usernames)])))
        for n, s in enumerate(sessions)
    ]
    threads.append(threading.Thread(target=watch))
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    mix_p95 = percentile(latencies, 95) if latencies else None
    bare_p95 = percentile(bare_latencies, 95) if bare_latencies else None
    return {
        "seconds": round(elapsed, 1),
        "users": users,
        "requests": len(latencies) + len(bare_latencies),
        "requests_per_second": round((len(latencies) + len(bare_latencies)) / elapsed, 2),
        "p50_ms": round(percentile(latencies, 50), 1) if latencies else None,
        "p95_ms": round(mix_p95, 1) if mix_p95 is not None else None,
        "p99_ms": round(percentile(latencies, 99), 1) if latencies else None,
        "bare_requests": len(bare_latencies),
        "bare_p50_ms": round(percentile(bare_latencies, 50), 1) if bare_latencies else None,
        "bare_p95_ms": round(bare_p95, 1) if bare_p95 is not None else None,
        "p95_over_bare_p95": round(mix_p95 / bare_p95, 2) if mix_p95 and bare_p95 else None,
        "errors": errors[0],
        "statuses": statuses,
        "peak_worker_rss_mb": round(peak[0] / 1024, 1),
        "paths": paths,
    }


# --- Later stages ---------------------------------------------------------------------------


def recompute(env: dict, workers: int) -> dict:
    """``manage.py recompute --wait`` served by ``workers`` single-process Celery workers on the
    bulk queue (a Redis database of its own), as production's bulk workers would."""
    broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
    queue = f"bench-{os.getpid()}"
    job_env = {**env, "CELERY_BROKER_URL": broker, "CELERY_TASK_DEFAULT_QUEUE": queue}
    procs = [
        subprocess.Popen(
            [
                "nice",
                "-n",
                "10",
                PYTHON,
                "-m",
                "celery",
                "-A",
                "vmi_programme",
                "worker",
                "-Q",
                f"{queue}.bulk",
                "--pool",
                "solo",
                "-n",
                f"{queue}-{n}@%h",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "warning",
            ],
            cwd=CODE,
            env=job_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for n in range(workers)
    ]
    try:
        time.sleep(8)  # the workers connect
        run = subprocess.run(
            ["nice", "-n", "10", PYTHON, "manage.py", "recompute", "--wait"],
            cwd=CODE, env=job_env, capture_output=True, text=True,
        )  # fmt: skip
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(60)
    found = re.search(r"(\d+) jobs finished \((\d+) failed\) in ([\d.]+) s", run.stdout)
    if not found:
        return {"error": (run.stdout + run.stderr)[-2000:]}
    return {"jobs": int(found[1]), "failed": int(found[2]), "seconds": float(found[3])}


def later_stages(env: dict, with_import: bool, with_recompute: bool) -> dict:
    stages: dict = {}
    if with_recompute:
        one = stages["recompute_1_worker"] = recompute(env, 1)
        two = stages["recompute_2_workers"] = recompute(env, 2)
        if "seconds" in one and "seconds" in two:
            stages["recompute_2_over_1"] = round(two["seconds"] / one["seconds"], 2)
    else:
        stages["recompute"] = "skipped (run with --recompute)"
    script = CODE / "scripts" / "benchmark_import.py"
    if not with_import:
        stages["import_1m_rows"] = "skipped (run with --with-import)"
    elif not script.exists():
        stages["import_1m_rows"] = "skipped: scripts/benchmark_import.py is not there yet"
    else:
        run = subprocess.run(
            ["nice", "-n", "10", PYTHON, str(script)],
            cwd=CODE, env=env, capture_output=True, text=True,
        )  # fmt: skip
        stages["import_1m_rows"] = {"returncode": run.returncode, "output": run.stdout[-4000:]}
    return stages


# --- Main -----------------------------------------------------------------------------------


def markdown(result: dict) -> str:
    lines = [
        "| Page or API list | Queries | Median ms | p95 ms | × bare | Runs |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, row in result["targets"].items():
        flag = "" if row["status"] == 200 else f" (HTTP {row['status']})"
        lines.append(
            f"| {name}{flag} | {row['queries']} | {row['median_ms']:.0f} | {row['p95_ms']:.0f} "
            f"| {row['ratio_to_bare']:.1f} | {row['runs']} |"
        )
    load = result.get("load")
    if load:
        lines += [
            "",
            f"Load: {load['users']} users for {load['seconds']} s: {load['requests']} requests, "
            f"{load['requests_per_second']} req/s; the dashboard mix p50 {load['p50_ms']} ms, "
            f"p95 {load['p95_ms']} ms, p99 {load['p99_ms']} ms; the bare page in the same run "
            f"p50 {load.get('bare_p50_ms')} ms, p95 {load.get('bare_p95_ms')} ms; mix p95 / bare "
            f"p95 = {load.get('p95_over_bare_p95')}; {load['errors']} errors, peak worker RSS "
            f"{load['peak_worker_rss_mb']} MB.",
        ]
    return "\n".join(lines)


def commit() -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=CODE, capture_output=True, text=True
    ).stdout.strip()


def explain_stage(env: dict, args: argparse.Namespace, label: str, var_dir: Path) -> None:
    """The explain stage alone, on the database as it is (it is only read)."""
    env["VMI_VAR_DIR"] = str(var_dir / f"var-{label}-explain")
    setup_django(env)
    sys.path.insert(0, str(CODE / "scripts"))
    import benchmark_explain
    from django.contrib.auth import get_user_model

    benchmark_explain.prepare_read_only()
    users, _load, trust, _month = bench_usernames(args.trusts, 0)
    users = {"regulator": users["regulator"], "ceo": users["ceo"]}
    regulator = get_user_model().objects.get(username=users["regulator"])
    items = benchmark_explain.probes(trust, regulator)
    if args.explain_only:
        items = [p for p in items if re.search(args.explain_only, p.path)]
    print(f"Explaining the queries of {len(items)} requests ...")
    explained = benchmark_explain.explain(users, items)
    result = {
        "label": label,
        "trusts": args.trusts,
        "database": urlsplit(env["DATABASE_URL"]).path.lstrip("/"),
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": commit(),
        "explain": explained,
    }
    name = result["database"] if args.database else label
    out = var_dir / f"{dt.date.today():%Y%m%d}-{name}-explain.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    print(benchmark_explain.markdown(explained))
    print(f"\nWritten {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trusts", type=int, default=200, help="0 for the demo (seed_demo)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=20, help="requests per page and list")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--with-import", action="store_true")
    parser.add_argument(
        "--recompute", action="store_true", help="time manage.py recompute on 1 and 2 workers"
    )
    parser.add_argument("--only", help="a regular expression: time only the targets it matches")
    parser.add_argument("--code-dir", type=Path, default=ROOT, help="the checkout to serve")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="only EXPLAIN ANALYZE every list's queries per filter (reads the database only)",
    )
    parser.add_argument(
        "--explain-only", help="a regular expression: explain only the paths it matches"
    )
    parser.add_argument("--database", help="a database URL instead of vmi_bench_<trusts>")
    args = parser.parse_args()
    global CODE
    CODE = args.code_dir.resolve()

    label = str(args.trusts) if args.trusts else "demo"
    var_dir = ROOT / "var" / "benchmarks"
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(label),
        "VMI_VAR_DIR": str(var_dir / f"var-{label}"),
        "BENCHMARK_VIEWS": "1",
        "DEBUG": "0",
        "HTTPS_ONLY": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    env.pop("CELERY_BROKER_URL", None)  # pages only read: no jobs are submitted
    if args.database:
        env["DATABASE_URL"] = args.database
    if args.explain:
        return explain_stage(env, args, label, var_dir)
    created = ensure_database(env["DATABASE_URL"])
    print(f"Database {env['DATABASE_URL']} ({'created' if created else 'exists'})")
    build(env, args.trusts, args.seed)
    manage(env, "collectstatic", "--noinput", "-v0")

    setup_django(env)
    users, load_users, trust, month = bench_users(args.trusts, args.users)
    # Pages read stored figures (ADR 18): build those the measured users will read, as the
    # bulk workers would have (the time a full rebuild takes is the recompute stage's).
    read_trusts = sorted({trust} | {u.split(".", 1)[1].upper() for u in load_users if "." in u})
    started = time.monotonic()
    manage(env, "refresh_dashboards", "--keys", "programme", "--months", month,
           "--trusts", ",".join(t for t in read_trusts if t != "REGULATOR"))  # fmt: skip
    prebuild_seconds = round(time.monotonic() - started, 1)
    print(f"Stored figures built for {len(read_trusts)} trusts in {prebuild_seconds} s.")
    items = targets(trust, month)
    if args.only:
        items = [t for t in items if re.search(args.only, t.name) or t.path.startswith("/bench/")]
    print("Counting queries ...")
    queries = count_queries(users, items)

    port = free_port()
    server = start_gunicorn(env, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    try:
        sessions = {role: sign_in(base, name) for role, name in users.items()}
        print(f"Timing {len(items)} targets, {args.runs} requests each ...")
        timed = time_targets(base, sessions, items, args.runs)
        load = None
        if args.load_seconds:
            # Every CEO page and list, whatever --only chose.
            everything = targets(trust, month)
            paths = [t.path for t in everything if t.role == "ceo" and "/bench/" not in t.path]
            print(f"Load run: {args.users} users, {args.load_seconds} s ...")
            load = load_run(
                base, load_users, paths, trust, args.load_seconds, args.users, server.pid
            )
            print(json.dumps({k: v for k, v in load.items() if k != "paths"}), flush=True)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:  # a worker still serving a slow page
            server.kill()
    # Each page is compared with the bare page of the same kind of user (the KPO lead's: CEO's).
    bare = {
        "ceo": timed["bare page (CEO)"]["median_ms"],
        "regulator": timed["bare page (regulator)"]["median_ms"],
    }
    roles = {t.name: "regulator" if t.role == "regulator" else "ceo" for t in items}
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size_mb = cursor.fetchone()[0] / 1024 / 1024
    result = {
        "label": label,
        "trusts": args.trusts,
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=CODE, capture_output=True, text=True
        ).stdout.strip(),
        "database_mb": round(size_mb),
        "runs": args.runs,
        "workers": args.workers,
        "targets": {
            name: {**row, "queries": queries[name], "ratio_to_bare": row["median_ms"] / bare[role]}
            for name, row in timed.items()
            for role in [roles[name]]
        },
        "load": load,
        "prebuild_seconds": prebuild_seconds,
        "later_stages": later_stages(env, args.with_import, args.recompute),
    }
    out = var_dir / f"{dt.date.today():%Y%m%d}-{label}.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    print(markdown(result))
    print(f"\nWritten {out}")


if __name__ == "__main__":
    main()
