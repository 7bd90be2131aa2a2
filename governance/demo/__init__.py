"""Demo CI infrastructure: priorities, TGB/TGT/KPO-leads meetings, daily work, Table 4.1 context.

Deterministic (seeded random). Table 4.1 is stored as raw records (ratings with dates, CEO tenures,
special measures, cultural work); the Trust context page computes the table from them.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from governance.models import (
    ActionStatus,
    Attendance,
    AttendanceStatus,
    BoardValue,
    CqcRatingValue,
    Direction,
    Huddle,
    MeetingKind,
    MeetingStatus,
    TeamKind,
)
from governance.services import context as context_services
from governance.services import daily_work, priorities
from governance.services import meetings as meeting_services
from vmi_programme.constants import PROGRAMME_START
from vmi_programme.demo import DemoContext
from vmi_programme.models import Person, ProfessionalGroup

D = dt.date
GOOD, OUTSTANDING = CqcRatingValue.GOOD, CqcRatingValue.OUTSTANDING
RI, INADEQUATE = CqcRatingValue.REQUIRES_IMPROVEMENT, CqcRatingValue.INADEQUATE

# Table 4.1, as dated records. Report dates within the published years.
CQC_RATINGS = {
    "SASH": [(GOOD, D(2014, 10, 8)), (OUTSTANDING, D(2019, 3, 20)), (OUTSTANDING, D(2021, 1, 14))],
    "LTHT": [(RI, D(2014, 9, 19)), (GOOD, D(2016, 7, 15)), (GOOD, D(2019, 4, 24))],
    "UHCW": [(RI, D(2015, 2, 11)), (RI, D(2018, 6, 27)), (GOOD, D(2020, 1, 29))],
    "SATH": [(RI, D(2014, 7, 17)), (INADEQUATE, D(2018, 11, 29)), (INADEQUATE, D(2020, 4, 8))],
    "BHRUT": [(RI, D(2015, 3, 5)), (RI, D(2018, 3, 8)), (RI, D(2020, 2, 12))],
}
# (name, start, end, interim); the report gives years only, so days within them are chosen.
CEO_TENURES = {
    "SASH": [("Michael Wilson", D(2010, 4, 1), None, False)],
    "LTHT": [("Julian Hartley", D(2013, 3, 1), None, False)],
    "UHCW": [("Andy Hardy", D(2010, 2, 1), None, False)],
    "SATH": [
        ("Adam Cairns", D(2010, 4, 1), D(2012, 5, 31), False),
        ("Peter Herring", D(2012, 6, 1), D(2015, 9, 30), False),
        ("Simon Wright", D(2015, 10, 1), D(2019, 3, 31), False),
        ("Paula Clark", D(2019, 4, 1), D(2020, 6, 30), True),
        ("Louise Barnett", D(2020, 7, 1), None, False),
    ],
    "BHRUT": [
        ("Matthew Hopkins", D(2014, 1, 6), D(2018, 6, 30), False),
        ("Chris Bown", D(2018, 7, 1), D(2019, 3, 31), True),
        ("Tony Chambers", D(2019, 4, 1), D(2021, 9, 30), False),  # report: 2019–2021
    ],
}
CULTURAL_WORK = {
    "SASH": (
        True,
        "",
        "'Values-based' work and leadership training for clinical leaders. Goal to become "
        "'clinically-led, managerially enabled'.",
    ),
    "LTHT": (True, "The Leeds Way", "'Values-based' work to produce The Leeds Way."),
    "UHCW": (
        True,
        "Together Towards World Class",
        "Together Towards World Class: a vision statement with accompanying values.",
    ),
    "SATH": (False, "", "No evidence of cultural work in the years prior to the partnership."),
    "BHRUT": (False, "", "No evidence of cultural work prior to the partnership."),
}
SPECIAL_MEASURES = {"BHRUT": [(D(2013, 12, 1), D(2017, 3, 31))]}

NATIONAL_PRIORITIES = [
    (
        "ae-4h",
        "A&E 4-hour standard",
        "95% of A&E patients admitted, transferred or discharged within four hours.",
    ),
    ("financial-balance", "Financial balance", "Deliver the agreed control total."),
    ("patient-safety", "Patient safety", "Reduce avoidable harm."),
    (
        "rtt-18w",
        "Referral to treatment in 18 weeks",
        "92% of patients on incomplete pathways waiting under 18 weeks.",
    ),
    ("workforce", "Workforce", "Recruit and retain staff; reduce turnover and agency spend."),
]
OBJECTIVES = [
    ("Timely emergency care", ["ae-4h", "patient-safety"]),
    ("Safe, harm-free care", ["patient-safety"]),
    ("Sustainable finances", ["financial-balance"]),
    ("Great place to work", ["workforce"]),
    ("Timely planned care", ["rtt-18w"]),
]
TGT_MEMBERS = [
    ("Medical Director", ProfessionalGroup.MEDICAL),
    ("Chief Nurse", ProfessionalGroup.NURSING),
    ("Chief Operating Officer", ProfessionalGroup.MANAGERIAL),
    ("Director of Finance", ProfessionalGroup.MANAGERIAL),
    ("Divisional Director, Medicine", ProfessionalGroup.MEDICAL),
]
TEAMS = [
    ("Emergency Department", TeamKind.DEPARTMENT),
    ("Acute Medical Unit", TeamKind.WARD),
    ("Ward 10 (Care of the elderly)", TeamKind.WARD),
]
FIRST_NAMES = [
    "Amara",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Faisal",
    "Grace",
    "Harry",
    "Isla",
    "Jack",
    "Kiran",
    "Leah",
    "Mo",
    "Nadia",
    "Owen",
]
LAST_NAMES = [
    "Ahmed",
    "Brown",
    "Clarke",
    "Davies",
    "Evans",
    "Foster",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _months(start: dt.date, end: dt.date, step: int = 1):
    year, month = start.year, start.month
    while D(year, month, 1) <= end:
        yield year, month
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1


def _weekday_in_month(year: int, month: int, weekday: int, nth: int) -> dt.date:
    first = D(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def seed(ctx: DemoContext) -> None:
    rng = random.Random(2015)
    today = timezone.localdate()
    end = D(today.year, today.month, 1) + dt.timedelta(days=62)  # two months planned ahead
    people = {(p.organisation.short_name, p.full_name): p for p in Person.objects.all()}
    ceos = _context(ctx, people)
    _priorities(ctx)
    _meetings(ctx, rng, people, ceos, today, end)
    _daily_work(ctx, rng, people, today)


def _new_person(rng, people, organisation, job_title, group=ProfessionalGroup.MANAGERIAL):
    """A made-up person with a name not yet used in this organisation."""
    name = _name(rng)
    while (organisation.short_name, name) in people:
        name = _name(rng)
    return _person(people, organisation, name, job_title, group)


def _person(people, organisation, full_name, job_title, group=ProfessionalGroup.MANAGERIAL):
    key = (organisation.short_name, full_name)
    if key not in people:
        people[key] = Person.objects.create(
            organisation=organisation,
            full_name=full_name,
            job_title=job_title,
            professional_group=group,
        )
    return people[key]


def _context(ctx, people) -> dict:
    """Table 4.1 records; returns each trust's CEO tenures as (person, start, end)."""
    ceos: dict[str, list[tuple[Person, dt.date, dt.date | None]]] = {}
    for short, trust in ctx.trusts.items():
        for rating, published_on in CQC_RATINGS[short]:
            context_services.record_cqc_rating(trust, rating, published_on)
        ceos[short] = []
        for name, start, end, interim in CEO_TENURES[short]:
            title = "Interim Chief Executive" if interim else "Chief Executive"
            person = _person(people, trust, name, title)
            context_services.record_ceo_tenure(trust, person, start, end, is_interim=interim)
            ceos[short].append((person, start, end))
        preceded, name, description = CULTURAL_WORK[short]
        context_services.record_cultural_work(trust, preceded, name=name, description=description)
        for start, end in SPECIAL_MEASURES.get(short, []):
            context_services.record_special_measures(trust, start, end)
    return ceos


