"""The one access policy: who may read or change what (DESIGN.md § Access).

Every view, API endpoint, admin page and selector asks this module; none re-implements a rule.

An object's *scope* is either a trust (or other organisation) that owns it, or the partnership
(TGB meetings, the compact, partnership-wide summaries). A user's roles say which actions they
may take on objects of their own organisation, of other organisations, and of the partnership:

========================  ===========================  ===============  ====================
role                      own organisation             other orgs       partnership level
========================  ===========================  ===============  ====================
KPO facilitator / lead    view, change, identities     —                view
executive (CEO / TGT)     view, change, approve        —                view
analyst                   view, change, identities     —                view
TGB member                view                         —                view, change
regulator                 view                         view             view, change, users
trust administrator       view, users                  —                view
administrator             everything                   everything       everything
========================  ===========================  ===============  ====================

"identities" is the right to see survey respondents' names; "approve" is approving a
value-stream metric change at the TGT. "audit" is reading the audit trail (/audit/): a trust's
KPO lead for their trust's records, the regulator for partnership-level records, administrators
for all. "users" is managing people and accounts (``Action.MANAGE_USERS``): a trust
administrator adds, invites, deactivates and erases their own trust's people and grants its
trust-level roles; at partnership level it is granting the partnership's roles (regulator,
TGB member), which the regulator and administrators do. Who may grant which role is
:func:`can_grant_role`. Anonymous users may do nothing.

Partnership-level meetings (the TGB, the KPO leads' meeting) are read by their members: a
scope with ``members_of_series`` lets only those who may change partnership records (the
regulator, TGB members, administrators) and people who hold or held a membership of that
series view it. Everyone may still view the partnership's summaries and the compact's text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from .models import Organisation, OrganisationKind, Partnership, Role
from .scope import Scope


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"
    APPROVE = "approve"
    VIEW_IDENTITIES = "view_identities"
    VIEW_AUDIT = "view_audit"  # read the audit trail (who changed what; /audit/)
    MANAGE_USERS = "manage_users"  # people, accounts, roles; subject-access exports, erasure


OWN, OTHER, PARTNERSHIP = "own", "other", "partnership"

RULES: dict[str, dict[Action, set[str]]] = {
    Role.KPO_FACILITATOR: {
        Action.VIEW: {OWN, PARTNERSHIP},
        Action.CHANGE: {OWN},
        Action.VIEW_IDENTITIES: {OWN},
    },
    Role.KPO_LEAD: {
        Action.VIEW: {OWN, PARTNERSHIP},
        Action.CHANGE: {OWN},
        Action.VIEW_IDENTITIES: {OWN},
        Action.VIEW_AUDIT: {OWN},
    },
    Role.EXECUTIVE: {
        Action.VIEW: {OWN, PARTNERSHIP},
        Action.CHANGE: {OWN},
        Action.APPROVE: {OWN},
    },
    Role.ANALYST: {
        Action.VIEW: {OWN, PARTNERSHIP},
        Action.CHANGE: {OWN},
        Action.VIEW_IDENTITIES: {OWN},
    },
    Role.TGB_MEMBER: {Action.VIEW: {OWN, PARTNERSHIP}, Action.CHANGE: {PARTNERSHIP}},
    Role.REGULATOR: {
        Action.VIEW: {OWN, OTHER, PARTNERSHIP},
        Action.CHANGE: {PARTNERSHIP},
        Action.VIEW_AUDIT: {PARTNERSHIP},
        Action.MANAGE_USERS: {PARTNERSHIP},
    },
    Role.TRUST_ADMIN: {Action.VIEW: {OWN, PARTNERSHIP}, Action.MANAGE_USERS: {OWN}},
    Role.ADMINISTRATOR: {action: {OWN, OTHER, PARTNERSHIP} for action in Action},
}


@dataclass(frozen=True)
class Actor:
    """What the policy needs to know about a signed-in user."""

    user_id: int
    organisation_id: int | None
    roles: frozenset[str]
    organisation_kind: str | None = None  # OrganisationKind: a partner trust's staff have one

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


def actor_for(user: Any) -> Actor | None:
    """The user's organisation and roles, loaded once per request (cached on the user)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_vmi_actor", None)
    if cached is not None:
        return cached
    from .models import Person

    person = (
        Person.objects.filter(user_id=user.pk)
        .select_related("organisation")
        .prefetch_related("role_assignments")
        .first()
    )
    roles = {assignment.role for assignment in person.role_assignments.all()} if person else set()
    if user.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    organisation = person.organisation if person else None
    actor = Actor(
        user_id=user.pk,
        organisation_id=organisation.pk if organisation else None,
        roles=frozenset(roles),
        organisation_kind=organisation.kind if organisation else None,
    )
    user._vmi_actor = actor
    # Read in the same query: the partner trust the user works in (``own_partner_trust``).
    user._vmi_own_trust = (
        organisation if actor.organisation_kind == OrganisationKind.PARTNER_TRUST else None
    )
    return actor


