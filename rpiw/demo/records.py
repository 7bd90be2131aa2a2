"""Demo value streams, metrics (with a TGT-approved change), RPIWs, teams and measures.

The RPIW records come from :mod:`rpiw.demo.measures` (seeded, deterministic): per trust the value
streams and RPIW counts of Table 7.1 as at July 2019 and measures whose baseline and 90-day
follow-up give Table 7.2. Nothing published is stored: the pages compute both tables. On top,
a few things the report describes but does not count: two BHRUT RPIWs stood down in 2018, and a
handful of current RPIWs (dated from today) so the KPO workspace has live work and reminders.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from governance.models import (
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
    StrategicObjective,
)
from governance.services import meetings as meeting_services
from rpiw import services
from rpiw.demo import measures as demo_measures
from rpiw.models import (
    Direction,
    Frequency,
    Measure,
    MeasureKind,
    Measurement,
    MetricCategory,
    MetricValue,
    PlanningTask,
    Point,
    Rpiw,
    RpiwStatus,
    Selection,
    TeamMember,
    TeamRole,
    TimeUnit,
    ValueStream,
    ValueStreamStatus,
)
from vmi_programme.demo import DemoContext
from vmi_programme.models import Person, ProfessionalGroup

SELECTION = {
    "SASH": (
        Selection.TOP_DOWN,
        "Chosen by the executive team to reflect known strategic and operational issues.",
    ),
    "LTHT": (
        Selection.TOP_DOWN,
        "Chosen by executives to address financial and productivity issues.",
    ),
    "UHCW": (
        Selection.TOP_DOWN,
        "Chosen by executives; patient safety first, to show Lean is not about saving money.",
    ),
    "BHRUT": (
        Selection.BOTTOM_UP,
        "Staff were asked: 'You tell us which ones you want to start with' (employee ownership).",
    ),
    "SATH": (
        Selection.BOTTOM_UP,
        "Staff were asked where the biggest areas of risk were, to engage them with the method.",
    ),
}
# Where the report gives the reason a value stream was chosen.
RATIONALES = {
    ("SASH", "Cardiology"): "The trust had invested in the department and wanted to optimise it.",
    ("SASH", "Management of diarrhoea"): "Affects the whole trust: improvement visible everywhere.",
    ("SASH", "Outpatients"): "The CQC inspection rated outpatients 'requires improvement'.",
    ("LTHT", "Orthopaedic elective"): "Chosen by the finance director: an underperforming, "
    "self-contained service, a safe space to learn the method.",
    ("UHCW", "Patient safety"): "To dispel cynicism: 'the purest patient thing you can do'.",
    ("BHRUT", "The first 24 hours"): "Named for when most problems occurred; soon found too broad.",
}
# Alignment to the trusts' strategic objectives (titles seeded by governance.demo). The
# bottom-up trusts' value streams are left unaligned, as the report found.
ALIGNMENT = {
    ("SASH", "Cardiology"): ["Sustainable finances"],
    ("SASH", "Management of diarrhoea"): ["Safe, harm-free care"],
    ("SASH", "Outpatients"): ["Timely planned care"],
    ("SASH", "Emergency floor"): ["Timely emergency care"],
    ("SASH", "Theatres"): ["Timely planned care", "Sustainable finances"],
    ("SASH", "Pathology"): ["Safe, harm-free care"],
    ("LTHT", "Orthopaedic elective"): ["Sustainable finances", "Timely planned care"],
    ("LTHT", "Ophthalmology"): ["Timely planned care"],
    ("LTHT", "Cancer diagnostics"): ["Timely planned care"],
    ("LTHT", "Medicines"): ["Safe, harm-free care"],
    ("LTHT", "Discharge"): ["Timely emergency care"],
    ("UHCW", "Patient safety"): ["Safe, harm-free care"],
    ("UHCW", "Theatres"): ["Sustainable finances"],
    ("UHCW", "Outpatients"): ["Timely planned care"],
    ("UHCW", "Discharge"): ["Timely emergency care"],
}
LEAD_NAMES = [
    "Amara Osei",
    "Ben Carter",
    "Chloe Evans",
    "Daniel Hughes",
    "Eleanor Price",
    "Farid Khan",
    "Grace Wood",
    "Harry Patel",
]
FRONT_LINE = ["Staff nurse", "Healthcare assistant", "Ward clerk", "Junior doctor", "Porter"]
OTHER_KIND = {"Environment, health and safety issues": MeasureKind.EHS}
# (category, name, unit, direction, baseline, target)
METRICS = [
    (
        MetricCategory.QUALITY,
        "Defects per 100 patients",
        "per 100 patients",
        Direction.LOWER,
        18,
        9,
    ),
    (MetricCategory.DELIVERY, "Median pathway lead time", "hours", Direction.LOWER, 40, 24),
    (
        MetricCategory.MORALE,
        "Staff who would recommend the service",
        "percent",
        Direction.HIGHER,
        62,
        75,
    ),
]


def seed(ctx: DemoContext) -> None:
    rng = random.Random(2019)
    programme = demo_measures.generate(seed=2019)
    today = timezone.localdate()
    people = _people(ctx, rng)
    first_start: dict[tuple[str, str], dt.date] = {}
    for rpiw in programme.rpiws:
        key = (rpiw["trust"], rpiw["value_stream"])
        first_start[key] = min(first_start.get(key, rpiw["workshop_start"]), rpiw["workshop_start"])
    streams = {}
    for index, row in enumerate(programme.value_streams):
        streams[row["trust"], row["name"]] = _value_stream(
            ctx, people, row["trust"], row["name"], first_start[row["trust"], row["name"]], index
        )
    for stream in streams.values():
        _metrics(rng, stream, programme.as_at)
    _uhcw_theatres_change(ctx, people, streams)
    _pending_change(people, streams)
    for rpiw in programme.rpiws:
        _rpiw(rng, people, streams[rpiw["trust"], rpiw["value_stream"]], rpiw, programme.as_at)
    _stood_down(people, streams)
    _current(rng, people, streams, today)


def _people(ctx: DemoContext, rng: random.Random) -> dict:
    people = {}
    for short, trust in ctx.trusts.items():
        by_user = {
            p.user.username: p
            for p in Person.objects.filter(organisation=trust, user__isnull=False).select_related(
                "user"
            )
        }
        key = short.lower()
        leads = [
            Person.objects.create(
                organisation=trust,
                full_name=f"{name}",
                job_title="Value-stream lead",
                professional_group=ProfessionalGroup.NURSING
                if n % 2
                else ProfessionalGroup.MEDICAL,
            )
            for n, name in enumerate(rng.sample(LEAD_NAMES, 4))
        ]
        people[short] = {
            "ceo": by_user.get(f"ceo.{key}"),
            "kpo": by_user.get(f"kpo.{key}"),
            "leads": leads,
            "ceo_user": by_user[f"ceo.{key}"].user if f"ceo.{key}" in by_user else None,
        }
    return people


def _value_stream(ctx, people, short, name, first_rpiw, index) -> ValueStream:
    trust = ctx.trusts[short]
    selection, rationale = SELECTION[short]
    titles = ALIGNMENT.get((short, name), [])
    objectives = [
        StrategicObjective.objects.get_or_create(organisation=trust, title=title)[0]
        for title in titles
    ]
    paused = short == "BHRUT"  # BHRUT stood its RPIW work down in 2018
    return services.save_value_stream(
        organisation=trust,
        name=name,
        scope_start="Referral or arrival",
        scope_end="Discharge or hand-over",
        patient_group="Adults" if "Maternity" not in name else "Pregnant women and newborns",
        scope=f"The linked processes of the {name.lower()} pathway, from first contact to "
        "discharge or hand-over.",
        executive_sponsor=people[short]["ceo"],
        lead=people[short]["leads"][index % len(people[short]["leads"])],
        facilitator=people[short]["kpo"],
        started_on=first_rpiw - dt.timedelta(weeks=10),
        status=ValueStreamStatus.PAUSED if paused else ValueStreamStatus.ACTIVE,
        selection=selection,
        selection_rationale=RATIONALES.get((short, name), rationale),
        objectives=objectives,
    )


def _month_ends(start: dt.date, end: dt.date):
    year, month = start.year, start.month
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        last = dt.date(year, month, 1) - dt.timedelta(days=1)
        if last > end:
            return
        yield last


def _metrics(rng: random.Random, stream: ValueStream, until: dt.date) -> None:
    for category, name, unit, direction, baseline, target in METRICS:
        metric = services.add_metric(
            stream,
            category=category,
            name=name,
            definition=f"{name} across the {stream.name.lower()} value stream, as reported monthly "
            "to the TGT.",
            unit=unit,
            direction=direction,
            baseline=Decimal(baseline),
            target=Decimal(target),
            data_source="Trust information team",
            frequency=Frequency.MONTHLY,
            effective_from=stream.started_on,
        )
        points, level = [], float(baseline)
        for month_end in _month_ends(stream.started_on, until):
            level += (target - level) * rng.uniform(0.0, 0.08) + rng.gauss(0, abs(baseline) * 0.03)
            points.append(
                MetricValue(metric=metric, period_end=month_end, value=Decimal(f"{level:.1f}"))
            )
        MetricValue.objects.bulk_create(points)


def _tgt_meeting(trust, on_or_after: dt.date) -> Meeting:
    meeting = (
        Meeting.objects.filter(
            series__kind=MeetingKind.TGT, series__organisation=trust, date__gte=on_or_after
        )
        .order_by("date")
        .first()
    )
    if meeting:
        return meeting
    series = MeetingSeries.objects.filter(kind=MeetingKind.TGT, organisation=trust).first()
    series = series or meeting_services.create_series(
        MeetingKind.TGT, f"{trust.short_name} TGT", organisation=trust
    )
    return meeting_services.create_meeting(series, on_or_after, status=MeetingStatus.HELD)


def _uhcw_theatres_change(ctx, people, streams) -> None:
    """Box 6.3: UHCW's theatre productivity metric was too high level; the TGT changed it."""
    theatres = streams["UHCW", "Theatres"]
    metric = services.add_metric(
        theatres,
        category=MetricCategory.SERVICE,
        name="Theatre productivity",
        definition="Cases per theatre session across all 30+ theatres.",
        unit="cases per session",
        direction=Direction.HIGHER,
        baseline=Decimal("2.6"),
        target=Decimal("3.2"),
        data_source="Theatre management system",
        frequency=Frequency.MONTHLY,
        effective_from=theatres.started_on,
    )
    proposed_on = dt.date(2018, 2, 5)
    change = services.propose_metric_change(
        metric,
        proposed_by=people["UHCW"]["kpo"],
        proposed_on=proposed_on,
        rationale="Too high level: with over 30 theatres, a trust-wide productivity metric hides "
        "the change in the urology theatre, where the RPIWs worked. It just nudges the dial.",
        new_name="Urology theatre productivity",
        new_definition="Cases per session in the urology theatres, the process the value stream's "
        "RPIWs target.",
        new_target=Decimal("3.6"),
    )
    services.decide_metric_change(
        change,
        user=people["UHCW"]["ceo_user"],
        approve=True,
        meeting=_tgt_meeting(ctx.trusts["UHCW"], proposed_on),
        note="Agreed: the metric should measure what the RPIWs change.",
    )


