"""Writes for training: enrolments, withdrawals, assessments (one or a grid), survey invitations
and responses. Each validates with ``full_clean`` and runs in a transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from vmi_programme import audit
from vmi_programme.models import Person
from vmi_programme.writes import model_update, save_validated

from . import question_kinds
from .models import (
    Assessment,
    AssessmentResult,
    Cohort,
    CohortSession,
    Enrolment,
    Invitation,
    Module,
    Programme,
    Question,
    Response,
    Survey,
    SurveySection,
    SurveyWave,
)
from .selectors import programme_records


@transaction.atomic
def enrol(person: Person, cohort: Cohort, enrolled_on: dt.date) -> tuple[Enrolment, str]:
    """Enrol a participant; returns the enrolment and a warning when the cohort size is unusual."""
    enrolment = save_validated(Enrolment(person=person, cohort=cohort, enrolled_on=enrolled_on))
    return enrolment, Cohort.size_warning(cohort.enrolments.count())


@transaction.atomic
def withdraw(enrolment: Enrolment, withdrawn_on: dt.date, reason: str) -> Enrolment:
    return model_update(
        instance=enrolment,
        fields=("withdrawn_on", "withdrawal_reason"),
        data={"withdrawn_on": withdrawn_on, "withdrawal_reason": reason.strip()},
    )[0]


def _check_assessment_fits(enrolment: Enrolment, module: Module, assessed_on: dt.date | None):
    if enrolment.withdrawn_on and assessed_on and assessed_on > enrolment.withdrawn_on:
        raise ValidationError(
            f"{enrolment.person.full_name} withdrew on {enrolment.withdrawn_on:%d/%m/%Y}."
        )
    if assessed_on and assessed_on > timezone.localdate():
        raise ValidationError("The assessment date is in the future.")


@transaction.atomic
def record_assessment(
    enrolment: Enrolment,
    module: Module,
    *,
    submitted_on: dt.date,
    result: str = "",
    assessed_on: dt.date | None = None,
    assessed_by: Person | None = None,
) -> Assessment:
    """Record a submission and (optionally) its assessment: pass or resubmit."""
    _check_assessment_fits(enrolment, module, assessed_on)
    return save_validated(
        Assessment(
            enrolment=enrolment,
            module=module,
            submitted_on=submitted_on,
            result=result,
            assessed_on=assessed_on,
            assessed_by=assessed_by,
        )
    )


def save_assessment_grid(
    cohort: Cohort,
    cells: Mapping[tuple[int, int], str],
    *,
    assessed_on: dt.date,
    assessed_by: Person | None,
) -> tuple[int, dict[tuple[int, int], str]]:
    """Record a cohort × module grid of results in one go, or nothing if any cell is wrong.

    ``cells`` maps (enrolment id, module id) to "pass", "resubmit" or "" (no change). Returns
    (number recorded, errors by cell).
    """
    enrolments = {e.pk: e for e in cohort.enrolments.select_related("person")}
    modules = {m.pk: m for m in Module.objects.select_related("programme")}
    passed = set(
        Assessment.objects.filter(
            enrolment__person_id__in=[e.person_id for e in enrolments.values()],
            module__programme_id=cohort.programme_id,
            result=AssessmentResult.PASS,
        ).values_list("enrolment__person_id", "module_id")
    )
    errors: dict[tuple[int, int], str] = {}
    to_create: list[Assessment] = []
    for (enrolment_id, module_id), result in cells.items():
        if not result:
            continue
        key = (enrolment_id, module_id)
        enrolment, module = enrolments.get(enrolment_id), modules.get(module_id)
        if result not in AssessmentResult.values:
            errors[key] = "Choose pass or resubmit."
        elif enrolment is None:
            errors[key] = "This participant is not in this cohort."
        elif module is None or module.programme_id != cohort.programme_id:
            errors[key] = f"This module is not part of {cohort.programme.code}."
        elif (enrolment.person_id, module_id) in passed:
            errors[key] = "Already passed."
        else:
            assessment = Assessment(
                enrolment=enrolment,
                module=module,
                submitted_on=assessed_on,
                assessed_on=assessed_on,
                result=result,
                assessed_by=assessed_by,
            )
            try:
                _check_assessment_fits(enrolment, module, assessed_on)
                assessment.full_clean()
            except ValidationError as exc:
                errors[key] = " ".join(exc.messages)
            else:
                to_create.append(assessment)
    if errors:
        return 0, errors
    with transaction.atomic():
        audit.bulk_create(Assessment, to_create)
    return len(to_create), {}


# --- Programmes, modules and sessions ---------------------------------------------------------

PROGRAMME_EDITABLE = (
    "code",
    "name",
    "description",
    "assessment_method",
    "typical_duration",
    "order",
)
MODULE_EDITABLE = ("number", "title", "theme", "topics", "assessment_brief")
SESSION_EDITABLE = ("date", "module", "title")


@transaction.atomic
def create_programme(*, organisation_id: int | None, data: Mapping[str, Any]) -> Programme:
    """A programme of one trust (``organisation_id``) or of the partnership (``None``); the
    owner is the caller's choice, checked against the access policy by the page."""
    fields = {k: data[k] for k in PROGRAMME_EDITABLE if k in data}
    return save_validated(Programme(organisation_id=organisation_id, **fields))


