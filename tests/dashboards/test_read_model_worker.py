"""The read model with a real Celery worker (ADR 18): a page whose figures were never built says
they are being prepared while a worker builds them; an edit marks them changed, the page says
"being refreshed" and keeps the old figures until the worker's refresh replaces them."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from dashboards import read_model
from dashboards.models import Snapshot, SnapshotKind
from factories import user_with_roles
from vmi_programme.models import Job, JobStatus, Role

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _until(condition, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.3)
    raise AssertionError(f"not true after {timeout} s")


def test_a_worker_builds_then_refreshes_a_dashboard(celery_worker, trust, client, settings):
    from rpiw.models import ValueStream

    settings.READ_MODEL_BUILD_INLINE = False
    ceo = user_with_roles(trust, Role.EXECUTIVE)
    client.force_login(ceo)
    url = f"/dashboard/{trust.short_name}/?period=programme"

    first = client.get(url).content.decode()
    assert "data-preparing" in first and "Figures as of" not in first
    build = Job.objects.get(kind=read_model.REFRESH)
    assert build.queue == "interactive"
    _until(lambda: Job.objects.get(pk=build.pk).status == JobStatus.SUCCEEDED)
    assert "Figures as of" in client.get(url).content.decode()
    built = Snapshot.objects.get(kind=SnapshotKind.TRUST, organisation=trust).built_at

    ValueStream.objects.create(
        organisation=trust, name="Discharge", started_on=timezone.localdate() - dt.timedelta(90)
    )
    refresh = _until(
        lambda: Job.objects.filter(
            kind=read_model.REFRESH, queue="bulk", organisation=trust
        ).first()
    )
    _until(lambda: Job.objects.get(pk=refresh.pk).is_finished)
    assert Job.objects.get(pk=refresh.pk).status == JobStatus.SUCCEEDED
    snapshot = Snapshot.objects.get(kind=SnapshotKind.TRUST, organisation=trust)
    assert snapshot.built_at > built and not snapshot.stale
    page = client.get(url).content.decode()
    assert "Figures as of" in page and "Being refreshed" not in page


def test_a_stale_page_keeps_its_figures_and_says_it_is_being_refreshed(
    celery_worker, trust, client, settings
):
    settings.READ_MODEL_BUILD_INLINE = True  # built here; refreshes go to the worker
    ceo = user_with_roles(trust, Role.EXECUTIVE)
    client.force_login(ceo)
    url = f"/dashboard/{trust.short_name}/?period=programme"
    client.get(url)
    settings.READ_MODEL_BUILD_INLINE = False
    Snapshot.objects.filter(organisation=trust).update(changed_at=timezone.now())
    page = client.get(url).content.decode()
    assert "Figures as of" in page and "Being refreshed" in page
