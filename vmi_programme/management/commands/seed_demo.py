"""Load the demo partnership: every app's demo records, computed figures come from them."""

import importlib
import logging
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from vmi_programme import audit, demo, signals
from vmi_programme.models import Partnership

# Order matters: later apps build on earlier ones' records. Each name is an app whose demo
# package ``<app>.demo`` exposes ``seed(ctx)`` (or a dotted module path that does).
APP_SEEDS = [
    "governance",
    "training",
    "rpiw",
    "compact",
    "networks",
    "impact",
]


class Command(BaseCommand):
    help = "Seed the demo NHS-VMI partnership (skips if already seeded; --reset starts again)."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Delete all data first.")

    def handle(self, *args, reset: bool = False, **options):
        logins_file = Path(settings.VAR_DIR) / "demo-logins.txt"
        if reset:
            call_command("flush", interactive=False, verbosity=0)
        elif Partnership.objects.exists():
            self.stdout.write("Demo data already loaded (use --reset to start again).")
            if logins_file.exists():
                self.stdout.write("\nDemo logins:\n" + logins_file.read_text())
            return
        # In the embedded mode every analysis runs in-process; its per-task log lines would
        # bury the logins printed at the end.
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        # The seeded demo is the baseline the audit trail starts from: no history for it (ADR 11).
        with audit.not_recorded(), signals.quiet(), transaction.atomic():
            ctx = demo.seed()
            for module_name in APP_SEEDS:
                module = _demo_module(module_name)
                if module is not None:
                    self.stdout.write(f"Seeding {module_name} ...")
                    module.seed(ctx)
        path = demo.write_logins(ctx.logins)
        self.stdout.write(self.style.SUCCESS("Demo partnership loaded."))
        self.stdout.write(f"\nDemo logins (also in {path}):\n" + path.read_text())


def _demo_module(name: str):
    """The app's demo package (``<app>.demo``), or None while the app has none yet."""
    target = name if name.count(".") else f"{name}.demo"
    try:
        return importlib.import_module(target)
    except ModuleNotFoundError as exc:
        if exc.name == target:
            return None
        raise
