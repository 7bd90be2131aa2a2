"""Reads for training: derived statuses, Table 5.1, diffusion over time, overdue work, surveys."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Min, Q, QuerySet

from vmi_programme.access import Action, restrict
from vmi_programme.models import (
    Organisation,
    Person,
    ProfessionalGroup,
    Role,
    partner_trusts,
)

from . import analysis
from .models import (
    Answer,
    Assessment,
    AssessmentResult,
    Cohort,
    CohortSession,
    Enrolment,
    Invitation,
    Likert,
    Module,
    Programme,
    Question,
    QuestionKind,
    SurveyWave,
)
from .progress import (
    COMPLETED,
    IN_PROGRESS,
    WITHDRAWN,
    EnrolmentSpan,
    ProgrammeRecord,
    completion_date,
)

OVERDUE_AFTER_DAYS = 28  # homework is due four weeks after the module's session


def percent(numerator: int, denominator: int | None) -> int | None:
    """A whole percentage, rounded half up as the report rounds (2.5% → 3%)."""
    if not denominator:
        return None
    value = Decimal(numerator) * 100 / Decimal(denominator)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def partnership_programmes() -> list[Programme]:
    return list(Programme.objects.filter(organisation__isnull=True))


# --- Derived statuses -----------------------------------------------------------------------


def programme_records(
    *,
    organisation_ids: Iterable[int] | None = None,
    programme_ids: Iterable[int] | None = None,
    person_ids: Iterable[int] | None = None,
) -> list[ProgrammeRecord]:
    """Every (person, programme) with their enrolments and completion date: three queries."""
    enrolments = Enrolment.objects.all()
    passes = Assessment.objects.filter(result=AssessmentResult.PASS)
    if organisation_ids is not None:
        organisation_ids = list(organisation_ids)
        enrolments = enrolments.filter(person__organisation_id__in=organisation_ids)
        passes = passes.filter(enrolment__person__organisation_id__in=organisation_ids)
    if programme_ids is not None:
        programme_ids = list(programme_ids)
        enrolments = enrolments.filter(cohort__programme_id__in=programme_ids)
        passes = passes.filter(module__programme_id__in=programme_ids)
    if person_ids is not None:
        person_ids = list(person_ids)
        enrolments = enrolments.filter(person_id__in=person_ids)
        passes = passes.filter(enrolment__person_id__in=person_ids)

    modules: dict[int, set[int]] = defaultdict(set)
    for module_id, programme_id in Module.objects.values_list("pk", "programme_id"):
        modules[programme_id].add(module_id)

    records: dict[tuple[int, int], ProgrammeRecord] = {}
    for row in enrolments.values(
        "pk",
        "person_id",
        "person__organisation_id",
        "cohort_id",
        "cohort__programme_id",
        "cohort__starts_on",
        "enrolled_on",
        "withdrawn_on",
    ):
        key = (row["person_id"], row["cohort__programme_id"])
        record = records.get(key)
        if record is None:
            record = records[key] = ProgrammeRecord(
                row["person_id"], row["person__organisation_id"], row["cohort__programme_id"]
            )
        record.spans.append(
            EnrolmentSpan(
                row["pk"],
                row["cohort_id"],
                row["enrolled_on"],
                row["cohort__starts_on"],
                row["withdrawn_on"],
            )
        )

    first_passes: dict[tuple[int, int], dict[int, dt.date]] = defaultdict(dict)
    for row in passes.values("enrolment__person_id", "module__programme_id", "module_id").annotate(
        first=Min("assessed_on")
    ):
        key = (row["enrolment__person_id"], row["module__programme_id"])
        first_passes[key][row["module_id"]] = row["first"]
    for key, record in records.items():
        record.completed_on = completion_date(first_passes.get(key, {}), modules[key[1]])
    return list(records.values())


# --- Table 5.1 and diffusion ----------------------------------------------------------------


def _status_counts(
    records: Iterable[ProgrammeRecord], day: dt.date
) -> dict[tuple[int, int], Counter]:
    counts: dict[tuple[int, int], Counter] = defaultdict(Counter)
    for record in records:
        status = record.status_on(day)
        if status is not None:
            counts[(record.organisation_id, record.programme_id)][status] += 1
    return counts


def table_5_1(as_of: dt.date) -> dict[str, Any]:
    """Training per partner trust on a date: completed and in progress per programme, diffusion.

    Each person counts once per programme; the total adds the programmes' counts (a person in
    L4L and ALT counts in both), as Table 5.1 does. Diffusion = (total completed + total in
    progress) / headcount, in whole percent.
    """
    trusts = list(partner_trusts())
    programmes = partnership_programmes()
    records = programme_records(
        organisation_ids=[t.pk for t in trusts], programme_ids=[p.pk for p in programmes]
    )
    counts = _status_counts(records, as_of)
    rows = []
    for trust in trusts:
        cells = []
        for programme in programmes:
            c = counts[(trust.pk, programme.pk)]
            cells.append({"completed": c[COMPLETED], "in_progress": c[IN_PROGRESS]})
        started = sum(
            counts[(trust.pk, p.pk)][s]
            for p in programmes
            for s in (COMPLETED, IN_PROGRESS, WITHDRAWN)
        )
        withdrawn = sum(counts[(trust.pk, p.pk)][WITHDRAWN] for p in programmes)
        rows.append(_table_row(trust.short_name, trust.headcount, cells, withdrawn, started, trust))
    total_cells = [
        {
            "completed": sum(r["programmes"][i]["completed"] for r in rows),
            "in_progress": sum(r["programmes"][i]["in_progress"] for r in rows),
        }
        for i in range(len(programmes))
    ]
    total = _table_row(
        "Total",
        sum(t.headcount or 0 for t in trusts),
        total_cells,
        sum(r["withdrawn"] for r in rows),
        sum(r["ever_enrolled"] for r in rows),
    )
    return {"as_of": as_of, "programmes": programmes, "rows": rows, "total": total}


def _table_row(label, headcount, cells, withdrawn, ever_enrolled, trust=None) -> dict:
    completed = sum(c["completed"] for c in cells)
    in_progress = sum(c["in_progress"] for c in cells)
    return {
        "trust": label,
        "organisation": trust,
        "headcount": headcount,
        "programmes": cells,
        "completed": completed,
        "in_progress": in_progress,
        "diffusion": percent(completed + in_progress, headcount),
        "withdrawn": withdrawn,
        "ever_enrolled": ever_enrolled,
        "dropout": percent(withdrawn, ever_enrolled),
    }


def table_5_1_export_rows(table: dict) -> tuple[list[dict], list[tuple[str, str]]]:
    """Table 5.1 flattened for CSV/XLSX."""
    columns = [("trust", "Trust"), ("headcount", "Trust size")]
    for programme in table["programmes"]:
        columns += [
            (f"{programme.code}_completed", f"{programme.code} complete"),
            (f"{programme.code}_in_progress", f"{programme.code} in progress"),
        ]
    columns += [
        ("completed", "Total complete"),
        ("in_progress", "Total in progress"),
        ("diffusion", "Diffusion (%)"),
    ]
    rows = []
    for row in [*table["rows"], table["total"]]:
        flat = {k: row[k] for k in ("trust", "headcount", "completed", "in_progress", "diffusion")}
        for programme, cell in zip(table["programmes"], row["programmes"], strict=True):
            flat[f"{programme.code}_completed"] = cell["completed"]
            flat[f"{programme.code}_in_progress"] = cell["in_progress"]
        rows.append(flat)
    return rows, columns


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    days, year, month = [], start.year, start.month
    while True:
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        day = nxt - dt.timedelta(days=1)
        if day > end:
            break
        days.append(day)
        year, month = nxt.year, nxt.month
    if not days or days[-1] != end:
        days.append(end)
    return days


def diffusion_series(organisation: Organisation, start: dt.date, end: dt.date) -> list[dict]:
    """Month by month: completed and in progress per programme and diffusion, for one trust."""
    programmes = partnership_programmes() + list(
        Programme.objects.filter(organisation=organisation)
    )
    records = programme_records(
        organisation_ids=[organisation.pk], programme_ids=[p.pk for p in programmes]
    )
    series = []
    for day in month_ends(start, end):
        counts = _status_counts(records, day)
        point = {"date": day, "programmes": {}}
        for programme in programmes:
            c = counts[(organisation.pk, programme.pk)]
            point["programmes"][programme.code] = (c[COMPLETED], c[IN_PROGRESS])
        active = sum(a + b for a, b in point["programmes"].values())
        point["diffusion"] = (
            round(active * 100 / organisation.headcount, 2) if organisation.headcount else None
        )
        series.append(point)
    return series


def executive_participation(as_of: dt.date, organisation_ids: Iterable[int]) -> list[dict]:
    """Executives (CEO / TGT members) and their status in each programme."""
    executives = list(
        Person.objects.filter(
            organisation_id__in=list(organisation_ids), role_assignments__role=Role.EXECUTIVE
        )
        .select_related("organisation")
        .distinct()
        .order_by("organisation__short_name", "full_name")
    )
    programmes = partnership_programmes()
    records = {
        (r.person_id, r.programme_id): r
        for r in programme_records(person_ids=[p.pk for p in executives])
    }
    rows = []
    for person in executives:
        statuses = []
        for programme in programmes:
            record = records.get((person.pk, programme.pk))
            statuses.append(record.status_on(as_of) if record else None)
        rows.append({"person": person, "statuses": statuses})
    return rows


# --- Cohorts ----------------------------------------------------------------------------------


def cohorts_for(user, *, organisation: Organisation | None = None) -> QuerySet:
    cohorts = restrict(
        Cohort.objects.select_related("programme", "organisation"), user, Action.VIEW
    ).annotate(
        size=Count("enrolments", distinct=True),
        withdrawn=Count(
            "enrolments", filter=Q(enrolments__withdrawn_on__isnull=False), distinct=True
        ),
    )
    if organisation is not None:
        cohorts = cohorts.filter(organisation=organisation)
    return cohorts.order_by("-starts_on", "name")


def cohort_grid(cohort: Cohort, as_of: dt.date) -> dict:
    """A cohort's enrolments × modules: each cell the person's latest assessment of the module.

    Cells read the participant's assessments from any of their cohorts in this programme, so a
    participant who rotated in brings their passed modules with them.
    """
    modules = list(cohort.programme.modules.order_by("number"))
    enrolments = list(cohort.enrolments.select_related("person").order_by("person__full_name"))
    person_ids = [e.person_id for e in enrolments]
    records = {
        r.person_id: r
        for r in programme_records(programme_ids=[cohort.programme_id], person_ids=person_ids)
    }
    latest: dict[tuple[int, int], Assessment] = {}
    for assessment in (
        Assessment.objects.filter(
            enrolment__person_id__in=person_ids, module__programme_id=cohort.programme_id
        )
        .select_related("enrolment")
        .order_by("submitted_on", "assessed_on", "pk")
    ):
        key = (assessment.enrolment.person_id, assessment.module_id)
        current = latest.get(key)
        if current is None or current.result != AssessmentResult.PASS:
            latest[key] = assessment
    rows = []
    for enrolment in enrolments:
        record = records.get(enrolment.person_id)
        span = next(s for s in record.spans if s.enrolment_id == enrolment.pk)
        rows.append(
            {
                "enrolment": enrolment,
                "status": record.enrolment_status_on(span, as_of),
                "cells": [
                    {"module": m, "assessment": latest.get((enrolment.person_id, m.pk))}
                    for m in modules
                ],
            }
        )
    size = len(enrolments)
    withdrawn = sum(1 for e in enrolments if e.withdrawn_on and e.withdrawn_on <= as_of)
    return {
        "modules": modules,
        "rows": rows,
        "size": size,
        "size_warning": Cohort.size_warning(size),
        "dropout": percent(withdrawn, size),
    }


def overdue_assessments(
    user, as_of: dt.date, organisation: Organisation | None = None
) -> list[dict]:
    """In-progress participants whose module session was more than four weeks ago, with no pass."""
    cutoff = as_of - dt.timedelta(days=OVERDUE_AFTER_DAYS)
    sessions = restrict(
        CohortSession.objects.filter(module__isnull=False, date__lte=cutoff).select_related(
            "module", "cohort__organisation", "cohort__programme"
        ),
        user,
        Action.VIEW,
        via="cohort__organisation",
    )
    if organisation is not None:
        sessions = sessions.filter(cohort__organisation=organisation)
    sessions = list(sessions)
    if not sessions:
        return []
    cohort_ids = {s.cohort_id for s in sessions}
    enrolments = list(Enrolment.objects.filter(cohort_id__in=cohort_ids).select_related("person"))
    person_ids = {e.person_id for e in enrolments}
    records = {(r.person_id, r.programme_id): r for r in programme_records(person_ids=person_ids)}
    passed = set(
        Assessment.objects.filter(
            enrolment__person_id__in=person_ids,
            result=AssessmentResult.PASS,
            assessed_on__lte=as_of,
        ).values_list("enrolment__person_id", "module_id")
    )
    by_cohort: dict[int, list[Enrolment]] = defaultdict(list)
    for enrolment in enrolments:
        by_cohort[enrolment.cohort_id].append(enrolment)
    overdue = []
    for session in sessions:
        for enrolment in by_cohort[session.cohort_id]:
            record = records[(enrolment.person_id, session.cohort.programme_id)]
            span = next(s for s in record.spans if s.enrolment_id == enrolment.pk)
            if record.enrolment_status_on(span, as_of) != IN_PROGRESS:
                continue
            if (enrolment.person_id, session.module_id) in passed:
                continue
            overdue.append(
                {
                    "enrolment": enrolment,
                    "cohort": session.cohort,
                    "module": session.module,
                    "due_on": session.date + dt.timedelta(days=OVERDUE_AFTER_DAYS),
                    "days_overdue": (as_of - session.date).days - OVERDUE_AFTER_DAYS,
                }
            )
    overdue.sort(key=lambda o: (-o["days_overdue"], o["enrolment"].person.full_name))
    return overdue


# --- Surveys ----------------------------------------------------------------------------------

ROLE_GROUPS = {
    ProfessionalGroup.NURSING: "Nursing",
    ProfessionalGroup.MEDICAL: "Clinical",
    ProfessionalGroup.AHP: "Clinical",
    ProfessionalGroup.SCIENTIFIC: "Clinical",
    ProfessionalGroup.MANAGERIAL: "Non-clinical",
    ProfessionalGroup.ADMIN_CLERICAL: "Non-clinical",
    ProfessionalGroup.OTHER: "Non-clinical",
}
ROLE_GROUP_ORDER = ["Nursing", "Clinical", "Non-clinical"]


def role_group(professional_group: str) -> str:
    return ROLE_GROUPS.get(professional_group, "Non-clinical")


def wave_response_table(wave: SurveyWave) -> dict[str, Any]:
    """Table 5.2: invitations, responses and completion per trust, with respondents' programme
    status on the day the wave opened, derived from their enrolments."""
    invitations = list(
        Invitation.objects.filter(wave=wave)
        .select_related("person__organisation", "response")
        .order_by("person__organisation__short_name")
    )
    programme = wave.survey.programme
    respondent_ids = [i.person_id for i in invitations if _has_response(i)]
    statuses = {}
    if programme is not None:
        for record in programme_records(programme_ids=[programme.pk], person_ids=respondent_ids):
            statuses[record.person_id] = record.status_on(wave.opens_on)
    per_trust: dict[str, Counter] = defaultdict(Counter)
    for invitation in invitations:
        c = per_trust[invitation.person.organisation.short_name]
        c["invitations"] += 1
        c["opened"] += invitation.opened_at is not None
        if _has_response(invitation):
            c["responses"] += 1
            c["completed"] += invitation.response.completed_at is not None
            status = statuses.get(invitation.person_id)
            c["graduates"] += status == COMPLETED
            c["in_progress"] += status == IN_PROGRESS
    total = sum(per_trust.values(), Counter())
    rows = [_response_row(name, c, total["responses"]) for name, c in sorted(per_trust.items())]
    return {
        "wave": wave,
        "rows": rows,
        "total": _response_row("Total", total, total["responses"]),
        "programme": programme,
    }


def _has_response(invitation: Invitation) -> bool:
    return hasattr(invitation, "response")


def _response_row(label: str, c: Counter, all_responses: int) -> dict:
    return {
        "trust": label,
        "invitations": c["invitations"],
        "opened": c["opened"],
        "responses": c["responses"],
        "completed": c["completed"],
        "response_rate": percent(c["responses"], c["invitations"]),
        "completion_rate": percent(c["completed"], c["responses"]),
        "sample_share": percent(c["responses"], all_responses),
        "graduates": c["graduates"],
        "in_progress": c["in_progress"],
        "by_status": c["graduates"] + c["in_progress"],
    }


def wave_likert_answers(wave: SurveyWave) -> list[dict]:
    """Every Likert answer of the wave with the respondent's trust and role group (one query)."""
    return [
        {
            "question_id": row["question_id"],
            "value": row["likert"],
            "trust": row["response__invitation__person__organisation__short_name"],
            "role": role_group(row["response__invitation__person__professional_group"]),
        }
        for row in Answer.objects.filter(
            response__invitation__wave=wave, likert__isnull=False
        ).values(
            "question_id",
            "likert",
            "response__invitation__person__organisation__short_name",
            "response__invitation__person__professional_group",
        )
    ]


