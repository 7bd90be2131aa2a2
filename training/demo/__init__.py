"""Demo training records: L4L and ALT cohorts, enrolments, assessments and the November 2018 survey.

Nothing published is stored. The generator makes individual people, cohorts, enrolments and
module assessments (with resubmissions, withdrawals, participants who rotate between cohorts)
so that the app's own derivations give Table 5.1 as of 31 March 2021 and Table 5.2 for the
November 2018 survey. Seeded, so every run makes the same records.

Per trust, L4L participants fall into timelines (counts below), chosen so that:

* graduates at the survey = ``A``; in progress at the survey = ``B``; withdrawn before it = ``W``
  (invitations = A + W + B: everybody who had joined L4L by 1 November 2018);
* complete in March 2021 = A + Bc + Dc; in progress = Bs + Dp
  (``B`` splits into completed later ``Bc``, still in progress ``Bs``, withdrawn later ``Bw``;
  ``D`` joined after the survey and splits the same way).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field

from faker import Faker

from training.models import (
    Answer,
    Assessment,
    AssessmentMethod,
    AssessmentResult,
    Cohort,
    CohortSession,
    Enrolment,
    EnrolmentStatus,
    Invitation,
    Likert,
    Module,
    ModuleTheme,
    Programme,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveySection,
    SurveyWave,
)
from vmi_programme.demo import DemoContext
from vmi_programme.models import Person, ProfessionalGroup, Role, RoleAssignment

AS_OF = dt.date(2021, 3, 31)  # Table 5.1
SURVEY_OPENS = dt.date(2018, 11, 1)  # Table 5.2
SURVEY_CLOSES = dt.date(2018, 11, 30)

# trust: A, W, B, Bc, Bs, Bw, Dc, Dp, Dw
L4L_PLAN = {
    "BHRUT": (15, 5, 83, 45, 30, 8, 0, 24, 2),
    "LTHT": (40, 5, 160, 63, 80, 17, 0, 273, 20),
    "SASH": (120, 6, 62, 55, 0, 7, 58, 94, 10),
    "SATH": (70, 5, 39, 35, 0, 4, 169, 59, 15),
    "UHCW": (60, 5, 90, 80, 0, 10, 138, 154, 15),
}
# trust: complete, in progress, withdrawn (as of March 2021)
ALT_PLAN = {
    "BHRUT": (27, 0, 1),
    "LTHT": (38, 46, 2),
    "SASH": (34, 3, 1),
    "SATH": (22, 0, 1),
    "UHCW": (14, 0, 1),
}
# trust: responses (started), of whom graduates, in progress; completed; clicked but not started
SURVEY_PLAN = {
    "BHRUT": (39, 7, 30, 34, 2),
    "LTHT": (64, 23, 40, 56, 3),
    "SASH": (96, 63, 31, 86, 2),
    "SATH": (64, 45, 17, 57, 2),
    "UHCW": (58, 30, 26, 52, 3),
}
# Respondents agreeing (agree or strongly agree) with each headline item, per trust: these add
# up to 308/321 (96%), 273/321 (85%) and 209/321 (65%).
HEADLINE_AGREE = {
    "skills_meaningful": {"BHRUT": 36, "LTHT": 62, "SASH": 95, "SATH": 60, "UHCW": 55},
    "value_impact": {"BHRUT": 30, "LTHT": 56, "SASH": 88, "SATH": 52, "UHCW": 47},
    "belief_colleagues": {"BHRUT": 20, "LTHT": 44, "SASH": 80, "SATH": 30, "UHCW": 35},
}
# Agreement tendency for the other items (SASH and LTHT most positive, SATH least).
TRUST_TENDENCY = {"BHRUT": 0.55, "LTHT": 0.72, "SASH": 0.85, "SATH": 0.45, "UHCW": 0.58}

L4L_MODULES = [
    (
        "Leading a Lean transformation",
        ModuleTheme.LEADERSHIP,
        "Purpose, respect for people, the management system.",
    ),
    (
        "Leading change and engaging people",
        ModuleTheme.LEADERSHIP,
        "Problem framing, coaching, psychological safety.",
    ),
    (
        "System-wide leadership and the golden thread",
        ModuleTheme.LEADERSHIP,
        "Strategy deployment from national priorities to value streams.",
    ),
    (
        "Daily management: production boards and huddles",
        ModuleTheme.TECHNICAL,
        "Visual management of a team's measures; daily huddles.",
    ),
    (
        "Workplace organisation: 5S and standard work",
        ModuleTheme.TECHNICAL,
        "Sort, set, shine, standardise, sustain; standard work documents.",
    ),
    (
        "Value streams and root-cause analysis",
        ModuleTheme.TECHNICAL,
        "Value-stream mapping, 5 whys, fishbone diagrams.",
    ),
]
ALT_MODULES = [
    "Lean foundations and the eight wastes",
    "Value-stream mapping",
    "Flow",
    "Pull and kanban",
    "Takt time",
    "Standard work",
    "5S",
    "Mistake proofing",
    "Set-up reduction",
    "Root-cause analysis",
    "Visual management",
    "Daily management and huddles",
    "Rapid process improvement workshops",
    "Level loading",
    "Teaching and coaching Lean",
]
GROUP_WEIGHTS = [
    (ProfessionalGroup.NURSING, 38),
    (ProfessionalGroup.MEDICAL, 14),
    (ProfessionalGroup.AHP, 14),
    (ProfessionalGroup.SCIENTIFIC, 5),
    (ProfessionalGroup.MANAGERIAL, 17),
    (ProfessionalGroup.ADMIN_CLERICAL, 12),
]
JOB_TITLES = {
    ProfessionalGroup.NURSING: [
        "Ward manager",
        "Matron",
        "Senior staff nurse",
        "Clinical nurse specialist",
    ],
    ProfessionalGroup.MEDICAL: ["Consultant", "Clinical director", "Specialty registrar"],
    ProfessionalGroup.AHP: ["Physiotherapy lead", "Occupational therapist", "Radiographer"],
    ProfessionalGroup.SCIENTIFIC: ["Laboratory manager", "Pharmacist", "Clinical scientist"],
    ProfessionalGroup.MANAGERIAL: ["Service manager", "General manager", "Operations manager"],
    ProfessionalGroup.ADMIN_CLERICAL: [
        "Medical secretary",
        "Patient pathway coordinator",
        "Team administrator",
    ],
}
EXECUTIVES = [
    ("Chief Nurse", ProfessionalGroup.NURSING),
    ("Medical Director", ProfessionalGroup.MEDICAL),
    ("Chief Operating Officer", ProfessionalGroup.MANAGERIAL),
]
WITHDRAWAL_REASONS = [
    "Left the trust",
    "Workload: could not attend sessions",
    "Maternity leave",
    "Changed role",
    "Long-term sickness",
    "Redeployed during the pandemic",
]


@dataclass
class Plan:
    """One person's L4L timeline."""

    category: str  # A, W, Bc, Bs, Bw, Dc, Dp, Dw
    person: Person | None = None
    cohorts: list = field(default_factory=list)


