"""The read model: pages read stored snapshots; jobs build them; changes mark them stale (ADR 18).

How it fits together:

- **Read.** A page asks ``read(kind, organisation, key, user)``. The snapshot for that page, key
  (period, as-of date or month) and the viewer's access scope is returned as it is stored, with
  when it was built. If it is stale (an input changed since it was built, or a preset period's
  dates moved on) a refresh job is queued and the page says so; if it was never built, a job
  builds it and the page shows its progress. With ``READ_MODEL_BUILD_INLINE`` (the embedded
  default, where every job runs in-process anyway, and the test suite) the page builds what it
  needs in the request instead.
- **Mark.** Every save or delete of a domain record (Django's model signals, connected in
  ``DashboardsConfig.ready()``), every bulk write and every finished analysis job
  (``vmi_programme.signals.records_changed``) marks the snapshots of that record's trust, and
  the partnership's, changed: one UPDATE per transaction and trust.
- **Refresh.** The same transaction's commit queues one ``dashboards.refresh`` job per trust (and
  one for the partnership) on the bulk queue, unless one is already waiting: a burst of edits
  coalesces into one refresh (the debounce). A refresh rebuilds only snapshots still stale, so
  running it twice is harmless (idempotent), and records the time its build *began*, so an edit
  made during the build leaves the snapshot stale for the next refresh.
- **Scope.** Figures depend on who looks only through the access policy, so snapshots are shared
  by everyone with the same rights on the trust (``scope_key``): e.g. every CEO of a trust reads
  one snapshot. A snapshot remembers one viewer with that scope and is rebuilt as that viewer; if
  the viewer leaves or their rights change, the snapshot is dropped and rebuilt on the next view.

The payload is the page's built context, pickled (only this module writes it). Rendered panels
are cached in Django's cache under the snapshot's id and build time, so a refresh invalidates
them by changing the key.
"""

from __future__ import annotations

import datetime as dt
import logging
import pickle
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from vmi_programme import jobs
from vmi_programme.access import Action, can
from vmi_programme.dashboard_registry import summary_table, summary_tables
from vmi_programme.models import Job, JobQueue, JobStatus, Organisation
from vmi_programme.period import Period, parse_month
from vmi_programme.summary_tables import joined

from .models import Snapshot, SnapshotKind

log = logging.getLogger(__name__)

REFRESH = "dashboards.refresh"
PUBLISHED = "published"  # the partnership summary's key when no as-of date is given
PARTNERSHIP_SCOPE = "partnership"  # the summary's builders take no user: one scope for all
TABLE_SEPARATOR = "|"  # a partnership snapshot holds one table: "<published or as-of>|<table>"
PART_SEPARATOR = "~"  # or one part of a table built in parts: "<base>|<table>~<index>"
VERSION_SEPARATOR = "@"  # then, from its version 2, the table's shape: "published|4-1@2"
SCOPE_ACTIONS = (Action.VIEW, Action.CHANGE, Action.APPROVE, Action.VIEW_IDENTITIES)


def table_of(key: str) -> tuple[str, int | None]:
    """A partnership snapshot's table and, for a table built in parts, which part:
    ``"published|sustainment~3@2"`` → ``("sustainment", 3)``."""
    table = key.partition(TABLE_SEPARATOR)[2].partition(VERSION_SEPARATOR)[0]
    table, _, index = table.partition(PART_SEPARATOR)
    return table, int(index) if index.isdigit() else None


def scope_key(user: Any, organisation: Organisation | None) -> str:
    """What the user may do to the trust: users with the same key see the same figures."""
    if organisation is None:
        return PARTNERSHIP_SCOPE
    return "+".join(a.value for a in SCOPE_ACTIONS if can(user, a, organisation)) or "none"


def period_key(period: Period) -> str:
    """A preset's name (its dates move with today) or the period's own dates."""
    return period.preset or f"{period.start.isoformat()}..{period.end.isoformat()}"


def period_of(key: str) -> Period:
    from .period import PRESETS, preset_period

    if key in PRESETS:
        return preset_period(key)
    start, end = key.split("..")
    return Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end))


