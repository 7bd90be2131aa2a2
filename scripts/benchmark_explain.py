"""The benchmark's explain stage: EXPLAIN ANALYZE of every query the lists issue, per filter.

For every server-side paginated list page and every API list, each filter, search, ordering
and a second page (``probes``) is requested in-process as the regulator and as a CEO (Django's
test client, ``force_login``) under ``CaptureQueriesContext``; each SELECT it issued is then run
again as ``EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`` (PostgreSQL only) and flagged when its plan
has a sequential scan of a table of more than ``BIG_TABLE`` rows (``pg_class.reltuples``) that
read more than that many (one a LIMIT stops early is not flagged), a
sort that spilled to disk, or a node that removed more than ``MANY_REMOVED`` rows by its filter.

The database is only read: sessions are signed cookies, the sign-in does not stamp
``last_login``, and the connection is opened read-only (a page that writes fails loudly).
Called by ``scripts/benchmark.py --explain``; ``collect`` (the probes and their queries, no
EXPLAIN) runs on SQLite too.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

BIG_TABLE = 50_000
MANY_REMOVED = 100_000
STATEMENT_TIMEOUT_MS = 120_000


@dataclass(frozen=True)
class Probe:
    role: str  # "regulator" or "ceo"
    path: str  # with its query string


# --- The probes: every list, each filter and ordering ----------------------------------------


def _first_value(model: Any, field: str) -> Any:
    """A value the field holds (the first non-empty one met), for a filter that matches."""
    rows = model._default_manager.order_by().exclude(**{f"{field}__isnull": True})
    value = rows.values_list(field, flat=True).first()
    return value.pk if hasattr(value, "pk") else value


def _list_routes() -> Iterator[tuple[str, Any]]:
    """(path, viewset class) of every API list: router routes answering GET with ``list``."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns: list, prefix: str) -> Iterator[tuple[str, Any]]:
        for pattern in patterns:
            route = str(pattern.pattern).lstrip("^").rstrip("$")
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern):
                actions = getattr(pattern.callback, "actions", None) or {}
                if actions.get("get") == "list" and not re.search(r"[(<\\]", route):
                    yield prefix + route, pattern.callback.cls  # type: ignore[attr-defined]

    seen = set()
    for path, cls in walk(get_resolver().url_patterns, "/"):
        if path.startswith("/api/") and path not in seen:
            seen.add(path)
            yield path, cls


def _list_view(cls: Any, path: str, user: Any) -> Any:
    """The viewset as it would answer the user's GET of its list."""
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    request = Request(APIRequestFactory().get(path))
    request.user = user
    return cls(action="list", request=request, format_kwarg=None, args=(), kwargs={})


def _ordering_fields(view: Any) -> list[str]:
    """The fields ``?ordering=`` takes on this list (DRF's OrderingFilter: its valid fields)."""
    from rest_framework.filters import OrderingFilter

    queryset = view.get_queryset()
    valid = OrderingFilter().get_valid_fields(queryset, view, {"request": view.request})
    return [name for name, _label in valid]


def api_probes(user: Any) -> list[Probe]:
    """Every API list as the regulator: bare, page 2, each filter (a value it holds), a search
    and each ordering (descending)."""
    out = []
    for path, cls in _list_routes():
        view = _list_view(cls, path, user)
        out += [Probe("regulator", path), Probe("regulator", f"{path}?page=2")]
        if not hasattr(view, "get_queryset"):  # a plain ViewSet: no filters or orderings
            continue
        model = view.get_queryset().model
        for field in getattr(cls, "filterset_fields", None) or []:
            value = _first_value(model, field)
            if value is not None:
                out.append(Probe("regulator", f"{path}?{field}={value}"))
        if getattr(cls, "search_fields", None):
            out.append(Probe("regulator", f"{path}?search=an"))
        out += [Probe("regulator", f"{path}?ordering=-{name}") for name in _ordering_fields(view)]
    return out


