"""The dashboards' read model: each page's built figures, stored and kept fresh by jobs (ADR 18).

A ``Snapshot`` holds what one page shows for one trust (or the partnership), one period (or
as-of date, or report month) and one *access scope* (what the viewer may do to that trust: the
same figures for everyone with the same rights). Pages read snapshots; they never compute from
raw records. A change to a trust's records marks its snapshots (and the partnership's) changed;
a refresh job rebuilds them (``dashboards.read_model``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class SnapshotKind(models.TextChoices):
    TRUST = "trust", "Trust dashboard"
    PARTNERSHIP = "partnership", "Partnership summary"
    TGT_REPORT = "tgt_report", "TGT report"


class Snapshot(models.Model):
    kind = models.CharField(max_length=20, choices=SnapshotKind.choices)
    organisation = models.ForeignKey(
        "vmi_programme.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The trust; empty for the partnership summary.",
    )
    key = models.CharField(
        max_length=40,
        help_text="The period preset or dates, the as-of date, or the report month.",
    )
    scope = models.CharField(
        max_length=80, help_text="What its viewers may do to the trust (access.py actions)."
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="A user with this scope, whose access the figures are built with.",
    )
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    payload = models.BinaryField(null=True, blank=True, editable=False)
    built_at = models.DateTimeField(
        null=True, blank=True, help_text="When the build that made the payload began."
    )
    changed_at = models.DateTimeField(
        null=True, blank=True, help_text="When an input last changed (after built_at: stale)."
    )
    requested_at = models.DateTimeField(default=timezone.now)
    refresh_job = models.ForeignKey(
        "vmi_programme.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "organisation", "key", "scope"],
                name="snapshot_one_per_page_scope",
            ),
            models.UniqueConstraint(  # the partnership's (no organisation: NULLs are distinct)
                fields=["kind", "key", "scope"],
                condition=models.Q(organisation__isnull=True),
                name="snapshot_one_per_partnership_page",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "kind"], name="snapshot_by_trust")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.organisation_id or 'partnership'} {self.key}"

    @property
    def stale(self) -> bool:
        # built_at is set with the payload (read_model.rebuild): no need to load the payload.
        return self.built_at is None or (
            self.changed_at is not None
            and self.built_at is not None
            and self.changed_at >= self.built_at
        )