@dataclass
class Reading:
    """A page's stored figures and how fresh they are. The figures (``data``) are read from the
    database and unpickled only when asked for: a page whose rendering is cached never does."""

    snapshot: Snapshot
    refreshing: Job | None
    needs_build: bool = False  # as found when read (stale, or a preset's dates moved on)

    @property
    def built_at(self) -> dt.datetime | None:
        return self.snapshot.built_at

    @property
    def stale(self) -> bool:
        return self.needs_build

    parts: tuple[Snapshot, ...] = ()  # the partnership summary: one snapshot per table

    @property
    def built(self) -> bool:
        """Whether there are figures to show (every table's, for the summary)."""
        return all(s.built_at is not None for s in (self.parts or (self.snapshot,)))

    @cached_property
    def data(self) -> Any:
        """The stored figures (None until built): the page's context, or the summary's tables."""
        if not self.built:
            return None
        if not self.parts:
            return _unpickle(self.snapshot.payload)  # one query when it was not loaded
        payloads = dict(
            Snapshot.objects.filter(pk__in=[s.pk for s in self.parts]).values_list("pk", "payload")
        )
        tables = [_unpickle(payloads.get(s.pk)) for s in self.parts]
        if any(t is None for t in tables):
            return None
        # a table built in parts: its parts are stored side by side, in order; join them
        out: list[Any] = []
        for snapshot, table in zip(self.parts, tables, strict=True):
            index = table_of(snapshot.key)[1]
            if index is None:
                out.append(table)
            elif index == 0:
                out.append([table])
            else:
                out[-1].append(table)
        return [joined(t) if isinstance(t, list) else t for t in out]

    @property
    def version(self) -> str:
        """A cache key part that changes with every rebuild."""
        return ",".join(
            f"{s.pk}:{s.built_at.timestamp() if s.built_at else 0}"
            for s in (self.parts or (self.snapshot,))
        )


def _unpickle(payload: bytes | memoryview | None) -> Any:
    return pickle.loads(payload) if payload is not None else None  # noqa: S301 (written only by rebuild)


# --- building -------------------------------------------------------------------------------


def _dates(snapshot: Snapshot) -> tuple[dt.date | None, dt.date | None]:
    """The dates a snapshot's key means today (a preset's move with the calendar)."""
    if snapshot.kind == SnapshotKind.TRUST:
        period = period_of(snapshot.key)
        return period.start, period.end
    return None, None


def _needs_build(snapshot: Snapshot) -> bool:
    if snapshot.stale:
        return True
    return snapshot.kind == SnapshotKind.TRUST and (snapshot.period_start, snapshot.period_end) != (
        _dates(snapshot)
    )


def _build(snapshot: Snapshot, viewer: Any) -> Any:
    from . import partnership, tgt_report, trust

    organisation = snapshot.organisation
    if snapshot.kind == SnapshotKind.PARTNERSHIP or organisation is None:
        base = snapshot.key.partition(TABLE_SEPARATOR)[0]
        table, index = table_of(snapshot.key)
        as_of = None if base == PUBLISHED else dt.date.fromisoformat(base)
        if not table:
            return partnership.build(as_of)
        if index is None:
            return partnership.table_by_key(table, as_of)
        entry = summary_table(table)
        if entry is None or index >= entry.parts:
            raise ValueError(f"No part {index} of a summary table {table!r}.")
        return partnership.table_by_key(table, as_of, part=(index, entry.parts))
    if snapshot.kind == SnapshotKind.TRUST:
        return trust.build(organisation, period_of(snapshot.key), viewer)
    month = parse_month(snapshot.key)
    if month is None:
        raise ValueError(f"A TGT report snapshot's key is a month (YYYY-MM), not {snapshot.key!r}.")
    report = tgt_report.build(organisation, month, viewer)
    report["title"] = tgt_report.report_title(organisation, month)
    return report


def rebuild(snapshot: Snapshot) -> bool:
    """Build one snapshot now (in a job, or inline when allowed). False if it was dropped."""
    began = timezone.now()
    viewer = None
    if snapshot.kind != SnapshotKind.PARTNERSHIP:
        viewer = (
            get_user_model().objects.filter(pk=snapshot.viewer_id, is_active=True).first()
            if snapshot.viewer_id is not None
            else None
        )
        if viewer is None or scope_key(viewer, snapshot.organisation) != snapshot.scope:
            # Its viewer left or their rights changed: the next view makes a new one.
            Snapshot.objects.filter(pk=snapshot.pk).delete()
            return False
    start, end = _dates(snapshot)
    payload = pickle.dumps(_build(snapshot, viewer), protocol=pickle.HIGHEST_PROTOCOL)
    Snapshot.objects.filter(pk=snapshot.pk).update(
        payload=payload, built_at=began, period_start=start, period_end=end
    )
    snapshot.payload, snapshot.built_at = payload, began
    snapshot.period_start, snapshot.period_end = start, end
    return True