def seed(ctx: DemoContext) -> None:
    rng = random.Random(2015)
    fake = Faker("en_GB")
    fake.seed_instance(2015)
    l4l, alt = _programmes()
    l4l_modules = list(l4l.modules.order_by("number"))
    alt_modules = list(alt.modules.order_by("number"))
    emails: set[str] = set()
    all_l4l_plans: dict[str, list[Plan]] = {}
    for short in sorted(L4L_PLAN):
        trust = ctx.trusts[short]
        facilitators = _facilitators(trust, fake, emails)
        plans = _l4l_plans(short, rng)
        _people(trust, plans, rng, fake, emails)
        _l4l_records(trust, l4l, l4l_modules, plans, facilitators, rng)
        _alt_records(trust, alt, alt_modules, plans, facilitators, rng)
        all_l4l_plans[short] = plans
    _survey(ctx, l4l, all_l4l_plans, rng)


def _programmes() -> tuple[Programme, Programme]:
    l4l = Programme.objects.create(
        code="L4L",
        name="Lean for Leaders",
        description=(
            "Six modules: three on system-wide leadership and change management, three on the "
            "technical tools of daily management. Each module is assessed on practice-based homework."
        ),
        assessment_method=AssessmentMethod.HOMEWORK,
        typical_duration="9–12 months",
        order=1,
    )
    alt = Programme.objects.create(
        code="ALT",
        name="Advanced Lean Training",
        description=(
            "Fifteen modules over twelve weeks, each concept with one piece of gemba work in the "
            "participant's own workplace, assessed by teach-back."
        ),
        assessment_method=AssessmentMethod.TEACH_BACK,
        typical_duration="12 weeks",
        order=2,
    )
    Module.objects.bulk_create(
        [
            Module(
                programme=l4l,
                number=i,
                title=title,
                theme=theme,
                topics=topics,
                assessment_brief="Practice-based homework applying the module in your area.",
            )
            for i, (title, theme, topics) in enumerate(L4L_MODULES, start=1)
        ]
        + [
            Module(
                programme=alt,
                number=i,
                title=title,
                theme=ModuleTheme.CONCEPT,
                assessment_brief="One piece of gemba work, then teach the concept back.",
            )
            for i, title in enumerate(ALT_MODULES, start=1)
        ]
    )
    return l4l, alt


