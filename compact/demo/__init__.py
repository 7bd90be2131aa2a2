"""Demo compact: Figure 3.1 as the version in force, reflections at every TGB, the July 2018 breach.

Builds on the TGB meetings and attendance that ``governance.demo`` seeds; it
looks them up rather than making its own, so it works with whatever meetings exist. Reflections
are generated (seeded random, so every run gives the same records); the fulfilment figures the
app shows are computed from them.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from compact import services
from compact.models import Fulfilment, Heading, PartyType, Promise, PromiseRating, Reflection
from governance.models import AttendanceStatus, Meeting, MeetingKind, MeetingSeries, MeetingStatus
from governance.services import meetings as meeting_services
from vmi_programme.constants import PROGRAMME_START
from vmi_programme.demo import DemoContext
from vmi_programme.models import Person, Role

TITLE = "NHS-VMI partnership compact"

SHARED_VISION = (
    "The five hospital partners aspire to be the safest in the country and facilitate wider "
    "sharing of learning across the wider health system, demonstrating how culture change, "
    "alongside stable leadership, can improve patient care and save money. The partnership "
    "adheres to a collective ambition for the programme’s success after 5 years and beyond."
)

R, H = PartyType.REGULATOR, PartyType.HOSPITAL
ENV, EXC, LIS, LEAD = Heading.ENVIRONMENT, Heading.EXCELLENCE, Heading.LISTENING, Heading.LEADERSHIP

# Figure 3.1, word for word ("[regulator]" as the report abridges it).
FIGURE_3_1: list[tuple[str, str, str, str]] = [
    (
        "reg-open-respectful",
        R,
        ENV,
        "Behave in a positive, respectful and consistent way at all levels of interaction with "
        "hospitals, and be open and transparent",
    ),
    (
        "reg-integrity-under-pressure",
        R,
        ENV,
        "Maintain integrity in positive partnership working even when under external pressure, "
        "and show empathy with hospital issues",
    ),
    (
        "reg-candid",
        R,
        ENV,
        "Be candid in offering constructive criticism and receptive in receiving it – always "
        "assuming good intent",
    ),
    (
        "reg-coach-ceos",
        R,
        EXC,
        "Enable and support the coaching and development of CEOs in exchange for commitment to "
        "remain in post",
    ),
    (
        "reg-expertise",
        R,
        EXC,
        "Make available specialist expertise, knowledge and tools to support partner hospitals",
    ),
    (
        "reg-listen",
        R,
        LIS,
        "Listen and act in the spirit of shared endeavour and mutual learning to support solutions",
    ),
    (
        "reg-communicate",
        R,
        LIS,
        "Communicate regularly and clearly with hospital partners and advocate for the programme "
        "with stakeholders and the public",
    ),
    (
        "reg-coalition",
        R,
        LIS,
        "Build coalition of support from the wider system to help hospital partners to implement "
        "the method and to realise the potential nationally",
    ),
    (
        "reg-clear-expectations",
        R,
        LEAD,
        "Be clear, reasonable and consistent regarding expectations on pace and progress",
    ),
    (
        "reg-consistent-stakeholders",
        R,
        LEAD,
        "Facilitate consistent behaviours of other stakeholders",
    ),
    (
        "reg-board-stability",
        R,
        LEAD,
        "Commit to supporting hospital leadership and maintaining board stability, and explore "
        "avenues to reinforce that",
    ),
    (
        "hosp-no-surprises",
        H,
        ENV,
        "Act in a way that is respectful open and transparent, with a commitment to early "
        "warning and no surprises",
    ),
    (
        "hosp-method-under-pressure",
        H,
        ENV,
        "When under pressure on wider delivery, look to the method as part of the solution; not "
        "a barrier",
    ),
    (
        "hosp-wider-system",
        H,
        ENV,
        "Work with the wider system so they have understanding of method, process and what is "
        "required to maximise benefits",
    ),
    (
        "hosp-ambition",
        H,
        EXC,
        "Promote ambition, innovation and continuous improvement, celebrating success and "
        "learning from setbacks",
    ),
    (
        "hosp-two-way",
        H,
        LIS,
        "Maintain two way clear communications between hospital partners and regulator, seeking "
        "and providing feedback",
    ),
    (
        "hosp-relationships",
        H,
        LIS,
        "Foster effective internal and external relationships built on trust and agreement",
    ),
    ("hosp-ask-for-help", H, LIS, "Ask for help and support when needed"),
    ("hosp-advocates", H, LIS, "Be advocates for improvement work nationally"),
    ("hosp-board-stability", H, LEAD, "Support board stability and longevity"),
    (
        "hosp-ceo-lead",
        H,
        LEAD,
        "Chief executives to personally lead the programme and visibly role model the approach",
    ),
    (
        "hosp-commitments",
        H,
        LEAD,
        "Keep commitments on deliverables, timelines and measurement",
    ),
    (
        "hosp-collective",
        H,
        LEAD,
        "Acknowledge collective responsibility with [regulator] and other hospital partners "
        "around delivery of the programme and the duty to support each other",
    ),
]

LEARNED = [
    "Hearing another trust work through a stalled value stream helped me see ours differently.",
    "The regulator's questions today were those of a critical friend, not an inspector.",
    "We celebrated a setback openly; I want to take that back to our TGT.",
    "Asking for help early saved us a month on the flow work.",
    "The sensei's challenge on standard work is one I need to act on personally.",
    "Pace expectations were clear this month and felt reasonable.",
    "I learned how much the other CEOs rely on the monthly check-in for peer support.",
    "Pressure on delivery is rising; we agreed to look to the method rather than away from it.",
    "",
    "",
]

BREACH_MONTH = dt.date(2018, 7, 1)  # BHRUT's CEO stepped down in July 2018 (Section 3.3)
STABILITY_KEYS = {"hosp-board-stability", "reg-board-stability", "reg-coach-ceos"}


def _at(date: dt.date, hour: int = 16, minute: int = 30) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(date, dt.time(hour, minute)))


def _tgb_series() -> MeetingSeries:
    series = MeetingSeries.objects.filter(kind=MeetingKind.TGB, organisation__isnull=True).first()
    return series or meeting_services.create_series(
        MeetingKind.TGB, "Transformation Guiding Board", usual_duration_minutes=360
    )


def _fulfilment(rng: random.Random, key: str, date: dt.date) -> str:
    """Mostly fulfilled; a little less early on, and the board-stability promises around mid-2018."""
    fulfilled, partly = 0.86, 0.10
    if date < PROGRAMME_START + dt.timedelta(days=200):
        fulfilled, partly = 0.74, 0.18  # trust was still being built
    if key in STABILITY_KEYS and dt.date(2018, 5, 1) <= date <= dt.date(2018, 11, 30):
        fulfilled, partly = 0.35, 0.30
    draw = rng.random()
    if draw < fulfilled:
        return Fulfilment.FULFILLED
    return Fulfilment.PARTLY if draw < fulfilled + partly else Fulfilment.NOT_FULFILLED


def _present(meeting: Meeting) -> list[int]:
    ids = set()
    for attendance in meeting.attendances.all():
        if attendance.status == AttendanceStatus.PRESENT:
            ids.add(attendance.person_id)
        elif attendance.deputy_id:
            ids.add(attendance.deputy_id)
    return sorted(ids)


def _seed_reflections(meetings: list[Meeting], promises: list[Promise], version, rng) -> int:
    reflections: list[Reflection] = []
    chosen: list[list[tuple[Promise, str]]] = []
    for meeting in meetings:
        for person_id in _present(meeting):
            if rng.random() < 0.08:  # a few leave before the closing item
                continue
            picks = rng.sample(promises, rng.randint(3, 6))
            if meeting.date.replace(day=1) in (BREACH_MONTH, dt.date(2018, 8, 1)):
                stability = [p for p in promises if p.key in STABILITY_KEYS]
                picks = list({p.pk: p for p in [*picks, *stability]}.values())
            reflections.append(
                Reflection(
                    meeting=meeting,
                    person_id=person_id,
                    version=version,
                    learned=rng.choice(LEARNED),
                    recorded_at=_at(meeting.date),
                )
            )
            chosen.append([(p, _fulfilment(rng, p.key, meeting.date)) for p in picks])
    Reflection.objects.bulk_create(reflections, batch_size=500)
    PromiseRating.objects.bulk_create(
        (
            PromiseRating(reflection=reflection, promise=promise, fulfilment=fulfilment)
            for reflection, picks in zip(reflections, chosen, strict=True)
            for promise, fulfilment in picks
        ),
        batch_size=1000,
    )
    return len(reflections)


def _seed_bhrut_breach(ctx: DemoContext, meetings: list[Meeting], version) -> None:
    """The July 2018 breach: BHRUT's CEO stepped down; the regulator asked why no one called it out."""
    bhrut = ctx.trusts.get("BHRUT")
    after = [m for m in meetings if m.date >= BREACH_MONTH]
    caller = (
        Person.objects.filter(organisation=ctx.regulator, role_assignments__role=Role.REGULATOR)
        .order_by("pk")
        .first()
    )
    if bhrut is None or len(after) < 2 or caller is None:
        return
    raised_at, repaired_at = after[0], after[1]
    promises = list(version.promises.filter(key__in=["hosp-board-stability", "hosp-no-surprises"]))
    breach = services.call_out_breach(
        raised_at,
        caller,
        promises=promises,
        party=PartyType.HOSPITAL,
        organisation=bhrut,
        occurred_on=BREACH_MONTH,
        what_happened="BHRUT's chief executive stepped down in July 2018. No member of the TGB "
        "called it out as a breach of the promises on board stability and early warning.",
        at=_at(raised_at.date, 15, 0),
    )
    services.discuss_breach(
        breach,
        raised_at,
        caller,
        what_happened="The CEO of a partner trust left; the TGB learned of it after the event. "
        "NHS E & I initiated collective reflection: “why did no-one call it out?”",
        why="“Why didn't we do anything?” Members had not yet made a habit of using the compact "
        "to raise a leadership change early, at the TGB, as a shared concern.",
        do_better="“What could we have done better”: give early warning of board changes at the "
        "TGB and treat them as the partnership's business. The discussion concluded the incident "
        "was “a reminder of how far we need to go”.",
        at=_at(raised_at.date, 15, 45),
    )
    services.repair_breach(
        breach,
        caller,
        repaired_on=repaired_at.date,
        meeting=repaired_at,
        resolution="All members agreed relational change is a process, and that members have to "
        "work hard to maintain and demonstrate their commitment to new ways of working.",
        at=_at(repaired_at.date, 16, 0),
    )


def seed(ctx: DemoContext) -> None:
    board = _tgb_series()
    meetings = list(
        Meeting.objects.filter(series=board)
        .exclude(status=MeetingStatus.CANCELLED)
        .prefetch_related("attendances")
        .order_by("date")
    )
    first = min([PROGRAMME_START, *(m.date for m in meetings)])
    compact = services.create_compact(
        ctx.partnership,
        board,
        TITLE,
        shared_vision=SHARED_VISION,
        promises=[
            {"key": key, "party": party, "heading": heading, "text": text}
            for key, party, heading, text in FIGURE_3_1
        ],
        effective_from=first,
        change_note="The compact as the report's Figure 3.1 gives it (abridged final version).",
    )
    version = compact.versions.get()
    promises = list(version.promises.order_by("pk"))
    today = dt.date.today()
    held = [m for m in meetings if m.date <= today and m.date.year >= 2015]
    rng = random.Random(20150701)
    _seed_reflections(held, promises, version, rng)
    _seed_bhrut_breach(ctx, held, version)
