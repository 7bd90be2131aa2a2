"""Value streams, their metrics and change history, RPIWs with teams, measures and follow-ups.

The golden thread runs national priority → strategic objective (vmi_programme) → value stream →
metric and RPIW (here). A measure knows whether it is complete and when its follow-ups are due;
published figures (Tables 7.1, 7.2) are computed from these records in ``rpiw.selectors``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from governance.models import Meeting, StrategicObjective
from vmi_programme.audit import AuditTrail
from vmi_programme.models import Organisation, Person

from .constants import EARLIEST_DATE, LATEST_DATE, MAX_MEASURES_PER_RPIW

FOLLOW_UP_DAYS = (30, 60, 90)
OPTIONAL_FOLLOW_UP_DAY = 120
WORKSHOP_DAYS = (3, 5)  # a workshop runs 3–5 consecutive days
DEFAULT_WORKSHOP_DAYS = 5  # start + 4 days
PLANNING_WEEKS = 8


def _scope(organisation_id: int | None):
    from vmi_programme.scope import Scope

    return Scope(organisation_id)


# --- Value streams --------------------------------------------------------------------------


class ValueStreamStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    CLOSED = "closed", "Closed"


class Selection(models.TextChoices):
    TOP_DOWN = "top_down", "Top-down (chosen by executives)"
    BOTTOM_UP = "bottom_up", "Bottom-up (chosen through staff engagement)"


class ValueStream(models.Model):
    """A linked set of processes delivering an outcome for one patient group (report § 7.1)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="value_streams"
    )
    name = models.CharField(max_length=200)
    scope = models.TextField(
        blank=True, help_text="The linked processes in this value stream, in order."
    )
    scope_start = models.CharField("starts at", max_length=200, blank=True)
    scope_end = models.CharField("ends at", max_length=200, blank=True)
    patient_group = models.CharField(max_length=200, blank=True)
    executive_sponsor = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lead = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="value-stream lead",
    )
    facilitator = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="KPO facilitator",
    )
    started_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=ValueStreamStatus.choices, default=ValueStreamStatus.ACTIVE
    )
    selection = models.CharField(
        "how it was selected", max_length=20, choices=Selection.choices, blank=True
    )
    selection_rationale = models.TextField(blank=True)
    objectives = models.ManyToManyField(
        StrategicObjective,
        blank=True,
        related_name="value_streams",
        help_text="The trust's strategic objectives this value stream serves.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = AuditTrail()

    class Meta:
        ordering = ["organisation__short_name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="unique_value_stream_name_per_trust"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ValueStreamStatus.values), name="value_stream_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(selection__in=[*Selection.values, ""]),
                name="value_stream_selection_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        for name in ("executive_sponsor", "lead", "facilitator"):
            person = getattr(self, name)
            if person is not None and person.organisation_id != self.organisation_id:
                errors[name] = "Choose someone from this trust."
        if errors:
            raise ValidationError(errors)

    @property
    def has_golden_thread(self) -> bool:
        """Aligned to at least one objective (uses the prefetched objectives when present)."""
        return bool(self.objectives.all())


class MetricCategory(models.TextChoices):
    QUALITY = "quality", "Quality"
    SERVICE = "service", "Service"
    DELIVERY = "delivery", "Delivery"
    MORALE = "morale", "Morale"
    COST = "cost", "Cost"


class Direction(models.TextChoices):
    LOWER = "lower", "Lower is better"
    HIGHER = "higher", "Higher is better"


class Frequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"


# The fields of a metric that only an approved change request may change.
VERSIONED_FIELDS = ("name", "definition", "unit", "direction", "target")


class ValueStreamMetric(models.Model):
    """A high-level value-stream metric in one of the five categories.

    Its definition and target change only through an approved :class:`MetricChangeRequest`;
    each state is kept as a :class:`MetricVersion`, so the history stays visible.
    """

    value_stream = models.ForeignKey(ValueStream, on_delete=models.CASCADE, related_name="metrics")
    category = models.CharField(max_length=20, choices=MetricCategory.choices)
    name = models.CharField(max_length=200)
    definition = models.TextField()
    unit = models.CharField(max_length=60)
    direction = models.CharField(
        "direction of improvement", max_length=10, choices=Direction.choices
    )
    baseline = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    data_source = models.CharField(max_length=200, blank=True)
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default="monthly")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = AuditTrail()

    class Meta:
        ordering = ["value_stream", "category", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["value_stream", "name"], name="unique_metric_name_per_value_stream"
            ),
            models.CheckConstraint(
                condition=Q(category__in=MetricCategory.values), name="metric_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="metric_direction_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_category_display()})"

    @property
    def latest_value(self):
        """The most recent recorded value (values are ordered by period; pages prefetch them)."""
        values = list(self.values.all())
        return values[-1] if values else None

    def access_scope(self):
        return _scope(self.value_stream.organisation_id)


