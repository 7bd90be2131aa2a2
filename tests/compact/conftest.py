"""Fixtures for the compact tests: a partnership, its TGB with members, a compact on it."""

from __future__ import annotations

import datetime as dt

import pytest

from compact import services
from compact.models import Heading, PartyType
from factories import OrganisationFactory, PersonFactory, user_with_roles
from governance.models import AttendanceStatus, MeetingKind
from governance.services import meetings as meeting_services
from vmi_programme.models import OrganisationKind, Partnership, Role

D = dt.date

PROMISES = [
    {
        "key": "reg-open",
        "party": PartyType.REGULATOR,
        "heading": Heading.ENVIRONMENT,
        "text": "Behave in a positive, respectful and consistent way",
    },
    {
        "key": "reg-stability",
        "party": PartyType.REGULATOR,
        "heading": Heading.LEADERSHIP,
        "text": "Commit to supporting hospital leadership and maintaining board stability",
    },
    {
        "key": "hosp-no-surprises",
        "party": PartyType.HOSPITAL,
        "heading": Heading.ENVIRONMENT,
        "text": "Act with a commitment to early warning and no surprises",
    },
    {
        "key": "hosp-stability",
        "party": PartyType.HOSPITAL,
        "heading": Heading.LEADERSHIP,
        "text": "Support board stability and longevity",
    },
]


@pytest.fixture
def base_promises():
    """The promises of the test compact's first version (fresh copies)."""
    return [dict(p) for p in PROMISES]


@pytest.fixture
def partnership(trust, other_trust, regulator_org):
    p = Partnership.objects.create(
        name="NHS-VMI partnership", short_name="NHS-VMI", started_on=D(2015, 7, 1)
    )
    p.members.set([trust, other_trust, regulator_org])
    return p


@pytest.fixture
def tgb(db):
    return meeting_services.create_series(MeetingKind.TGB, "Transformation Guiding Board")


@pytest.fixture
def ceo_user(trust):
    return user_with_roles(trust, Role.EXECUTIVE, Role.TGB_MEMBER, username="ceo")


@pytest.fixture
def ceo(ceo_user, tgb):
    person = ceo_user.person
    meeting_services.add_membership(tgb, person, D(2015, 7, 1), role="CEO")
    return person


@pytest.fixture
def regulator_person(regulator_user, tgb):
    person = regulator_user.person
    meeting_services.add_membership(tgb, person, D(2015, 7, 1), role="Regulator")
    return person


@pytest.fixture
def compact(partnership, tgb):
    return services.create_compact(
        partnership,
        tgb,
        "NHS-VMI partnership compact",
        shared_vision="The five hospital partners aspire to be the safest in the country.",
        promises=PROMISES,
        effective_from=D(2015, 7, 1),
    )


@pytest.fixture
def meeting(compact, tgb, ceo, regulator_person):
    """A held TGB meeting at which the CEO and the regulator were present."""
    m = meeting_services.create_meeting(tgb, D(2018, 7, 10), status="held")
    meeting_services.record_attendance(m, ceo, AttendanceStatus.PRESENT)
    meeting_services.record_attendance(m, regulator_person, AttendanceStatus.PRESENT)
    return m


@pytest.fixture
def outsider_org(db):
    return OrganisationFactory(short_name="UHCW", kind=OrganisationKind.PARTNER_TRUST)


@pytest.fixture
def stranger(trust):
    return PersonFactory(organisation=trust, full_name="Not A Member")
