"""Celery tasks of the dashboards: the nightly pruning of snapshots nobody reads."""

import datetime as dt

from celery import shared_task
from django.conf import settings

from . import read_model


@shared_task(ignore_result=True)
def prune_snapshots() -> int:
    """Delete stored figures unread for ``READ_MODEL_PRUNE_DAYS`` (beat runs it nightly)."""
    return read_model.prune(unread_for=dt.timedelta(days=settings.READ_MODEL_PRUNE_DAYS))