def _pending_change(people, streams) -> None:
    """A live proposal for the SASH TGT to decide (the approval workflow in the demo)."""
    metric = streams["SASH", "Outpatients"].metrics.get(name="Median pathway lead time")
    services.propose_metric_change(
        metric,
        proposed_by=people["SASH"]["kpo"],
        rationale="Pathway lead time mixes new and follow-up appointments; the RPIWs target new "
        "referrals, so measure referral to first appointment.",
        new_definition="Median days from GP referral to first outpatient appointment.",
        new_unit="days",
        new_target=Decimal("18"),
    )


def _rpiw(rng, people, stream: ValueStream, row: dict, as_at: dt.date) -> Rpiw:
    short = row["trust"]
    kpo = people[short]["kpo"]
    with_patient = rng.random() > 0.06
    rpiw = services.create_rpiw(
        stream,
        reference=row["reference"],
        title=row["title"],
        workshop_start=row["workshop_start"],
        workshop_end=row["workshop_end"],
        facilitator=kpo,
        process_start=f"{row['title']}: first step",
        process_end=f"{row['title']}: last step",
        problem_statement=f"Delays and rework in '{row['title'].lower()}'.",
        target_statement="Halve lead time and defects within 90 days.",
        status=RpiwStatus(row["status"]),
        patient_rep_exception=""
        if with_patient
        else "The patient representative withdrew the week before; the sponsor agreed to go ahead.",
        planning=False,
    )
    _planning_done(rpiw)
    _team(rpiw, people[short], with_patient)
    measures, measurements, names = [], [], set()
    for order, spec in enumerate(row["measures"], start=1):
        kind = OTHER_KIND.get(spec["name"], MeasureKind(spec["type"]))
        name, copy = spec["name"], 1
        while name in names:  # a second measure of a kind: another sub-process
            copy += 1
            name = f"{spec['name']} ({copy})"
        names.add(name)
        measure = Measure(
            rpiw=rpiw,
            order=order,
            kind=kind,
            name=name,
            unit=spec["unit"],
            direction=Direction(spec["better"]),
        )
        measure.full_clean(validate_unique=False, validate_constraints=False)
        measures.append((measure, spec))
    Measure.objects.bulk_create([m for m, _ in measures])
    for measure, spec in measures:
        points = [(0, spec["baseline"])] if spec["baseline"] is not None else []
        points += sorted(spec["followups"].items())
        for point, value in points:
            if point == Point.BASELINE:
                measured_on = rpiw.workshop_start - dt.timedelta(days=14)
            else:
                measured_on = min(rpiw.due_on(point) + dt.timedelta(days=rng.randint(0, 3)), as_at)
            measurement = Measurement(measure=measure, point=point, measured_on=measured_on)
            if isinstance(value, dict):
                measurement.defects, measurement.output = value["defects"], value["output"]
            else:
                measurement.value = Decimal(str(value))
            if point == Point.DAY_120:
                rpiw.follow_up_120 = True
            measurements.append(measurement)
    if rpiw.follow_up_120:
        rpiw.save(update_fields=["follow_up_120"])
    for measurement in measurements:
        measurement.full_clean(validate_unique=False, validate_constraints=False)
    Measurement.objects.bulk_create(measurements)
    return rpiw


