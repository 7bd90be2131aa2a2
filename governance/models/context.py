"""Trust context (Table 4.1): CQC ratings, CEO tenures, special measures, prior cultural work."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from vmi_programme.audit import AuditTrail
from vmi_programme.models.organisations import Organisation, Person


class CqcRatingValue(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class CqcRating(models.Model):
    """An overall CQC inspection rating, dated by its report."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cqc_ratings"
    )
    rating = models.CharField(max_length=30, choices=CqcRatingValue.choices)
    published_on = models.DateField(help_text="Date of the inspection report.")

    history = AuditTrail()

    class Meta:
        db_table = "vmi_programme_cqcrating"  # kept when the model moved from the core
        ordering = ["organisation__short_name", "published_on"]
        verbose_name = "CQC rating"
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__in=CqcRatingValue.values), name="cqc_rating_valid"
            ),
            models.UniqueConstraint(
                fields=["organisation", "published_on"], name="one_cqc_rating_per_report_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} {self.published_on.year}"


class CeoTenure(models.Model):
    """A chief executive's time in post at a trust, substantive or interim."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="ceo_tenures"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="ceo_tenures")
    is_interim = models.BooleanField(default=False)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    history = AuditTrail()

    class Meta:
        db_table = "vmi_programme_ceotenure"  # kept when the model moved from the core
        ordering = ["organisation__short_name", "started_on"]
        verbose_name = "CEO tenure"
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="ceo_tenure_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person.full_name}{' (interim)' if self.is_interim else ''}"

    def clean(self) -> None:
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "A tenure cannot end before it starts."})
        if self.is_interim or not (self.organisation_id and self.started_on):
            return
        overlapping = CeoTenure.objects.filter(
            organisation_id=self.organisation_id, is_interim=False
        ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=self.started_on))
        if self.ended_on:
            overlapping = overlapping.filter(started_on__lte=self.ended_on)
        clash = overlapping.exclude(pk=self.pk).select_related("person").first()
        if clash:
            raise ValidationError(
                {
                    "started_on": f"{clash.person.full_name} is the substantive CEO on these "
                    "dates: end that tenure first."
                }
            )


class SpecialMeasuresPeriod(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="special_measures"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    history = AuditTrail()

    class Meta:
        db_table = "vmi_programme_specialmeasuresperiod"  # kept when the model moved from the core
        ordering = ["organisation__short_name", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="special_measures_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        end = f"{self.ended_on:%b %Y}" if self.ended_on else ""
        return f"special measures {self.started_on:%b %Y}–{end}"

    def clean(self) -> None:
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "A period cannot end before it starts."})


class CulturalWork(models.Model):
    """Whether values-based cultural work preceded the programme at a trust, and what it was."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="cultural_work"
    )
    preceded_programme = models.BooleanField(
        help_text="Values-based cultural work at least two years before the programme."
    )
    name = models.CharField(max_length=200, blank=True, help_text="e.g. The Leeds Way")
    description = models.TextField(blank=True)

    history = AuditTrail()

    class Meta:
        db_table = "vmi_programme_culturalwork"  # kept when the model moved from the core
        ordering = ["organisation__short_name"]
        verbose_name_plural = "cultural work"

    def __str__(self) -> str:
        return f"{self.organisation.short_name}: {'yes' if self.preceded_programme else 'no'}"
