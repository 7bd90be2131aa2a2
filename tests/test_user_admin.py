"""Trust user administration (#15 item 2): people, invitations, roles, leavers, the staff list."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import OrganisationFactory, PersonFactory, UserFactory, user_with_roles
from vmi_programme.imports import ImportFailed, commit, get_spec, preview
from vmi_programme.models import (
    OrganisationKind,
    Partnership,
    Person,
    Role,
    RoleAssignment,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def trust_admin(trust):
    return user_with_roles(trust, Role.TRUST_ADMIN, username="tadmin")


@pytest.fixture
def colleague(trust):
    return PersonFactory(organisation=trust, full_name="Ann Lee", email="ann.lee@sash.nhs.uk")


@pytest.fixture
def stranger(other_trust):
    return PersonFactory(
        organisation=other_trust, full_name="Bob Stone", email="bob.stone@leeds.nhs.uk"
    )


@pytest.fixture
def partnership(trust, other_trust, regulator_org):
    p = Partnership.objects.create(name="NHS-VMI", short_name="VMI", started_on="2018-01-01")
    p.members.add(trust, other_trust, regulator_org)
    return p


def _client(client, user):
    client.force_login(user)
    return client


def _history(model, **match):
    return list(model.history.filter(**match).order_by("history_date"))


# --- The matrix: own trust only, trust roles only -----------------------------------------------


def test_a_trust_admin_adds_a_person_to_their_own_trust_and_the_audit_trail_says_so(
    client, trust, trust_admin
):
    response = _client(client, trust_admin).post(
        reverse("person-add"),
        {
            "organisation": trust.pk,
            "full_name": "Cara Dunn",
            "email": "Cara.Dunn@sash.nhs.uk",
            "job_title": "Matron",
            "department": "Surgery",
            "professional_group": "nursing",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(full_name="Cara Dunn")
    assert (person.organisation, person.email) == (trust, "cara.dunn@sash.nhs.uk")
    [created] = _history(Person, id=person.pk)
    assert (created.history_type, created.history_user, created.history_source) == (
        "+",
        trust_admin,
        "web",
    )


def test_a_trust_admin_cannot_add_a_person_to_another_trust(
    client, trust, other_trust, trust_admin
):
    response = _client(client, trust_admin).post(
        reverse("person-add"),
        {"organisation": other_trust.pk, "full_name": "Dan Eve", "professional_group": "other"},
    )
    assert response.status_code == 400  # not a choice they are offered
    assert not Person.objects.filter(full_name="Dan Eve").exists()


def test_a_trust_admin_gives_and_removes_a_trust_role_with_audit_entries(
    client, trust_admin, colleague
):
    c = _client(client, trust_admin)
    granted = c.post(reverse("person-role-grant", args=[colleague.pk]), {"role": "kpo_facilitator"})
    assert granted.status_code == 302
    assert RoleAssignment.objects.filter(person=colleague, role="kpo_facilitator").exists()
    c.post(reverse("person-role-remove", args=[colleague.pk, "kpo_facilitator"]))
    assert not RoleAssignment.objects.filter(person=colleague).exists()
    rows = _history(RoleAssignment, person_id=colleague.pk)
    assert [(r.history_type, r.role, r.history_user) for r in rows] == [
        ("+", "kpo_facilitator", trust_admin),
        ("-", "kpo_facilitator", trust_admin),
    ]
    assert {r.history_owner_id for r in rows} == {colleague.organisation_id}


@pytest.mark.parametrize(
    "name, method, data",
    [
        ("person-detail", "get", None),
        ("person-edit", "post", {"full_name": "X", "professional_group": "other"}),
        ("person-role-grant", "post", {"role": "kpo_facilitator"}),
        ("person-invite", "post", {}),
        ("person-deactivate", "post", {}),
        ("person-export", "get", None),
        ("person-erase", "post", {"confirm": "Bob Stone"}),
    ],
)
def test_another_trusts_people_are_not_found_for_a_trust_admin(
    client, trust_admin, stranger, name, method, data
):
    c = _client(client, trust_admin)
    response = getattr(c, method)(reverse(name, args=[stranger.pk]), data or {})
    assert response.status_code == 404
    stranger.refresh_from_db()
    assert (stranger.full_name, stranger.left_on) == ("Bob Stone", None)
    assert not stranger.role_assignments.exists()
    assert not mail.outbox


@pytest.mark.parametrize("role", ["tgb_member", "regulator", "administrator", "trust_admin"])
def test_a_trust_admin_may_not_give_partnership_or_higher_roles(
    client, trust_admin, colleague, partnership, role
):
    response = _client(client, trust_admin).post(
        reverse("person-role-grant", args=[colleague.pk]), {"role": role}
    )
    assert response.status_code == 403
    assert not colleague.role_assignments.exists()
    assert not RoleAssignment.history.filter(person_id=colleague.pk).exists()


def test_a_trust_admin_may_not_remove_a_partnership_role(client, trust_admin, colleague):
    RoleAssignment.objects.create(person=colleague, role=Role.TGB_MEMBER)
    response = _client(client, trust_admin).post(
        reverse("person-role-remove", args=[colleague.pk, "tgb_member"])
    )
    assert response.status_code == 403
    assert colleague.role_assignments.filter(role="tgb_member").exists()


def test_the_kpo_lead_gives_their_trust_its_administrator(client, trust, colleague):
    lead = user_with_roles(trust, Role.KPO_LEAD, username="lead")
    c = _client(client, lead)
    assert c.get(reverse("person-detail", args=[colleague.pk])).status_code == 200
    c.post(reverse("person-role-grant", args=[colleague.pk]), {"role": "trust_admin"})
    assert colleague.role_assignments.filter(role="trust_admin").exists()
    # ...but no other role: managing users is the trust administrator's.
    assert (
        c.post(reverse("person-role-grant", args=[colleague.pk]), {"role": "analyst"}).status_code
        == 403
    )


def test_the_regulator_gives_partnership_roles_to_a_trusts_people_but_not_trust_roles(
    client, regulator_user, colleague, partnership
):
    c = _client(client, regulator_user)
    c.post(reverse("person-role-grant", args=[colleague.pk]), {"role": "tgb_member"})
    assert colleague.role_assignments.filter(role="tgb_member").exists()
    [row] = _history(RoleAssignment, person_id=colleague.pk)
    assert row.history_user == regulator_user
    for role in ("kpo_lead", "administrator"):
        response = c.post(reverse("person-role-grant", args=[colleague.pk]), {"role": role})
        assert response.status_code == 403
    # Nor may they manage the trust's people otherwise.
    assert c.post(reverse("person-deactivate", args=[colleague.pk])).status_code == 403


def test_people_outside_the_partnership_are_not_found_for_the_regulator(client, regulator_user):
    outsider = PersonFactory(organisation=OrganisationFactory(kind=OrganisationKind.PEER_TRUST))
    response = _client(client, regulator_user).get(reverse("person-detail", args=[outsider.pk]))
    assert response.status_code == 404


def test_someone_who_manages_no_users_may_not_open_the_people_pages(client, kpo_user, colleague):
    c = _client(client, kpo_user)
    assert c.get(reverse("people-list")).status_code == 403
    assert c.get(reverse("person-detail", args=[colleague.pk])).status_code == 404
    assert c.get(reverse("person-add")).status_code == 403


def test_the_actions_answer_only_post(client, trust_admin, colleague):
    c = _client(client, trust_admin)
    for name in ("person-role-grant", "person-invite", "person-deactivate", "person-reactivate"):
        assert c.get(reverse(name, args=[colleague.pk])).status_code == 405
    assert c.put(reverse("person-add")).status_code == 405


# --- Invitations, sign-in, leavers ------------------------------------------------------------


def _link(message) -> str:
    return re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)


def test_an_invited_person_sets_up_an_account_once_and_the_list_shows_their_last_sign_in(
    client, trust_admin, colleague, django_capture_on_commit_callbacks
):
    admin_client = _client(client, trust_admin)
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail goes after the commit
        admin_client.post(reverse("person-invite", args=[colleague.pk]))
    [message] = mail.outbox
    assert message.to == ["ann.lee@sash.nhs.uk"]
    path = _link(message).split("testserver", 1)[1]
    admin_client.logout()

    assert client.get(path).status_code == 200  # signed out
    response = client.post(
        path,
        {"username": "alee", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.user.username == "alee" and colleague.user.is_active
    assert colleague.user.last_login is None
    signed_in = client.post(
        reverse("login"), {"username": "alee", "password": "a-long-pass-phrase"}
    )
    assert signed_in.status_code == 302
    colleague.user.refresh_from_db()
    assert colleague.user.last_login is not None
    client.logout()

    # The link admits one acceptance.
    again = client.post(
        path, {"username": "other", "password1": "x-long-pass", "password2": "x-long-pass"}
    )
    assert b"used already" in again.content
    page = _client(client, trust_admin).get(reverse("people-list"))
    assert colleague.user.last_login.strftime("%-d %b %Y").encode() in page.content


def test_a_tampered_or_expired_invitation_link_is_refused(
    client, trust_admin, colleague, monkeypatch, django_capture_on_commit_callbacks
):
    import datetime as dt
    import time

    from vmi_programme import user_admin

    with django_capture_on_commit_callbacks(execute=True):
        _client(client, trust_admin).post(reverse("person-invite", args=[colleague.pk]))
    path = _link(mail.outbox[0]).split("testserver", 1)[1]
    client.logout()
    assert b"not valid" in client.get(path[:-3] + "xx/").content
    monkeypatch.setattr(user_admin, "INVITATION_MAX_AGE", dt.timedelta(0))
    time.sleep(1.1)  # the token's timestamp is in whole seconds
    assert b"expired" in client.get(path).content
    colleague.refresh_from_db()
    assert colleague.user_id is None


def test_a_leaver_is_deactivated_their_session_ends_and_their_records_stay(
    client, trust, trust_admin
):
    leaver = user_with_roles(trust, Role.KPO_FACILITATOR, username="leaver")
    person = leaver.person
    leaver_client = client.__class__()
    leaver_client.force_login(leaver)
    assert leaver_client.get(reverse("home")).status_code == 200

    _client(client, trust_admin).post(reverse("person-deactivate", args=[person.pk]))
    person.refresh_from_db()
    leaver.refresh_from_db()
    assert person.left_on is not None and not leaver.is_active
    assert person.full_name == leaver.get_full_name()  # still attributed by name
    assert leaver_client.get(reverse("home")).status_code == 302  # signed out
    changed = _history(Person, id=person.pk)[-1]
    assert (changed.history_type, changed.history_user) == ("~", trust_admin)
    assert changed.left_on == person.left_on


def test_the_people_list_searches_and_pages_in_bounded_queries(
    client, trust, trust_admin, django_assert_max_num_queries
):
    c = _client(client, trust_admin)
    for n in (5, 60):
        for i in range(n - Person.objects.filter(organisation=trust).count()):
            user = UserFactory() if i % 2 else None
            PersonFactory(organisation=trust, user=user, full_name=f"Person {i:03d}")
        with django_assert_max_num_queries(12):
            response = c.get(reverse("people-list"), {"page": 2 if n > 25 else 1})
        assert response.status_code == 200
    found = c.get(reverse("people-list"), {"q": "person 007"})
    assert b"Person 007" in found.content and b"Person 008" not in found.content


def test_the_people_lists_invited_filter_shows_only_open_invitations(client, trust, trust_admin):
    from django.utils import timezone

    from vmi_programme.models import AccountInvitation

    people = {
        name: PersonFactory(organisation=trust, full_name=name)
        for name in ("Open Ines", "Never Nia", "Accepted Ada", "Withdrawn Wes")
    }
    for name, when in (
        ("Open Ines", {}),
        ("Accepted Ada", {"accepted_at": timezone.now()}),
        ("Withdrawn Wes", {"withdrawn_at": timezone.now()}),
    ):
        AccountInvitation.objects.create(person=people[name], email="x@sash.nhs.uk", **when)
    # Two open invitations to one person: listed once.
    AccountInvitation.objects.create(person=people["Open Ines"], email="y@sash.nhs.uk")
    page = _client(client, trust_admin).get(reverse("people-list"), {"status": "invited"})
    listed = [p.full_name for p in page.context["page"].object_list]
    assert listed == ["Open Ines"]


# --- The staff list, through the one import pipeline ----------------------------------------


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("esr.csv", text.encode(), content_type="text/csv")


STAFF_LIST = (
    "Full Name,Email Address,Staff Group,Job Role,Department\n"
    "Ann Lee,ann.lee@sash.nhs.uk,Nursing and Midwifery Registered,Ward sister,Surgery\n"
    "Ed Frost,ed.frost@sash.nhs.uk,Medical and Dental,Consultant,Medicine\n"
)


def test_the_staff_list_adds_and_updates_people_with_history(trust, trust_admin, colleague):
    spec = get_spec("programme.people")
    result = preview(spec, _csv(STAFF_LIST), trust_admin, organisation=trust)
    assert result.is_valid, result.errors
    summary = commit(result.batch, trust_admin)
    assert summary == {"people added": 1, "people updated": 1}
    colleague.refresh_from_db()
    assert (colleague.job_title, colleague.professional_group) == ("Ward sister", "nursing")
    ed = Person.objects.get(email="ed.frost@sash.nhs.uk")
    assert (ed.organisation, ed.professional_group, ed.department) == (
        trust,
        "medical",
        "Medicine",
    )
    assert Person.history.filter(id=ed.pk, history_type="+", history_source="import").exists()


def test_a_bad_staff_list_names_the_columns_and_rows_and_writes_nothing(trust, trust_admin):
    spec = get_spec("programme.people")
    bad = STAFF_LIST + "Gil Hay,not-an-address,Porters,,\nIvy Jay,ann.lee@sash.nhs.uk,,,\n"
    result = preview(spec, _csv(bad), trust_admin, organisation=trust)
    messages = {str(e) for e in result.errors}
    assert "Row 4, column 'Email': 'not-an-address' is not an e-mail address" in messages
    assert any(
        m.startswith("Row 4, column 'Staff group': 'Porters' is not one of") for m in messages
    )
    assert "Row 5, column 'Email': repeats row 2's address" in messages
    with pytest.raises(ImportFailed):
        commit(result.batch, trust_admin)
    assert not Person.objects.filter(organisation=trust).exclude(user=trust_admin).exists()


def test_only_who_manages_a_trusts_users_imports_its_staff_list(trust, other_trust, trust_admin):
    from django.core.exceptions import PermissionDenied

    spec = get_spec("programme.people")
    with pytest.raises(PermissionDenied):
        preview(spec, _csv(STAFF_LIST), trust_admin, organisation=other_trust)
    kpo = user_with_roles(trust, Role.KPO_LEAD, username="lead")
    with pytest.raises(PermissionDenied):
        preview(spec, _csv(STAFF_LIST), kpo, organisation=trust)


# --- The policy: who manages users where ------------------------------------------------------

MANAGES = {
    Role.TRUST_ADMIN: {"own"},
    Role.REGULATOR: {"partnership"},
    Role.ADMINISTRATOR: {"own", "other", "partnership"},
}


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_who_manages_users_where(role, trust, other_trust):
    from vmi_programme.access import Action, can
    from vmi_programme.scope import Scope

    user = user_with_roles(trust, role)
    where = {
        "own": PersonFactory(organisation=trust),
        "other": PersonFactory(organisation=other_trust),
        "partnership": Scope.partnership(),
    }
    for relation, target in where.items():
        assert can(user, Action.MANAGE_USERS, target) is (relation in MANAGES.get(role, set()))
