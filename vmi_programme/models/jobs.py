"""Recorded jobs: every long analysis or import runs as a Job that a page can follow."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class JobQueue(models.TextChoices):
    """Which queue a job waits in: a user's job never waits behind a national recompute."""

    INTERACTIVE = "interactive", "Interactive"
    BULK = "bulk", "Bulk"


class Job(models.Model):
    """One run of a registered job kind: parameters in, progress along the way, result out."""

    kind = models.CharField(
        max_length=100, help_text="A registered job kind, e.g. networks.summarise"
    )
    parameters = models.JSONField(default=dict, blank=True)
    organisation = models.ForeignKey(
        "vmi_programme.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
        help_text="The trust whose data the job reads; empty for partnership-wide jobs.",
    )
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    queue = models.CharField(
        max_length=12,
        choices=JobQueue.choices,
        default=JobQueue.INTERACTIVE,
        help_text="Interactive (a user is waiting) or bulk (recomputes, refreshes, imports).",
    )
    progress = models.PositiveSmallIntegerField(default=0)
    progress_message = models.CharField(max_length=300, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    stale = models.BooleanField(
        default=False, help_text="The data behind this result changed after it was computed."
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(
        null=True, blank=True, help_text="When the job was last handed to the broker."
    )
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The last sign of life from the worker running the job (see jobs.reap).",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["kind", "organisation", "-created_at"]),
            models.Index(fields=["status"]),
            # The default ordering: the job list reads its newest page without a sort.
            models.Index(fields=["-created_at"], name="job_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="job_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