class MetricVersion(models.Model):
    """One state of a metric's definition and target, from the date it took effect."""

    metric = models.ForeignKey(ValueStreamMetric, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    definition = models.TextField()
    unit = models.CharField(max_length=60)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    target = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    effective_from = models.DateField()
    change_request = models.OneToOneField(
        "MetricChangeRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resulting_version",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = AuditTrail()

    class Meta:
        ordering = ["metric", "number"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "number"], name="unique_metric_version")
        ]

    def __str__(self) -> str:
        return f"{self.metric.name} v{self.number}"

    def access_scope(self):
        return self.metric.access_scope()


class ChangeStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed (awaiting TGT)"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class MetricChangeRequest(models.Model):
    """A proposed change to a metric's definition or target, decided at a TGT meeting."""

    metric = models.ForeignKey(
        ValueStreamMetric, on_delete=models.CASCADE, related_name="change_requests"
    )
    proposed_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    proposed_on = models.DateField()
    rationale = models.TextField(
        help_text='Why the metric should change, e.g. "too high level: a 30-theatre '
        "productivity metric hides one theatre's change\"."
    )
    new_name = models.CharField(max_length=200, blank=True)
    new_definition = models.TextField(blank=True)
    new_unit = models.CharField(max_length=60, blank=True)
    new_direction = models.CharField(max_length=10, choices=Direction.choices, blank=True)
    new_target = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ChangeStatus.choices, default=ChangeStatus.PROPOSED
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="metric_change_requests",
        help_text="The TGT meeting that decided it.",
    )
    decided_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = AuditTrail()

    class Meta:
        ordering = ["-proposed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(rationale=""), name="metric_change_has_rationale"),
            models.CheckConstraint(
                condition=Q(status__in=ChangeStatus.values), name="metric_change_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ChangeStatus.APPROVED, ChangeStatus.REJECTED])
                | (
                    Q(meeting__isnull=False)
                    & Q(decided_by__isnull=False)
                    & Q(decided_on__isnull=False)
                ),
                name="metric_change_decision_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"Change to {self.metric.name} ({self.get_status_display()})"

    def access_scope(self):
        return self.metric.access_scope()

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, current value, proposed value) for each field this request changes."""
        return self.changes_against(self.metric)

    def changes_against(self, metric) -> list[tuple[str, object, object]]:
        out = []
        for name in VERSIONED_FIELDS:
            proposed = getattr(self, f"new_{name}")
            if proposed in (None, ""):
                continue
            current = getattr(metric, name)
            if proposed != current:
                out.append((name, current, proposed))
        return out

    def clean(self) -> None:
        if not (self.rationale or "").strip():
            raise ValidationError({"rationale": "Say why the metric should change."})
        if self.metric_id and not self.changes() and self.status == ChangeStatus.PROPOSED:
            raise ValidationError(
                "The change request changes nothing: give a new definition, target, name, "
                "unit or direction."
            )


class MetricValue(models.Model):
    """One point of a metric's time series."""

    metric = models.ForeignKey(ValueStreamMetric, on_delete=models.CASCADE, related_name="values")
    period_end = models.DateField()
    value = models.DecimalField(max_digits=16, decimal_places=4)
    note = models.CharField(max_length=300, blank=True)

    history = AuditTrail()

    class Meta:
        ordering = ["metric", "period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "period_end"], name="one_metric_value_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric.name} {self.period_end}: {self.value}"

    def access_scope(self):
        return self.metric.access_scope()


# --- RPIWs ----------------------------------------------------------------------------------


class RpiwStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    PREPARING = "preparing", "Preparing"
    WORKSHOP = "workshop", "Workshop"
    FOLLOW_UP = "follow_up", "Follow-up"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"
    STOOD_DOWN = "stood_down", "Stood down"


STAGES = [
    RpiwStatus.PLANNED,
    RpiwStatus.PREPARING,
    RpiwStatus.WORKSHOP,
    RpiwStatus.FOLLOW_UP,
    RpiwStatus.CLOSED,
]
ENDED_WITHOUT_WORKSHOP = (RpiwStatus.CANCELLED, RpiwStatus.STOOD_DOWN)
ACTIVE_STATUSES = (
    RpiwStatus.PLANNED,
    RpiwStatus.PREPARING,
    RpiwStatus.WORKSHOP,
    RpiwStatus.FOLLOW_UP,
)
# Allowed moves. Stood down (paused under outside pressure) may be taken up again.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    RpiwStatus.PLANNED: (RpiwStatus.PREPARING, RpiwStatus.CANCELLED, RpiwStatus.STOOD_DOWN),
    RpiwStatus.PREPARING: (
        RpiwStatus.WORKSHOP,
        RpiwStatus.PLANNED,
        RpiwStatus.CANCELLED,
        RpiwStatus.STOOD_DOWN,
    ),
    RpiwStatus.WORKSHOP: (RpiwStatus.FOLLOW_UP, RpiwStatus.CANCELLED, RpiwStatus.STOOD_DOWN),
    RpiwStatus.FOLLOW_UP: (RpiwStatus.CLOSED, RpiwStatus.STOOD_DOWN),
    RpiwStatus.CLOSED: (RpiwStatus.FOLLOW_UP,),
    RpiwStatus.CANCELLED: (),
    RpiwStatus.STOOD_DOWN: (RpiwStatus.PLANNED, RpiwStatus.PREPARING),
}