def _priorities(ctx) -> None:
    national = {
        code: priorities.create_national_priority(
            code, title, description=description, set_by=ctx.regulator
        )
        for code, title, description in NATIONAL_PRIORITIES
    }
    for trust in ctx.trusts.values():
        for title, codes in OBJECTIVES:
            priorities.save_strategic_objective(
                organisation=trust,
                title=title,
                national_priorities=[national[c] for c in codes],
                active_from=PROGRAMME_START,
            )


def _meetings(ctx, rng, people, ceos, today, end) -> None:
    regulator, vmi = ctx.regulator, ctx.ci_partner
    start = PROGRAMME_START
    tgb = meeting_services.create_series(
        MeetingKind.TGB, "NHS-VMI Transformation Guiding Board", usual_duration_minutes=150
    )
    kpo_leads = meeting_services.create_series(
        MeetingKind.KPO_LEADS, "KPO leads' meeting", frequency="quarterly"
    )
    chair = _person(people, regulator, "Sam Okafor", "Director of Improvement")
    deputy_chair = _person(people, regulator, "Helen Marsh", "Deputy Director of Improvement")
    sensei = _person(people, vmi, "Dana Holt", "VMI sensei", ProfessionalGroup.OTHER)
    meeting_services.add_membership(tgb, chair, start, role="Chair (NHSEI)")
    meeting_services.add_membership(tgb, deputy_chair, start, role="Regulator representative")
    meeting_services.add_membership(tgb, sensei, start, role="Sensei (VMI)")
    meeting_services.add_membership(kpo_leads, deputy_chair, start, role="Chair (NHSEI)")
    series = [(tgb, 1, 2, dt.time(10), dt.time(12, 30), 1)]
    for short, trust in ctx.trusts.items():
        tgt = meeting_services.create_series(
            MeetingKind.TGT, f"{short} TGT", organisation=trust, usual_duration_minutes=150
        )
        for person, tenure_start, tenure_end in ceos[short]:
            if tenure_end and tenure_end < start:
                continue
            since = max(start, tenure_start)
            meeting_services.add_membership(tgb, person, since, tenure_end, role=f"CEO, {short}")
            meeting_services.add_membership(tgt, person, since, tenure_end, role="CEO (chair)")
        for job_title, group in TGT_MEMBERS:
            meeting_services.add_membership(
                tgt, _new_person(rng, people, trust, job_title, group), start, role=job_title
            )
        kpo_lead = (
            _person(people, trust, "Jo Marsh", "Head of KPO")
            if short == "SASH"
            else _new_person(rng, people, trust, "Head of KPO")
        )
        meeting_services.add_membership(tgt, kpo_lead, start, role="KPO lead")
        meeting_services.add_membership(kpo_leads, kpo_lead, start, role=f"KPO lead, {short}")
        facilitator = people.get((short, f"{short} KPO Facilitator"))
        if facilitator:
            meeting_services.add_membership(tgt, facilitator, D(2019, 1, 1), role="KPO facilitator")
        series.append((tgt, 2, 1, dt.time(14), dt.time(16, 30), 1))
    series.append((kpo_leads, 3, 3, dt.time(10), dt.time(13), 3))

    trust_names = list(ctx.trusts)
    for meeting_series, weekday, nth, starts, ends, step in series:
        memberships = list(meeting_series.memberships.select_related("person"))
        for index, (year, month) in enumerate(_months(start, end, step)):
            date = _weekday_in_month(year, month, weekday, nth)
            if meeting_series.kind == MeetingKind.KPO_LEADS and month not in (1, 4, 7, 10):
                continue
            held = date < today
            meeting = meeting_services.create_meeting(
                meeting_series,
                date,
                start_time=starts,
                end_time=ends,
                status=MeetingStatus.HELD if held else MeetingStatus.PLANNED,
                location="Microsoft Teams" if date >= D(2020, 3, 23) else "Board room",
                agenda=_agenda(meeting_series, memberships, date, trust_names[index % 5]),
                minutes="Minutes approved at the following meeting." if held else "",
            )
            if held:
                _attendance(rng, meeting, memberships)
                _outcomes(rng, meeting, memberships, today)


