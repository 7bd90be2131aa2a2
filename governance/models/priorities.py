"""The top of the golden thread: national priorities and each trust's strategic objectives."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from vmi_programme.audit import AuditTrail
from vmi_programme.models.organisations import Organisation


class NationalPriority(models.Model):
    """A priority the regulator sets for every trust (e.g. the A&E 4-hour standard)."""

    code = models.SlugField(max_length=40, unique=True, help_text="A short stable key, e.g. ae-4h")
    title = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    set_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="national_priorities",
        help_text="The regulator that set it.",
    )
    active_from = models.DateField(null=True, blank=True)
    active_until = models.DateField(null=True, blank=True)

    history = AuditTrail()

    class Meta:
        db_table = "vmi_programme_nationalpriority"  # kept when the model moved from the core
        ordering = ["title"]
        verbose_name_plural = "national priorities"
        constraints = [
            models.CheckConstraint(
                condition=Q(active_until__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_until__gte=F("active_from")),
                name="national_priority_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def access_scope(self):
        from vmi_programme.scope import Scope

        return Scope.partnership()

    def clean(self) -> None:
        if self.active_from and self.active_until and self.active_until < self.active_from:
            raise ValidationError({"active_until": "The end must not be before the start."})


class StrategicObjective(models.Model):
    """A trust's strategic objective, optionally aligned to national priorities.

    Value streams (rpiw app) point at these, continuing the golden thread downwards.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="strategic_objectives"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    national_priorities = models.ManyToManyField(
        NationalPriority,
        blank=True,
        related_name="strategic_objectives",
        db_table="vmi_programme_strategicobjective_national_priorities",
    )
    active_from = models.DateField(null=True, blank=True)
    active_until = models.DateField(null=True, blank=True)

    history = AuditTrail()

    class Meta:
        db_table = "vmi_programme_strategicobjective"  # kept when the model moved from the core
        ordering = ["organisation__short_name", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "title"], name="unique_objective_title_per_trust"
            ),
            models.CheckConstraint(
                condition=Q(active_until__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_until__gte=F("active_from")),
                name="strategic_objective_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.organisation.short_name})"

    def clean(self) -> None:
        if self.active_from and self.active_until and self.active_until < self.active_from:
            raise ValidationError({"active_until": "The end must not be before the start."})
