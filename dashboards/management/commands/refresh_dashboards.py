"""Build the dashboards' stored figures ahead of their viewers (ADR 18).

    manage.py refresh_dashboards                     # every trust, "programme to date", here
    manage.py refresh_dashboards --keys programme,12m --months 2019-07 --jobs

Without ``--jobs`` the snapshots are built in this process, one after another; with it, one
refresh job per trust goes to the bulk queue, for the workers to share.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from dashboards import read_model
from dashboards.period import PRESETS
from vmi_programme.models import Organisation
from vmi_programme.period import parse_month


class Command(BaseCommand):
    help = "Build every trust's dashboard, TGT report and the partnership summary ahead of time."

    def add_arguments(self, parser):
        parser.add_argument("--keys", default="programme", help="period presets, comma-separated")
        parser.add_argument(
            "--months", default="", help="TGT report months YYYY-MM, comma-separated"
        )
        parser.add_argument("--jobs", action="store_true", help="queue refresh jobs instead")
        parser.add_argument("--trusts", default="", help="only these trusts' short names")

    def handle(self, *args, keys: str, months: str, jobs: bool, trusts: str, **options):
        key_list = [k for k in keys.split(",") if k]
        month_list = [m for m in months.split(",") if m]
        if bad := [k for k in key_list if k not in PRESETS]:
            raise CommandError(f"Unknown period preset(s) {bad}; choose from {sorted(PRESETS)}.")
        if bad := [m for m in month_list if parse_month(m) is None]:
            raise CommandError(f"Months must be YYYY-MM, not {bad}.")
        organisations = None
        if names := [t for t in trusts.split(",") if t]:
            organisations = list(Organisation.objects.filter(short_name__in=names))
            if missing := set(names) - {o.short_name for o in organisations}:
                raise CommandError(f"No trust with the short name(s) {sorted(missing)}.")
        started = time.monotonic()
        count = read_model.prebuild(
            keys=key_list,
            months=month_list,
            organisations=organisations,
            inline=not jobs,
            report=self.stdout.write,
        )
        verb = "queued" if jobs else "built"
        self.stdout.write(
            self.style.SUCCESS(f"{count} snapshots {verb} in {time.monotonic() - started:.1f} s.")
        )
