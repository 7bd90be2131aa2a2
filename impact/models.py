"""Organisational series (measures and monthly values), organisation characteristics, peer groups."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from vmi_programme.audit import AuditTrail
from vmi_programme.models import Organisation, OrganisationKind
from vmi_programme.scope import Scope


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
    NEITHER = "neither", "Neither (activity, context)"


class Computation(models.TextChoices):
    VALUE = "value", "Value as given"
    RATIO = "ratio", "Scale × numerator / denominator"


class Measure(models.Model):
    """A monthly organisational measure (e.g. A&E FFT % recommend, staff turnover %).

    Measures whose definition changed are separate measures: the FFT "% recommend" of
    2013–2020 and the "% positive" of the question asked from April 2020 never share a series.
    A ratio measure stores the numerator and denominator of each month and computes the value
    (turnover = 100 × leavers / mean headcount), so the value is never typed in.
    """

    code = models.SlugField(max_length=60, unique=True, help_text="e.g. fft_ae_recommend")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=40, blank=True, help_text="e.g. %, attendances")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    computation = models.CharField(
        max_length=10, choices=Computation.choices, default=Computation.VALUE
    )
    scale = models.FloatField(default=1.0, help_text="Multiplier of a ratio, e.g. 100 for %.")
    numerator_label = models.CharField(max_length=80, blank=True, help_text="e.g. leavers")
    denominator_label = models.CharField(max_length=80, blank=True, help_text="e.g. headcount")
    valid_from = models.DateField(null=True, blank=True, help_text="First month of this era.")
    valid_to = models.DateField(null=True, blank=True, help_text="Last month of this era.")
    source = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)

    history = AuditTrail()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="measure_direction_valid"
            ),
            models.CheckConstraint(
                condition=Q(computation__in=Computation.values), name="measure_computation_valid"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="measure_era_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def access_scope(self) -> Scope:
        return Scope.partnership()

    @property
    def improvement(self) -> str | None:
        """The direction in the words of the SPC library: "increase", "decrease" or None."""
        return {Direction.HIGHER: "increase", Direction.LOWER: "decrease"}.get(self.direction)

    def value_from(self, numerator: float | None, denominator: float | None) -> float | None:
        """The value of a ratio measure from its parts (None when either is missing)."""
        if numerator is None or denominator is None or denominator == 0:
            return None
        return self.scale * numerator / denominator


class SeriesValue(models.Model):
    """One month of one measure for one organisation; ``value`` None means missing/suppressed."""

    # No index of their own: the unique key (organisation, measure, period) leads with the
    # organisation and the (measure, period) index with the measure, and every index is paid
    # for on each of a large import's rows (ADR 19).
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="series_values", db_index=False
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="values", db_index=False
    )
    period = models.DateField(help_text="The first day of the month.")
    value = models.FloatField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    # The audit page looks history rows up by date, record id, source, user and owner, never
    # by organisation or measure (ADR 19).
    history = AuditTrail(no_db_index=["organisation", "measure"])

    class Meta:
        ordering = ["measure", "organisation", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "measure", "period"], name="series_value_unique_month"
            ),
            models.CheckConstraint(condition=Q(period__day=1), name="series_value_first_of_month"),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0),
                name="series_value_denominator_positive",
            ),
        ]
        # (measure, organisation, period) lookups use the unique key, which holds the same
        # columns; this index serves a measure's months across organisations.
        indexes = [models.Index(fields=["measure", "period"])]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.organisation_id} {self.period:%Y-%m}: {self.value}"

    def access_scope(self) -> Scope:
        return series_scope(self.organisation)


def series_scope(organisation: Organisation) -> Scope:
    """Peer trusts' series are public national statistics held for the partnership as a whole;
    a partner trust's series belong to that trust."""
    if organisation.kind == OrganisationKind.PEER_TRUST:
        return Scope.partnership()
    return Scope(organisation.pk)