def _planning_done(rpiw: Rpiw) -> None:
    PlanningTask.objects.bulk_create(
        services.default_planning(rpiw, done=rpiw.status != RpiwStatus.PLANNED)
    )


def _team(rpiw: Rpiw, staff: dict, with_patient: bool) -> None:
    lead = staff["leads"][rpiw.pk % len(staff["leads"])]
    members = [
        TeamMember(
            rpiw=rpiw, role=TeamRole.SPONSOR, name=staff["ceo"].full_name, person=staff["ceo"]
        ),
        TeamMember(rpiw=rpiw, role=TeamRole.PROCESS_OWNER, name=lead.full_name, person=lead),
        TeamMember(
            rpiw=rpiw, role=TeamRole.FACILITATOR, name=staff["kpo"].full_name, person=staff["kpo"]
        ),
        TeamMember(rpiw=rpiw, role=TeamRole.TEAM_LEAD, name=f"Team lead {rpiw.reference[-3:]}"),
    ]
    members += [
        TeamMember(rpiw=rpiw, role=TeamRole.FRONT_LINE, name=f"{title} ({rpiw.reference[-3:]})")
        for title in FRONT_LINE[:3]
    ]
    if with_patient:
        members.append(
            TeamMember(rpiw=rpiw, role=TeamRole.PATIENT_REP, name="Patient representative")
        )
    TeamMember.objects.bulk_create(members)