def scope_of(obj: Any) -> Scope:
    """The scope of a model instance, an Organisation, a Partnership or a Scope itself.

    A model says where it sits by defining ``access_scope()``; otherwise its
    ``organisation_id`` is used, and a model without one is partnership-level.
    """
    if isinstance(obj, Scope):
        return obj
    if isinstance(obj, Organisation):
        return Scope(obj.pk)
    if isinstance(obj, Partnership):
        return Scope.partnership()
    if hasattr(obj, "access_scope"):
        return obj.access_scope()
    return Scope(getattr(obj, "organisation_id", None))


def _relation(actor: Actor, scope: Scope) -> str:
    if scope.is_partnership:
        return PARTNERSHIP
    return OWN if scope.organisation_id == actor.organisation_id else OTHER


def can(user: Any, action: Action | str, obj: Any) -> bool:
    """May this user take this action on this object (or scope)?"""
    actor = actor_for(user)
    if actor is None:
        return False
    scope = scope_of(obj)
    relation = _relation(actor, scope)
    allowed = any(relation in RULES.get(role, {}).get(Action(action), ()) for role in actor.roles)
    if (
        allowed
        and scope.is_partnership
        and scope.members_of_series
        and Action(action) == Action.VIEW
    ):
        return PARTNERSHIP in relations(user, Action.CHANGE) or is_series_member(
            user, scope.members_of_series
        )
    return allowed


def is_series_member(user: Any, series_id: int) -> bool:
    """Does (or did) the user hold a membership of this meeting series?"""
    # Through Person's reverse relation ("memberships", defined by governance.Membership), so
    # the core policy reads membership without importing the governance app.
    from .models import Person

    return Person.objects.filter(user_id=user.pk, memberships__series_id=series_id).exists()


def require(user: Any, action: Action | str, obj: Any) -> None:
    """Raise PermissionDenied (403) unless ``can(user, action, obj)``."""
    if not can(user, action, obj):
        raise PermissionDenied(f"You do not have permission to {Action(action).value} this.")


def relations(user: Any, action: Action | str) -> set[str]:
    """Which relations (own, other, partnership) the user may take this action on."""
    actor = actor_for(user)
    if actor is None:
        return set()
    allowed: set[str] = set()
    for role in actor.roles:
        allowed |= RULES.get(role, {}).get(Action(action), set())
    return allowed


def restrict(
    queryset: QuerySet,
    user: Any,
    action: Action | str = Action.VIEW,
    via: str | None = "organisation",
    *,
    null_is_partnership: bool = False,
    members_via: str | None = None,
) -> QuerySet:
    """Filter a queryset to the rows the user may act on.

    ``via`` is the lookup path to the owning organisation (e.g. ``"cohort__organisation"``,
    ``""`` for Organisation itself); ``via=None`` means the model is partnership-level.
    With ``null_is_partnership``, rows whose organisation is empty are partnership-level;
    ``members_via`` (the path to a meeting series) narrows those rows to the series the user is
    a member of, unless the user may change partnership records.
    """
    allowed = relations(user, action)
    if via is None:
        return queryset if PARTNERSHIP in allowed else queryset.none()
    field = f"{via}_id" if via else "pk"
    members_narrowing = members_via is not None and PARTNERSHIP not in relations(
        user, Action.CHANGE
    )
    if (
        {OWN, OTHER} <= allowed
        and (PARTNERSHIP in allowed or not null_is_partnership)
        and not members_narrowing
    ):
        return queryset
    condition = Q(pk__in=[])
    if {OWN, OTHER} <= allowed:
        condition |= Q(**{f"{field}__isnull": False})
    elif OWN in allowed and actor_for(user).organisation_id is not None:
        condition |= Q(**{field: actor_for(user).organisation_id})
    if null_is_partnership and PARTNERSHIP in allowed:
        partnership_rows = Q(**{f"{field}__isnull": True})
        if members_narrowing:
            from .models import Person

            series_ids = Person.objects.filter(user_id=user.pk, memberships__isnull=False).values(
                "memberships__series_id"
            )
            series_field = f"{members_via}_id" if members_via else "pk"
            partnership_rows &= Q(**{f"{series_field}__in": series_ids})
        condition |= partnership_rows
    return queryset.filter(condition)