@transaction.atomic
def update_programme(*, programme: Programme, data: Mapping[str, Any]) -> Programme:
    """Change a programme's own fields; its owner never changes."""
    return model_update(instance=programme, fields=PROGRAMME_EDITABLE, data=data)[0]


@transaction.atomic
def create_module(*, programme: Programme, data: Mapping[str, Any]) -> Module:
    fields = {k: data[k] for k in MODULE_EDITABLE if k in data}
    return save_validated(Module(programme=programme, **fields))


@transaction.atomic
def update_module(*, module: Module, data: Mapping[str, Any]) -> Module:
    """Change a module's fields; it stays in its programme."""
    return model_update(instance=module, fields=MODULE_EDITABLE, data=data)[0]


@transaction.atomic
def create_session(*, cohort: Cohort, data: Mapping[str, Any]) -> CohortSession:
    """A planned session of ``cohort``; a module it covers must be of the cohort's programme."""
    fields = {k: data[k] for k in SESSION_EDITABLE if k in data}
    return save_validated(CohortSession(cohort=cohort, **fields))


@transaction.atomic
def update_session(*, session: CohortSession, data: Mapping[str, Any]) -> CohortSession:
    return model_update(instance=session, fields=SESSION_EDITABLE, data=data)[0]


# --- Enrolling many at once --------------------------------------------------------------------


def completion_warnings(cohort: Cohort, people: Iterable[Person]) -> list[str]:
    """A warning for each person who has already completed the cohort's programme.

    Progress is per person and programme (``training.progress``): passes from any cohort of the
    programme count in every cohort of it, so an earlier graduate's passes show in the new
    cohort's grid (marked as from an earlier cohort) and they count as completed there. Three
    queries.
    """
    people = list(people)
    if not people:
        return []
    names = {p.pk: p.full_name for p in people}
    warnings = []
    for record in programme_records(programme_ids=[cohort.programme_id], person_ids=list(names)):
        if record.completed_on is not None:
            warnings.append(
                f"{names[record.person_id]} already completed {cohort.programme.code} on "
                f"{record.completed_on:%d %B %Y}. Their earlier passes are not copied, but they "
                f"count in this cohort too: its grid shows those modules as passed."
            )
    return warnings


def _match_lines(cohort: Cohort, lines: list[tuple[int, str]]) -> tuple[list[Person], list[str]]:
    """The trust's person named on each line (by e-mail, or by full name), and the errors, each
    naming its line. One query for the people, one for those already in the cohort."""
    emails = {text.casefold() for _, text in lines if "@" in text}
    names = {text.casefold() for _, text in lines if "@" not in text}
    candidates = list(
        Person.objects.filter(organisation_id=cohort.organisation_id)
        .annotate(name_key=Lower("full_name"), email_key=Lower("email"))
        .filter(Q(name_key__in=names) | Q(email_key__in=emails))
    )
    by_key: dict[str, list[Person]] = {}
    for person in candidates:
        by_key.setdefault(person.name_key, []).append(person)
        if person.email_key:
            by_key.setdefault(person.email_key, []).append(person)
    enrolled = set(
        cohort.enrolments.filter(person__in=candidates).values_list("person_id", flat=True)
    )
    people: list[Person] = []
    seen: dict[int, int] = {}
    errors: list[str] = []
    trust = cohort.organisation.short_name
    for number, text in lines:
        found = by_key.get(text.casefold(), [])
        if not found:
            errors.append(f"Line {number}: no one at {trust} is called or has the e-mail “{text}”.")
        elif len(found) > 1:
            errors.append(
                f"Line {number}: more than one person at {trust} is called {text}: "
                "give their e-mail instead."
            )
        elif found[0].pk in enrolled:
            errors.append(f"Line {number}: {found[0].full_name} is already in this cohort.")
        elif found[0].pk in seen:
            errors.append(
                f"Line {number}: {found[0].full_name} is already on line {seen[found[0].pk]}."
            )
        else:
            seen[found[0].pk] = number
            people.append(found[0])
    return people, errors