def wave_item_results(wave: SurveyWave) -> dict[str, Any]:
    """Agreement (agree + strongly agree) per Likert item: overall, per trust and per role group,
    with a test of the difference between trusts named next to its result."""
    questions = list(
        Question.objects.filter(section__survey=wave.survey, kind=QuestionKind.LIKERT)
        .select_related("section")
        .order_by("section__order", "order")
    )
    answers = wave_likert_answers(wave)
    trusts = sorted({a["trust"] for a in answers})
    by_question: dict[int, list[dict]] = defaultdict(list)
    for answer in answers:
        by_question[answer["question_id"]].append(answer)
    items = []
    for question in questions:
        rows = by_question.get(question.pk, [])
        items.append(
            {
                "question": question,
                "overall": _agreement(rows),
                "trusts": [_agreement([r for r in rows if r["trust"] == t]) for t in trusts],
                "roles": [
                    _agreement([r for r in rows if r["role"] == g]) for g in ROLE_GROUP_ORDER
                ],
                "test": _between_trusts(rows),
            }
        )
    return {
        "trusts": trusts,
        "roles": ROLE_GROUP_ORDER,
        "items": items,
        "headlines": [i for i in items if i["question"].headline],
    }


def _agreement(rows: list[dict]) -> dict:
    agree = sum(1 for r in rows if r["value"] >= Likert.AGREE)
    return {"n": len(rows), "agree": agree, "share": percent(agree, len(rows))}


