"""Reads for the rpiw app: workspace lists, follow-ups due, the golden thread, Tables 7.1/7.2.

Baseline/follow-up pairs have one type (:class:`MeasurePair`) and one reader
(:func:`measure_pairs`), and Table 7.2 one computation (:func:`table_7_2_from_pairs`): the rpiw
pages and API, the impact app (Table 7.3, and Table 7.2 under its filters) and the dashboards
all build on them. Definitions shared with ``rpiw.demo.measures`` and the impact app:

* **post** is the follow-up at ``post_day`` days after the workshop (90 by default; the report's
  "last follow-up (90 days)"), even when a 120-day value exists.
* A measure **has a pair** when it has a baseline and a ``post_day`` value. Table 7.2's N for a
  measure type is the number of such measures of that type in the trust.
* An RPIW **has complete measures** (Table 7.1) when it has at least one measure and every
  measure has a pair. This is stricter than ``Measure.is_complete`` (baseline and *any*
  follow-up, the everyday meaning on the workspace): the report's 82 RPIWs "with complete
  measurements (i.e. baseline and post-intervention measures)" use the post value.
* Lead times are converted to minutes from their unit (hours = minutes / 60); a defect ratio
  is recomputed from its two counts. Table 7.2 sums lead times (hours) and defects and averages
  defect ratios per trust; its Total row for the ratio is the unweighted mean of the trusts'
  means (.57/.21), not the pooled mean over all measures (.58/.21).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from governance.models import NationalPriority, StrategicObjective
from vmi_programme.access import Action, own_partner_trust, restrict
from vmi_programme.models import Organisation, partner_trusts

from .constants import DEFAULT_POST_DAY, MINUTES_PER_UNIT, REPORT_AS_AT
from .models import (
    ACTIVE_STATUSES,
    ENDED_WITHOUT_WORKSHOP,
    STAGES,
    ChangeStatus,
    Direction,
    Measure,
    MeasureKind,
    Measurement,
    MetricChangeRequest,
    Notification,
    Rpiw,
    RpiwStatus,
    ValueStream,
    ValueStreamMetric,
)
from .sustainment import CHECKPOINTS, MeasureRecord, Thresholds

TABLE_7_2_KINDS = (MeasureKind.LEAD_TIME, MeasureKind.DEFECTS, MeasureKind.DEFECT_RATIO)


# --- Lists ----------------------------------------------------------------------------------


def value_streams_for(user: Any, organisation: Organisation | None = None) -> QuerySet:
    streams = restrict(ValueStream.objects.all(), user, Action.VIEW)
    if organisation is not None:
        streams = streams.filter(organisation=organisation)
    return (
        streams.select_related("organisation", "executive_sponsor", "lead", "facilitator")
        .prefetch_related("objectives")
        # Correlated subqueries, not Count() over joins: a GROUP BY over every value stream's
        # RPIWs and metrics would run before a page's LIMIT (210 ms at national size).
        .annotate(
            rpiw_count=_count_of(Rpiw, "value_stream"),
            metric_count=_count_of(ValueStreamMetric, "value_stream"),
        )
        .order_by("organisation__short_name", "name")
    )


def _count_of(model: Any, field: str) -> Coalesce:
    """How many ``model`` rows point at the outer row through ``field`` (0 for none)."""
    return Coalesce(
        Subquery(
            model.objects.filter(**{field: OuterRef("pk")})
            .order_by()
            .values(field)
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


def rpiws_for(user: Any, **filters: Any) -> QuerySet:
    return (
        restrict(Rpiw.objects.all(), user, Action.VIEW, via="value_stream__organisation")
        .filter(**filters)
        .select_related("value_stream__organisation", "facilitator")
        # A correlated subquery, not Count("measures"): a GROUP BY over every RPIW's measures
        # would run before LIMIT; this is computed only for the rows a page reads.
        .annotate(measure_count=_measure_count)
    )


_measure_count = _count_of(Measure, "rpiw")


def rpiw_trusts_for(user: Any) -> list[str]:
    """Short names of the trusts whose value streams the user may view (a filter's choices):
    the trusts (a few hundred) with a value stream, not the value streams (thousands)."""
    with_streams = Organisation.objects.filter(
        Exists(ValueStream.objects.filter(organisation=OuterRef("pk")))
    )
    trusts = restrict(with_streams, user, Action.VIEW, via="")
    return sorted(trusts.values_list("short_name", flat=True))


def rpiw_detail(pk: int) -> Rpiw:
    return (
        Rpiw.objects.select_related("value_stream__organisation", "facilitator", "created_by")
        .prefetch_related(
            "team__person",
            "planning_tasks",
            Prefetch("measures", queryset=Measure.objects.prefetch_related("measurements")),
            "status_changes__changed_by",
        )
        .get(pk=pk)
    )


def value_stream_detail(pk: int) -> ValueStream:
    return (
        ValueStream.objects.select_related(
            "organisation", "executive_sponsor", "lead", "facilitator"
        )
        .prefetch_related(
            "objectives__national_priorities",
            Prefetch(
                "metrics",
                queryset=ValueStreamMetric.objects.prefetch_related(
                    "values",
                    "versions",
                    Prefetch(
                        "change_requests",
                        queryset=MetricChangeRequest.objects.select_related(
                            "proposed_by", "decided_by", "meeting__series"
                        ),
                    ),
                ),
            ),
            Prefetch(
                "rpiws",
                queryset=Rpiw.objects.select_related("facilitator").prefetch_related(
                    Prefetch("measures", queryset=Measure.objects.prefetch_related("measurements"))
                ),
            ),
        )
        .get(pk=pk)
    )


def metric_detail(pk: int) -> ValueStreamMetric:
    return (
        ValueStreamMetric.objects.select_related("value_stream__organisation")
        .prefetch_related(
            "values",
            Prefetch("versions", queryset=_versions()),
            Prefetch(
                "change_requests",
                queryset=MetricChangeRequest.objects.select_related(
                    "proposed_by", "decided_by", "meeting__series"
                ),
            ),
        )
        .get(pk=pk)
    )


def _versions():
    from .models import MetricVersion

    return MetricVersion.objects.select_related("change_request").order_by("number")


def pending_metric_changes(user: Any) -> QuerySet:
    return restrict(
        MetricChangeRequest.objects.filter(status=ChangeStatus.PROPOSED),
        user,
        Action.VIEW,
        via="metric__value_stream__organisation",
    ).select_related("metric__value_stream__organisation", "proposed_by")


def unread_notifications(user: Any) -> QuerySet:
    return Notification.objects.filter(recipient=user, read_at__isnull=True)


# --- Follow-ups -----------------------------------------------------------------------------


@dataclass
class FollowUpDue:
    """One follow-up point of one RPIW that is due and has measures still to record."""

    rpiw: Rpiw
    day: int
    due_on: dt.date
    missing: int
    measures: list[Measure] = field(default_factory=list)

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.due_on < (today or timezone.localdate())


def followups_due(rpiws: QuerySet, *, start: dt.date, end: dt.date) -> list[FollowUpDue]:
    """Follow-ups of these RPIWs falling due between ``start`` and ``end`` (inclusive) with at
    least one measure not yet recorded at that point. Two queries whatever the number."""
    candidates = (
        rpiws.filter(
            workshop_end__gte=start - dt.timedelta(days=120),
            workshop_end__lte=end - dt.timedelta(days=30),
        )
        .exclude(status__in=[*ENDED_WITHOUT_WORKSHOP, RpiwStatus.CLOSED])
        .select_related("value_stream__organisation", "facilitator__user")
        .prefetch_related(
            Prefetch("measures", queryset=Measure.objects.prefetch_related("measurements"))
        )
    )
    due = []
    for rpiw in candidates:
        measures = list(rpiw.measures.all())
        for day, due_on in rpiw.due_dates():
            if not start <= due_on <= end:
                continue
            missing = [m for m in measures if m.follow_up(day) is None]
            if missing:
                due.append(FollowUpDue(rpiw, day, due_on, len(missing), missing))
    return sorted(due, key=lambda d: (d.due_on, d.rpiw.reference))


@dataclass
class Workspace:
    organisation: Organisation | None
    my_rpiws_by_stage: list[tuple[str, list[Rpiw]]]
    ended: list[Rpiw]
    due_this_week: list[FollowUpDue]
    overdue: list[FollowUpDue]
    value_streams: list[ValueStream]
    pending_changes: list[MetricChangeRequest]
    week_start: dt.date
    week_end: dt.date


def workspace(user: Any, today: dt.date | None = None) -> Workspace:
    """The KPO workspace: my RPIWs by stage, follow-ups due this week, my trust's value streams."""
    today = today or timezone.localdate()
    organisation = own_partner_trust(user)  # the regulator and CI partner have no workspace
    week_start = today - dt.timedelta(days=today.weekday())
    week_end = week_start + dt.timedelta(days=6)
    if organisation is None:
        return Workspace(None, [], [], [], [], [], [], week_start, week_end)
    trust_rpiws = rpiws_for(user).filter(value_stream__organisation=organisation)
    mine = list(trust_rpiws.filter(facilitator__user=user).order_by("workshop_start", "reference"))
    by_stage = [
        (RpiwStatus(stage).label, [r for r in mine if r.status == stage])
        for stage in STAGES
        if stage != RpiwStatus.CLOSED
    ]
    ended = [r for r in mine if r.status in ENDED_WITHOUT_WORKSHOP]
    due = followups_due(
        trust_rpiws.filter(status__in=ACTIVE_STATUSES),
        start=today - dt.timedelta(days=365),
        end=week_end,
    )
    return Workspace(
        organisation=organisation,
        my_rpiws_by_stage=by_stage,
        ended=ended,
        due_this_week=[d for d in due if d.due_on >= week_start],
        overdue=[d for d in due if d.due_on < week_start],
        value_streams=list(value_streams_for(user, organisation)),
        pending_changes=list(
            pending_metric_changes(user).filter(metric__value_stream__organisation=organisation)
        ),
        week_start=week_start,
        week_end=week_end,
    )


# --- The golden thread ----------------------------------------------------------------------


@dataclass
class ThreadStream:
    value_stream: ValueStream
    metrics: list[dict]
    rpiws: list[Rpiw]


@dataclass
class ThreadObjective:
    objective: StrategicObjective
    streams: list[ThreadStream]


@dataclass
class ThreadPriority:
    priority: NationalPriority | None
    objectives: list[ThreadObjective]

    @property
    def has_work(self) -> bool:
        return any(o.streams for o in self.objectives)


@dataclass
class GoldenThread:
    organisation: Organisation
    priorities: list[ThreadPriority]  # the last has priority None: objectives aligned to none
    unaligned_streams: list[ThreadStream]

    @property
    def priorities_without_work(self) -> list[NationalPriority]:
        return [p.priority for p in self.priorities if p.priority and not p.has_work]


def _metric_status(metric: ValueStreamMetric) -> dict:
    values = list(metric.values.all())
    latest = values[-1] if values else None
    on_target = None
    if latest is not None and metric.target is not None:
        on_target = (
            latest.value <= metric.target
            if metric.direction == "lower"
            else latest.value >= metric.target
        )
    return {"metric": metric, "latest": latest, "on_target": on_target}


def golden_thread(organisation: Organisation) -> GoldenThread:
    """National priority → this trust's objectives → value streams → metrics and RPIWs."""
    streams = (
        ValueStream.objects.filter(organisation=organisation)
        .prefetch_related(
            "objectives",
            Prefetch("metrics", queryset=ValueStreamMetric.objects.prefetch_related("values")),
            Prefetch("rpiws", queryset=Rpiw.objects.order_by("-workshop_start")),
        )
        .order_by("name")
    )
    thread_of = {
        s.pk: ThreadStream(s, [_metric_status(m) for m in s.metrics.all()], list(s.rpiws.all()))
        for s in streams
    }
    objectives = list(
        StrategicObjective.objects.filter(organisation=organisation)
        .prefetch_related("national_priorities")
        .order_by("title")
    )
    streams_of_objective = defaultdict(list)
    for thread in thread_of.values():
        for objective in thread.value_stream.objectives.all():
            streams_of_objective[objective.pk].append(thread)
    priorities = []
    for priority in NationalPriority.objects.order_by("title"):
        aligned = [o for o in objectives if priority in o.national_priorities.all()]
        priorities.append(
            ThreadPriority(
                priority, [ThreadObjective(o, streams_of_objective[o.pk]) for o in aligned]
            )
        )
    orphans = [o for o in objectives if not o.national_priorities.all()]
    if orphans:
        priorities.append(
            ThreadPriority(None, [ThreadObjective(o, streams_of_objective[o.pk]) for o in orphans])
        )
    unaligned = [t for t in thread_of.values() if not t.value_stream.objectives.all()]
    return GoldenThread(organisation, priorities, unaligned)


def priorities_without_work(organisations: Iterable[Organisation]) -> dict[str, list]:
    """For each trust: national priorities no value stream of the trust is aligned to."""
    organisations = list(organisations)
    aimed = defaultdict(set)
    rows = ValueStream.objects.filter(
        organisation__in=organisations, objectives__national_priorities__isnull=False
    ).values_list("organisation_id", "objectives__national_priorities")
    for organisation_id, priority_id in rows:
        aimed[organisation_id].add(priority_id)
    priorities = list(NationalPriority.objects.order_by("title"))
    return {o.short_name: [p for p in priorities if p.pk not in aimed[o.pk]] for o in organisations}


def unaligned_value_stream_counts(organisations: Iterable[Organisation]) -> dict[int, int]:
    """How many value streams of each trust have no golden thread (no objective)."""
    rows = (
        ValueStream.objects.filter(organisation__in=list(organisations), objectives__isnull=True)
        .values("organisation_id")
        .annotate(n=Count("pk"))
    )
    return {r["organisation_id"]: r["n"] for r in rows}


# --- Baseline/post pairs and Tables 7.1 and 7.2 ---------------------------------------------


@dataclass(frozen=True)
class MeasurePair:
    """One RPIW measure's baseline and follow-ups, in analysis units: lead time in minutes (from
    its unit), a defect ratio recomputed from its counts, otherwise the recorded value.

    The one pair type of the programme: Tables 7.2 (here) and 7.3 (``impact.rpiw_impact``)
    read it. ``followups`` maps the day (30, 60, 90, 120) to its value; :meth:`post` picks the
    follow-up an analysis compares with the baseline.
    """

    trust: str
    value_stream: str
    rpiw: str  # the RPIW's reference
    kind: str  # a MeasureKind value
    baseline: Decimal | float | None
    followups: dict[int, Decimal | float] = field(default_factory=dict)
    workshop_end: dt.date | None = None
    measure_id: int | None = None
    rpiw_id: int | None = None
    organisation_id: int | None = None
    unit: str = ""
    counts: dict[int, tuple[int, int]] = field(default_factory=dict)  # point: (defects, output)
    direction: str = "lower"  # a Direction value: which way is an improvement
    follow_up_120: bool = True  # whether the RPIW has the optional 120-day follow-up

    def post(self, which: int | str = DEFAULT_POST_DAY) -> Decimal | float | None:
        """The follow-up at day ``which`` (an int or "90"), or the latest one for "last"."""
        if which == "last":
            return self.followups[max(self.followups)] if self.followups else None
        return self.followups.get(int(which))

    def paired(self, which: int | str = DEFAULT_POST_DAY) -> tuple[Any, Any] | None:
        """(baseline, post) when the measure has both, else None."""
        post = self.post(which)
        if self.baseline is None or post is None:
            return None
        return self.baseline, post


def _analysis_value(
    kind: str, unit: str, value: Any, defects: Any, output: Any
) -> Decimal | float | None:
    if kind == MeasureKind.DEFECT_RATIO and output:
        return Decimal(defects) / Decimal(output)
    if value is None:
        return None
    if kind == MeasureKind.LEAD_TIME:
        return value * MINUTES_PER_UNIT[unit]
    return value


#: The columns :func:`measure_pairs` reads, one row per measurement (by position below).
_PAIR_COLUMNS = (
    "measure_id",
    "point",
    "value",
    "defects",
    "output",
    "measure__kind",
    "measure__unit",
    "measure__direction",
    "measure__rpiw_id",
    "measure__rpiw__follow_up_120",
    "measure__rpiw__reference",
    "measure__rpiw__workshop_end",
    "measure__rpiw__value_stream__name",
    "measure__rpiw__value_stream__organisation_id",
    "measure__rpiw__value_stream__organisation__short_name",
)


def measure_pairs(
    *,
    kinds: Iterable[str] | None = None,
    organisations: Iterable[Organisation] | None = None,
    value_streams: Iterable[ValueStream] | None = None,
    as_at: dt.date | None = None,
    workshop_from: dt.date | None = None,
    workshop_to: dt.date | None = None,
    user: Any = None,
) -> list[MeasurePair]:
    """Every measure with a recorded value, with its baseline and follow-ups (one query). The
    only reader of baseline/follow-up pairs: Tables 7.2 and 7.3, their pages, APIs and the
    dashboards all start here.

    Filters: measure kinds, trusts, value streams, measurements dated on or before ``as_at``
    (undated ones count), workshops ending between ``workshop_from`` and ``workshop_to``; with
    ``user``, only what that user may view. Whether a pair is complete depends on the follow-up
    compared (:meth:`MeasurePair.paired`).
    """
    rows = Measurement.objects.all()
    if user is not None:
        rows = restrict(rows, user, Action.VIEW, via="measure__rpiw__value_stream__organisation")
    if kinds is not None:
        rows = rows.filter(measure__kind__in=list(kinds))
    if organisations is not None:
        rows = rows.filter(measure__rpiw__value_stream__organisation__in=list(organisations))
    if value_streams is not None:
        rows = rows.filter(measure__rpiw__value_stream__in=list(value_streams))
    if as_at is not None:
        rows = rows.filter(Q(measured_on__isnull=True) | Q(measured_on__lte=as_at))
    if workshop_from is not None:
        rows = rows.filter(measure__rpiw__workshop_end__gte=workshop_from)
    if workshop_to is not None:
        rows = rows.filter(measure__rpiw__workshop_end__lte=workshop_to)
    # Streamed in measure order (a server-side cursor on PostgreSQL): one measure's rows are
    # held at a time, never every measurement of the partnership (3.1 M rows at 200 trusts).
    pairs = []
    streamed: Iterable[tuple[Any, ...]] = (
        rows.values_list(*_PAIR_COLUMNS).order_by("measure_id", "point").iterator(chunk_size=10_000)
    )
    for _, group in groupby(streamed, key=itemgetter(0)):
        points = list(group)
        first = points[0]
        kind, unit = first[5], first[6]
        values: dict[int, Decimal | float] = {}
        for row in points:
            value = _analysis_value(kind, unit, row[2], row[3], row[4])
            if value is not None:
                values[row[1]] = value
        if not values:
            continue
        pairs.append(
            MeasurePair(
                trust=first[14],
                value_stream=first[12],
                rpiw=first[10],
                kind=kind,
                baseline=values.pop(0, None),
                followups=values,
                workshop_end=first[11],
                measure_id=first[0],
                rpiw_id=first[8],
                organisation_id=first[13],
                unit=unit,
                counts={row[1]: (row[3], row[4]) for row in points if row[4] is not None},
                direction=first[7],
                follow_up_120=first[9],
            )
        )
    return sorted(pairs, key=lambda p: (p.trust, p.rpiw, p.measure_id))


@dataclass
class Table71Row:
    trust: str
    organisation_id: int | None
    value_streams: int
    rpiws: int
    complete: int
    ended_without_workshop: int
    unaligned_value_streams: int


def table_7_1(
    as_at: dt.date | None = REPORT_AS_AT,
    *,
    post_day: int = DEFAULT_POST_DAY,
    organisations: Iterable[Organisation] | None = None,
) -> tuple[list[Table71Row], Table71Row]:
    """Value streams, RPIWs and RPIWs with complete measures per trust (Table 7.1).

    As at ``as_at`` (None: everything): value streams started by then, RPIWs whose workshop
    had started (cancelled and stood-down RPIWs are counted separately, not as developed), and
    of those the RPIWs with at least one measure, every one with a baseline and a ``post_day``
    value recorded by then. Five queries whatever the number of RPIWs.
    """
    organisations = list(organisations if organisations is not None else partner_trusts())
    streams = ValueStream.objects.filter(organisation__in=organisations)
    rpiws = Rpiw.objects.filter(value_stream__organisation__in=organisations)
    measured = Measurement.objects.filter(measure=OuterRef("pk"))
    if as_at is not None:
        streams = streams.filter(started_on__lte=as_at)
        rpiws = rpiws.filter(workshop_start__lte=as_at)
        measured = measured.filter(Q(measured_on__isnull=True) | Q(measured_on__lte=as_at))
    unpaired = Measure.objects.filter(rpiw=OuterRef("pk")).exclude(
        Exists(measured.filter(point=0)) & Exists(measured.filter(point=post_day))
    )
    developed = rpiws.exclude(status__in=ENDED_WITHOUT_WORKSHOP)
    complete = developed.filter(
        Exists(Measure.objects.filter(rpiw=OuterRef("pk"))), ~Exists(unpaired)
    )

    def counts(queryset, path="value_stream__organisation_id"):
        return {r[path]: r["n"] for r in queryset.values(path).annotate(n=Count("pk")).order_by()}

    n_streams = counts(streams, "organisation_id")
    n_rpiws = counts(developed)
    n_complete = counts(complete)
    n_ended = counts(rpiws.filter(status__in=ENDED_WITHOUT_WORKSHOP))
    unaligned = counts(streams.filter(objectives__isnull=True), "organisation_id")
    rows = [
        Table71Row(
            o.short_name,
            o.pk,
            n_streams.get(o.pk, 0),
            n_rpiws.get(o.pk, 0),
            n_complete.get(o.pk, 0),
            n_ended.get(o.pk, 0),
            unaligned.get(o.pk, 0),
        )
        for o in organisations
    ]
    total = Table71Row(
        "Total",
        None,
        *(
            sum(getattr(r, f) for r in rows)
            for f in (
                "value_streams",
                "rpiws",
                "complete",
                "ended_without_workshop",
                "unaligned_value_streams",
            )
        ),
    )
    return rows, total


@dataclass
class Table72Cell:
    n: int
    baseline: Decimal | float | None
    post: Decimal | float | None

    @property
    def reduction(self) -> Decimal | float | None:
        """Percentage reduction from baseline to post."""
        if not self.n or not self.baseline:
            return None
        return (self.baseline - self.post) / self.baseline * 100

    def as_dict(self) -> dict[str, Any]:
        """Plain numbers (for JSON and the impact page)."""

        def number(value):
            return None if value is None else float(value)

        return {
            "n": self.n,
            "baseline": number(self.baseline),
            "post": number(self.post),
            "reduction": number(self.reduction),
        }


@dataclass
class Table72Row:
    trust: str
    lead_time: Table72Cell  # sums, hours
    defects: Table72Cell  # sums
    defect_ratio: Table72Cell  # means

    @property
    def cells(self) -> dict[str, Table72Cell]:
        return {kind.value: getattr(self, kind.value) for kind in TABLE_7_2_KINDS}


def _sum_cell(values: list[tuple[Any, Any]]) -> Table72Cell:
    if not values:
        return Table72Cell(0, None, None)
    return Table72Cell(len(values), sum(b for b, _ in values), sum(p for _, p in values))


def _mean_cell(values: list[tuple[Any, Any]]) -> Table72Cell:
    if not values:
        return Table72Cell(0, None, None)
    n = len(values)
    return Table72Cell(n, sum(b for b, _ in values) / n, sum(p for _, p in values) / n)


def table_7_2_from_pairs(
    pairs: Iterable[MeasurePair],
    *,
    post: int | str = DEFAULT_POST_DAY,
    trusts: Iterable[str] | None = None,
) -> tuple[list[Table72Row], Table72Row]:
    """Table 7.2 from measure pairs: the one computation behind the Table 7.2 page and API, the
    impact page and API (``impact.rpiw_impact.table_7_2``) and the dashboards.

    Over the pairs with a baseline and a ``post`` follow-up (a day, or "last"): per trust
    (``trusts`` in that order, else every trust with such a pair, by name) the N, sums of lead
    time (hours) and defects and the mean defect ratio; the Total row sums the trusts' cells,
    its defect ratio the unweighted mean of the trusts' means, as the report.
    """
    grouped: dict[tuple[str, str], list[tuple[Any, Any]]] = defaultdict(list)
    for pair in pairs:
        values = pair.paired(post)
        if values is None or pair.kind not in TABLE_7_2_KINDS:
            continue
        baseline, after = values
        if pair.kind == MeasureKind.LEAD_TIME:
            baseline, after = baseline / 60, after / 60
        grouped[pair.trust, pair.kind].append((baseline, after))
    if trusts is None:
        trusts = sorted({trust for trust, _ in grouped})
    rows = [
        Table72Row(
            trust,
            _sum_cell(grouped[trust, MeasureKind.LEAD_TIME]),
            _sum_cell(grouped[trust, MeasureKind.DEFECTS]),
            _mean_cell(grouped[trust, MeasureKind.DEFECT_RATIO]),
        )
        for trust in trusts
    ]

    def total_sum(attr: str) -> Table72Cell:
        cells = [getattr(r, attr) for r in rows if getattr(r, attr).n]
        if not cells:
            return Table72Cell(0, None, None)
        return Table72Cell(
            sum(c.n for c in cells), sum(c.baseline for c in cells), sum(c.post for c in cells)
        )

    ratio_cells = [r.defect_ratio for r in rows if r.defect_ratio.n]
    ratio_total = (
        Table72Cell(
            sum(c.n for c in ratio_cells),
            sum(c.baseline for c in ratio_cells) / len(ratio_cells),
            sum(c.post for c in ratio_cells) / len(ratio_cells),
        )
        if ratio_cells
        else Table72Cell(0, None, None)
    )
    return rows, Table72Row("Total", total_sum("lead_time"), total_sum("defects"), ratio_total)


def table_7_2(
    *,
    post_day: int = DEFAULT_POST_DAY,
    as_at: dt.date | None = None,
    organisations: Iterable[Organisation] | None = None,
) -> tuple[list[Table72Row], Table72Row]:
    """RPIW measures, baseline vs post, per partner trust (Table 7.2), from the records."""
    organisations = list(organisations if organisations is not None else partner_trusts())
    pairs = measure_pairs(kinds=TABLE_7_2_KINDS, organisations=organisations, as_at=as_at)
    return table_7_2_from_pairs(pairs, post=post_day, trusts=[o.short_name for o in organisations])


def measurement_rows(user: Any, **filters: Any) -> list[dict]:
    """Every measurement the user may view, in the columns of the RPIW template-report import
    (``rpiw.imports``), so an export can be edited and imported again."""
    rows = (
        restrict(
            Measurement.objects.all(),
            user,
            Action.VIEW,
            via="measure__rpiw__value_stream__organisation",
        )
        .filter(**filters)
        .select_related("measure__rpiw__value_stream__organisation")
        .order_by("measure__rpiw__reference", "measure__order", "point")
    )
    out = []
    for m in rows:
        measure, rpiw = m.measure, m.measure.rpiw
        out.append(
            {
                "trust": rpiw.value_stream.organisation.short_name,
                "value_stream": rpiw.value_stream.name,
                "rpiw": rpiw.reference,
                "title": rpiw.title,
                "workshop_start": rpiw.workshop_start,
                "workshop_end": rpiw.workshop_end,
                "measure": measure.name,
                "measure_type": measure.kind,
                "unit": measure.unit,
                "point": "baseline" if m.point == 0 else str(m.point),
                "value": None if m.value is None else m.value.normalize(),
                "defects": m.defects,
                "output": m.output,
                "measured_on": m.measured_on,
            }
        )
    return out


# Read by the dashboards (dashboards).


def rpiws_planned_in(organisation: Organisation, start: dt.date, end: dt.date) -> list:
    """The trust's RPIWs whose workshop starts (or was planned to start) in the period."""
    from rpiw.models import Rpiw

    return list(
        Rpiw.objects.filter(
            value_stream__organisation=organisation,
            workshop_start__gte=start,
            workshop_start__lte=end,
        )
        .select_related("value_stream")
        .order_by("workshop_start", "reference")
    )


def workshops_per_year(organisation: Organisation, end: dt.date) -> int:
    """RPIW workshops held in the twelve months up to ``end`` (the report's "pace")."""
    from rpiw.models import ENDED_WITHOUT_WORKSHOP, Rpiw

    return (
        Rpiw.objects.filter(
            value_stream__organisation=organisation,
            workshop_start__gt=end - dt.timedelta(days=365),
            workshop_start__lte=end,
        )
        .exclude(status__in=ENDED_WITHOUT_WORKSHOP)
        .count()
    )


def value_stream_metrics(organisation: Organisation, *, until: dt.date) -> list:
    """The trust's value streams with their metrics, each metric's values up to ``until`` and
    the dates of its change requests (three queries)."""
    from rpiw.models import MetricChangeRequest, MetricValue, ValueStream, ValueStreamMetric

    return list(
        ValueStream.objects.filter(organisation=organisation)
        .prefetch_related(
            "objectives",
            Prefetch(
                "metrics",
                ValueStreamMetric.objects.prefetch_related(
                    Prefetch(
                        "values",
                        MetricValue.objects.filter(period_end__lte=until).order_by("period_end"),
                    ),
                    Prefetch(
                        "change_requests",
                        MetricChangeRequest.objects.only(
                            "pk", "metric_id", "proposed_on", "status"
                        ),
                    ),
                ).order_by("category", "name"),
            ),
        )
        .order_by("name")
    )


# --- Sustainment (verdicts at 60/90/120 days: rpiw.sustainment, docs/SUSTAINMENT.md) ---------


def sustainment_thresholds() -> Thresholds:
    """The ``SUSTAINMENT`` setting; a bad setting fails here with a message naming it."""
    try:
        return Thresholds.from_mapping(getattr(settings, "SUSTAINMENT", None))
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"settings.SUSTAINMENT: {exc}") from exc


