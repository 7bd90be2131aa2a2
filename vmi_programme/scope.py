"""Where an object sits for the access policy: owned by one organisation, or partnership-level.

Its own module so models can say where they sit (``access_scope()``) without importing the
policy, which imports the models.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    """Where an object sits: owned by one organisation, or at partnership level.

    ``members_of_series`` narrows viewing a partnership-level object to the members of that
    meeting series (see the module docstring).
    """

    organisation_id: int | None = None
    members_of_series: int | None = None

    @property
    def is_partnership(self) -> bool:
        return self.organisation_id is None

    @classmethod
    def partnership(cls) -> Scope:
        return cls(None)
