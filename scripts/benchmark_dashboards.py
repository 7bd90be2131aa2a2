"""Time the dashboard pages with the Django test client and report the median per page.

    VMI_VAR_DIR=/tmp/bench .venv/bin/python scripts/benchmark_dashboards.py [--runs 7]

Uses the demo in VMI_VAR_DIR's database, seeding it first when it is empty (migrate +
seed_demo). Timings belong here, not in test assertions: they depend on the machine.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vmi_programme.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PAGES = [
    ("ceo.sash", "/dashboard/SASH/"),
    ("ceo.sash", "/dashboard/SASH/?period=12m"),
    ("regulator", "/dashboard/SATH/?period=programme"),
    ("regulator", "/partnership/"),
    ("kpolead.sash", "/tgt-report/SASH/2021-03/"),
    ("kpolead.sash", "/tgt-report/SASH/2021-03.pdf"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    if not get_user_model().objects.filter(username="regulator").exists():
        print("Seeding the demo (about a minute)...")
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    clients: dict[str, Client] = {}
    print(f"{'page':45} {'median ms':>10} {'min ms':>8} {'queries':>8}")
    for username, path in PAGES:
        client = clients.get(username)
        if client is None:
            client = clients[username] = Client()
            client.force_login(get_user_model().objects.get(username=username))
        client.get(path)  # warm up (imports, templates)
        timings = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        print(
            f"{path:45} {statistics.median(timings):10.0f} {min(timings):8.0f} "
            f"{len(queries.captured_queries):8d}"
        )


if __name__ == "__main__":
    main()