def enrol_many(
    *, cohort: Cohort, text: str, enrolled_on: dt.date
) -> tuple[list[Enrolment], list[str]]:
    """Enrol everyone named in ``text`` (a name or an e-mail per line; blank lines ignored),
    matched to the cohort's trust's people: everyone or, if any line is wrong, no one.

    Raises ``ValidationError({"people": [...]})`` with one message per wrong line. Returns the
    enrolments and warnings: the cohort's size when unusual, and each person who has already
    completed the programme (see ``completion_warnings``). A bounded number of queries,
    whatever the number of lines.
    """
    lines = [(n, " ".join(line.split())) for n, line in enumerate(text.splitlines(), 1)]
    lines = [(n, line) for n, line in lines if line]
    if not lines:
        raise ValidationError({"people": ["Enter at least one name or e-mail, one per line."]})
    people, errors = _match_lines(cohort, lines)
    if errors:
        raise ValidationError({"people": errors})
    new = [Enrolment(person=p, cohort=cohort, enrolled_on=enrolled_on) for p in people]
    for enrolment in new:
        try:
            # Person and cohort were just read, and uniqueness was checked above in one query
            # (the database enforces it too): their per-row checks would cost queries each.
            enrolment.full_clean(
                exclude=["person", "cohort"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            raise ValidationError(
                {"people": [f"{enrolment.person.full_name}: {' '.join(exc.messages)}"]}
            ) from exc
    with transaction.atomic():
        created = audit.bulk_create(Enrolment, new)
    warnings = completion_warnings(cohort, people)
    size = Cohort.size_warning(cohort.enrolments.count())
    return created, [w for w in [size, *warnings] if w]


# --- Surveys ----------------------------------------------------------------------------------


class SurveyLinkError(Exception):
    """The link is unknown, already used, or its wave is not open; ``status`` is the HTTP code."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


@transaction.atomic
def invite(wave: SurveyWave, people: Iterable[Person], sent_on: dt.date) -> list[Invitation]:
    """An invitation with its own link for each person not yet invited to this wave."""
    already = set(wave.invitations.values_list("person_id", flat=True))
    new = [
        Invitation(wave=wave, person=person, sent_on=sent_on)
        for person in people
        if person.pk not in already
    ]
    return audit.bulk_create(Invitation, new)


def open_invitation(token: str, *, today: dt.date | None = None) -> Invitation:
    """The invitation behind a link, if it may still be answered."""
    invitation = (
        Invitation.objects.select_related("wave__survey", "person").filter(token=token).first()
    )
    if invitation is None:
        raise SurveyLinkError(
            "This survey link is not recognised. Check the link in your email.", 404
        )
    response = Response.objects.filter(invitation=invitation).first()
    if response is not None and response.is_complete:
        raise SurveyLinkError("This survey has already been completed through this link.", 410)
    today = today or timezone.localdate()
    wave = invitation.wave
    if not (wave.opens_on <= today <= wave.closes_on):
        raise SurveyLinkError(
            f"This survey is open from {wave.opens_on:%d %B %Y} to {wave.closes_on:%d %B %Y}.", 410
        )
    if invitation.opened_at is None:
        invitation.opened_at = timezone.now()
        invitation.save(update_fields=["opened_at"])
    return invitation


def survey_questions(wave: SurveyWave) -> list[Question]:
    return list(
        Question.objects.filter(section__survey=wave.survey)
        .select_related("section")
        .order_by("section__order", "order")
    )


@transaction.atomic
def save_response(
    invitation: Invitation, data: Mapping[str, Any], *, submit: bool
) -> tuple[Response, dict[int, str]]:
    """Save the answers given so far; with ``submit``, require every required question and
    complete the response. One response per invitation: a completed one is never changed."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    now = timezone.now()
    response, _ = Response.objects.get_or_create(
        invitation=invitation, defaults={"started_at": now, "updated_at": now}
    )
    if response.is_complete:
        raise SurveyLinkError("This survey has already been completed through this link.", 410)
    errors: dict[int, str] = {}
    values = {}
    for question in survey_questions(invitation.wave):
        handler = question_kinds.handler_for(question)
        if handler is None:
            continue  # a kind whose app is not installed (see question_kinds)
        value, error = handler.parse(question, data)
        if error:
            errors[question.pk] = error
        elif submit and question.required and handler.is_blank(value):
            errors[question.pk] = "Answer this question."
        values[question] = (handler, value)
    for question, (handler, value) in values.items():
        if question.pk not in errors:
            handler.save(response, question, value)
    response.updated_at = now
    if submit and not errors:
        response.completed_at = now
    response.save(update_fields=["updated_at", "completed_at"])
    return response, errors


# --- Survey instruments: surveys, sections, questions, waves -----------------------------------

SURVEY_EDITABLE = ("programme", "title", "description")
SECTION_EDITABLE = ("order", "key", "title")
QUESTION_EDITABLE = ("order", "code", "text", "kind", "required", "config", "headline")
WAVE_EDITABLE = ("name", "opens_on", "closes_on")


@transaction.atomic
def create_survey(*, organisation_id: int | None, data: Mapping[str, Any]) -> Survey:
    """A survey of one trust (``organisation_id``) or of the partnership (``None``); the page
    checks the owner against the access policy."""
    fields = {k: data[k] for k in SURVEY_EDITABLE if k in data}
    return save_validated(Survey(organisation_id=organisation_id, **fields))


@transaction.atomic
def update_survey(*, survey: Survey, data: Mapping[str, Any]) -> Survey:
    """Change a survey's programme, title and description; its owner never changes."""
    return model_update(instance=survey, fields=SURVEY_EDITABLE, data=data)[0]


@transaction.atomic
def create_section(*, survey: Survey, data: Mapping[str, Any]) -> SurveySection:
    fields = {k: data[k] for k in SECTION_EDITABLE if k in data}
    return save_validated(SurveySection(survey=survey, **fields))


@transaction.atomic
def update_section(*, section: SurveySection, data: Mapping[str, Any]) -> SurveySection:
    return model_update(instance=section, fields=SECTION_EDITABLE, data=data)[0]


def next_order(rows) -> int:
    """One past the largest ``order`` of ``rows`` (1 for none): where a new row goes."""
    return (max((r.order for r in rows), default=0)) + 1


@transaction.atomic
def create_question(*, section: SurveySection, data: Mapping[str, Any]) -> Question:
    fields = {k: data[k] for k in QUESTION_EDITABLE if k in data}
    return save_validated(Question(section=section, **fields))


@transaction.atomic
def update_question(*, question: Question, data: Mapping[str, Any]) -> Question:
    """Change a question. Its kind is fixed once it has answers (or nominations): answers of
    one kind cannot be read as another."""
    if "kind" in data and data["kind"] != question.kind and _has_answers(question):
        raise ValidationError(
            {
                "kind": "This question has answers already: its kind cannot change. Add a new "
                "question instead."
            }  # fmt: skip
        )
    return model_update(instance=question, fields=QUESTION_EDITABLE, data=data)[0]


def _has_answers(question: Question) -> bool:
    # The kind's handler knows where its answers are (a name generator's are nominations).
    handler = question_kinds.handler_for(question)
    return handler.has_answers(question) if handler else question.answers.exists()


@transaction.atomic
def move_question(*, question: Question, up: bool) -> bool:
    """Swap the question with the one before (``up``) or after it in its section; returns False
    when it is already first or last. (section, order) is unique, so the swap goes through a
    free order number."""
    siblings = list(
        Question.objects.select_for_update().filter(section=question.section_id).order_by("order")
    )
    index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
    other_index = index - 1 if up else index + 1
    if not 0 <= other_index < len(siblings):
        return False
    this, other = siblings[index], siblings[other_index]
    this_order, other_order = this.order, other.order
    model_update(instance=this, fields=("order",), data={"order": next_order(siblings)})
    model_update(instance=other, fields=("order",), data={"order": this_order})
    model_update(instance=this, fields=("order",), data={"order": other_order})
    return True


@transaction.atomic
def create_wave(*, survey: Survey, data: Mapping[str, Any]) -> SurveyWave:
    fields = {k: data[k] for k in WAVE_EDITABLE if k in data}
    return save_validated(SurveyWave(survey=survey, **fields))


@transaction.atomic
def update_wave(*, wave: SurveyWave, data: Mapping[str, Any]) -> SurveyWave:
    """Change a wave's name and dates (links work from ``opens_on`` to ``closes_on``)."""
    return model_update(instance=wave, fields=WAVE_EDITABLE, data=data)[0]


@transaction.atomic
def close_wave(*, wave: SurveyWave, today: dt.date | None = None) -> SurveyWave:
    """Close a wave today: its links stop admitting answers after today. A wave that has not
    opened yet, or has already closed, is refused with the reason."""
    today = today or timezone.localdate()
    if wave.opens_on > today:
        raise ValidationError(
            {
                "closes_on": f"{wave.name} opens on {wave.opens_on:%d %B %Y}: it cannot close "
                "before it opens. Change its dates instead."
            }  # fmt: skip
        )
    if wave.closes_on < today:
        raise ValidationError(
            {"closes_on": f"{wave.name} already closed on {wave.closes_on:%d %B %Y}."}
        )
    return model_update(instance=wave, fields=WAVE_EDITABLE, data={"closes_on": today})[0]