@jobs.job_kind(REFRESH, queue=JobQueue.BULK, time_limit=1800)
def refresh_job(
    job: jobs.JobContext, snapshots: list[int] | None = None, trust: int | None = None
) -> dict:
    """Rebuild the snapshots that still need it: the ones named, or every one of the trust
    (``trust`` empty: the partnership's). Another refresh may have done some already.

    A snapshot whose inputs are still being computed (an analysis job of its trust, or of any
    trust for the partnership's tables, queued or running) is left for the refresh that job's
    end will queue, unless its figures are older than ``READ_MODEL_MAX_DEFER_SECONDS``: a
    recompute of 400 analyses then rebuilds each page once, at its end, not after every job."""
    rows = Snapshot.objects.select_related("organisation").defer("payload").order_by("pk")
    rows = rows.filter(pk__in=snapshots) if snapshots else _of_trust(rows, trust)
    todo = list(rows)
    rebuilt, dropped, fresh, deferred = 0, 0, 0, 0
    pending = _trusts_with_pending_inputs(exclude=job.job.pk)
    cutoff = timezone.now() - dt.timedelta(seconds=settings.READ_MODEL_MAX_DEFER_SECONDS)
    for index, snapshot in enumerate(todo):
        if not _needs_build(snapshot):
            fresh += 1
        elif _waits(snapshot, pending) and snapshot.built_at and snapshot.built_at > cutoff:
            deferred += 1
        elif rebuild(snapshot):
            rebuilt += 1
        else:
            dropped += 1
        job.progress(int(100 * (index + 1) / len(todo)), f"{index + 1} of {len(todo)} pages")
    return {"rebuilt": rebuilt, "dropped": dropped, "already_fresh": fresh, "deferred": deferred}


def _waits(snapshot: Snapshot, pending: set[int | None] | None) -> bool:
    """Whether an input of the snapshot is still being computed: a job of its trust or a
    partnership-level one (any job at all, for the partnership's tables)."""
    if pending is None:  # too many to list: every trust
        return True
    if snapshot.organisation_id is None:
        return bool(pending)
    return snapshot.organisation_id in pending or None in pending


def _trusts_with_pending_inputs(*, exclude: int) -> set[int | None] | None:
    """The trusts (None in it: partnership-level) with an input-producing job queued or
    running; None if there are more than a thousand."""
    pending = (
        Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        .exclude(kind__in=jobs.quiet_kinds())
        .exclude(pk=exclude)
        .values_list("organisation_id", flat=True)
        .distinct()
        .order_by()
    )
    found: set[int | None] = set(pending[:1001])
    return None if len(found) > 1000 else found


jobs.quiet_kind(REFRESH)  # its result feeds no stored figure (it would refresh itself forever)


def _of_trust(rows: Any, organisation_id: int | None) -> Any:
    """Rows of a trust, or the partnership's (no organisation)."""
    if organisation_id is None:
        return rows.filter(organisation__isnull=True)
    return rows.filter(organisation_id=organisation_id)


def _submit(parameters: dict, organisation_id: int | None, queue: str) -> Job | None:
    try:
        return jobs.submit(
            REFRESH,
            parameters,
            organisation=Organisation.objects.filter(pk=organisation_id).first()
            if organisation_id
            else None,
            queue=queue,
        )
    except jobs.JobRefused:  # the job row says why; the page keeps showing the stored figures
        log.warning("A dashboards refresh could not be queued: the broker is down")
        return None


def schedule_trust(organisation_id: int | None) -> Job | None:
    """Queue a refresh of every snapshot of a trust (``None``: the partnership's), unless one
    is already waiting: a burst of changes coalesces into one refresh."""
    if organisation_id is None:
        return _schedule_partnership()
    waiting = (
        _of_trust(Job.objects.filter(kind=REFRESH, status=JobStatus.QUEUED), organisation_id)
        .exclude(parameters__has_key="snapshots")
        .first()
    )
    if waiting is not None:
        return waiting
    job = _submit({"trust": organisation_id}, organisation_id, JobQueue.BULK)
    if job is not None and not job.is_finished:
        _of_trust(Snapshot.objects.all(), organisation_id).update(refresh_job=job)
    return job


