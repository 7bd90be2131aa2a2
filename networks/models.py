"""Improvement-network records: name-generator nominations, named collaborators, merges."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from vmi_programme.audit import AuditTrail
from vmi_programme.scope import Scope


class Interaction(models.TextChoices):
    """Why a respondent talks to the person they name (several may apply)."""

    EXPERTISE = "expertise", "Expertise"
    ADVICE = "advice", "Advice"
    INFLUENCE = "influence", "Influence"


class NominationSource(models.TextChoices):
    SURVEY = "survey", "Survey"
    IMPORT = "import", "Import"


class Nomination(models.Model):
    """One name given in a survey wave's name generator: respondent → alter, and why.

    ``wave``, ``respondent`` and ``organisation`` repeat what ``response`` says so that a
    trust's network for a wave is one indexed query and the database can refuse duplicates.
    The interaction types are three flags (at least one set), which every database can check.
    """

    response = models.ForeignKey(
        "training.Response", on_delete=models.CASCADE, related_name="nominations"
    )
    wave = models.ForeignKey(
        "training.SurveyWave", on_delete=models.CASCADE, related_name="nominations"
    )
    organisation = models.ForeignKey(
        "vmi_programme.Organisation", on_delete=models.PROTECT, related_name="nominations"
    )
    respondent = models.ForeignKey(
        "vmi_programme.Person", on_delete=models.PROTECT, related_name="nominations_made"
    )
    alter = models.ForeignKey(
        "vmi_programme.Person", on_delete=models.PROTECT, related_name="nominations_received"
    )
    expertise = models.BooleanField(default=False)
    advice = models.BooleanField(default=False)
    influence = models.BooleanField(default=False)
    named_as = models.CharField(max_length=200, blank=True, help_text="The name as typed.")
    role = models.CharField(
        max_length=200, blank=True, help_text="Role, as the respondent gave it."
    )
    department = models.CharField(
        max_length=200, blank=True, help_text="Department, as the respondent gave it."
    )
    source = models.CharField(
        max_length=10, choices=NominationSource.choices, default=NominationSource.SURVEY
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = AuditTrail()

    class Meta:
        ordering = ["wave", "respondent_id", "alter__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "respondent", "alter"], name="one_nomination_per_pair"
            ),
            models.CheckConstraint(condition=~Q(respondent=F("alter")), name="nomination_not_self"),
            models.CheckConstraint(
                condition=Q(expertise=True) | Q(advice=True) | Q(influence=True),
                name="nomination_has_interaction",
            ),
            models.CheckConstraint(
                condition=Q(source__in=NominationSource.values), name="nomination_source_valid"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "wave"])]

    def __str__(self) -> str:
        return f"{self.respondent_id} → {self.alter_id} ({', '.join(self.interactions)})"

    def access_scope(self) -> Scope:
        return Scope(self.organisation_id)

    @property
    def interactions(self) -> list[str]:
        return [kind for kind in Interaction.values if getattr(self, kind)]

    def set_interactions(self, kinds) -> None:
        for kind in Interaction.values:
            setattr(self, kind, kind in kinds)

    def clean(self):
        errors = {}
        if self.respondent_id and self.alter_id and self.respondent_id == self.alter_id:
            errors["alter"] = "A respondent cannot name themselves."
        if not (self.expertise or self.advice or self.influence):
            errors["expertise"] = "Choose at least one kind of interaction."
        if self.respondent_id and self.respondent.organisation_id != self.organisation_id:
            errors["respondent"] = "The respondent works at another trust."
        if self.alter_id and self.alter.organisation_id != self.organisation_id:
            errors["alter"] = "People named must work at the respondent's trust."
        if self.response_id and self.respondent_id:
            invitation = self.response.invitation
            if invitation.person_id != self.respondent_id or invitation.wave_id != self.wave_id:
                errors["response"] = "The response belongs to another person or wave."
        if errors:
            raise ValidationError(errors)


class Collaborator(models.Model):
    """A person first recorded because somebody named them (not from the staff list)."""

    person = models.OneToOneField(
        "vmi_programme.Person", on_delete=models.CASCADE, related_name="collaborator"
    )
    organisation = models.ForeignKey(
        "vmi_programme.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(
        max_length=10, choices=NominationSource.choices, default=NominationSource.SURVEY
    )
    merged_into = models.ForeignKey(
        "vmi_programme.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_duplicates",
        help_text="Set when an analyst merged this person into another who is used elsewhere.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = AuditTrail()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | ~Q(merged_into=F("person")),
                name="collaborator_not_merged_into_self",
            )
        ]

    def __str__(self) -> str:
        return f"Collaborator {self.person_id}"

    def access_scope(self) -> Scope:
        return Scope(self.organisation_id)


class PersonMerge(models.Model):
    """An analyst's merge of two records of one person (two spellings); kept as an audit trail."""

    organisation = models.ForeignKey(
        "vmi_programme.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    kept = models.ForeignKey(
        "vmi_programme.Person", on_delete=models.PROTECT, related_name="merges_kept"
    )
    duplicate_name = models.CharField(max_length=200)
    duplicate = models.ForeignKey(
        "vmi_programme.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the duplicate record was deleted.",
    )
    nominations_moved = models.PositiveIntegerField(default=0)
    nominations_combined = models.PositiveIntegerField(default=0)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    merged_at = models.DateTimeField(default=timezone.now)

    history = AuditTrail()

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.duplicate_name} merged into {self.kept_id}"

    def access_scope(self) -> Scope:
        return Scope(self.organisation_id)


class ActorMatch(models.Model):
    """A KPO's decision that a named collaborator is (or is not) one of the trust's people.

    A collaborator record is made when a respondent names somebody not picked from the trust's
    list; whether that is, say, an RPIW team member on the staff list is a person's judgement,
    suggested by an exact name at the same trust and confirmed or rejected here. A confirmed
    match lets the comparison by improvement activity count the collaborator as that person;
    the records stay apart (merging is a separate, destructive step).
    """

    organisation = models.ForeignKey(
        "vmi_programme.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    collaborator = models.ForeignKey(
        "vmi_programme.Person", on_delete=models.CASCADE, related_name="actor_matches"
    )
    person = models.ForeignKey(
        "vmi_programme.Person", on_delete=models.CASCADE, related_name="matched_collaborators"
    )
    confirmed = models.BooleanField(help_text="True: the same person; False: rejected.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    decided_at = models.DateTimeField(default=timezone.now)

    history = AuditTrail()

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaborator", "person"], name="one_decision_per_actor_match"
            ),
            models.UniqueConstraint(
                fields=["collaborator"],
                condition=Q(confirmed=True),
                name="one_confirmed_match_per_collaborator",
            ),
            models.CheckConstraint(
                condition=~Q(collaborator=F("person")), name="actor_match_not_self"
            ),
        ]

    def __str__(self) -> str:
        verdict = "is" if self.confirmed else "is not"
        return f"Collaborator {self.collaborator_id} {verdict} person {self.person_id}"

    def access_scope(self) -> Scope:
        return Scope(self.organisation_id)

    def clean(self):
        errors = {}
        if self.collaborator_id and self.collaborator.organisation_id != self.organisation_id:
            errors["collaborator"] = "The collaborator was named at another trust."
        if self.person_id and self.person.organisation_id != self.organisation_id:
            errors["person"] = "The person works at another trust."
        if errors:
            raise ValidationError(errors)
