"""What an agenda item may be about: a registry of link kinds (RPIW, metric change, document…).

Governance sits below the apps whose records a meeting discusses, so it cannot import them: each
app registers the kinds of record an agenda item may link to from its ``AppConfig.ready()``
(``register(LinkKind(...))``), and the agenda builder offers one optional choice per kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class LinkKind:
    """One kind of record an agenda item may link to.

    ``choices(meeting, user)`` returns the records of that kind an item of ``meeting`` may link
    to, already narrowed by the access policy for ``user`` (a TGT's items link to its trust's
    records; a partnership meeting's to those of the trusts the user may view).
    """

    key: str
    label: str
    choices: Callable[[Any, Any], QuerySet]
    order: int = 100


_KINDS: dict[str, LinkKind] = {}


def register(kind: LinkKind) -> None:
    _KINDS[kind.key] = kind


def kinds() -> list[LinkKind]:
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.key))


def trust_records(queryset: QuerySet, meeting: Any, user: Any, via: str) -> QuerySet:
    """``queryset`` narrowed to the meeting's trust (for a TGT) and to what ``user`` may view."""
    from vmi_programme.access import Action, restrict

    if meeting.series.organisation_id:
        queryset = queryset.filter(**{f"{via}_id": meeting.series.organisation_id})
    return restrict(queryset, user, Action.VIEW, via=via)
