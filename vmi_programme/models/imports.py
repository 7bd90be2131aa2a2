"""Uploaded import files kept between preview and confirm, so confirm writes what was previewed."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "Previewed"
    COMMITTED = "committed", "Imported"
    FAILED = "failed", "Failed"


class ImportBatch(models.Model):
    """One uploaded file for one import spec: its bytes, who sent it, and what became of it."""

    spec = models.CharField(
        max_length=100, help_text="A registered import spec, e.g. training.enrolments"
    )
    filename = models.CharField(max_length=255)
    content = models.BinaryField(help_text="The uploaded file exactly as received.")
    organisation = models.ForeignKey(
        "vmi_programme.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_batches",
        help_text="The organisation whose data the file is imported into; empty for partnership-level.",
    )
    context = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    row_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="import_batch_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.spec}: {self.filename} ({self.get_status_display()})"

    @property
    def error_count(self) -> int:
        return len(self.errors)
