"""Demo improvement networks: the December 2018 network survey wave and a December 2020 wave.

The people and ties come from ``networks.demo.networks.generate_wave`` (which reproduces
Tables 5.3 and 5.4 when summarised). This module turns them into the app's raw records: a
"December 2018" wave of training's L4L participant survey with invitations (Table 5.3's
counts: the network survey was a separate wave from November 2018's Table 5.2 survey, so its
invitations are made here), responses of L4L participants, named collaborators and their
nominations; and a "December 2020" wave for SASH and SATH. The figures are then computed by
the app's own recorded ``networks.summarise`` runs.

Historical answers are loaded as they were collected: a few respondents named only one
person or nobody (the published network has isolates), which the live survey form would
refuse, so the demo writes the records directly rather than through the form's service.
"""

from __future__ import annotations

import datetime as dt
import random

from faker import Faker

from networks.constants import MAX_NAMES, MIN_NAMES
from networks.demo.networks import PUBLISHED_TABLE_5_4, WAVES, DemoWave, generate_wave
from networks.models import Collaborator, Interaction, Nomination, NominationSource
from networks.services import SUMMARISE

# The demo also reads training's enrolments, to make L4L graduates among the respondents.
from training.models import Enrolment
from training.surveys import (
    Invitation,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveySection,
    SurveyWave,
)
from vmi_programme import jobs
from vmi_programme.demo import DemoContext
from vmi_programme.models import Person, ProfessionalGroup

WAVE_DATES = {
    "2018-12": ("December 2018", dt.date(2018, 12, 1), dt.date(2018, 12, 31)),
    "2020-12": ("December 2020", dt.date(2020, 12, 1), dt.date(2020, 12, 31)),
}
# The name generator's settings, set on the survey's question (training leaves them to us).
NAME_GENERATOR_CONFIG = {
    "min_names": MIN_NAMES,
    "max_names": MAX_NAMES,
    "interactions": list(Interaction.values),
}
JOB_TITLES = {
    ProfessionalGroup.NURSING: [
        "Ward sister",
        "Matron",
        "Staff nurse",
        "Clinical nurse specialist",
    ],
    ProfessionalGroup.MEDICAL: ["Consultant", "Clinical director", "Registrar"],
    ProfessionalGroup.AHP: ["Physiotherapist", "Occupational therapist", "Radiographer"],
    ProfessionalGroup.MANAGERIAL: ["Service manager", "General manager", "Operations manager"],
    ProfessionalGroup.ADMIN_CLERICAL: ["Medical secretary", "Ward clerk", "Team administrator"],
    ProfessionalGroup.SCIENTIFIC: ["Biomedical scientist", "Pharmacist", "Clinical scientist"],
    ProfessionalGroup.OTHER: ["Estates officer", "Porter supervisor", "Data analyst"],
}


def seed(ctx: DemoContext) -> None:
    rng = random.Random(2018)
    fake = Faker("en_GB")
    fake.seed_instance(2018)
    survey = _survey()
    waves = {
        code: SurveyWave.objects.get_or_create(
            survey=survey,
            name=name,
            defaults={"opens_on": opens, "closes_on": closes},
        )[0]
        for code, (name, opens, closes) in WAVE_DATES.items()
    }
    for short in sorted(WAVES["2018-12"]):
        trust = ctx.trusts[short]
        first = generate_wave(short, "2018-12")
        people = _people_for(trust, first, waves["2018-12"], rng, fake)
        for code in ("2018-12", "2020-12"):
            if short in WAVES[code]:
                generated = first if code == "2018-12" else generate_wave(short, code)
                _wave_records(trust, generated, waves[code], people, rng)
                jobs.submit(SUMMARISE, {"wave": waves[code].pk}, organisation=trust)


def _survey() -> Survey:
    """Training's L4L participant survey (which carries the name generator), or a small one."""
    survey = (
        Survey.objects.filter(sections__questions__kind=QuestionKind.NAME_GENERATOR)
        .order_by("pk")
        .first()
    )
    if survey is not None:
        Question.objects.filter(section__survey=survey, kind=QuestionKind.NAME_GENERATOR).update(
            config=NAME_GENERATOR_CONFIG
        )
        return survey
    survey = Survey.objects.create(title="L4L improvement network survey")
    section = SurveySection.objects.create(
        survey=survey, order=1, key="network", title="Who you talk to about improvement"
    )
    Question.objects.create(
        section=section,
        order=1,
        code="network_names",
        text="Name two to five people (up to ten) you talk to about improvement, and why.",
        kind=QuestionKind.NAME_GENERATOR,
        required=False,
        config=NAME_GENERATOR_CONFIG,
    )
    return survey