def sustainment_record(pair: MeasurePair) -> MeasureRecord:
    """A measure pair as the sustainment module reads it (its checkpoints from the RPIW's)."""
    return MeasureRecord(
        baseline=pair.baseline,
        followups=pair.followups,
        lower_is_better=pair.direction == Direction.LOWER,
        workshop_end=pair.workshop_end,
        checkpoints=CHECKPOINTS if pair.follow_up_120 else CHECKPOINTS[:-1],
        key=pair.measure_id,
        rpiw=pair.rpiw,
        rpiw_id=pair.rpiw_id,
        value_stream=pair.value_stream,
        trust=pair.trust,
    )


def sustainment_records(
    *,
    organisations: Iterable[Organisation] | None = None,
    as_at: dt.date | None = None,
    user: Any = None,
) -> list[MeasureRecord]:
    """Every measure with a recorded value, as sustainment records (one query: the pairs of
    :func:`measure_pairs`, measurements dated by ``as_at``)."""
    pairs = measure_pairs(organisations=organisations, as_at=as_at, user=user)
    return [sustainment_record(pair) for pair in pairs]


def rpiw_sustainment_records(rpiw: Rpiw) -> list[MeasureRecord]:
    """The RPIW's measures as sustainment records, from its prefetched measures (no query);
    values as recorded (a defect ratio from its counts): the shares do not depend on the unit."""
    checkpoints = tuple(d for d in rpiw.follow_up_days if d in CHECKPOINTS)
    records = []
    for measure in rpiw.measures.all():
        values = {m.point: m.number for m in measure.measurements.all() if m.number is not None}
        records.append(
            MeasureRecord(
                baseline=values.pop(0, None),
                followups=values,
                lower_is_better=measure.direction == Direction.LOWER,
                workshop_end=rpiw.workshop_end,
                checkpoints=checkpoints,
                key=measure.pk,
                name=measure.name,
                rpiw=rpiw.reference,
                rpiw_id=rpiw.pk,
                value_stream=rpiw.value_stream.name,
                trust=rpiw.value_stream.organisation.short_name,
            )
        )
    return records