def _schedule_partnership() -> Job | None:
    """Queue one refresh per partnership table not already waiting for one, so the bulk
    workers build the tables side by side. Returns the last job queued (or waiting)."""
    waiting: set[int] = set()
    last = None
    for job in Job.objects.filter(
        kind=REFRESH, status=JobStatus.QUEUED, organisation__isnull=True
    ).order_by("pk"):
        waiting |= set((job.parameters or {}).get("snapshots") or [])
        last = job
    for pk in (
        Snapshot.objects.filter(kind=SnapshotKind.PARTNERSHIP, organisation__isnull=True)
        .values_list("pk", flat=True)
        .order_by("pk")
    ):
        if pk not in waiting:
            last = schedule(Snapshot(pk=pk, organisation=None))
    return last


def schedule(snapshot: Snapshot, *, queue: str = JobQueue.BULK) -> Job | None:
    """Queue a build of one snapshot (a page is waiting for it)."""
    job = _submit({"snapshots": [snapshot.pk]}, snapshot.organisation_id, queue)
    if job is not None and not job.is_finished:
        Snapshot.objects.filter(pk=snapshot.pk).update(refresh_job=job)
    return job


# --- reading --------------------------------------------------------------------------------


def read(
    kind: str, organisation: Organisation | None, key: str, user: Any, *, build: bool = True
) -> Reading:
    """The stored figures of a page for this viewer, queueing a refresh if they are stale."""
    if kind == SnapshotKind.PARTNERSHIP and TABLE_SEPARATOR not in key:
        return read_partnership(key, user, build=build)
    scope = scope_key(user, organisation)
    snapshot = _snapshot(kind, organisation, key, scope, user)
    refreshing = None
    needs_build = _needs_build(snapshot)
    if build and needs_build:
        if settings.READ_MODEL_BUILD_INLINE:
            rebuild(snapshot)
        else:
            refreshing = _refresh_for_page(snapshot)
    if refreshing is not None and refreshing.is_finished:
        refreshing = None
    _touch([snapshot])
    return Reading(
        snapshot=snapshot,
        refreshing=refreshing,
        needs_build=needs_build and _needs_build(snapshot),  # still, after any build here
    )


def partnership_keys(base: str = PUBLISHED) -> list[str]:
    """The keys of the summary's table snapshots, in the report's order (``base``: published,
    or an as-of date)."""
    keys = []
    for entry in summary_tables():
        version = f"{VERSION_SEPARATOR}{entry.version}" if entry.version > 1 else ""
        table = f"{base}{TABLE_SEPARATOR}{entry.key}"
        if entry.parts == 1:
            keys.append(f"{table}{version}")
        else:  # "<base>|<table>~<index>[@<version>]"
            keys += [f"{table}{PART_SEPARATOR}{i}{version}" for i in range(entry.parts)]
    return keys


def read_partnership(base: str, user: Any, *, build: bool = True) -> Reading:
    """The partnership summary's stored tables: one snapshot per table, so a refresh spreads
    over the bulk workers (each table is its own job) and the heaviest table, not the sum of
    them, is the time to fresh figures. ``data`` is None until every table has been built."""
    keys = partnership_keys(base)
    found = {
        s.key: s
        for s in Snapshot.objects.filter(
            kind=SnapshotKind.PARTNERSHIP, organisation=None, scope=PARTNERSHIP_SCOPE, key__in=keys
        )
        .select_related("refresh_job")
        .defer("payload")
    }
    if any(key not in found for key in keys):
        # A table whose shape changed (a new version) or that is now built in parts: the
        # snapshots under its old keys are read by nothing; drop them so that refreshes stop
        # rebuilding them (the new ones are made below).
        Snapshot.objects.filter(
            kind=SnapshotKind.PARTNERSHIP,
            organisation=None,
            key__startswith=f"{base}{TABLE_SEPARATOR}",
        ).exclude(key__in=keys).delete()
    parts = [
        found.get(key) or _snapshot(SnapshotKind.PARTNERSHIP, None, key, PARTNERSHIP_SCOPE, None)
        for key in keys
    ]
    stale = [part for part in parts if _needs_build(part)]
    refreshing = None
    if build and stale:
        if settings.READ_MODEL_BUILD_INLINE:
            for part in stale:
                rebuild(part)
        else:
            waiting = [job for part in stale if (job := _refresh_for_page(part)) is not None]
            refreshing = next((job for job in waiting if not job.is_finished), None)
    _touch(parts)
    oldest = min(parts, key=lambda part: (part.built_at is not None, part.built_at or 0))
    return Reading(
        snapshot=oldest,
        refreshing=refreshing,
        needs_build=any(_needs_build(part) for part in parts),
        parts=tuple(parts),
    )