def _stood_down(people, streams) -> None:
    """Two BHRUT RPIWs planned for 2018 and stood down under regulatory pressure."""
    for title, start, stream in [
        ("Bed request to bed allocation (second workshop)", dt.date(2018, 7, 9), "Discharge"),
        ("Pathology request forms (second workshop)", dt.date(2018, 9, 10), "Pathology"),
    ]:
        rpiw = services.create_rpiw(
            streams["BHRUT", stream],
            title=title,
            workshop_start=start,
            facilitator=people["BHRUT"]["kpo"],
            problem_statement="Planned before the 2018 inspection.",
        )
        services.change_status(
            rpiw,
            RpiwStatus.STOOD_DOWN,
            reason="Stood down under regulatory pressure: the 2018 CQC inspection and recovery "
            "plan took the improvement team's capacity; RPIW work paused trust-wide.",
        )


def _current(rng, people, streams, today: dt.date) -> None:
    """Live RPIWs for the workspace: planned, preparing, and two in follow-up with values due."""
    monday = today - dt.timedelta(days=today.weekday())
    planned, preparing, follow_up = RpiwStatus.PLANNED, RpiwStatus.PREPARING, RpiwStatus.FOLLOW_UP
    plans = [
        ("SASH", "Outpatients", "Clinic letters to GPs", monday + dt.timedelta(weeks=9), planned),
        (
            "SASH",
            "Emergency floor",
            "Ambulatory care streaming",
            monday + dt.timedelta(weeks=3),
            preparing,
        ),
        (
            "SASH",
            "Theatres",
            "Theatre list finalisation",
            monday - dt.timedelta(days=32),
            follow_up,
        ),
        (
            "SASH",
            "Cardiology",
            "Echo reporting turnaround",
            monday - dt.timedelta(days=60),
            follow_up,
        ),
        (
            "LTHT",
            "Discharge",
            "Discharge letters before midday",
            monday - dt.timedelta(days=32),
            follow_up,
        ),
    ]
    for short, stream, title, start, status in plans:
        staff = people[short]
        rpiw = services.create_rpiw(
            streams[short, stream],
            title=title,
            workshop_start=start,
            facilitator=staff["kpo"],
            process_start="Request received",
            process_end="Done and communicated",
            problem_statement=f"'{title}' takes too long and is often redone.",
            target_statement="Halve the lead time; no defects at hand-over.",
            team=[
                {"role": TeamRole.SPONSOR, "person": staff["ceo"]},
                {"role": TeamRole.FACILITATOR, "person": staff["kpo"]},
                {"role": TeamRole.PROCESS_OWNER, "person": staff["leads"][0]},
                {"role": TeamRole.FRONT_LINE, "name": "Staff nurse"},
                {"role": TeamRole.PATIENT_REP, "name": "Patient partner"},
            ],
        )
        path = {planned: [], preparing: [preparing]}.get(
            status, [preparing, RpiwStatus.WORKSHOP, follow_up]
        )
        for step in path:
            services.change_status(rpiw, step)
        for task in rpiw.planning_tasks.all():
            if task.due_on < today:
                services.complete_planning_task(task, task.due_on)
        lead = services.add_measure(
            rpiw, kind=MeasureKind.LEAD_TIME, name="Lead time", unit=TimeUnit.HOURS
        )
        ratio = services.add_measure(rpiw, kind=MeasureKind.DEFECT_RATIO, name="Defect ratio")
        if status == planned:
            continue
        baseline_on = start - dt.timedelta(days=10)
        services.record_measurement(
            lead, Point.BASELINE, value=rng.choice([36, 48, 72]), measured_on=baseline_on
        )
        services.record_measurement(
            ratio, Point.BASELINE, defects=rng.randint(20, 40), output=60, measured_on=baseline_on
        )
        if rpiw.due_on(Point.DAY_30) + dt.timedelta(days=2) < today:
            on = rpiw.due_on(Point.DAY_30) + dt.timedelta(days=1)
            services.record_measurement(lead, Point.DAY_30, value=24, measured_on=on)
            services.record_measurement(
                ratio, Point.DAY_30, defects=rng.randint(8, 15), output=60, measured_on=on
            )
