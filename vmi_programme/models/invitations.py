"""Account invitations (vmi_programme/user_admin.py) and retention pseudonyms (privacy.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..audit import AuditTrail
from ..scope import Scope


class AccountInvitation(models.Model):
    """An e-mailed invitation for a person to set up their account; the link carries a signed,
    expiring token naming this row, which admits one acceptance."""

    person = models.ForeignKey(
        "vmi_programme.Person", on_delete=models.CASCADE, related_name="account_invitations"
    )
    email = models.EmailField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    history = AuditTrail()

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["person", "-sent_at"])]

    def __str__(self) -> str:
        return f"Invitation {self.pk} to {self.person.full_name}"

    def access_scope(self) -> Scope:
        return Scope(self.person.organisation_id)

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None


class Pseudonym(models.Model):
    """The stand-in that replaces a person in one group of records (a survey wave's invitations
    and nominations) once they pass their retention date (vmi_programme/privacy.py). Kept only
    while some of the group's records still name the real person, so every rule gives the same
    stand-in; then deleted, and the link is gone."""

    group = models.CharField(max_length=100, help_text="e.g. training.surveywave:12")
    person = models.ForeignKey("vmi_programme.Person", on_delete=models.CASCADE, related_name="+")
    stand_in = models.ForeignKey("vmi_programme.Person", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="one_pseudonym_per_group")
        ]

    def __str__(self) -> str:
        return f"Pseudonym in {self.group}"
