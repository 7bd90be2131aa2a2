"""Delete the dashboards' stored figures that nobody has read for a while (ADR 18).

    manage.py prune_snapshots              # unread for READ_MODEL_PRUNE_DAYS (default 30)
    manage.py prune_snapshots --days 7

Custom periods, past report months and access scopes nobody has any more would otherwise be
kept (and refreshed) for ever. A pruned page is built again on its next view. Beat runs the same
nightly (``dashboards.tasks.prune_snapshots``).
"""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dashboards import read_model


class Command(BaseCommand):
    help = "Delete stored dashboard figures nobody has read for --days days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days: int | None, **options):
        days = settings.READ_MODEL_PRUNE_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be at least 1 (a snapshot is marked read once a day).")
        deleted = read_model.prune(unread_for=dt.timedelta(days=days))
        self.stdout.write(f"{deleted} snapshots unread for {days} days deleted.")