REQUESTED_EVERY = dt.timedelta(days=1)


def _touch(snapshots: Iterable[Snapshot]) -> None:
    """Note that someone still reads these (at most one UPDATE a day each): ``prune`` drops
    snapshots nobody has asked for in a while."""
    cutoff = timezone.now() - REQUESTED_EVERY
    old = [s.pk for s in snapshots if s.requested_at < cutoff]
    if old:
        Snapshot.objects.filter(pk__in=old).update(requested_at=timezone.now())


def prune(*, unread_for: dt.timedelta = dt.timedelta(days=30)) -> int:
    """Delete snapshots nobody has read for ``unread_for`` (custom periods, old report months,
    viewers' scopes that no longer occur): the next view builds them again. Returns how many."""
    deleted, _ = Snapshot.objects.filter(requested_at__lt=timezone.now() - unread_for).delete()
    return deleted


def _snapshot(
    kind: str, organisation: Organisation | None, key: str, scope: str, user: Any
) -> Snapshot:
    found = (
        Snapshot.objects.filter(kind=kind, organisation=organisation, key=key, scope=scope)
        .select_related("refresh_job")
        .defer("payload")
        .first()
    )
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Snapshot.objects.create(
                kind=kind,
                organisation=organisation,
                key=key,
                scope=scope,
                viewer=user if kind != SnapshotKind.PARTNERSHIP else None,
            )
    except IntegrityError:  # another request made it first
        return Snapshot.objects.get(kind=kind, organisation=organisation, key=key, scope=scope)


def _refresh_for_page(snapshot: Snapshot) -> Job | None:
    """The job refreshing this snapshot: the one already on its way, or a new one."""
    job = snapshot.refresh_job
    if job is not None and not job.is_finished:
        return job
    # Someone is looking at it: a first build is interactive, a refresh of old figures bulk.
    queue = JobQueue.INTERACTIVE if snapshot.built_at is None else JobQueue.BULK
    job = schedule(snapshot, queue=queue)
    if job is not None and job.is_finished:  # ran in this process (no broker): read the result
        snapshot.refresh_from_db()
    return job


# --- marking changes ------------------------------------------------------------------------

_pending = threading.local()


def mark_changed(organisation_ids: Iterable[int | None] | None) -> None:
    """Records of these trusts changed (``None`` in them, or ``None``: partnership-wide or not
    known): their snapshots and the partnership's are stale once this transaction commits.

    Changes gather in a per-thread set that the first commit callback empties, so a transaction
    that saves a thousand records marks each trust once; a rolled-back transaction's trusts are
    marked by the next commit (harmless: a refresh finds nothing to redo).
    """
    from .period import forget_data_end

    forget_data_end()  # now, for this transaction's own reads, and again after commit
    ids = {None} if organisation_ids is None else set(organisation_ids)
    pending = getattr(_pending, "ids", None)
    if pending is None:
        pending = _pending.ids = set()
    pending |= ids
    transaction.on_commit(_flush)


def _flush() -> None:
    ids = getattr(_pending, "ids", None)
    if not ids:
        return
    _pending.ids = set()
    snapshots = Snapshot.objects.all()
    if None not in ids:
        snapshots = snapshots.filter(Q(organisation_id__in=ids) | Q(kind=SnapshotKind.PARTNERSHIP))
    from .period import forget_data_end

    forget_data_end()  # the latest month with data may have moved
    if not snapshots.update(changed_at=timezone.now()):
        return  # nothing stored depends on them yet
    for organisation_id in sorted(
        set(snapshots.values_list("organisation_id", flat=True)), key=lambda i: (i is None, i)
    ):
        schedule_trust(organisation_id)