def _agenda(series, memberships, date, spotlight):
    active = [m for m in memberships if m.is_active_on(date)]

    def by_role(word):
        return next((m.person for m in active if word in m.role), active[0].person)

    if series.kind == MeetingKind.TGB:
        return [
            {"title": "Welcome, apologies and minutes", "presenter": by_role("Chair")},
            {"title": f"Trust spotlight: {spotlight}", "presenter": by_role(f"CEO, {spotlight}")},
            {
                "title": "Partnership progress: training, RPIWs and value streams",
                "presenter": by_role("Sensei"),
            },
        ]
    if series.kind == MeetingKind.TGT:
        return [
            {"title": "Welcome and apologies", "presenter": by_role("CEO")},
            {"title": "Value stream reports", "presenter": by_role("KPO lead")},
            {
                "title": "RPIW report-outs and 30/60/90-day follow-ups",
                "presenter": by_role("KPO lead"),
            },
            {"title": "Lean for Leaders progress", "presenter": by_role("KPO lead")},
        ]
    return [
        {"title": "Shared learning from each KPO", "presenter": by_role("Chair")},
        {"title": "Training pipeline and certification", "presenter": by_role("KPO lead")},
        {"title": "Measurement and reporting to TGT", "presenter": by_role("KPO lead")},
    ]