class RpiwQuerySet(models.QuerySet):
    def for_organisation(self, organisation_id: int):
        return self.filter(value_stream__organisation_id=organisation_id)


class Rpiw(models.Model):
    """A Rapid Process Improvement Workshop: ~8 weeks' planning, a 3–5 day workshop, follow-ups."""

    value_stream = models.ForeignKey(ValueStream, on_delete=models.PROTECT, related_name="rpiws")
    reference = models.CharField(max_length=40, unique=True, help_text="e.g. SASH-RPIW-024")
    title = models.CharField(max_length=200)
    process_start = models.CharField("process starts at", max_length=200, blank=True)
    process_end = models.CharField("process ends at", max_length=200, blank=True)
    problem_statement = models.TextField(blank=True)
    target_statement = models.TextField("target", blank=True)
    facilitator = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilitated_rpiws",
        verbose_name="KPO facilitator",
    )
    workshop_start = models.DateField()
    workshop_end = models.DateField()
    workshop_length_reason = models.TextField(
        blank=True, help_text="Why the workshop is shorter than 3 or longer than 5 days."
    )
    follow_up_120 = models.BooleanField(
        "also follow up at 120 days", default=False, help_text="Add a 120-day follow-up."
    )
    status = models.CharField(max_length=20, choices=RpiwStatus.choices, default="planned")
    status_reason = models.TextField(blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    patient_rep_exception = models.TextField(
        "no patient representative because",
        blank=True,
        help_text="Recorded exception allowing the workshop without a patient representative.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RpiwQuerySet.as_manager()

    history = AuditTrail()

    class Meta:
        ordering = ["-workshop_start", "reference"]
        verbose_name = "RPIW"
        constraints = [
            models.CheckConstraint(
                condition=Q(workshop_end__gte=F("workshop_start")),
                name="rpiw_workshop_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RpiwStatus.values), name="rpiw_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=ENDED_WITHOUT_WORKSHOP) | ~Q(status_reason=""),
                name="rpiw_cancelled_or_stood_down_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "workshop_end"]),
            # The default ordering: lists and the API read the newest page without a sort.
            models.Index(fields=["-workshop_start", "reference"], name="rpiw_newest_first"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def access_scope(self):
        return _scope(self.value_stream.organisation_id)

    @property
    def workshop_days(self) -> int:
        return (self.workshop_end - self.workshop_start).days + 1

    @property
    def planning_starts_on(self) -> dt.date:
        return self.workshop_start - dt.timedelta(weeks=PLANNING_WEEKS)

    @property
    def follow_up_days(self) -> tuple[int, ...]:
        return FOLLOW_UP_DAYS + ((OPTIONAL_FOLLOW_UP_DAY,) if self.follow_up_120 else ())

    def due_on(self, day: int) -> dt.date:
        """When the ``day``-day follow-up is due: that many days after the workshop ends."""
        return self.workshop_end + dt.timedelta(days=day)

    def due_dates(self) -> list[tuple[int, dt.date]]:
        return [(day, self.due_on(day)) for day in self.follow_up_days]

    @property
    def is_ended_without_workshop(self) -> bool:
        return self.status in ENDED_WITHOUT_WORKSHOP

    def has_patient_representative(self) -> bool:
        return any(m.role == TeamRole.PATIENT_REP for m in self.team.all())

    def allowed_transitions(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.status, ())

    def clean(self) -> None:
        errors = {}
        for name in ("workshop_start", "workshop_end"):
            value = getattr(self, name)
            if isinstance(value, dt.date) and not EARLIEST_DATE <= value <= LATEST_DATE:
                errors[name] = f"Give a date from {EARLIEST_DATE.year} to {LATEST_DATE.year}."
        if errors:  # the checks below compare and add days to these dates
            raise ValidationError(errors)
        if self.workshop_start and self.workshop_end:
            if self.workshop_end < self.workshop_start:
                errors["workshop_end"] = "The workshop cannot end before it starts."
            else:
                low, high = WORKSHOP_DAYS
                if not low <= self.workshop_days <= high and not self.workshop_length_reason:
                    errors["workshop_length_reason"] = (
                        f"The workshop runs {self.workshop_days} day(s); an RPIW workshop is "
                        f"{low}–{high} consecutive days. Record the reason for the exception."
                    )
        if self.status in ENDED_WITHOUT_WORKSHOP and not self.status_reason.strip():
            errors["status_reason"] = "Record why the RPIW was cancelled or stood down."
        if (
            self.facilitator_id
            and self.value_stream_id
            and self.facilitator.organisation_id != self.value_stream.organisation_id
        ):
            errors["facilitator"] = "Choose a facilitator from this trust."
        if errors:
            raise ValidationError(errors)


class RpiwStatusChange(models.Model):
    """Every status move of an RPIW, with who made it and why (stood-down RPIWs stay visible)."""

    rpiw = models.ForeignKey(Rpiw, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=RpiwStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=RpiwStatus.choices)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    history = AuditTrail()

    class Meta:
        ordering = ["rpiw", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.rpiw.reference}: {self.from_status or '—'} → {self.to_status}"

    def access_scope(self):
        return self.rpiw.access_scope()


class PlanningStep(models.TextChoices):
    SCOPE = "scope", "Scope agreed"
    TEAM = "team", "Team chosen"
    BASELINE = "baseline", "Baseline data collected"
    LOGISTICS = "logistics", "Logistics arranged"
    OTHER = "other", "Other"


# The default checklist: (step, weeks before the workshop it is due).
DEFAULT_PLANNING = [
    (PlanningStep.SCOPE, 8),
    (PlanningStep.TEAM, 6),
    (PlanningStep.BASELINE, 2),
    (PlanningStep.LOGISTICS, 1),
]


class PlanningTask(models.Model):
    """One item of an RPIW's planning checklist, with its due date and when it was done."""

    rpiw = models.ForeignKey(Rpiw, on_delete=models.CASCADE, related_name="planning_tasks")
    step = models.CharField(max_length=20, choices=PlanningStep.choices)
    title = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = AuditTrail()

    class Meta:
        ordering = ["rpiw", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(step__in=PlanningStep.values), name="planning_step_valid"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def access_scope(self):
        return self.rpiw.access_scope()

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


class TeamRole(models.TextChoices):
    SPONSOR = "sponsor", "Executive sponsor"
    PROCESS_OWNER = "process_owner", "Process owner"
    TEAM_LEAD = "team_lead", "Team lead"
    FACILITATOR = "facilitator", "Facilitator"
    FRONT_LINE = "front_line", "Front-line staff"
    PATIENT_REP = "patient_rep", "Patient representative"


class TeamMember(models.Model):
    """A member of an RPIW's temporary team. Patient representatives need no staff record."""

    rpiw = models.ForeignKey(Rpiw, on_delete=models.CASCADE, related_name="team")
    role = models.CharField(max_length=20, choices=TeamRole.choices)
    name = models.CharField(max_length=200)
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="rpiw_teams"
    )
    note = models.CharField(max_length=200, blank=True)

    history = AuditTrail()

    class Meta:
        ordering = ["rpiw", "role", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=TeamRole.values), name="team_role_valid"),
            models.UniqueConstraint(
                fields=["rpiw", "name", "role"], name="unique_team_member_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    def access_scope(self):
        return self.rpiw.access_scope()


class MeasureKind(models.TextChoices):
    LEAD_TIME = "lead_time", "Process lead time"
    DEFECTS = "defects", "Total defects"
    DEFECT_RATIO = "defect_ratio", "Defect ratio (defects / output)"
    EHS = "ehs", "Environment, health and safety"
    OTHER = "other", "Other"


class TimeUnit(models.TextChoices):
    MINUTES = "minutes", "Minutes"
    HOURS = "hours", "Hours"
    DAYS = "days", "Days"


class Measure(models.Model):
    """One of up to eight RPIW measures, measured at baseline and at 30/60/90(/120) days."""

    rpiw = models.ForeignKey(Rpiw, on_delete=models.CASCADE, related_name="measures")
    order = models.PositiveSmallIntegerField(help_text="1–8: an RPIW has at most eight measures.")
    kind = models.CharField(max_length=20, choices=MeasureKind.choices)
    name = models.CharField(max_length=200)
    unit = models.CharField(
        max_length=60, blank=True, help_text="For lead time: minutes, hours or days."
    )
    direction = models.CharField(max_length=10, choices=Direction.choices, default="lower")

    history = AuditTrail()

    class Meta:
        ordering = ["rpiw", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rpiw", "order"], name="unique_measure_order"),
            models.UniqueConstraint(fields=["rpiw", "name"], name="unique_measure_name"),
            models.CheckConstraint(
                condition=Q(order__gte=1) & Q(order__lte=MAX_MEASURES_PER_RPIW),
                name="at_most_eight_measures_per_rpiw",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MeasureKind.values), name="measure_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind=MeasureKind.LEAD_TIME) | Q(unit__in=TimeUnit.values),
                name="lead_time_has_time_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def access_scope(self):
        return self.rpiw.access_scope()

    @property
    def is_ratio(self) -> bool:
        return self.kind == MeasureKind.DEFECT_RATIO

    def clean(self) -> None:
        if self.kind == MeasureKind.LEAD_TIME and self.unit not in TimeUnit.values:
            raise ValidationError({"unit": "A lead time is in minutes, hours or days."})
        if self.kind == MeasureKind.DEFECT_RATIO and not self.unit:
            self.unit = "defects per output"

    def _by_point(self) -> dict[int, Measurement]:
        return {m.point: m for m in self.measurements.all()}  # uses prefetched rows

    @property
    def baseline(self) -> Measurement | None:
        return self._by_point().get(0)

    def follow_up(self, day: int) -> Measurement | None:
        return self._by_point().get(day)

    @property
    def is_complete(self) -> bool:
        """Complete = a baseline and at least one follow-up (the issue's definition).

        Tables 7.1 and 7.2 use the stricter "baseline and the post follow-up" (90 days): see
        ``rpiw.selectors``.
        """
        points = self._by_point()
        return 0 in points and any(p > 0 for p in points)

    def has_pair(self, post_day: int = 90) -> bool:
        points = self._by_point()
        return 0 in points and post_day in points

    def last_follow_up(self) -> Measurement | None:
        points = self._by_point()
        days = [p for p in points if p > 0]
        return points[max(days)] if days else None


class Point(models.IntegerChoices):
    BASELINE = 0, "Baseline"
    DAY_30 = 30, "30 days"
    DAY_60 = 60, "60 days"
    DAY_90 = 90, "90 days"
    DAY_120 = 120, "120 days"


class Measurement(models.Model):
    """A measure's value at baseline or at one follow-up point (days after the workshop ends).

    A defect ratio is stored as its two counts so the ratio can be recomputed; other kinds
    store ``value`` (a lead time in the measure's unit, a count of defects...).
    """

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="measurements")
    point = models.PositiveSmallIntegerField(choices=Point.choices)
    value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    defects = models.PositiveIntegerField(null=True, blank=True)
    output = models.PositiveIntegerField(null=True, blank=True)
    measured_on = models.DateField(
        null=True, blank=True, help_text="The actual date of the measurement."
    )
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    history = AuditTrail()

    class Meta:
        ordering = ["measure", "point"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "point"], name="one_measurement_per_point"),
            models.CheckConstraint(
                condition=Q(point__in=Point.values), name="measurement_point_valid"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="measurement_value_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(defects__isnull=True, output__isnull=True)
                | Q(defects__isnull=False, output__gte=1, defects__lte=F("output")),
                name="measurement_defects_within_output",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(output__isnull=False),
                name="measurement_has_a_value",
            ),
        ]
        # The API's ?ordering=measured_on (ADR 10), with its tiebreaker.
        indexes = [models.Index(fields=["measured_on", "id"], name="measurement_measured_on_id")]

    def __str__(self) -> str:
        return f"{self.measure.name} at {self.get_point_display()}"

    def access_scope(self):
        return self.measure.access_scope()

    @property
    def ratio(self) -> Decimal | None:
        if self.output:
            return Decimal(self.defects) / Decimal(self.output)
        return None

    @property
    def value_display(self) -> str:
        """The value without trailing zeros (8.25, not 8.2500)."""
        return "" if self.value is None else f"{self.value.normalize():f}"

    @property
    def number(self) -> Decimal | None:
        """The figure this measurement stands for: the ratio for a defect ratio, else value."""
        return self.ratio if self.output else self.value

    def clean(self) -> None:
        errors = {}
        measure = self.measure
        if measure.is_ratio:
            if self.defects is None:
                errors["defects"] = "Enter the number of defects."
            if self.output is None:
                errors["output"] = "Enter the total output (how many went through the process)."
            elif self.output < 1:
                errors["output"] = "The output must be at least 1."
            elif self.defects is not None and self.defects > self.output:
                errors["defects"] = (
                    f"Defects ({self.defects}) cannot be greater than the output ({self.output})."
                )
        else:
            if self.value is None:
                errors["value"] = "Enter a value."
            elif self.value < 0:
                what = "time" if measure.kind == MeasureKind.LEAD_TIME else "value"
                errors["value"] = f"A {what} cannot be negative."
            elif measure.kind in (MeasureKind.DEFECTS, MeasureKind.EHS) and (
                self.value != self.value.to_integral_value()
            ):
                errors["value"] = "A count of defects is a whole number."
            if self.defects is not None or self.output is not None:
                errors["output"] = "Defects and output are only for a defect-ratio measure."
        rpiw = measure.rpiw
        if self.point and self.point not in rpiw.follow_up_days:
            errors["point"] = "This RPIW has no 120-day follow-up (tick it on the RPIW first)."
        if self.measured_on and self.point and self.measured_on < rpiw.workshop_end:
            errors["measured_on"] = (
                f"A follow-up cannot be dated before the workshop ended "
                f"({rpiw.workshop_end:%-d %b %Y})."
            )
        if errors:
            raise ValidationError(errors)


# --- Reminders and notifications ------------------------------------------------------------


class Notification(models.Model):
    """An in-app message to one user (follow-up reminders), shown until read."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rpiw_notifications"
    )
    text = models.CharField(max_length=400)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text

    def access_scope(self):
        person = Person.objects.filter(user_id=self.recipient_id).first()
        return _scope(person.organisation_id if person else None)


class FollowUpReminder(models.Model):
    """A reminder sent for one follow-up point of one RPIW on one day (keeps them idempotent)."""

    rpiw = models.ForeignKey(Rpiw, on_delete=models.CASCADE, related_name="reminders")
    point = models.PositiveSmallIntegerField(choices=Point.choices)
    sent_on = models.DateField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-sent_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["rpiw", "point", "sent_on"], name="one_reminder_per_follow_up_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rpiw.reference} {self.point}-day reminder {self.sent_on}"

    def access_scope(self):
        return self.rpiw.access_scope()
