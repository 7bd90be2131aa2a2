"""Daily work (Table 2.1): teams, huddles, production boards and versioned standard work."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from vmi_programme.audit import AuditTrail
from vmi_programme.models.organisations import Organisation, Person


def _scope(organisation_id: int | None):
    from vmi_programme.scope import Scope

    return Scope(organisation_id)


class TeamKind(models.TextChoices):
    WARD = "ward", "Ward"
    DEPARTMENT = "department", "Department"


class Team(models.Model):
    """A ward or department within a trust, led by a team lead (e.g. a ward manager)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=TeamKind.choices, default=TeamKind.WARD)
    lead = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="teams_led"
    )

    history = AuditTrail()

    class Meta:
        db_table = "vmi_programme_team"  # kept when the model moved from the core
        ordering = ["organisation__short_name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_team_per_trust"),
            models.CheckConstraint(condition=Q(kind__in=TeamKind.values), name="team_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.short_name})"

    def clean(self) -> None:
        if (
            self.lead_id
            and self.organisation_id
            and self.lead.organisation_id != self.organisation_id
        ):
            raise ValidationError({"lead": "The team lead must work in the same trust."})


class Huddle(models.Model):
    """A team's (usually daily) huddle at its production board."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="huddles")
    date = models.DateField()
    attendance_count = models.PositiveIntegerField()
    issues_raised = models.PositiveIntegerField(default=0)
    escalations = models.PositiveIntegerField(default=0)
    improvement_ideas = models.PositiveIntegerField(
        default=0, help_text="Improvement ideas logged at this huddle."
    )
    notes = models.TextField(blank=True)

    history = AuditTrail()

    class Meta:
        db_table = "vmi_programme_huddle"  # kept when the model moved from the core
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["team", "date"], name="one_huddle_per_team_day"),
            models.CheckConstraint(
                condition=Q(escalations__lte=models.F("issues_raised")),
                name="huddle_escalations_within_issues",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team.name} huddle, {self.date}"

    def access_scope(self):
        return _scope(self.team.organisation_id)

    def clean(self) -> None:
        if (self.escalations or 0) > (self.issues_raised or 0):
            raise ValidationError({"escalations": "Escalations cannot exceed the issues raised."})


class ProductionBoard(models.Model):
    """A team's visual-management board: the measures it tracks."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="boards")
    title = models.CharField(max_length=200)

    history = AuditTrail()

    class Meta:
        db_table = "vmi_programme_productionboard"  # kept when the model moved from the core
        ordering = ["team", "title"]
        constraints = [
            models.UniqueConstraint(fields=["team", "title"], name="unique_board_per_team")
        ]

    def __str__(self) -> str:
        return self.title

    def access_scope(self):
        return _scope(self.team.organisation_id)


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class BoardMeasure(models.Model):
    """One measure on a production board, with its target."""

    board = models.ForeignKey(ProductionBoard, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=40, blank=True)
    target = models.DecimalField(max_digits=12, decimal_places=2)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.HIGHER)

    history = AuditTrail()

    class Meta:
        db_table = "vmi_programme_boardmeasure"  # kept when the model moved from the core
        ordering = ["board", "name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "name"], name="unique_measure_per_board")
        ]

    def __str__(self) -> str:
        return self.name

    def access_scope(self):
        return _scope(self.board.team.organisation_id)


class BoardValue(models.Model):
    """A value of a board measure on a date (boards are updated daily or weekly)."""

    measure = models.ForeignKey(BoardMeasure, on_delete=models.CASCADE, related_name="values")
    recorded_on = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=2)

    history = AuditTrail()

    class Meta:
        db_table = "vmi_programme_boardvalue"  # kept when the model moved from the core
        ordering = ["measure", "recorded_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "recorded_on"], name="one_board_value_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure.name} {self.recorded_on}: {self.value}"

    def access_scope(self):
        return _scope(self.measure.board.team.organisation_id)


class StandardWorkDocument(models.Model):
    """A standard work document. Its content lives in immutable ``StandardWorkVersion`` rows."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="standard_work"
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="standard_work"
    )
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="standard_work_owned")
    emergency_response = models.BooleanField(
        default=False, help_text="Created for an emergency response (e.g. pandemic ward flipping)."
    )
    current_version = models.PositiveIntegerField(default=0)

    history = AuditTrail()

    class Meta:
        db_table = "vmi_programme_standardworkdocument"  # kept when the model moved from the core
        ordering = ["organisation__short_name", "pk"]

    def __str__(self) -> str:
        latest = self.latest_version
        return latest.title if latest else f"Standard work #{self.pk}"

    @property
    def latest_version(self):
        cached = getattr(self, "_latest", None)
        if cached is None and self.pk:
            cached = self.versions.filter(number=self.current_version).first()
            self._latest = cached
        return cached

    def clean(self) -> None:
        if (
            self.team_id
            and self.organisation_id
            and self.team.organisation_id != self.organisation_id
        ):
            raise ValidationError({"team": "Choose a team of the same trust."})
        if (
            self.owner_id
            and self.organisation_id
            and self.owner.organisation_id != self.organisation_id
        ):
            raise ValidationError({"owner": "The owner must work in the same trust."})


class StandardWorkVersion(models.Model):
    """One version of a standard work document: never changed once written."""

    document = models.ForeignKey(
        StandardWorkDocument, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    steps = models.JSONField(help_text="The process steps, in order (a list of strings).")
    reason = models.TextField(help_text="Why this version was written.")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    changed_at = models.DateTimeField()

    history = AuditTrail()

    class Meta:
        db_table = "vmi_programme_standardworkversion"  # kept when the model moved from the core
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_version_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("A standard work version is never changed: write a new version.")
        return super().save(*args, **kwargs)

    def access_scope(self):
        return _scope(self.document.organisation_id)

    def clean(self) -> None:
        steps = self.steps
        if (
            not isinstance(steps, list)
            or not steps
            or not all(isinstance(step, str) and step.strip() for step in steps)
        ):
            raise ValidationError({"steps": "Give at least one process step, each as text."})
        if not (self.reason or "").strip():
            raise ValidationError({"reason": "Say why this version was written."})