def refresh_all(*, organisations: Iterable[Organisation] | None = None) -> int:
    """Mark every stored snapshot (of these trusts) changed and queue their refresh."""
    ids = None if organisations is None else [o.pk for o in organisations]
    with transaction.atomic():
        mark_changed(ids)
    return Snapshot.objects.count()


# --- building ahead -------------------------------------------------------------------------


def _viewers_by_scope(organisation: Organisation, candidates: list[Any]) -> dict[str, Any]:
    """One user per access scope among those who may view the trust."""
    viewers: dict[str, Any] = {}
    for user in candidates:
        scope = scope_key(user, organisation)
        if scope != "none":
            viewers.setdefault(scope, user)
    return viewers


def _candidates() -> tuple[dict[int | None, list[Any]], list[Any]]:
    """Users who may view trusts, one per (trust, roles): their own trust's, and those who
    view every trust (the regulator, administrators)."""
    from vmi_programme.access import OTHER, relations

    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(person__role_assignments__isnull=False) | Q(is_superuser=True))
        .select_related("person")
        .prefetch_related("person__role_assignments")
        .distinct()
        .order_by("pk")
    )
    own: dict[int | None, dict[frozenset, Any]] = {}
    everywhere: dict[frozenset, Any] = {}
    for user in users:
        person = getattr(user, "person", None)
        roles = frozenset(a.role for a in person.role_assignments.all()) if person else frozenset()
        key = roles | ({"superuser"} if user.is_superuser else set())
        if OTHER in relations(user, Action.VIEW):
            everywhere.setdefault(key, user)
        elif person is not None:
            own.setdefault(person.organisation_id, {}).setdefault(key, user)
    return {org: list(by_roles.values()) for org, by_roles in own.items()}, list(
        everywhere.values()
    )


def prebuild(
    *,
    keys: Iterable[str] = ("programme",),
    months: Iterable[str] = (),
    organisations: Iterable[Organisation] | None = None,
    inline: bool = True,
    report=lambda message: None,
) -> int:
    """Make (and build, or queue) the snapshots every viewer of every trust would ask for: each
    trust's dashboard for ``keys`` and TGT report for ``months`` per access scope, and the
    partnership summary as published. Returns how many snapshots were made or refreshed."""
    from vmi_programme.models import OrganisationKind

    trusts = list(
        organisations
        if organisations is not None
        else Organisation.objects.filter(kind=OrganisationKind.PARTNER_TRUST).order_by("pk")
    )
    own, everywhere = _candidates()
    count = 0
    for index, trust in enumerate(trusts):
        viewers = _viewers_by_scope(trust, own.get(trust.pk, []) + everywhere)
        made = []
        for scope, viewer in viewers.items():
            for kind, key in [(SnapshotKind.TRUST, k) for k in keys] + [
                (SnapshotKind.TGT_REPORT, m) for m in months
            ]:
                made.append(_snapshot(kind, trust, key, scope, viewer))
        count += len(made)
        if inline:
            for snapshot in made:
                if _needs_build(snapshot):
                    rebuild(snapshot)
        else:
            schedule_trust(trust.pk)
        report(f"{index + 1}/{len(trusts)} {trust.short_name}: {len(made)} snapshots")
    tables = [
        _snapshot(SnapshotKind.PARTNERSHIP, None, key, PARTNERSHIP_SCOPE, None)
        for key in partnership_keys()
    ]
    if inline:
        for table in tables:
            if _needs_build(table):
                rebuild(table)
                report(f"partnership table {table.key}")
    else:
        schedule_trust(None)
    return count + len(tables)


def _recompute_plan() -> list[tuple[dict, Any]]:
    """A full recompute's share of the read model: a refresh per trust with snapshots, and
    one per partnership table."""
    ids = set(Snapshot.objects.exclude(organisation=None).values_list("organisation_id", flat=True))
    trusts = Organisation.objects.in_bulk(ids)
    tables = Snapshot.objects.filter(organisation=None).order_by("pk").values_list("pk", flat=True)
    return [({"trust": i}, trusts[i]) for i in sorted(ids)] + [
        ({"snapshots": [pk]}, None) for pk in tables
    ]


jobs.register_recompute(REFRESH, _recompute_plan)
