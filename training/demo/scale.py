"""National-scale training records: L4L and ALT cohorts, enrolments and module assessments.

Per trust ten L4L cohorts of 26 and four ALT cohorts of 15 (~320 enrolments), started between
2016 and ``AS_AT``; participants submit a module a month, a sixth need a resubmission, some
withdraw. Called by ``vmi_programme.demo.scale.generate``.
"""

from __future__ import annotations

import datetime as dt

from training.models import (
    Assessment,
    AssessmentMethod,
    AssessmentResult,
    Cohort,
    Enrolment,
    Module,
    Programme,
)
from vmi_programme.demo.scale import AS_AT, ScaleContext

# code: (name, method, modules, cohorts per trust, participants per cohort)
PROGRAMMES = {
    "L4L": ("Lean for Leaders", AssessmentMethod.HOMEWORK, 4, 10, 26),
    "ALT": ("Advanced Lean Training", AssessmentMethod.TEACH_BACK, 3, 4, 15),
}
FIRST_COHORT = dt.date(2016, 1, 11)


def generate(ctx: ScaleContext) -> None:
    rng = ctx.rng
    programmes = []
    for order, (code, (name, method, n_modules, n_cohorts, size)) in enumerate(PROGRAMMES.items()):
        programme, _ = Programme.objects.get_or_create(
            code=code, defaults={"name": name, "assessment_method": method, "order": order}
        )
        modules = [
            Module.objects.get_or_create(
                programme=programme, number=k, defaults={"title": f"{code} module {k}"}
            )[0].pk
            for k in range(1, n_modules + 1)
        ]
        programmes.append((programme, modules, n_cohorts, size))
    cohorts = ctx.writer(Cohort, ["programme_id", "organisation_id", "name", "starts_on"])
    leads = ctx.writer(Cohort.facilitators.through, ["cohort_id", "person_id"])
    enrolments = ctx.writer(
        Enrolment, ["person_id", "cohort_id", "enrolled_on", "withdrawn_on", "withdrawal_reason"]
    )
    assessments = ctx.writer(
        Assessment, ["enrolment_id", "module_id", "submitted_on", "result", "assessed_on"]
    )
    span = (AS_AT - FIRST_COHORT).days
    for trust in ctx.trusts:
        cohort_rows: list[tuple] = []
        lead_rows: list[tuple] = []
        enrolment_rows: list[tuple] = []
        assessment_rows: list[tuple] = []
        for programme, modules, n_cohorts, size in programmes:
            for number, cid in enumerate(cohorts.ids(n_cohorts), start=1):
                starts = FIRST_COHORT + dt.timedelta(days=rng.randrange(span))
                cohort_rows.append(
                    (cid, programme.pk, trust.organisation.pk, f"{programme.code} {number}", starts)
                )
                (lid,) = leads.ids(1)
                lead_rows.append((lid, cid, rng.choice(trust.facilitators)))
                people = rng.sample(trust.staff, size)
                for eid, pid in zip(enrolments.ids(size), people, strict=True):
                    enrolled = starts - dt.timedelta(days=14)
                    withdrawn = None
                    if rng.random() < 0.08:
                        withdrawn = enrolled + dt.timedelta(days=rng.randrange(30, 240))
                    enrolment_rows.append(
                        (eid, pid, cid, enrolled, withdrawn, "Left the trust" if withdrawn else "")
                    )
                    assessment_rows.extend(
                        _assessments(rng, assessments, eid, modules, starts, withdrawn)
                    )
        ctx.write(Cohort, cohorts.columns[1:], cohort_rows)
        ctx.write(Cohort.facilitators.through, leads.columns[1:], lead_rows)
        ctx.write(Enrolment, enrolments.columns[1:], enrolment_rows)
        ctx.write(Assessment, assessments.columns[1:], assessment_rows)


def _assessments(rng, writer, enrolment_id, modules, starts: dt.date, withdrawn):
    rows: list[tuple] = []
    for k, module_id in enumerate(modules, start=1):
        submitted = starts + dt.timedelta(days=30 * k + rng.randrange(-5, 10))
        if submitted > AS_AT or (withdrawn and submitted > withdrawn):
            break
        attempts = [AssessmentResult.RESUBMIT, AssessmentResult.PASS]
        if rng.random() > 1 / 6:
            attempts = [AssessmentResult.PASS]
        for result in attempts:
            assessed = submitted + dt.timedelta(days=rng.randrange(3, 21))
            (aid,) = writer.ids(1)
            if assessed > AS_AT:
                rows.append((aid, enrolment_id, module_id, submitted, "", None))
                break
            rows.append((aid, enrolment_id, module_id, submitted, result, assessed))
            submitted = assessed + dt.timedelta(days=7)
    return rows