# --- For other apps' pages (impact's SPC charts of value-stream metrics) ----------------------


def metrics_for(user: Any) -> QuerySet[ValueStreamMetric]:
    """Value-stream metrics the user may view, by trust, value stream and name."""
    return restrict(
        ValueStreamMetric.objects.select_related("value_stream__organisation"),
        user,
        via="value_stream__organisation",
    ).order_by("value_stream__organisation__short_name", "value_stream__name", "name")


def metric_with_stream(pk: int) -> ValueStreamMetric:
    """One metric with its value stream and trust; raises ``ValueStreamMetric.DoesNotExist``."""
    return ValueStreamMetric.objects.select_related("value_stream__organisation").get(pk=pk)


def metric_points(metric: ValueStreamMetric) -> list[tuple[dt.date, Decimal]]:
    """(period end, value) of each recorded value of the metric, oldest first."""
    return list(metric.values.order_by("period_end").values_list("period_end", "value"))


# --- For the improvement-activity registry (networks: network position against activity) -----


def rpiw_team_members(organisation_id: int, as_of: dt.date) -> set[int]:
    """People of a trust on the team of an RPIW whose workshop had started by ``as_of``
    (cancelled and stood-down RPIWs left out: their teams never held the workshop)."""
    return set(
        Rpiw.objects.filter(
            value_stream__organisation_id=organisation_id,
            workshop_start__lte=as_of,
            team__person__organisation_id=organisation_id,
        )
        .exclude(status__in=ENDED_WITHOUT_WORKSHOP)
        .values_list("team__person_id", flat=True)
    )


def value_stream_leads(organisation_id: int, as_of: dt.date) -> set[int]:
    """People of a trust who lead one of its value streams started by ``as_of``."""
    return set(
        ValueStream.objects.filter(
            organisation_id=organisation_id,
            started_on__lte=as_of,
            lead__organisation_id=organisation_id,
        ).values_list("lead_id", flat=True)
    )