def _attendance(rng, meeting, memberships) -> None:
    rows = []
    active = [m for m in memberships if m.is_active_on(meeting.date)]
    for membership in active:
        roll = rng.random()
        if roll < 0.84:
            rows.append(
                Attendance(
                    meeting=meeting, person=membership.person, status=AttendanceStatus.PRESENT
                )
            )
            continue
        status = AttendanceStatus.APOLOGIES if roll < 0.96 else AttendanceStatus.ABSENT
        deputy = None
        if status == AttendanceStatus.APOLOGIES and rng.random() < 0.6:
            colleagues = [
                m.person
                for m in active
                if m.person.organisation_id == membership.person.organisation_id
                and m.person_id != membership.person_id
            ]
            deputy = rng.choice(colleagues) if colleagues else None
        rows.append(
            Attendance(meeting=meeting, person=membership.person, status=status, deputy=deputy)
        )
    Attendance.objects.bulk_create(rows)  # members on the date by construction


def _outcomes(rng, meeting, memberships, today) -> None:
    active = [m.person for m in memberships if m.is_active_on(meeting.date)]
    meeting_services.record_decision(
        meeting,
        rng.choice(
            [
                "Agreed the value stream priorities for the next quarter.",
                "Approved the RPIW schedule as presented.",
                "Agreed to share the spotlight trust's learning across the partnership.",
                "Noted the training diffusion figures; no change to plan.",
            ]
        ),
    )
    for _ in range(rng.randint(1, 2)):
        due = meeting.date + dt.timedelta(days=28)
        done = due < today - dt.timedelta(days=45) or rng.random() < 0.5
        action = meeting_services.add_action(
            meeting,
            rng.choice(
                [
                    "Circulate the value stream report",
                    "Confirm RPIW sponsor and team",
                    "Update the L4L cohort plan",
                    "Bring the 90-day follow-up data",
                    "Share the standard work with the other trusts",
                ]
            ),
            rng.choice(active),
            due,
        )
        if done:
            meeting_services.set_action_status(
                action, ActionStatus.DONE, completed_on=min(due, today)
            )


