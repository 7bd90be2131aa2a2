"""Training records: programmes and modules, cohorts, enrolments, module assessments, surveys.

Completion is never stored: a participant has completed a programme when every module of it has
a passed assessment (in any of their cohorts, so progress follows a participant who rotates
between cohorts). ``training.progress`` derives statuses on any date from these rows.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from vmi_programme.audit import AuditTrail
from vmi_programme.scope import Scope


class AssessmentMethod(models.TextChoices):
    HOMEWORK = "homework", "Practice-based homework"
    TEACH_BACK = "teach_back", "Teach-back"


class Programme(models.Model):
    """A training programme (L4L, ALT, or a trust's own); its modules are rows, not code."""

    organisation = models.ForeignKey(
        "vmi_programme.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_programmes",
        help_text="The trust that runs its own programme; empty for programmes of the partnership.",
    )
    code = models.CharField(max_length=20, unique=True, help_text="e.g. L4L, ALT")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    assessment_method = models.CharField(max_length=12, choices=AssessmentMethod.choices)
    typical_duration = models.CharField(max_length=100, blank=True, help_text="e.g. 9–12 months")
    order = models.PositiveSmallIntegerField(default=0, help_text="Column order in tables.")

    history = AuditTrail()

    class Meta:
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(assessment_method__in=AssessmentMethod.values),
                name="programme_assessment_method_valid",
            )
        ]

    def __str__(self) -> str:
        return self.code

    def access_scope(self) -> Scope:
        return Scope(self.organisation_id)


class ModuleTheme(models.TextChoices):
    LEADERSHIP = "leadership", "System-wide leadership and change management"
    TECHNICAL = "technical", "Technical tools for daily management"
    CONCEPT = "concept", "Lean concept with gemba work"