def _l4l_participants(trust, opens_on: dt.date) -> list[Person]:
    """The trust's L4L participants, those who had joined by the wave first."""
    enrolments = (
        Enrolment.objects.filter(cohort__organisation=trust, cohort__programme__code="L4L")
        .order_by("enrolled_on", "person_id")
        .values_list("person_id", "enrolled_on")
    )
    first: dict[int, dt.date] = {}
    for person_id, enrolled_on in enrolments:
        first.setdefault(person_id, enrolled_on)
    joined = [pid for pid, day in first.items() if day <= opens_on]
    later = [pid for pid, day in first.items() if day > opens_on]
    by_id = Person.objects.in_bulk(joined + later)
    return [by_id[pid] for pid in joined + later]


def _people_for(
    trust, generated: DemoWave, wave: SurveyWave, rng: random.Random, fake: Faker
) -> dict:
    """Map the generator's person ids to Person rows: respondents are invited L4L participants."""
    published = PUBLISHED_TABLE_5_4[trust.short_name]
    participants = _l4l_participants(trust, wave.opens_on)
    rng.shuffle(participants)
    invited = participants[: published["invitations"]]
    while len(invited) < published["invitations"]:  # a trust with too few recorded participants
        name = fake.name()
        invited.append(
            Person.objects.create(
                organisation=trust,
                full_name=name,
                job_title="Service manager",
                professional_group=ProfessionalGroup.MANAGERIAL,
            )
        )
    mapping: dict[str, Person] = {}
    respondent_people = iter(invited)
    new_collaborators = []
    updated = []
    for person in generated.people:
        if person["respondent"]:
            record = next(respondent_people)
            if not record.department:
                record.department = person["department"]
                updated.append(record)
            mapping[person["id"]] = record
        else:
            group = ProfessionalGroup(person["professional_group"])
            record = Person(
                organisation=trust,
                full_name=fake.name(),
                job_title=rng.choice(JOB_TITLES[group]),
                professional_group=group,
                department=person["department"],
            )
            new_collaborators.append(record)
            mapping[person["id"]] = record
    Person.objects.bulk_update(updated, ["department"])
    Person.objects.bulk_create(new_collaborators)
    Collaborator.objects.bulk_create(
        Collaborator(person=p, organisation=trust, source=NominationSource.SURVEY)
        for p in new_collaborators
    )
    Invitation.objects.bulk_create(
        Invitation(wave=wave, person=person, sent_on=wave.opens_on) for person in invited
    )
    return {"mapping": mapping, "invited": invited}


def _wave_records(
    trust, generated: DemoWave, wave: SurveyWave, people: dict, rng: random.Random
) -> None:
    """Invitations (for later waves), responses and nominations of one trust's wave."""
    mapping: dict[str, Person] = people["mapping"]
    opens = wave.opens_on
    if generated.wave != "2018-12":
        Invitation.objects.bulk_create(
            Invitation(wave=wave, person=person, sent_on=opens) for person in people["invited"]
        )
    respondent_ids = {mapping[pid].pk for pid in generated.respondents}
    invitations = {
        i.person_id: i for i in Invitation.objects.filter(wave=wave, person_id__in=respondent_ids)
    }
    responses = []
    for person_id in sorted(respondent_ids):
        started = dt.datetime.combine(
            opens + dt.timedelta(days=rng.randint(0, 20)),
            dt.time(rng.randint(8, 19), rng.randint(0, 59)),
            tzinfo=dt.UTC,
        )
        finished = started + dt.timedelta(minutes=rng.randint(6, 25))
        responses.append(
            Response(
                invitation=invitations[person_id],
                started_at=started,
                updated_at=finished,
                completed_at=finished,
            )
        )
        invitations[person_id].opened_at = started
    Invitation.objects.bulk_update(invitations.values(), ["opened_at"])
    Response.objects.bulk_create(responses)
    response_of = {r.invitation.person_id: r for r in responses}
    nominations = []
    for tie in generated.ties:
        respondent, alter = mapping[tie["source"]], mapping[tie["target"]]
        nomination = Nomination(
            response=response_of[respondent.pk],
            wave=wave,
            organisation=trust,
            respondent=respondent,
            alter=alter,
            named_as=alter.full_name,
            role=alter.job_title,
            department=alter.department,
            source=NominationSource.SURVEY,
        )
        nomination.set_interactions(tie["interactions"])
        nominations.append(nomination)
    Nomination.objects.bulk_create(nominations, batch_size=1000)
