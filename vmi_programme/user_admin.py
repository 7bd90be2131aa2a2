"""Managing a trust's people and accounts: adding people, inviting them, their roles, leavers.

The writes behind ``/people/`` (``people_pages.py``) and the staff-list import
(``people_import.py``). Who may do what is the access policy's: ``Action.MANAGE_USERS`` on the
person's organisation (a trust administrator for their own trust, an administrator for any),
and :func:`access.can_grant_role` for each role. Every change is a saved row with history
(Person, RoleAssignment, AccountInvitation), so the audit trail shows who did it.

An invitation is an e-mail with a link carrying a token signed with the site's secret key
(``django.core.signing``, salted, expiring after :data:`INVITATION_MAX_AGE`) that names the
invitation's row; the row admits one acceptance, and a newer invitation withdraws older ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .access import Action, can_grant_role, require
from .models import AccountInvitation, Organisation, Person, Role, RoleAssignment
from .writes import model_update, save_validated

INVITATION_SALT = "vmi_programme.account-invitation"
INVITATION_MAX_AGE = dt.timedelta(days=14)
PERSON_EDITABLE = ("full_name", "email", "job_title", "department", "professional_group")


def _not_erased(person: Person) -> None:
    if person.erased_at is not None:
        raise ValidationError("This person's data was erased; their record cannot be changed.")


def _email_taken(organisation: Organisation, email: str, *, exclude: int | None = None) -> bool:
    others = Person.objects.filter(organisation=organisation, email__iexact=email)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    return bool(email) and others.exists()


def add_person(
    *,
    user: Any,
    organisation: Organisation,
    full_name: str,
    email: str = "",
    job_title: str = "",
    department: str = "",
    professional_group: str = "other",
) -> Person:
    """Add a person to ``organisation`` (someone who manages its users). An e-mail address is
    unique within a trust: it is how the staff-list import and invitations find people."""
    require(user, Action.MANAGE_USERS, organisation)
    email = email.strip().lower()
    if _email_taken(organisation, email):
        raise ValidationError({"email": f"{email} is already someone's address at this trust."})
    with transaction.atomic():
        return save_validated(
            Person(
                organisation=organisation,
                full_name=full_name.strip(),
                email=email,
                job_title=job_title,
                department=department,
                professional_group=professional_group,
            )
        )


def update_person(*, user: Any, person: Person, data: dict[str, Any]) -> Person:
    """Change the fields in :data:`PERSON_EDITABLE` (others raise ``TypeError``)."""
    require(user, Action.MANAGE_USERS, person)
    _not_erased(person)
    if "email" in data:
        data = {**data, "email": (data["email"] or "").strip().lower()}
        if _email_taken(person.organisation, data["email"], exclude=person.pk):
            raise ValidationError({"email": f"{data['email']} is already someone's address."})
    with transaction.atomic():
        person, _changed = model_update(instance=person, fields=PERSON_EDITABLE, data=data)
    return person


# --- Roles ------------------------------------------------------------------------------------


def grantable_roles(user: Any, person: Person) -> list[tuple[str, str]]:
    """The roles (value, label) this user may give to or take from ``person``."""
    return [(value, label) for value, label in Role.choices if can_grant_role(user, value, person)]


def grant_role(*, user: Any, person: Person, role: str) -> RoleAssignment:
    """Give ``person`` a role; refused (403) unless :func:`access.can_grant_role`."""
    if role not in Role.values:
        raise ValidationError({"role": f"'{role}' is not a role."})
    if not can_grant_role(user, role, person):
        raise PermissionDenied(f"You may not give the role {Role(role).label}.")
    _not_erased(person)
    if person.left_on is not None:
        raise ValidationError("This person has left; reactivate them before giving them a role.")
    with transaction.atomic():
        if RoleAssignment.objects.filter(person=person, role=role).exists():
            raise ValidationError({"role": f"{person.full_name} is already {Role(role).label}."})
        return save_validated(RoleAssignment(person=person, role=role))


def remove_role(*, user: Any, person: Person, role: str) -> None:
    """Take a role from ``person`` (its deletion is in the audit trail)."""
    if role not in Role.values:
        raise ValidationError({"role": f"'{role}' is not a role."})
    if not can_grant_role(user, role, person):
        raise PermissionDenied(f"You may not remove the role {Role(role).label}.")
    with transaction.atomic():
        assignment = RoleAssignment.objects.filter(person=person, role=role).first()
        if assignment is None:
            raise ValidationError({"role": f"{person.full_name} is not {Role(role).label}."})
        assignment.delete()


# --- Leavers ----------------------------------------------------------------------------------


def deactivate(*, user: Any, person: Person, left_on: dt.date | None = None) -> Person:
    """A leaver: their account can no longer sign in (sessions and API tokens end at once) and
    the person is marked as left; their records stay, under their name."""
    require(user, Action.MANAGE_USERS, person)
    _not_erased(person)
    if person.left_on is not None:
        raise ValidationError("This person is already marked as left.")
    with transaction.atomic():
        person.left_on = left_on or timezone.localdate()
        person.save(update_fields=["left_on"])
        AccountInvitation.objects.filter(person=person, accepted_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )
        if person.user_id is not None:
            _end_account(person.user)
    return person


def _end_account(account: Any) -> None:
    from knox.models import get_token_model

    account.is_active = False  # ModelBackend refuses an inactive user's session from now on
    account.save(update_fields=["is_active"])
    get_token_model().objects.filter(user=account).delete()


def reactivate(*, user: Any, person: Person) -> Person:
    """Undo :func:`deactivate` (someone who came back); their account signs in again."""
    require(user, Action.MANAGE_USERS, person)
    _not_erased(person)
    with transaction.atomic():
        person.left_on = None
        person.save(update_fields=["left_on"])
        if person.user is not None:
            person.user.is_active = True
            person.user.save(update_fields=["is_active"])
    return person


# --- Invitations ------------------------------------------------------------------------------


def invitation_token(invitation: AccountInvitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def invitation_for_token(token: str) -> AccountInvitation:
    """The open invitation a link's token names; ``ValidationError`` saying why not otherwise."""
    try:
        pk = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(
            "This invitation has expired. Ask your trust administrator for a new one."
        ) from None
    except signing.BadSignature:
        raise ValidationError("This invitation link is not valid.") from None
    invitation = (
        AccountInvitation.objects.select_related("person__user").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )
    if invitation is None or invitation.withdrawn_at is not None:
        raise ValidationError("This invitation was withdrawn. Ask for a new one.")
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation was used already: sign in instead.")
    return invitation