def page_probes(trust: str) -> list[Probe]:
    """The paginated or long list pages, with each filter they offer (values from the data)."""
    from rpiw.models import Rpiw, RpiwStatus, ValueStream
    from vmi_programme.audit_page import AuditFilterForm

    stream = ValueStream.objects.filter(organisation__short_name=trust).order_by("pk").first()
    busiest = Rpiw.objects.order_by().values_list("status", flat=True).first() or "complete"
    kinds = [key for key, _ in AuditFilterForm().fields["kind"].choices if key]  # type: ignore[attr-defined]
    rpiws = ["", "?page=2", f"?trust={trust}", f"?trust={trust}&page=2"]
    rpiws += [f"?status={status}" for status in RpiwStatus.values]
    rpiws += [f"?trust={trust}&status={busiest}"]
    if stream:
        rpiws += [f"?value_stream={stream.pk}", f"?value_stream={stream.pk}&status={busiest}"]
    people = ["", "?page=2", "?q=smith", f"?trust={trust}"]
    people += [f"?status={s}" for s in ("active", "invited", "none", "left")]
    audit = ["", "?page=2", "?user=regulator", "?source=import", "?since=2025-01-01"]
    audit += [f"?kind={kind}" for kind in kinds]
    lists = {
        "/rpiw/rpiws/": rpiws,
        "/rpiw/value-streams/": ["", f"?trust={trust}"],
        "/people/": people,
        "/audit/": audit,
        "/jobs/": [""],
        "/organisations/": [""],
        "/training/": [""],
        "/training/surveys/manage/": ["", "?page=2"],
        "/impact/measures/": ["", "?page=2"],
        "/impact/characteristics/": ["", "?page=2", f"?organisation={trust}", "?name=bed"],
        "/impact/peers/": ["", "?page=2"],
        "/impact/its/": [""],
        "/governance/": ["", "?page=2", "?kind=tgb"],
    }
    return [
        Probe(role, path + query)
        for path, queries in lists.items()
        for query in queries
        for role in ("regulator", "ceo")
    ]


def custom_api_probes() -> list[Probe]:
    """The API lists that read their own query parameters (no filterset), with each of them."""
    from impact.models import SeriesValue

    row = SeriesValue.objects.select_related("measure", "organisation").order_by("pk").first()
    if row is None:
        return []
    series = "/api/impact/series/"
    queries = [f"?measure={row.measure.code}", f"?org={row.organisation.ods_code}"]
    queries += [f"?from={row.period:%Y}-01-01&to={row.period:%Y}-12-31"]
    queries += [f"?measure={row.measure.code}&org={row.organisation.ods_code}"]
    return [Probe("regulator", series + query) for query in queries]


def probes(trust: str, regulator: Any) -> list[Probe]:
    """The pages as both roles; the API lists as the regulator with every filter and ordering,
    and as the CEO bare, on page 2 and with each filter (the CEO's scope changes the plans)."""
    api = api_probes(regulator) + custom_api_probes()
    ceo = [Probe("ceo", p.path) for p in api if "ordering=" not in p.path]
    return page_probes(trust) + api + ceo


# --- Running them ---------------------------------------------------------------------------


def _read_only_client(username: str) -> Any:
    """A test client signed in as the user without writing to the database."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def collect(usernames: dict[str, str], items: list[Probe]) -> Iterator[tuple[Probe, int, list]]:
    """(probe, HTTP status, the SELECTs it issued) for each probe."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clients = {role: _read_only_client(name) for role, name in usernames.items()}
    for item in items:
        with CaptureQueriesContext(connection) as queries:
            response = clients[item.role].get(item.path)
        selects = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
        ]
        yield item, response.status_code, selects


def _nodes(plan: dict) -> Iterator[dict]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def flags(plan: dict, reltuples: dict[str, float]) -> list[str]:
    """What is wrong with a plan: big sequential scans, spilled sorts, many rows filtered."""
    found = []
    for node in _nodes(plan):
        relation = node.get("Relation Name", "")
        loops = node.get("Actual Loops", 1)
        read = (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)) * loops
        # A scan a LIMIT stops early (the capped count's 10,001 rows) reads little: not flagged.
        if node["Node Type"] == "Seq Scan" and min(reltuples.get(relation, 0), read) > BIG_TABLE:
            found.append(f"seq scan {relation} ({reltuples[relation]:,.0f} rows)")
        if "external" in node.get("Sort Method", ""):
            found.append(f"sort spilled ({node['Sort Method']}, {node.get('Sort Space Used')} kB)")
        removed = node.get("Rows Removed by Filter", 0) * loops
        if removed > MANY_REMOVED:
            found.append(f"{removed:,.0f} rows removed by filter ({relation or node['Node Type']})")
    return found


