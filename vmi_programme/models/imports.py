"""Uploaded import files kept between preview and confirm, so confirm writes what was previewed."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ImportStatus(models.TextChoices):
    VALIDATING = "validating", "Being checked"
    PREVIEWED = "previewed", "Checked"
    COMMITTING = "committing", "Being imported"
    COMMITTED = "committed", "Imported"
    FAILED = "failed", "Failed"


class ImportBatch(models.Model):
    """One uploaded file for one import spec: its bytes, who sent it, and what became of it."""

    spec = models.CharField(
        max_length=100, help_text="A registered import spec, e.g. training.enrolments"
    )
    filename = models.CharField(max_length=255)
    content = models.BinaryField(
        default=b"",
        blank=True,
        help_text="Batches from before files were stored on disk: the file as received.",
    )
    file = models.FileField(
        upload_to="imports/%Y/%m/",
        max_length=300,
        blank=True,
        help_text="The uploaded file exactly as received, read again by the commit.",
    )
    encoding = models.CharField(
        max_length=20, default="utf-8", help_text="The CSV's encoding, as the user chose it."
    )
    preview = models.JSONField(
        default=dict,
        blank=True,
        help_text="The stored check: row and error counts, the first errors, a sample of rows.",
    )
    validate_job = models.ForeignKey(
        "vmi_programme.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    commit_job = models.ForeignKey(
        "vmi_programme.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
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
        return self.preview.get("error_count", len(self.errors))

    @property
    def summary_text(self) -> str:
        """What the import wrote, in words: "1 new cohort, 12 enrolments" (not "1 new cohorts")."""
        return ", ".join(counted(value, key) for key, value in (self.summary or {}).items())


def counted(number: int, plural: str) -> str:
    """``number`` and a specs' plural summary key, made singular for one ("1 RPIW created")."""
    if number != 1:
        return f"{number} {plural}"

    def one(word: str) -> str:
        if word == "people":
            return "person"
        if word.endswith(("ches", "shes", "sses")):
            return word[:-2]
        return word[:-1] if word.endswith("s") and not word.endswith("ss") else word

    return f"1 {' '.join(one(word) for word in plural.split())}"