class Module(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="modules")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    theme = models.CharField(max_length=12, choices=ModuleTheme.choices, blank=True)
    topics = models.TextField(blank=True, help_text="What the module covers.")
    assessment_brief = models.TextField(
        blank=True, help_text="The homework or gemba work / teach-back that is assessed."
    )

    history = AuditTrail()

    class Meta:
        ordering = ["programme__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="unique_module_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="module_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.number}: {self.title}"

    def access_scope(self) -> Scope:
        return Scope(self.programme.organisation_id)


class Cohort(models.Model):
    """A programme run at a trust for a group of participants, led by KPO facilitators."""

    RECOMMENDED_SIZE = (20, 30)

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cohorts")
    organisation = models.ForeignKey(
        "vmi_programme.Organisation", on_delete=models.PROTECT, related_name="training_cohorts"
    )
    name = models.CharField(max_length=100)
    starts_on = models.DateField()
    planned_end_on = models.DateField(null=True, blank=True)
    facilitators = models.ManyToManyField(
        "vmi_programme.Person", blank=True, related_name="facilitated_cohorts"
    )
    notes = models.TextField(blank=True)

    history = AuditTrail()

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_cohort_name"),
            models.CheckConstraint(
                condition=Q(planned_end_on__isnull=True) | Q(planned_end_on__gte=F("starts_on")),
                name="cohort_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "starts_on"])]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.name} ({self.organisation.short_name})"

    @classmethod
    def size_warning(cls, size: int) -> str:
        low, high = cls.RECOMMENDED_SIZE
        if size < low:
            return f"{size} participants: cohorts usually have {low}–{high}."
        if size > high:
            return f"{size} participants: more than the usual {low}–{high}."
        return ""


class CohortSession(models.Model):
    """A planned teaching session; when it covers a module, homework for it falls due after."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField()
    module = models.ForeignKey(Module, on_delete=models.PROTECT, null=True, blank=True)
    title = models.CharField(max_length=200, blank=True)

    history = AuditTrail()

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.cohort.name} {self.date}"

    def access_scope(self) -> Scope:
        return Scope(self.cohort.organisation_id)

    def clean(self):
        if self.module_id and self.module.programme_id != self.cohort.programme_id:
            raise ValidationError({"module": "This module belongs to another programme."})


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", "Enrolled"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Enrolment(models.Model):
    """A participant in a cohort. Its status is derived (see ``training.progress``)."""

    person = models.ForeignKey(
        "vmi_programme.Person", on_delete=models.PROTECT, related_name="enrolments"
    )
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrolments")
    enrolled_on = models.DateField()
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_reason = models.CharField(max_length=300, blank=True)

    history = AuditTrail()

    class Meta:
        ordering = ["cohort", "person__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["person", "cohort"], name="unique_enrolment"),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | ~Q(withdrawal_reason=""),
                name="withdrawal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("enrolled_on")),
                name="withdrawn_after_enrolled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.full_name} in {self.cohort.name}"

    def access_scope(self) -> Scope:
        return Scope(self.cohort.organisation_id)

    def clean(self):
        errors = {}
        if (
            self.person_id
            and self.cohort_id
            and self.person.organisation_id != self.cohort.organisation_id
        ):
            errors["person"] = "The participant works at another trust than the cohort."
        if self.withdrawn_on and not self.withdrawal_reason.strip():
            errors["withdrawal_reason"] = "Say why the participant withdrew."
        if errors:
            raise ValidationError(errors)


class AssessmentResult(models.TextChoices):
    PASS = "pass", "Pass"
    RESUBMIT = "resubmit", "Resubmit"


class Assessment(models.Model):
    """One submission (homework or teach-back) for a module, and its assessment."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="assessments")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="assessments")
    submitted_on = models.DateField()
    result = models.CharField(max_length=10, choices=AssessmentResult.choices, blank=True)
    assessed_on = models.DateField(null=True, blank=True)
    assessed_by = models.ForeignKey(
        "vmi_programme.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = AuditTrail()

    class Meta:
        ordering = ["enrolment", "module__number", "submitted_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result="") | Q(result__in=AssessmentResult.values),
                name="assessment_result_valid",
            ),
            models.CheckConstraint(
                condition=(Q(result="") & Q(assessed_on__isnull=True))
                | (~Q(result="") & Q(assessed_on__isnull=False)),
                name="assessment_result_has_date",
            ),
            models.CheckConstraint(
                condition=Q(assessed_on__isnull=True) | Q(assessed_on__gte=F("submitted_on")),
                name="assessed_after_submitted",
            ),
            models.UniqueConstraint(
                fields=["enrolment", "module"],
                condition=Q(result="pass"),
                name="one_pass_per_module",
            ),
        ]
        indexes = [
            models.Index(fields=["result", "assessed_on"]),
            # The API's ?ordering=submitted_on (ADR 10), with its tiebreaker.
            models.Index(fields=["submitted_on", "id"], name="assessment_submitted_on_id"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} – module {self.module.number}: {self.result or 'awaiting'}"

    def access_scope(self) -> Scope:
        return Scope(self.enrolment.cohort.organisation_id)

    @property
    def evidence(self) -> str:
        return self.module.programme.get_assessment_method_display()

    def clean(self):
        errors = {}
        if self.module_id and self.enrolment_id:
            programme = self.enrolment.cohort.programme
            if self.module.programme_id != programme.pk:
                errors["module"] = (
                    f"Module '{self.module}' belongs to {self.module.programme.code}, "
                    f"but cohort {self.enrolment.cohort.name} is {programme.code}."
                )
        if self.result and not self.assessed_on:
            errors["assessed_on"] = "Give the date of the assessment."
        if self.assessed_on and not self.result:
            errors["result"] = "Give the result: pass or resubmit."
        if self.assessed_on and self.submitted_on and self.assessed_on < self.submitted_on:
            errors["assessed_on"] = "The assessment cannot be before the submission."
        if errors:
            raise ValidationError(errors)


# --- Surveys --------------------------------------------------------------------------------


class Survey(models.Model):
    """A survey instrument (e.g. the L4L participant survey); run in waves."""

    organisation = models.ForeignKey(
        "vmi_programme.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        help_text="Empty for a survey run across the partnership.",
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        help_text="The programme whose participants are surveyed.",
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    history = AuditTrail()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def access_scope(self) -> Scope:
        return Scope(self.organisation_id)


class SurveySection(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=40, help_text="e.g. skills, value, belief, barriers")
    title = models.CharField(max_length=200)

    history = AuditTrail()

    class Meta:
        ordering = ["survey", "order"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "order"], name="unique_section_order"),
            models.UniqueConstraint(fields=["survey", "key"], name="unique_section_key"),
        ]

    def __str__(self) -> str:
        return self.title

    def access_scope(self) -> Scope:
        return Scope(self.survey.organisation_id)


class QuestionKind(models.TextChoices):
    LIKERT = "likert", "Likert item (strongly disagree … strongly agree)"
    FREE_TEXT = "free_text", "Free text"
    NAME_GENERATOR = "name_generator", "Network name generator"


class Likert(models.IntegerChoices):
    STRONGLY_DISAGREE = 1, "Strongly disagree"
    DISAGREE = 2, "Disagree"
    NEUTRAL = 3, "Neither agree nor disagree"
    AGREE = 4, "Agree"
    STRONGLY_AGREE = 5, "Strongly agree"


class Question(models.Model):
    """One question; ``kind`` says how it is asked and answered (see ``training.question_kinds``)."""

    section = models.ForeignKey(SurveySection, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=60, help_text="A stable name for analysis, e.g. skills_gain")
    text = models.TextField()
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    required = models.BooleanField(default=True)
    config = models.JSONField(
        default=dict, blank=True, help_text="Kind-specific settings, e.g. min/max names."
    )
    headline = models.CharField(
        max_length=200,
        blank=True,
        help_text="Shown as a headline share of agreement, e.g. 'agree L4L built skills'.",
    )

    history = AuditTrail()

    class Meta:
        ordering = ["section__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["section", "order"], name="unique_question_order"),
            models.UniqueConstraint(fields=["section", "code"], name="unique_question_code"),
            models.CheckConstraint(
                condition=Q(kind__in=QuestionKind.values), name="question_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def access_scope(self) -> Scope:
        return Scope(self.section.survey.organisation_id)


class SurveyWave(models.Model):
    """One administration of a survey (e.g. November 2018)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="waves")
    name = models.CharField(max_length=100)
    opens_on = models.DateField(help_text="Participants' programme status is taken on this date.")
    closes_on = models.DateField()

    history = AuditTrail()

    class Meta:
        ordering = ["-opens_on"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "name"], name="unique_wave_name"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="wave_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey.title}, {self.name}"

    def access_scope(self) -> Scope:
        return Scope(self.survey.organisation_id)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """A chosen participant's unique link to one wave; it admits one response."""

    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        "vmi_programme.Person", on_delete=models.PROTECT, related_name="survey_invitations"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    sent_on = models.DateField(null=True, blank=True)
    opened_at = models.DateTimeField(
        null=True, blank=True, help_text="When the link was first followed."
    )

    history = AuditTrail()

    class Meta:
        ordering = ["wave", "person__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "person"], name="one_invitation_per_wave"),
        ]

    def __str__(self) -> str:
        return f"{self.person.full_name} – {self.wave}"

    def access_scope(self) -> Scope:
        return Scope(self.person.organisation_id)


class Response(models.Model):
    """The answers given through one invitation; saved as they go, complete when submitted."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    history = AuditTrail()

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Response to {self.invitation}"

    def access_scope(self) -> Scope:
        return Scope(self.invitation.person.organisation_id)

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class Answer(models.Model):
    """One answer: a Likert value or text. Name-generator answers live in the networks app."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    likert = models.PositiveSmallIntegerField(choices=Likert.choices, null=True, blank=True)
    text = models.TextField(blank=True)

    history = AuditTrail()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="one_answer_per_question"
            ),
            models.CheckConstraint(
                condition=Q(likert__isnull=True) | Q(likert__gte=1, likert__lte=5),
                name="likert_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.likert or self.text[:30]}"

    def access_scope(self) -> Scope:
        return Scope(self.response.invitation.person.organisation_id)
