"""National-scale network survey records: two waves, invitations, responses and nominations.

One partnership-level survey carrying the name generator; per trust and wave 220 invitations,
~160 responses naming 5–15 colleagues each (~3,200 nominations per trust). Called by
``vmi_programme.demo.scale.generate``.
"""

from __future__ import annotations

import datetime as dt

from networks.constants import MAX_NAMES, MIN_NAMES
from networks.models import Interaction, Nomination, NominationSource
from training.models import (
    Invitation,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveySection,
    SurveyWave,
)
from vmi_programme.demo.scale import ScaleContext

WAVES = [("Wave 2022", dt.date(2022, 11, 1)), ("Wave 2024", dt.date(2024, 11, 1))]
INVITED = 220
RESPONSE_RATE = 0.73


def generate(ctx: ScaleContext) -> None:
    rng = ctx.rng
    survey = Survey.objects.create(title="National improvement network survey")
    section = SurveySection.objects.create(
        survey=survey, order=1, key="network", title="Who you talk to about improvement"
    )
    Question.objects.create(
        section=section,
        order=1,
        code="network_names",
        text="Name the people you talk to about improvement, and why.",
        kind=QuestionKind.NAME_GENERATOR,
        required=False,
        config={
            "min_names": MIN_NAMES,
            "max_names": MAX_NAMES,
            "interactions": list(Interaction.values),
        },  # fmt: skip
    )
    waves = [
        SurveyWave.objects.create(
            survey=survey, name=name, opens_on=opens, closes_on=opens + dt.timedelta(days=29)
        )
        for name, opens in WAVES
    ]
    invitations = ctx.writer(Invitation, ["wave_id", "person_id", "token", "sent_on", "opened_at"])
    responses = ctx.writer(Response, ["invitation_id", "started_at", "updated_at", "completed_at"])
    nominations = ctx.writer(
        Nomination,
        ["response_id", "wave_id", "organisation_id", "respondent_id", "alter_id", "expertise",
         "advice", "influence", "named_as", "source", "created_at"],
    )  # fmt: skip
    for trust in ctx.trusts:
        invitation_rows: list[tuple] = []
        response_rows: list[tuple] = []
        nomination_rows: list[tuple] = []
        for wave in waves:
            invited = rng.sample(trust.staff, INVITED)
            for iid, pid in zip(invitations.ids(INVITED), invited, strict=True):
                if rng.random() > RESPONSE_RATE:
                    invitation_rows.append((iid, wave.pk, pid, f"s{iid}", wave.opens_on, None))
                    continue
                started = dt.datetime.combine(
                    wave.opens_on + dt.timedelta(days=rng.randrange(20)),
                    dt.time(rng.randrange(8, 19), rng.randrange(60)),
                    tzinfo=dt.UTC,
                )
                finished = started + dt.timedelta(minutes=rng.randrange(6, 25))
                invitation_rows.append((iid, wave.pk, pid, f"s{iid}", wave.opens_on, started))
                (rid,) = responses.ids(1)
                response_rows.append((rid, iid, started, finished, finished))
                alters = rng.sample(trust.staff, rng.randint(5, 15) + 1)
                alters = [a for a in alters if a != pid][:15]
                for nid, alter in zip(nominations.ids(len(alters)), alters, strict=True):
                    flags = [rng.random() < 0.6, rng.random() < 0.5, rng.random() < 0.3]
                    if not any(flags):
                        flags[0] = True
                    nomination_rows.append(
                        (nid, rid, wave.pk, trust.organisation.pk, pid, alter, *flags,
                         f"Colleague {alter}", NominationSource.SURVEY, finished)
                    )  # fmt: skip
        ctx.write(Invitation, invitations.columns[1:], invitation_rows)
        ctx.write(Response, responses.columns[1:], response_rows)
        ctx.write(Nomination, nominations.columns[1:], nomination_rows)
