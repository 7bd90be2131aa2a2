"""The access policy as a matrix: every role × view/change × own trust/other trust/partnership."""

import pytest

from factories import user_with_roles
from vmi_programme.access import Action, Scope, can, restrict, visible_organisations
from vmi_programme.models import Organisation, Person, Role

OWN, OTHER, PARTNERSHIP = "own", "other", "partnership"

# What DESIGN.md § Access says each role may do. A change here is a change of policy.
EXPECTED = {
    Role.KPO_FACILITATOR: {Action.VIEW: {OWN, PARTNERSHIP}, Action.CHANGE: {OWN}},
    Role.KPO_LEAD: {Action.VIEW: {OWN, PARTNERSHIP}, Action.CHANGE: {OWN}},
    Role.EXECUTIVE: {Action.VIEW: {OWN, PARTNERSHIP}, Action.CHANGE: {OWN}},
    Role.ANALYST: {Action.VIEW: {OWN, PARTNERSHIP}, Action.CHANGE: {OWN}},
    Role.TGB_MEMBER: {Action.VIEW: {OWN, PARTNERSHIP}, Action.CHANGE: {PARTNERSHIP}},
    Role.REGULATOR: {Action.VIEW: {OWN, OTHER, PARTNERSHIP}, Action.CHANGE: {PARTNERSHIP}},
    Role.TRUST_ADMIN: {Action.VIEW: {OWN, PARTNERSHIP}, Action.CHANGE: set()},
    Role.ADMINISTRATOR: {
        Action.VIEW: {OWN, OTHER, PARTNERSHIP},
        Action.CHANGE: {OWN, OTHER, PARTNERSHIP},
    },
}

CASES = [
    (role, action, where)
    for role in Role
    for action in (Action.VIEW, Action.CHANGE)
    for where in (OWN, OTHER, PARTNERSHIP)
]


@pytest.mark.parametrize(("role", "action", "where"), CASES, ids=lambda v: str(v))
def test_access_matrix(role, action, where, trust, other_trust):
    user = user_with_roles(trust, role)
    target = {
        OWN: Person.objects.create(organisation=trust, full_name="Own staff"),
        OTHER: Person.objects.create(organisation=other_trust, full_name="Other staff"),
        PARTNERSHIP: Scope.partnership(),
    }[where]
    assert can(user, action, target) is (where in EXPECTED[role][action])


def test_anonymous_user_may_do_nothing(trust):
    from django.contrib.auth.models import AnonymousUser

    for action in Action:
        assert not can(AnonymousUser(), action, trust)
        assert not can(AnonymousUser(), action, Scope.partnership())


def test_user_without_roles_may_do_nothing(trust):
    user = user_with_roles(trust)
    assert not can(user, Action.VIEW, trust)
    assert not can(user, Action.VIEW, Scope.partnership())


def test_only_executives_of_the_trust_approve_metric_changes(trust, other_trust):
    ceo = user_with_roles(trust, Role.EXECUTIVE)
    kpo = user_with_roles(trust, Role.KPO_FACILITATOR)
    assert can(ceo, Action.APPROVE, trust)
    assert not can(ceo, Action.APPROVE, other_trust)
    assert not can(kpo, Action.APPROVE, trust)


def test_respondent_identities_are_for_own_kpo_and_analysts_only(trust, other_trust, regulator_org):
    assert can(user_with_roles(trust, Role.KPO_FACILITATOR), Action.VIEW_IDENTITIES, trust)
    assert can(user_with_roles(trust, Role.ANALYST), Action.VIEW_IDENTITIES, trust)
    assert not can(user_with_roles(other_trust, Role.ANALYST), Action.VIEW_IDENTITIES, trust)
    assert not can(user_with_roles(trust, Role.EXECUTIVE), Action.VIEW_IDENTITIES, trust)
    assert not can(user_with_roles(regulator_org, Role.REGULATOR), Action.VIEW_IDENTITIES, trust)


def test_restrict_lists_only_own_trust_rows_for_trust_staff(trust, other_trust, regulator_org):
    Person.objects.create(organisation=trust, full_name="A")
    Person.objects.create(organisation=other_trust, full_name="B")
    kpo = user_with_roles(trust, Role.KPO_FACILITATOR)
    regulator = user_with_roles(regulator_org, Role.REGULATOR)
    kpo_names = set(restrict(Person.objects.all(), kpo).values_list("full_name", flat=True))
    assert "A" in kpo_names and "B" not in kpo_names
    regulator_names = set(
        restrict(Person.objects.all(), regulator).values_list("full_name", flat=True)
    )
    assert {"A", "B"} <= regulator_names


def test_visible_organisations_for_a_kpo_is_their_own_trust(trust, other_trust):
    kpo = user_with_roles(trust, Role.KPO_FACILITATOR)
    assert list(visible_organisations(kpo)) == [trust]
    assert Organisation.objects.count() == 2


def test_a_partnership_meeting_series_is_read_by_its_members_and_those_who_run_the_tgb(
    trust, regulator_org
):
    import datetime as dt

    from governance.models import MeetingKind, MeetingSeries
    from governance.services import meetings as meeting_services

    kpo_leads = MeetingSeries.objects.create(kind=MeetingKind.KPO_LEADS, name="KPO leads")
    member = user_with_roles(trust, Role.KPO_LEAD, username="member")
    outsider = user_with_roles(trust, Role.KPO_LEAD, username="outsider")
    meeting_services.add_membership(kpo_leads, member.person, dt.date(2016, 1, 1))
    assert can(member, Action.VIEW, kpo_leads)
    assert not can(outsider, Action.VIEW, kpo_leads)
    assert can(user_with_roles(regulator_org, Role.REGULATOR), Action.VIEW, kpo_leads)
    assert can(user_with_roles(trust, Role.TGB_MEMBER), Action.VIEW, kpo_leads)
    assert not can(member, Action.CHANGE, kpo_leads)  # membership lets you read, not change
    assert (
        list(
            restrict(
                MeetingSeries.objects.all(), outsider, null_is_partnership=True, members_via=""
            )
        )
        == []
    )
    assert list(
        restrict(MeetingSeries.objects.all(), member, null_is_partnership=True, members_via="")
    ) == [kpo_leads]
