"""Fixtures of the rpiw tests: a value stream, an RPIW with a team, people with roles."""

import datetime as dt

import pytest

from factories import PersonFactory, user_with_roles
from governance.models import MeetingKind
from governance.services import meetings as meeting_services
from rpiw import services
from rpiw.models import MeasureKind, TeamRole
from vmi_programme.models import Role


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The demo seed creates a dozen users; the default hasher makes that take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def facilitator(kpo_user):
    return kpo_user.person


@pytest.fixture
def value_stream(trust, facilitator):
    return services.save_value_stream(
        organisation=trust, name="Outpatients", started_on=dt.date(2016, 1, 4)
    )


@pytest.fixture
def make_rpiw(value_stream, facilitator):
    def make(with_patient_rep=True, start=dt.date(2019, 1, 7), **fields):
        team = [{"role": TeamRole.TEAM_LEAD, "name": "Ann Lee"}]
        if with_patient_rep:
            team.append({"role": TeamRole.PATIENT_REP, "name": "Pat Rep"})
        return services.create_rpiw(
            value_stream,
            title=fields.pop("title", "Clinic letters"),
            workshop_start=start,
            facilitator=facilitator,
            team=team,
            **fields,
        )

    return make


@pytest.fixture
def rpiw(make_rpiw):
    return make_rpiw()


@pytest.fixture
def lead_time(rpiw):
    return services.add_measure(rpiw, kind=MeasureKind.LEAD_TIME, name="Lead time", unit="hours")


@pytest.fixture
def executive(trust):
    return user_with_roles(trust, Role.EXECUTIVE, username="ceo")


@pytest.fixture
def tgt_meeting(trust):
    series = meeting_services.create_series(MeetingKind.TGT, "SASH TGT", organisation=trust)
    return meeting_services.create_meeting(series, dt.date(2019, 3, 6))


@pytest.fixture
def other_kpo(other_trust):
    return user_with_roles(other_trust, Role.KPO_FACILITATOR, username="kpo.ltht")


@pytest.fixture
def staff(trust):
    return PersonFactory(organisation=trust, full_name="Sam Staff")
