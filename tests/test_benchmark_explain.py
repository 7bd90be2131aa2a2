"""The benchmark's explain stage (scripts/benchmark_explain.py): its probes run, its flags."""

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.factories import PersonFactory, user_with_roles
from vmi_programme.models import Role

_path = Path(__file__).resolve().parent.parent / "scripts" / "benchmark_explain.py"
_spec = importlib.util.spec_from_file_location("benchmark_explain", _path)
assert _spec and _spec.loader
explain = sys.modules["benchmark_explain"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(explain)

BIG = {"rpiw_measurement": 2_000_000.0, "small": 100.0}


def _scan(relation: str, rows: int, removed: int = 0, loops: int = 1) -> dict:
    return {
        "Node Type": "Seq Scan",
        "Relation Name": relation,
        "Actual Rows": rows,
        "Rows Removed by Filter": removed,
        "Actual Loops": loops,
    }


def test_a_full_scan_of_a_big_table_is_flagged_but_one_a_limit_stopped_early_is_not():
    assert explain.flags(_scan("rpiw_measurement", 2_000_000), BIG) == [
        "seq scan rpiw_measurement (2,000,000 rows)"
    ]
    limited = {"Node Type": "Limit", "Plans": [_scan("rpiw_measurement", 10_001)]}
    assert explain.flags(limited, BIG) == []
    assert explain.flags(_scan("small", 100), BIG) == []


def test_a_spilled_sort_and_rows_removed_over_every_loop_are_flagged():
    plan = {
        "Node Type": "Sort",
        "Sort Method": "external merge",
        "Sort Space Used": 4032,
        "Plans": [_scan("small", 10, removed=60_000, loops=2)],
    }
    assert explain.flags(plan, BIG) == [
        "sort spilled (external merge, 4032 kB)",
        "120,000 rows removed by filter (small)",
    ]


@pytest.mark.django_db
def test_every_list_probe_answers_without_a_server_error(client, trust, regulator_user):
    ceo = user_with_roles(trust, Role.EXECUTIVE, username="ceo")
    PersonFactory(organisation=trust, full_name="Ann Lee")
    probes = explain.probes(trust.short_name, regulator_user)
    paths = {p.path.split("?")[0] for p in probes}
    # The lists the stage must reach, and a filter and an ordering of the largest.
    assert {"/rpiw/rpiws/", "/people/", "/audit/", "/api/rpiw/measurements/", "/api/jobs/"} <= paths
    assert any(p.path.startswith("/api/rpiw/rpiws/?ordering=") for p in probes)
    assert any(p.path.startswith("/rpiw/rpiws/?status=") for p in probes)
    users = {"regulator": regulator_user.username, "ceo": ceo.username}
    answered = [(item.path, status) for item, status, _ in explain.collect(users, probes)]
    assert len(answered) == len(probes)
    assert [(path, status) for path, status in answered if status >= 500] == []