def invite(*, user: Any, person: Person, absolute: Callable[[str], str]) -> AccountInvitation:
    """E-mail ``person`` a link to set up their account (``absolute`` makes the link's full URL,
    e.g. ``request.build_absolute_uri``). Earlier open invitations are withdrawn."""
    require(user, Action.MANAGE_USERS, person)
    _not_erased(person)
    if not person.email:
        raise ValidationError("Add this person's e-mail address before inviting them.")
    if person.left_on is not None:
        raise ValidationError("This person has left; reactivate them before inviting them.")
    if person.user is not None and person.user.is_active:
        raise ValidationError(f"{person.full_name} already has an account.")
    with transaction.atomic():
        for earlier in AccountInvitation.objects.filter(
            person=person, accepted_at__isnull=True, withdrawn_at__isnull=True
        ):
            earlier.withdrawn_at = timezone.now()
            earlier.save(update_fields=["withdrawn_at"])
        invitation = save_validated(
            AccountInvitation(person=person, email=person.email, invited_by=user)
        )
        link = absolute(reverse("invitation-accept", args=[invitation_token(invitation)]))
        days = INVITATION_MAX_AGE.days
        transaction.on_commit(
            lambda: send_mail(
                "Your account for the NHS-VMI programme app",
                f"Hello {person.full_name},\n\n"
                f"You have been invited to the NHS-VMI programme app for "
                f"{person.organisation.name}. Set up your account within {days} days at:\n\n"
                f"{link}\n\nIf you were not expecting this, you can ignore this e-mail.\n",
                settings.DEFAULT_FROM_EMAIL,
                [invitation.email],
            )
        )
    return invitation


def accept_invitation(*, invitation: AccountInvitation, username: str, password: str) -> Any:
    """Open (or reopen) the person's account with the username and password they chose."""
    User = get_user_model()
    with transaction.atomic():
        # Locked, so two submits of one link open one account.
        invitation = AccountInvitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_open:
            raise ValidationError("This invitation was used or withdrawn already.")
        person = Person.objects.select_related("user").get(pk=invitation.person_id)
        account = person.user
        taken = User.objects.filter(username__iexact=username)
        if account is not None:
            taken = taken.exclude(pk=account.pk)
        if taken.exists():
            raise ValidationError({"username": "That username is taken; choose another."})
        first, _, last = person.full_name.partition(" ")
        if account is None:
            account = User(username=username, email=invitation.email)
        account.username, account.first_name, account.last_name = username, first, last
        account.email, account.is_active = invitation.email, True
        password_validation.validate_password(password, account)
        account.set_password(password)
        account.save()
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        if person.user_id != account.pk:
            person.user = account
            person.save(update_fields=["user"])
    return account