class OrganisationCharacteristic(models.Model):
    """A characteristic used to choose peers (attendances, deprivation, case mix...), as of a date."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="characteristics"
    )
    name = models.CharField(
        max_length=80,
        validators=[RegexValidator(r"^[a-z0-9_]+$", "Use lower-case letters, digits and _.")],
        help_text="e.g. log_type1_attendances",
    )
    value = models.FloatField()
    as_of = models.DateField()
    source = models.CharField(max_length=200, blank=True)

    history = AuditTrail()

    class Meta:
        ordering = ["organisation", "name", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name", "as_of"], name="characteristic_unique_as_of"
            ),
        ]
        indexes = [models.Index(fields=["name", "as_of"])]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.name} = {self.value} ({self.as_of})"

    def access_scope(self) -> Scope:
        return series_scope(self.organisation)


class PeerMethod(models.TextChoices):
    NEAREST = "nearest", "Nearest by standardised Euclidean distance"
    MANUAL = "manual", "Entered by hand"


class PeerGroup(models.Model):
    """A partner trust's peers for controlled ITS; the newest group of a trust is the current one."""

    trust = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="peer_groups")
    method = models.CharField(max_length=10, choices=PeerMethod.choices)
    features = models.JSONField(
        default=list, blank=True, help_text="The characteristics the distances were computed on."
    )
    weights = models.JSONField(default=dict, blank=True)
    as_of = models.DateField(null=True, blank=True, help_text="Characteristics as of this date.")
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = AuditTrail()

    class Meta:
        ordering = ["trust", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=PeerMethod.values), name="peer_group_method_valid"
            ),
        ]
        indexes = [models.Index(fields=["trust", "-created_at"])]

    def __str__(self) -> str:
        return f"Peers of {self.trust} ({self.get_method_display()}, {self.created_at:%Y-%m-%d})"

    def access_scope(self) -> Scope:
        return Scope(self.trust_id)

    def peer_codes(self) -> list[str]:
        return [m.peer.ods_code for m in self.members.all()]


class PeerGroupMember(models.Model):
    """One peer of a group, with its rank and distance (distance empty when entered by hand)."""

    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, related_name="members")
    peer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField()
    distance = models.FloatField(null=True, blank=True)

    history = AuditTrail()

    class Meta:
        ordering = ["group", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["group", "peer"], name="peer_once_per_group"),
            models.UniqueConstraint(fields=["group", "rank"], name="peer_rank_once_per_group"),
            models.CheckConstraint(
                condition=Q(distance__isnull=True) | Q(distance__gte=0),
                name="peer_distance_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.peer}"

    def access_scope(self) -> Scope:
        return self.group.access_scope()


class LimitChange(models.TextChoices):
    FIX = "fix", "Fix the limits on a baseline from this point"
    REBASE = "rebase", "Recalculate the limits from this point"


class ChartBaseline(models.Model):
    """A baseline fixed, or the limits recalculated, on one SPC chart from one point, and why.

    ``chart_key`` names the chart's series: ``series:<measure code>:<ODS code>`` (an
    organisational series), ``metric:<pk>`` (a value-stream metric) or ``board:<pk>`` (a
    production-board measure). ``organisation`` owns the series, for the access policy. A fixed
    baseline computes the limits from its first ``points`` points and extends them forward; a
    rebase starts new limits computed from all the points up to the next change.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="chart_baselines"
    )
    chart_key = models.CharField(max_length=120)
    change = models.CharField(max_length=10, choices=LimitChange.choices)
    starts_on = models.DateField(help_text="The period from which the change applies.")
    points = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How many points the fixed baseline holds."
    )
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = AuditTrail()

    class Meta:
        ordering = ["chart_key", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["chart_key", "starts_on"], name="chart_baseline_once_per_point"
            ),
            models.CheckConstraint(
                condition=Q(change__in=LimitChange.values), name="chart_baseline_change_valid"
            ),
            models.CheckConstraint(
                condition=(Q(change=LimitChange.FIX) & Q(points__gte=2))
                | (Q(change=LimitChange.REBASE) & Q(points__isnull=True)),
                name="chart_baseline_fix_has_points",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="chart_baseline_has_reason"),
        ]

    def __str__(self) -> str:
        # The audit trail shows this: what changed, from when, and why.
        return (
            f"{self.chart_key}: {self.get_change_display()} ({self.starts_on:%b %Y}), "
            f"because {self.reason[:80]}"
        )

    def access_scope(self) -> Scope:
        return series_scope(self.organisation)