def explain(usernames: dict[str, str], items: list[Probe]) -> dict[str, Any]:
    """EXPLAIN ANALYZE each SELECT of each probe; the same SQL is explained once."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'")
        reltuples = {name: float(n) for name, n in cursor.fetchall()}
    plans: dict[str, dict] = {}
    rows = []
    started = time.monotonic()
    for item, status, selects in collect(usernames, items):
        for n, sql in enumerate(selects, 1):
            if sql not in plans:
                plans[sql] = _explain_one(connection, sql, reltuples)
            rows.append(
                {"role": item.role, "path": item.path, "status": status, "query": n, **plans[sql]}
            )
        flagged = [r for r in rows[-len(selects) :] if r["flags"]] if selects else []
        print(
            f"  {item.role:9} {item.path[:70]:70} {status} {len(selects):3d} queries"
            + (f"  FLAGGED {len(flagged)}" if flagged else ""),
            flush=True,
        )
    return {
        "probes": len(items),
        "queries": len(rows),
        "distinct_queries": len(plans),
        "seconds": round(time.monotonic() - started, 1),
        "thresholds": {"seq_scan_rows": BIG_TABLE, "rows_removed": MANY_REMOVED},
        "rows": rows,
    }


def _explain_one(connection: Any, sql: str, reltuples: dict[str, float]) -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
            result = cursor.fetchone()[0]
    except Exception as error:  # a timeout is a finding, not the end of the run
        return {"ms": None, "flags": [f"error: {str(error).splitlines()[0]}"], "sql": sql}
    document = result if isinstance(result, list) else json.loads(result)
    plan = document[0]
    return {
        "ms": round(plan["Execution Time"], 2),
        "flags": flags(plan["Plan"], reltuples),
        "sql": sql,
    }


def markdown(result: dict[str, Any]) -> str:
    """The flagged queries, then the slowest query of each probe over 10 ms."""
    rows = result["rows"]
    lines = [
        f"{result['probes']} requests, {result['queries']} SELECTs "
        f"({result['distinct_queries']} distinct) explained in {result['seconds']} s.",
        "",
        "| Role | Path | Query | ms | Flags |",
        "|---|---|---:|---:|---|",
    ]
    flagged = [r for r in rows if r["flags"]]
    for r in flagged:
        ms = "—" if r["ms"] is None else f"{r['ms']:,.1f}"
        lines.append(
            f"| {r['role']} | `{r['path']}` | {r['query']} | {ms} | {'; '.join(r['flags'])} |"
        )
    if not flagged:
        lines.append("| | (nothing flagged) | | | |")
    slow: dict[tuple[str, str], dict] = {}
    for r in rows:
        key = (r["role"], r["path"])
        if r["ms"] is not None and r["ms"] > 10 and r["ms"] > slow.get(key, {"ms": 0})["ms"]:
            slow[key] = r
    lines += ["", "| Role | Path (slowest query over 10 ms) | Query | ms |", "|---|---|---:|---:|"]
    for (role, path), r in sorted(slow.items(), key=lambda kv: -kv[1]["ms"]):
        lines.append(f"| {role} | `{path}` | {r['query']} | {r['ms']:,.1f} |")
    return "\n".join(lines)


def prepare_read_only() -> None:
    """Sessions in signed cookies, no ``last_login`` stamp or sign-in log, a read-only
    connection."""
    from django.conf import settings
    from django.contrib.auth.models import update_last_login
    from django.contrib.auth.signals import user_logged_in
    from django.db import connection

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    settings.ALLOWED_HOSTS = ["*"]
    settings.AXES_ENABLED = False  # django-axes logs each sign-in to the database
    logging.getLogger("django.request").setLevel(logging.ERROR)  # a CEO's 403s are expected
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    if connection.vendor == "postgresql":
        connection.close()
        options = connection.settings_dict.setdefault("OPTIONS", {})
        options["options"] = "-c default_transaction_read_only=on"
