"""Generate a national-scale partnership (N trusts) for benchmarks: see vmi_programme.demo.scale."""

import os
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from vmi_programme import signals
from vmi_programme.demo import scale
from vmi_programme.models import Partnership


class Command(BaseCommand):
    help = (
        "Generate N trusts with every app's raw records (deterministic for a seed). "
        "Refuses a database that already holds a partnership unless --reset is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--trusts", type=int, default=200)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--reset", action="store_true", help="Delete all data first.")
        parser.add_argument(
            "--password",
            default=os.environ.get("VMI_SCALE_PASSWORD", ""),
            help="The password of every generated account (default: $VMI_SCALE_PASSWORD).",
        )

    def handle(self, *args, trusts: int, seed: int, reset: bool, password: str, **options):
        if trusts < 1:
            raise CommandError("--trusts must be at least 1.")
        if not password:
            raise CommandError("Give --password (or set VMI_SCALE_PASSWORD) for the accounts.")
        if reset:
            call_command("flush", interactive=False, verbosity=0)
        elif Partnership.objects.exists():
            raise CommandError("The database already holds a partnership; use --reset.")
        started = time.monotonic()
        with signals.quiet(), transaction.atomic():
            counts = scale.generate(trusts, seed, password, log=self.stdout.write)
        if connection.vendor == "postgresql":
            # Fresh statistics: without them the first queries plan for empty tables.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        for label, n in sorted(counts.items()):
            self.stdout.write(f"{label:32} {n:>10,}")
        self.stdout.write(
            self.style.SUCCESS(f"Generated {trusts} trusts in {time.monotonic() - started:.0f} s.")
        )