def _daily_work(ctx, rng, people, today) -> None:
    for short, trust in ctx.trusts.items():
        kpo = people.get((short, f"{short} KPO Facilitator"))
        user = kpo.user if kpo else None
        teams = []
        for name, kind in TEAMS:
            lead_title = "Ward manager" if kind == TeamKind.WARD else "Department manager"
            lead = _new_person(rng, people, trust, lead_title, ProfessionalGroup.NURSING)
            team = daily_work.save_team(organisation=trust, name=name, kind=kind, lead=lead)
            teams.append(team)
            _huddles(rng, team, today)
            _board(rng, team, today)
        owner = teams[1].lead
        daily_work.create_standard_work(
            organisation=trust,
            owner=owner,
            team=teams[0],
            title="Triage within 15 minutes of arrival",
            steps=[
                "Greet the patient and record arrival time",
                "Take observations and NEWS2 score",
                "Allocate to stream (majors, minors, ambulatory)",
            ],
            changed_by=user,
            at=timezone.make_aware(dt.datetime(2017, 5, 2, 9)),
        )
        document = daily_work.create_standard_work(
            organisation=trust,
            owner=owner,
            team=teams[1],
            title="Flipping a ward to COVID-19 care",
            steps=[
                "Agree the flip with the site manager",
                "Move non-COVID patients",
                "Deep clean and set up donning and doffing areas",
            ],
            emergency_response=True,
            changed_by=user,
            reason="Written for the pandemic response: wards changed use within hours.",
            at=timezone.make_aware(dt.datetime(2020, 3, 24, 18)),
        )
        daily_work.revise_standard_work(
            document,
            title="Flipping a ward to COVID-19 care",
            steps=[
                "Agree the flip with the site manager",
                "Move non-COVID patients",
                "Deep clean and set up donning and doffing areas",
                "Check oxygen supply and FFP3 fit-testing of staff",
            ],
            reason="Oxygen supply ran short on the first flipped ward.",
            changed_by=user,
            at=timezone.make_aware(dt.datetime(2020, 4, 2, 11)),
        )
        daily_work.revise_standard_work(
            document,
            title="Flipping a ward to and from COVID-19 care",
            steps=[
                "Agree the flip with the site manager",
                "Move non-COVID patients",
                "Deep clean and set up donning and doffing areas",
                "Check oxygen supply and FFP3 fit-testing of staff",
                "Flipping back: terminal clean and sign-off by infection control",
            ],
            reason="Added the steps for returning the ward to normal use.",
            changed_by=user,
            at=timezone.make_aware(dt.datetime(2020, 6, 15, 10)),
        )


def _huddles(rng, team, today) -> None:
    rows = []
    day = today - dt.timedelta(days=56)
    while day < today:
        if day.weekday() < 5:
            issues = rng.randint(0, 5)
            rows.append(
                Huddle(
                    team=team,
                    date=day,
                    attendance_count=rng.randint(6, 14),
                    issues_raised=issues,
                    escalations=rng.randint(0, min(issues, 2)),
                    improvement_ideas=rng.randint(0, 3),
                )
            )
        day += dt.timedelta(days=1)
    Huddle.objects.bulk_create(rows)


def _board(rng, team, today) -> None:
    board = daily_work.create_board(team, f"{team.name} production board")
    measures = [
        daily_work.add_board_measure(
            board, "Discharges before midday (%)", Decimal(33), unit="%", direction=Direction.HIGHER
        ),
        daily_work.add_board_measure(
            board, "Falls", Decimal(1), unit="per week", direction=Direction.LOWER
        ),
    ]
    rows = []
    for week in range(26):
        day = today - dt.timedelta(weeks=26 - week)
        rows.append(
            BoardValue(
                measure=measures[0],
                recorded_on=day,
                value=Decimal(rng.randint(18, 30) + week // 3),
            )
        )
        rows.append(BoardValue(measure=measures[1], recorded_on=day, value=rng.randint(0, 3)))
    BoardValue.objects.bulk_create(rows)
