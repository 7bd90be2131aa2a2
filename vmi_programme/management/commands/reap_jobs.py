"""manage.py reap_jobs: re-queue, re-send or fail jobs nobody is running (see jobs.reap)."""

from django.core.management.base import BaseCommand

from vmi_programme import jobs


class Command(BaseCommand):
    help = (
        "Re-queue or fail running jobs whose worker stopped, fail jobs past their time limit and "
        "re-send queued jobs the broker lost. Safe to run at any time."
    )

    def handle(self, *args, **options):
        report = jobs.reap()
        self.stdout.write(f"Reaped jobs: {report}")
        for label, ids in (
            ("re-queued", report.requeued),
            ("re-sent", report.redispatched),
            ("failed", report.failed),
            ("not sent", report.not_sent),
        ):
            if ids:
                self.stdout.write(f"  {label}: {', '.join(map(str, ids))}")
