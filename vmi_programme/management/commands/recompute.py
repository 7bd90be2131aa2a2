"""Recompute every analysis from the records, as independent jobs in the bulk queue.

    manage.py recompute            # queue them all (each app registers what it runs)
    manage.py recompute --wait     # and wait until every one has finished, with the time taken

Each job is one trust's (or one measure's) analysis, independent and idempotent, so N workers
on N cores divide the work (``celery -A vmi_programme worker -Q vmi.bulk``). Finished analyses
mark the dashboards' figures changed, and their refresh jobs follow in the same queue.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from vmi_programme import jobs
from vmi_programme.models import Job, JobStatus


class Command(BaseCommand):
    help = "Queue every registered analysis afresh (bulk queue); --wait to time it."

    def add_arguments(self, parser):
        parser.add_argument("--wait", action="store_true")
        parser.add_argument("--kinds", default="", help="only these kinds, comma-separated")

    def handle(self, *args, wait: bool, kinds: str, **options):
        started = time.monotonic()
        since = Job.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        submitted = jobs.recompute_all(kinds=[k for k in kinds.split(",") if k] or None)
        self.stdout.write(f"{len(submitted)} jobs queued.")
        if not wait:
            return
        while True:
            open_jobs = Job.objects.filter(
                pk__gt=since, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
            ).count()
            if not open_jobs:
                break
            time.sleep(1)
        done = Job.objects.filter(pk__gt=since)
        failed = done.filter(status=JobStatus.FAILED).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"{done.count()} jobs finished ({failed} failed) in "
                f"{time.monotonic() - started:.1f} s."
            )
        )