def _email(name: str, trust_short: str, emails: set[str]) -> str:
    base = ".".join(part.lower() for part in name.replace("'", "").split() if part.isalpha())
    email, n = f"{base}@{trust_short.lower()}.nhs.uk", 1
    while email in emails:
        n += 1
        email = f"{base}{n}@{trust_short.lower()}.nhs.uk"
    emails.add(email)
    return email


def _facilitators(trust, fake: Faker, emails: set[str]) -> list[Person]:
    """The trust's KPO facilitators: the demo login's person and two more."""
    people = list(
        Person.objects.filter(organisation=trust, role_assignments__role=Role.KPO_FACILITATOR)
    )
    for _ in range(2):
        name = fake.name()
        person = Person.objects.create(
            organisation=trust,
            full_name=name,
            job_title="Improvement facilitator, Kaizen Promotion Office",
            professional_group=ProfessionalGroup.MANAGERIAL,
            email=_email(name, trust.short_name, emails),
        )
        RoleAssignment.objects.create(person=person, role=Role.KPO_FACILITATOR)
        people.append(person)
    return people


def _l4l_plans(short: str, rng: random.Random) -> list[Plan]:
    a, w, _b, bc, bs, bw, dc, dp, dw = L4L_PLAN[short]
    counts = {"A": a, "W": w, "Bc": bc, "Bs": bs, "Bw": bw, "Dc": dc, "Dp": dp, "Dw": dw}
    return [Plan(category) for category, n in counts.items() for _ in range(n)]


def _people(trust, plans: list[Plan], rng: random.Random, fake: Faker, emails: set[str]) -> None:
    """A person for each plan; the CEO and three executives take plans of their own."""
    short = trust.short_name
    executive_plans = []
    ceo = Person.objects.filter(organisation=trust, user__username=f"ceo.{short.lower()}").first()
    preferred = ["A", "Bc", "Dc", "Dp"] if short in ("SASH", "LTHT", "UHCW") else ["Dc", "Dp"]
    for category in preferred:
        executive_plans += [p for p in plans if p.category == category][:4]
    executive_plans = executive_plans[:4]
    if ceo is not None:
        executive_plans[0].person = ceo
    new_people = []
    for index, (title, group) in enumerate(EXECUTIVES, start=1):
        name = fake.name()
        person = Person(
            organisation=trust,
            full_name=name,
            job_title=title,
            professional_group=group,
            email=_email(name, short, emails),
        )
        executive_plans[index].person = person
        new_people.append(person)
    groups, weights = zip(*GROUP_WEIGHTS, strict=True)
    for plan in plans:
        if plan.person is None:
            name = fake.name()
            group = rng.choices(groups, weights)[0]
            plan.person = Person(
                organisation=trust,
                full_name=name,
                job_title=rng.choice(JOB_TITLES[group]),
                professional_group=group,
                email=_email(name, short, emails),
            )
            new_people.append(plan.person)
    Person.objects.bulk_create(new_people)
    RoleAssignment.objects.bulk_create(
        RoleAssignment(person=p, role=Role.EXECUTIVE) for p in new_people[: len(EXECUTIVES)]
    )


def _chunks(items: list, size: int = 30) -> list[list]:
    if not items:
        return []
    n = math.ceil(len(items) / size)
    bounds = [round(i * len(items) / n) for i in range(n + 1)]
    return [items[bounds[i] : bounds[i + 1]] for i in range(n)]


