"""Named access rules of the compact, built on the one policy in vmi_programme.access.

Everyone who may view the partnership reads the compact text and the partnership summary;
taking part (reflections in detail, calling out and working through breaches, renegotiating)
is for those who may change partnership-level records: TGB members and the regulator.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from governance.models import AttendanceStatus, Meeting
from vmi_programme.access import Action, Scope, can, can_view_partnership
from vmi_programme.models import Person


def can_read_compact(user: Any) -> bool:
    """The compact text and the partnership-level summary."""
    return can_view_partnership(user)


def can_take_part(user: Any) -> bool:
    """TGB members and the regulator: detail of reflections and breaches, and changing them."""
    return can(user, Action.CHANGE, Scope.partnership())


def person_of(user: Any) -> Person | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user_id=user.pk).first()


def was_present(person: Person | None, meeting: Meeting) -> bool:
    """Present in person, or present as the deputy of a member who could not come."""
    if person is None:
        return False
    attendances = meeting.attendances.all()
    return any(
        (a.person_id == person.pk and a.status == AttendanceStatus.PRESENT)
        or (a.deputy_id == person.pk and a.status != AttendanceStatus.PRESENT)
        for a in attendances
    )


def can_reflect(user: Any, meeting: Meeting) -> bool:
    return can_take_part(user) and was_present(person_of(user), meeting)


def require_read(user: Any) -> None:
    if not can_read_compact(user):
        raise PermissionDenied("You do not have permission to view the compact.")


def require_take_part(user: Any) -> None:
    if not can_take_part(user):
        raise PermissionDenied("Only TGB members and the regulator can see this or record it.")


def require_person(user: Any) -> Person:
    person = person_of(user)
    if person is None:
        raise PermissionDenied("Your account is not linked to a person: ask an administrator.")
    return person


def require_reflect(user: Any, meeting: Meeting) -> Person:
    require_take_part(user)
    person = require_person(user)
    if not was_present(person, meeting):
        raise PermissionDenied(
            f"Only members present at the meeting of {meeting.date:%-d %B %Y} can reflect on it."
        )
    return person