def _between_trusts(rows: list[dict]) -> list[dict]:
    groups: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        groups[r["trust"]].append(r["value"])
    results = []
    for method, test in (
        ("Kruskal–Wallis H", analysis.kruskal_wallis),
        ("Pearson chi-square", analysis.chi_square_agreement),
    ):
        try:
            results.append(test(groups).as_dict())
        except ValueError as exc:
            results.append({"method": method, "reason": str(exc)})
    return results


# Read by the dashboards (dashboards).


def l4l_survey_wave(as_of: dt.date | None = None):
    """The L4L participant survey wave of Table 5.2: the first wave with responses (or, with
    ``as_of``, the newest one opened by then)."""
    from training.models import SurveyWave

    waves = (
        SurveyWave.objects.filter(
            survey__programme__isnull=False, invitations__response__isnull=False
        )
        .select_related("survey__programme")
        .distinct()
    )
    if as_of is None:
        return waves.order_by("opens_on", "pk").first()
    return waves.filter(opens_on__lte=as_of).order_by("-opens_on", "-pk").first()


def _module_numbers(numbers: list[int]) -> str:
    """[2, 3, 4, 5] → "2–5"; [2, 4] → "2 and 4"."""
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}–{numbers[-1]}"
    if len(numbers) == 1:
        return str(numbers[0])
    return f"{', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"