def _spread(start: dt.date, end: dt.date, n: int) -> list[dt.date]:
    if n == 1:
        return [start]
    step = (end - start).days / (n - 1)
    return [start + dt.timedelta(days=round(i * step)) for i in range(n)]


class _Writer:
    """Collects cohorts, enrolments and assessments, then writes them in bulk."""

    def __init__(self, trust, programme: Programme, modules: list[Module], facilitators, rng):
        self.trust, self.programme, self.modules = trust, programme, modules
        self.facilitators, self.rng = facilitators, rng
        self.cohorts: list[Cohort] = []
        self.sessions: list[CohortSession] = []
        self.enrolments: list[Enrolment] = []
        self.assessments: list[tuple[Enrolment, Assessment]] = []

    def cohort(self, start: dt.date, session_days: float) -> Cohort:
        number = len(self.cohorts) + 1
        cohort = Cohort(
            programme=self.programme,
            organisation=self.trust,
            name=f"{self.programme.code} cohort {number} ({start:%b %Y})",
            starts_on=start,
            planned_end_on=start + dt.timedelta(days=round(session_days * len(self.modules)) + 14),
        )
        self.cohorts.append(cohort)
        for i, module in enumerate(self.modules):
            self.sessions.append(
                CohortSession(
                    cohort=cohort,
                    module=module,
                    date=start + dt.timedelta(days=round(i * session_days)),
                    title=module.title,
                )
            )
        return cohort

    def enrol(
        self, person: Person, cohort: Cohort, withdrawn_on: dt.date | None = None
    ) -> Enrolment:
        enrolment = Enrolment(
            person=person,
            cohort=cohort,
            enrolled_on=cohort.starts_on - dt.timedelta(days=14),
            withdrawn_on=withdrawn_on,
            withdrawal_reason=self.rng.choice(WITHDRAWAL_REASONS) if withdrawn_on else "",
        )
        self.enrolments.append(enrolment)
        return enrolment

    def passes(
        self, enrolment: Enrolment, modules: list[Module], start: dt.date, span: int
    ) -> None:
        """A pass for each module, spread over ``span`` days (sometimes after a resubmission)."""
        assessor = self.rng.choice(self.facilitators)
        n = len(self.modules)
        for module in modules:
            due = start + dt.timedelta(days=round(span * module.number / n))
            passed_on = due - dt.timedelta(days=self.rng.randint(0, min(10, span // n)))
            submitted_on = passed_on - dt.timedelta(days=self.rng.randint(3, 10))
            if self.rng.random() < 0.12:  # a first attempt sent back for resubmission
                first = submitted_on - dt.timedelta(days=self.rng.randint(10, 20))
                self.assessments.append(
                    (
                        enrolment,
                        Assessment(
                            module=module,
                            submitted_on=first,
                            assessed_on=first + dt.timedelta(days=5),
                            result=AssessmentResult.RESUBMIT,
                            assessed_by=assessor,
                        ),
                    )
                )
            self.assessments.append(
                (
                    enrolment,
                    Assessment(
                        module=module,
                        submitted_on=submitted_on,
                        assessed_on=passed_on,
                        result=AssessmentResult.PASS,
                        assessed_by=assessor,
                    ),
                )
            )

    def save(self) -> None:
        Cohort.objects.bulk_create(self.cohorts)
        through = Cohort.facilitators.through
        through.objects.bulk_create(
            through(cohort_id=c.pk, person_id=p.pk) for c in self.cohorts for p in self.facilitators
        )
        for session in self.sessions:
            session.cohort_id = session.cohort.pk
        CohortSession.objects.bulk_create(self.sessions)
        for enrolment in self.enrolments:
            enrolment.cohort_id = enrolment.cohort.pk
        Enrolment.objects.bulk_create(self.enrolments, batch_size=1000)
        for enrolment, assessment in self.assessments:
            assessment.enrolment_id = enrolment.pk
        Assessment.objects.bulk_create([a for _, a in self.assessments], batch_size=2000)


def _l4l_records(trust, l4l, modules, plans: list[Plan], facilitators, rng) -> None:
    w = _Writer(trust, l4l, modules, facilitators, rng)
    phases = [
        # categories, first and last cohort start, sort so that completers come first
        (("A", "W"), dt.date(2015, 10, 5), dt.date(2017, 9, 4), False),
        (("Bc", "Bs", "Bw"), dt.date(2018, 3, 5), dt.date(2018, 10, 1), False),
        (("Dc", "Dp", "Dw"), dt.date(2019, 1, 14), dt.date(2021, 2, 1), True),
    ]
    assignments = []
    for categories, first, last, completers_first in phases:
        members = [p for p in plans if p.category in categories]
        rng.shuffle(members)
        if completers_first:
            members.sort(key=lambda p: p.category != "Dc")
        groups = _chunks(members)
        for start, group in zip(_spread(first, last, len(groups)), groups, strict=True):
            cohort = w.cohort(start, session_days=50)
            assignments += [(plan, cohort) for plan in group]
    for plan, cohort in assignments:
        plan.cohorts.append(cohort)
        _l4l_timeline(w, plan, cohort, modules, rng)
    w.save()


def _l4l_timeline(w: _Writer, plan: Plan, cohort: Cohort, modules, rng) -> None:
    start, category = cohort.starts_on, plan.category
    span = rng.randint(280, 330)
    if category in ("A", "Bc"):
        later = [c for c in w.cohorts if c.starts_on > start]
        if plan.person.job_title == "Chief Executive" and later:
            # The CEO rotates: the first three modules in one cohort, the rest in the next;
            # the module progress follows them.
            second = later[0]
            w.passes(w.enrol(plan.person, cohort), modules[:3], start, span)
            w.passes(w.enrol(plan.person, second), modules[3:], start, span)
            return
        w.passes(w.enrol(plan.person, cohort), modules, start, span)
    elif category == "Dc":
        span = min(span, (AS_OF - start).days - 12)
        w.passes(w.enrol(plan.person, cohort), modules, start, span)
    elif category in ("Bs", "Dp"):
        reachable = [
            m for m in modules if start + dt.timedelta(days=round(300 * m.number / 6)) <= AS_OF
        ]
        done = rng.randint(0, min(5, len(reachable)))
        w.passes(w.enrol(plan.person, cohort), modules[:done], start, 300)
    else:  # W, Bw, Dw: withdrew after a few modules
        done = rng.randint(0, 3 if category != "W" else 2)
        withdrawn_on = start + dt.timedelta(days=round(span * (done + 0.5) / 6))
        if category == "Bw":
            withdrawn_on = max(withdrawn_on, SURVEY_OPENS + dt.timedelta(days=rng.randint(14, 400)))
        withdrawn_on = min(withdrawn_on, AS_OF - dt.timedelta(days=1))
        enrolment = w.enrol(plan.person, cohort, withdrawn_on=withdrawn_on)
        before = [
            m
            for m in modules[:done]
            if start + dt.timedelta(days=round(span * m.number / 6)) < withdrawn_on
        ]
        w.passes(enrolment, before, start, span)


def _alt_records(trust, alt, modules, plans: list[Plan], facilitators, rng) -> None:
    complete, in_progress, withdrawn = ALT_PLAN[trust.short_name]
    order = {"A": 0, "Bc": 1, "Dc": 2}
    candidates = sorted(
        (p for p in plans if p.category in order), key=lambda p: (order[p.category], p.person.pk)
    )
    people = [p.person for p in candidates[: complete + in_progress + withdrawn]]
    finishers = [(p, EnrolmentStatus.COMPLETED) for p in people[:complete]] + [
        (p, EnrolmentStatus.WITHDRAWN) for p in people[complete : complete + withdrawn]
    ]
    starters = [(p, EnrolmentStatus.IN_PROGRESS) for p in people[complete + withdrawn :]]
    w = _Writer(trust, alt, modules, facilitators, rng)
    groups = _chunks(finishers)
    if trust.short_name == "SASH":  # stragglers in the last cohort, paused by the pandemic
        groups[-1] += starters
        starters = []
    for start, group in zip(
        _spread(dt.date(2019, 1, 7), dt.date(2020, 9, 7), len(groups)), groups, strict=True
    ):
        cohort = w.cohort(start, session_days=5.6)
        for person, outcome in group:
            _alt_timeline(w, person, outcome, cohort, modules, rng)
    for start, group in zip(
        _spread(dt.date(2021, 1, 11), dt.date(2021, 2, 8), len(_chunks(starters))),
        _chunks(starters),
        strict=True,
    ):
        cohort = w.cohort(start, session_days=5.6)
        for person, outcome in group:
            _alt_timeline(w, person, outcome, cohort, modules, rng)
    w.save()


def _alt_timeline(w: _Writer, person, outcome: str, cohort: Cohort, modules, rng) -> None:
    start = cohort.starts_on
    if outcome == EnrolmentStatus.COMPLETED:
        w.passes(w.enrol(person, cohort), modules, start, 84)
    elif outcome == EnrolmentStatus.WITHDRAWN:
        done = rng.randint(2, 8)
        enrolment = w.enrol(person, cohort, withdrawn_on=start + dt.timedelta(days=6 * done + 3))
        w.passes(enrolment, modules[:done], start, 84)
    else:
        reachable = [
            m for m in modules if start + dt.timedelta(days=round(84 * m.number / 15)) <= AS_OF
        ]
        done = rng.randint(min(3, len(reachable)), min(14, len(reachable)))
        w.passes(w.enrol(person, cohort), modules[:done], start, 84)


# --- The November 2018 L4L participant survey ------------------------------------------------

SURVEY_SECTIONS = [
    (
        "skills",
        "Skills and knowledge",
        [
            (
                "skills_meaningful",
                "L4L allowed me to develop new skills and knowledge that facilitated meaningful improvement.",
                QuestionKind.LIKERT,
                "agree L4L built skills that enabled meaningful improvement",
            ),
            (
                "skills_confident",
                "I feel confident using Lean-based methods in my daily work.",
                QuestionKind.LIKERT,
                "",
            ),
        ],
    ),
    (
        "value",
        "Value of the methods",
        [
            (
                "value_impact",
                "I value the impact that the methods have had on my work.",
                QuestionKind.LIKERT,
                "value the methods' impact on their work",
            ),
            (
                "value_quality",
                "Lean-based methods have improved quality in my department.",
                QuestionKind.LIKERT,
                "",
            ),
            (
                "value_efficiency",
                "Lean-based methods have improved efficiency in my department.",
                QuestionKind.LIKERT,
                "",
            ),
        ],
    ),
    (
        "belief",
        "Colleagues' belief",
        [
            (
                "belief_colleagues",
                "My colleagues believe Lean is worthwhile.",
                QuestionKind.LIKERT,
                "agree colleagues believe Lean is worthwhile",
            ),
            (
                "belief_trust",
                "Lean-based methods are effective across the trust as a whole.",
                QuestionKind.LIKERT,
                "",
            ),
        ],
    ),
    (
        "barriers",
        "Barriers",
        [
            (
                "barriers_time",
                "I have protected time to apply what I learned.",
                QuestionKind.LIKERT,
                "",
            ),
            (
                "barriers_support",
                "Senior leaders support improvement work in my area.",
                QuestionKind.LIKERT,
                "",
            ),
            (
                "barriers_text",
                "What gets in the way of using Lean-based methods in your work?",
                QuestionKind.FREE_TEXT,
                "",
            ),
        ],
    ),
    (
        "network",
        "Who you talk to about improvement",
        [
            (
                "network_names",
                "Name two to five people (up to ten) you talk to about improvement, and why: expertise, advice or influence.",
                QuestionKind.NAME_GENERATOR,
                "",
            ),
        ],
    ),
]
BARRIER_TEXTS = [
    "Not enough time away from clinical duties.",
    "Staffing pressures on the ward.",
    "Hard to keep huddles going on nights.",
    "Some consultants are not engaged.",
    "Data for the production board is difficult to get.",
    "",
]


def _survey(ctx: DemoContext, l4l: Programme, plans: dict[str, list[Plan]], rng) -> None:
    survey = Survey.objects.create(
        title="L4L participant survey",
        programme=l4l,
        description="Perceived value of L4L training, its impact, barriers, and improvement networks.",
    )
    questions = {}
    for order, (key, title, items) in enumerate(SURVEY_SECTIONS, start=1):
        section = SurveySection.objects.create(survey=survey, order=order, key=key, title=title)
        for q_order, (code, text, kind, headline) in enumerate(items, start=1):
            questions[code] = Question.objects.create(
                section=section,
                order=q_order,
                code=code,
                text=text,
                kind=kind,
                required=kind == QuestionKind.LIKERT,
                headline=headline,
                # The name generator's settings are the networks app's (its demo sets them).
            )
    wave = SurveyWave.objects.create(
        survey=survey, name="November 2018", opens_on=SURVEY_OPENS, closes_on=SURVEY_CLOSES
    )
    invitations, responses, answers = [], [], []
    for short in sorted(plans):
        responses_n, graduates, in_progress, completed, clicked_only = SURVEY_PLAN[short]
        invited = [p for p in plans[short] if p.category in ("A", "W", "Bc", "Bs", "Bw")]
        by_status = defaultdict(list)
        for plan in invited:
            status = {"A": EnrolmentStatus.COMPLETED, "W": EnrolmentStatus.WITHDRAWN}.get(
                plan.category, EnrolmentStatus.IN_PROGRESS
            )
            by_status[status].append(plan)
        for group in by_status.values():
            rng.shuffle(group)
        respondents = (
            by_status[EnrolmentStatus.COMPLETED][:graduates]
            + by_status[EnrolmentStatus.IN_PROGRESS][:in_progress]
            + by_status[EnrolmentStatus.WITHDRAWN][: responses_n - graduates - in_progress]
        )
        rng.shuffle(respondents)
        responding = {id(p) for p in respondents}
        non_respondents = [p for p in invited if id(p) not in responding]
        clickers = {id(p) for p in non_respondents[:clicked_only]}
        trust_invitations = {}
        for plan in invited:
            invitation = Invitation(wave=wave, person=plan.person, sent_on=SURVEY_OPENS)
            if id(plan) in responding or id(plan) in clickers:
                invitation.opened_at = _moment(rng, SURVEY_OPENS)
            trust_invitations[id(plan)] = invitation
            invitations.append(invitation)
        agree_sets = {
            code: _agreeing(respondents, n_agree[short], rng)
            for code, n_agree in HEADLINE_AGREE.items()
        }
        for index, plan in enumerate(respondents):
            invitation = trust_invitations[id(plan)]
            done = index < completed
            started = invitation.opened_at
            response = Response(
                invitation=invitation,
                started_at=started,
                updated_at=started + dt.timedelta(minutes=rng.randint(5, 30)),
                completed_at=started + dt.timedelta(minutes=rng.randint(8, 30)) if done else None,
            )
            responses.append(response)
            for code, question in questions.items():
                section = question.section.key
                if question.kind == QuestionKind.NAME_GENERATOR:
                    continue  # nominations are the networks app's records
                if section == "barriers" and not done:
                    continue  # stopped before the last sections
                answer = Answer(response=response, question=question)
                if question.kind == QuestionKind.FREE_TEXT:
                    answer.text = rng.choice(BARRIER_TEXTS)
                    if not answer.text:
                        continue
                elif code in agree_sets:
                    answer.likert = _likert(id(plan) in agree_sets[code], rng)
                else:
                    tendency = TRUST_TENDENCY[short] - (
                        0.1 if plan.person.professional_group == ProfessionalGroup.NURSING else 0
                    )
                    answer.likert = _likert(rng.random() < tendency, rng)
                answers.append(answer)
    Invitation.objects.bulk_create(invitations, batch_size=1000)
    for response in responses:
        response.invitation_id = response.invitation.pk
    Response.objects.bulk_create(responses)
    for answer in answers:
        answer.response_id = answer.response.pk
    Answer.objects.bulk_create(answers, batch_size=2000)


def _moment(rng: random.Random, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(
        day + dt.timedelta(days=rng.randint(0, 25)),
        dt.time(rng.randint(8, 20), rng.randint(0, 59)),
        tzinfo=dt.UTC,
    )


def _agreeing(respondents: list[Plan], n: int, rng: random.Random) -> set[int]:
    """``n`` respondents who agree; nurses a little less likely to be among them."""
    weighted = sorted(
        respondents,
        key=lambda p: (
            rng.random()
            * (1.4 if p.person.professional_group == ProfessionalGroup.NURSING else 1.0)
        ),
    )
    return {id(p) for p in weighted[:n]}


def _likert(agrees: bool, rng: random.Random) -> int:
    if agrees:
        return rng.choice([Likert.AGREE, Likert.AGREE, Likert.STRONGLY_AGREE])
    return rng.choice([Likert.STRONGLY_DISAGREE, Likert.DISAGREE, Likert.NEUTRAL, Likert.NEUTRAL])