def visible_organisations(user: Any, action: Action | str = Action.VIEW) -> QuerySet:
    """Organisations whose own data the user may act on."""
    return restrict(Organisation.objects.all(), user, action, via="")  # "" = the row itself


def own_partner_trust(user: Any) -> Organisation | None:
    """The partner trust the user works in, or None: the regulator, the CI partner and peer
    trusts have no trust workspace. Read with the user's roles (``actor_for``), no query more."""
    if actor_for(user) is None:
        return None
    trust: Organisation | None = getattr(user, "_vmi_own_trust", None)
    return trust


def sees_trust_records(user: Any) -> bool:
    """Whether any partner trust's own records are open to the user: the trusts' staff, the
    regulator and administrators, but not the CI partner's TGB members, who see the
    partnership's summaries only. From the roles alone, with no query."""
    actor = actor_for(user)
    if actor is None:
        return False
    allowed = relations(user, Action.VIEW)
    return OTHER in allowed or (
        OWN in allowed and actor.organisation_kind == OrganisationKind.PARTNER_TRUST
    )


def account_approval_organisations(user: Any) -> QuerySet:
    """Where this user may approve an account single sign-on made (``vmi_programme/oidc.py``):
    wherever they manage users (a trust administrator their trust, an administrator every one),
    and a KPO lead their own trust."""
    allowed = visible_organisations(user, Action.MANAGE_USERS)
    actor = actor_for(user)
    if actor is not None and actor.has_role(Role.KPO_LEAD) and actor.organisation_id:
        allowed = allowed | Organisation.objects.filter(pk=actor.organisation_id)
    return allowed


def can_place_account(user: Any) -> bool:
    """May this user approve an account single sign-on made with no trust, choosing its trust?
    Only who manages users in every trust (an administrator)."""
    return {OWN, OTHER} <= relations(user, Action.MANAGE_USERS)


def can_run_analysis(user: Any, organisation: Any) -> bool:
    """Run an analysis of a trust's data: those who may change the trust's records (its KPO,
    executives, analysts), or the partnership's (the regulator, TGB members, administrators)."""
    return can(user, Action.CHANGE, organisation) or can(user, Action.CHANGE, Scope.partnership())


# Who grants which role (``can_grant_role``): a trust's own roles by whoever manages its
# users; the trust administrator role by its KPO lead (or an administrator); the partnership's
# roles by whoever manages users at partnership level; the administrator role only by an
# administrator.
TRUST_ROLES = frozenset(
    {Role.KPO_FACILITATOR, Role.KPO_LEAD, Role.EXECUTIVE, Role.ANALYST, Role.TRUST_ADMIN}
)
PARTNERSHIP_ROLES = frozenset({Role.REGULATOR, Role.TGB_MEMBER})


def can_grant_role(user: Any, role: str, person: Any) -> bool:
    """May this user give ``role`` to (or take it from) ``person``?"""
    actor = actor_for(user)
    if actor is None:
        return False
    if actor.has_role(Role.ADMINISTRATOR):
        return True
    if role == Role.TRUST_ADMIN:
        return actor.has_role(Role.KPO_LEAD) and person.organisation_id == actor.organisation_id
    if role in TRUST_ROLES:
        return can(user, Action.MANAGE_USERS, person)
    if role in PARTNERSHIP_ROLES:
        return can(user, Action.MANAGE_USERS, Scope.partnership())
    return False


def can_view_partnership(user: Any) -> bool:
    return can(user, Action.VIEW, Scope.partnership())