def passes_out_of_order(cohort: Cohort, cells: Iterable[tuple[int, int]]) -> list[str]:
    """A sentence for each (enrolment id, module id) passed while an earlier module of the
    programme is not yet passed ("Ann Lee passed module 6 before modules 2–5"), which the
    grid accepts but should not let pass without comment (issue 17)."""
    modules = list(cohort.programme.modules.order_by("number"))
    by_id = {m.pk: m for m in modules}
    enrolments = {e.pk: e for e in cohort.enrolments.select_related("person")}
    passed = set(
        Assessment.objects.filter(
            enrolment__person_id__in=[e.person_id for e in enrolments.values()],
            module__programme_id=cohort.programme_id,
            result=AssessmentResult.PASS,
        ).values_list("enrolment__person_id", "module_id")
    )
    notes = []
    for enrolment_id, module_id in sorted(cells):
        enrolment, module = enrolments.get(enrolment_id), by_id.get(module_id)
        if enrolment is None or module is None:
            continue
        missing = [
            m.number
            for m in modules
            if m.number < module.number and (enrolment.person_id, m.pk) not in passed
        ]
        if missing:
            notes.append(
                f"{enrolment.person.full_name} passed module {module.number} before "
                f"module{'s' if len(missing) > 1 else ''} {_module_numbers(missing)}."
            )
    return notes
