"""Import specs for existing training records (on the shared pipeline, vmi_programme.imports).

Two files, imported in this order: enrolments (participants, cohorts), then module assessments.
Completion is derived from the assessments; an enrolment file may say "completed" only when the
participant's assessments already show every module passed.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q

from vmi_programme import audit
from vmi_programme.imports import Column, ImportContext, ImportSpec, RowCleaner, RowError, register
from vmi_programme.models import Person, ProfessionalGroup

from .models import (
    Assessment,
    AssessmentResult,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Module,
    Programme,
)

STATUS_CHOICES = {
    "enrolled": EnrolmentStatus.ENROLLED,
    "in progress": EnrolmentStatus.IN_PROGRESS,
    "completed": EnrolmentStatus.COMPLETED,
    "complete": EnrolmentStatus.COMPLETED,
    "withdrawn": EnrolmentStatus.WITHDRAWN,
}
GROUP_CHOICES = {
    **{v: v for v in ProfessionalGroup.values},
    **{label: v for v, label in ProfessionalGroup.choices},
}
RESULT_CHOICES = {
    "pass": AssessmentResult.PASS,
    "passed": AssessmentResult.PASS,
    "resubmit": AssessmentResult.RESUBMIT,
}


def _programmes(ctx: ImportContext) -> dict[str, Programme]:
    return {
        p.code.lower(): p
        for p in Programme.objects.filter(
            Q(organisation__isnull=True) | Q(organisation=ctx.organisation)
        )
    }


class EnrolmentImport(ImportSpec):
    name = "training.enrolments"
    title = "Import enrolments"
    help_text = (
        "One row per participant in a cohort. Cohorts not yet in the app are created (give their "
        "start date). Import module assessments afterwards: completion is worked out from them."
    )
    success_url_name = "training:index"
    columns = [
        Column("programme", "Programme", help="Programme code, e.g. L4L or ALT"),
        Column("cohort", "Cohort", help="Cohort name, e.g. L4L cohort 7"),
        Column("cohort_start", "Cohort start date", required=False, help="Needed for a new cohort"),
        Column("participant", "Participant", aliases=("name", "full name"), help="Full name"),
        Column("email", "Email", help="Work email; identifies the participant"),
        Column(
            "professional_group",
            "Professional group",
            required=False,
            help="e.g. nursing, medical, managerial",
        ),
        Column("job_title", "Job title", required=False),
        Column("enrolled_on", "Enrolled on", help="YYYY-MM-DD or DD/MM/YYYY"),
        Column(
            "status", "Status", required=False, help="enrolled, in progress, completed or withdrawn"
        ),
        Column("withdrawn_on", "Withdrawn on", required=False),
        Column("withdrawal_reason", "Withdrawal reason", required=False),
    ]
    example_rows = [
        {
            "programme": "L4L",
            "cohort": "L4L cohort 12",
            "cohort_start": "2021-04-12",
            "participant": "Ann Lee",
            "email": "ann.lee@example.nhs.uk",
            "professional_group": "nursing",
            "job_title": "Ward manager",
            "enrolled_on": "2021-03-29",
            "status": "in progress",
        }
    ]

    def prepare(self, ctx):
        ctx.state["programmes"] = _programmes(ctx)
        ctx.state["cohorts"] = {
            c.name.lower(): c
            for c in Cohort.objects.filter(organisation=ctx.organisation).select_related(
                "programme"
            )
        }
        people = Person.objects.filter(organisation=ctx.organisation).exclude(email="")
        ctx.state["people"] = {p.email.lower(): p for p in people}
        ctx.state["enrolled"] = set(
            Enrolment.objects.filter(cohort__organisation=ctx.organisation).values_list(
                "person__email", "cohort__name"
            )
        )
        ctx.state["enrolled"] = {(e.lower(), c.lower()) for e, c in ctx.state["enrolled"]}

    def clean_row(self, row, ctx):
        c = RowCleaner(row)
        code = c.text("programme")
        programme = ctx.state["programmes"].get(code.lower())
        if code and programme is None:
            c.error(
                "programme",
                f"'{code}' is not a programme (known: {', '.join(p.code for p in ctx.state['programmes'].values())})",
            )
        cohort_name = c.text("cohort", max_length=100)
        cohort = ctx.state["cohorts"].get(cohort_name.lower())
        new_cohorts = ctx.state.setdefault("new_cohorts", {})  # created by earlier rows of the file
        earlier = new_cohorts.get(cohort_name.lower())
        cohort_start = c.date(
            "cohort_start", required=cohort is None and earlier is None and bool(cohort_name)
        )
        if cohort is None and earlier is None and cohort_start and programme:
            new_cohorts[cohort_name.lower()] = programme
        existing = cohort.programme if cohort else earlier
        if existing and programme and existing.pk != programme.pk:
            c.error(
                "programme",
                f"cohort '{cohort_name}' is {existing.code}, not {programme.code}",
            )
        email = c.text("email").lower()
        if email and "@" not in email:
            c.error("email", f"'{email}' is not an email address")
        if (email, cohort_name.lower()) in ctx.state["enrolled"]:
            c.error("email", f"{email} is already enrolled in {cohort_name}")
        enrolled_on = c.date("enrolled_on")
        status = c.choice("status", STATUS_CHOICES, required=False, default="")
        withdrawn_on = c.date("withdrawn_on", required=status == EnrolmentStatus.WITHDRAWN)
        reason = c.text("withdrawal_reason", required=bool(withdrawn_on), max_length=300)
        if withdrawn_on and status and status != EnrolmentStatus.WITHDRAWN:
            c.error("status", f"is '{row['status']}' but a withdrawal date is given")
        if withdrawn_on and enrolled_on and withdrawn_on < enrolled_on:
            c.error("withdrawn_on", "is before the enrolment date")
        if status == EnrolmentStatus.COMPLETED and programme is not None:
            person = ctx.state["people"].get(email)
            missing = _modules_not_passed(person, programme)
            if missing:
                c.error(
                    "status",
                    "is 'completed' but module(s) "
                    + ", ".join(str(n) for n in missing)
                    + " have no passed assessment; completion is derived from the module assessments",
                )
        return c.result(
            programme=programme,
            cohort_name=cohort_name,
            cohort_start=cohort_start,
            participant=c.text("participant", max_length=200),
            email=email,
            professional_group=c.choice(
                "professional_group", GROUP_CHOICES, required=False, default=ProfessionalGroup.OTHER
            ),
            job_title=c.text("job_title", required=False, max_length=200),
            enrolled_on=enrolled_on,
            withdrawn_on=withdrawn_on,
            withdrawal_reason=reason,
        )

    def check_rows(self, rows, ctx):
        seen: dict[tuple[str, str], int] = {}
        errors = []
        for number, row in rows:
            key = (row["email"], row["cohort_name"].lower())
            if key in seen:
                errors.append(
                    RowError(
                        number,
                        "email",
                        f"duplicate participant: {row['email']} is also in row {seen[key]} for this cohort",
                    )
                )
            else:
                seen[key] = number
        return errors

    def write(self, rows, ctx):
        people, cohorts = dict(ctx.state["people"]), dict(ctx.state["cohorts"])
        counts = defaultdict(int)
        for row in rows:
            person = people.get(row["email"])
            if person is None:
                person = Person(
                    organisation=ctx.organisation,
                    full_name=row["participant"],
                    email=row["email"],
                    professional_group=row["professional_group"],
                    job_title=row["job_title"],
                )
                person.full_clean()
                person.save()
                people[row["email"]] = person
                counts["new people"] += 1
            cohort = cohorts.get(row["cohort_name"].lower())
            if cohort is None:
                cohort = Cohort(
                    programme=row["programme"],
                    organisation=ctx.organisation,
                    name=row["cohort_name"],
                    starts_on=row["cohort_start"],
                )
                cohort.full_clean()
                cohort.save()
                cohorts[cohort.name.lower()] = cohort
                counts["new cohorts"] += 1
            enrolment = Enrolment(
                person=person,
                cohort=cohort,
                enrolled_on=row["enrolled_on"],
                withdrawn_on=row["withdrawn_on"],
                withdrawal_reason=row["withdrawal_reason"],
            )
            enrolment.full_clean()
            enrolment.save()
            counts["enrolments"] += 1
        return dict(counts)


def _modules_not_passed(person: Person | None, programme: Programme) -> list[int]:
    numbers = list(programme.modules.values_list("number", flat=True))
    if person is None:
        return numbers
    passed = set(
        Assessment.objects.filter(
            enrolment__person=person, module__programme=programme, result=AssessmentResult.PASS
        ).values_list("module__number", flat=True)
    )
    return [n for n in numbers if n not in passed]


class AssessmentImport(ImportSpec):
    name = "training.assessments"
    title = "Import module assessments"
    help_text = (
        "One row per homework or teach-back submission. The participant must already be enrolled "
        "in the cohort (import enrolments first)."
    )
    success_url_name = "training:index"
    columns = [
        Column("email", "Email", help="The participant's work email"),
        Column("cohort", "Cohort"),
        Column("programme", "Programme", help="Programme code of the module, e.g. L4L"),
        Column("module", "Module", help="Module number within the programme"),
        Column("submitted_on", "Submitted on"),
        Column("result", "Result", required=False, help="pass or resubmit; empty while awaiting"),
        Column("assessed_on", "Assessed on", required=False),
        Column("assessed_by", "Assessed by", required=False, help="Email of the KPO facilitator"),
    ]
    example_rows = [
        {
            "email": "ann.lee@example.nhs.uk",
            "cohort": "L4L cohort 12",
            "programme": "L4L",
            "module": "1",
            "submitted_on": "2021-05-10",
            "result": "pass",
            "assessed_on": "2021-05-17",
            "assessed_by": "kpo.sash@example.nhs.uk",
        }
    ]

    def prepare(self, ctx):
        ctx.state["programmes"] = _programmes(ctx)
        ctx.state["modules"] = {(m.programme_id, m.number): m for m in Module.objects.all()}
        ctx.state["enrolments"] = {
            (e.person.email.lower(), e.cohort.name.lower()): e
            for e in Enrolment.objects.filter(cohort__organisation=ctx.organisation).select_related(
                "person", "cohort__programme"
            )
        }
        ctx.state["assessors"] = {
            p.email.lower(): p
            for p in Person.objects.filter(organisation=ctx.organisation).exclude(email="")
        }
        ctx.state["passed"] = set(
            Assessment.objects.filter(
                enrolment__cohort__organisation=ctx.organisation, result=AssessmentResult.PASS
            ).values_list("enrolment_id", "module_id")
        )

    def clean_row(self, row, ctx):
        c = RowCleaner(row)
        email, cohort_name = c.text("email").lower(), c.text("cohort")
        enrolment = ctx.state["enrolments"].get((email, cohort_name.lower()))
        if email and cohort_name and enrolment is None:
            c.error(
                "email",
                f"{email} is not enrolled in cohort '{cohort_name}' (import enrolments first)",
            )
        code = c.text("programme")
        programme = ctx.state["programmes"].get(code.lower())
        if code and programme is None:
            c.error("programme", f"'{code}' is not a programme")
        number = c.integer("module")
        module = ctx.state["modules"].get((programme.pk, number)) if programme and number else None
        if programme and number and module is None:
            c.error("module", f"{programme.code} has no module {number}")
        if enrolment and programme and enrolment.cohort.programme_id != programme.pk:
            c.error(
                "programme",
                f"module of {programme.code}, but cohort '{enrolment.cohort.name}' is {enrolment.cohort.programme.code}",
            )
        submitted_on = c.date("submitted_on")
        result = c.choice("result", RESULT_CHOICES, required=False, default="")
        assessed_on = c.date("assessed_on", required=bool(result))
        if assessed_on and not result:
            c.error("result", "is required when an assessment date is given (pass or resubmit)")
        if assessed_on and submitted_on and assessed_on < submitted_on:
            c.error("assessed_on", "is before the submission date")
        if (
            enrolment
            and enrolment.withdrawn_on
            and assessed_on
            and assessed_on > enrolment.withdrawn_on
        ):
            c.error(
                "assessed_on",
                f"is after the participant withdrew ({enrolment.withdrawn_on:%d/%m/%Y})",
            )
        assessor_email = c.text("assessed_by", required=False).lower()
        assessor = ctx.state["assessors"].get(assessor_email)
        if assessor_email and assessor is None:
            c.error("assessed_by", f"{assessor_email} is not a person at this trust")
        if (
            enrolment
            and module
            and result == AssessmentResult.PASS
            and (enrolment.pk, module.pk) in ctx.state["passed"]
        ):
            c.error("result", f"module {module.number} is already passed in this cohort")
        return c.result(
            enrolment=enrolment,
            module=module,
            submitted_on=submitted_on,
            result=result,
            assessed_on=assessed_on,
            assessed_by=assessor,
        )

    def check_rows(self, rows, ctx):
        seen: dict[tuple[int, int], int] = {}
        errors = []
        for number, row in rows:
            if row["result"] != AssessmentResult.PASS:
                continue
            key = (row["enrolment"].pk, row["module"].pk)
            if key in seen:
                errors.append(
                    RowError(
                        number, "result", f"a second pass for this module (also row {seen[key]})"
                    )
                )
            else:
                seen[key] = number
        return errors

    def write(self, rows, ctx):
        assessments = [Assessment(**row) for row in rows]
        for assessment in assessments:
            assessment.full_clean()
        audit.bulk_create(Assessment, assessments)
        return {"assessments": len(assessments)}


register(EnrolmentImport())
register(AssessmentImport())
