"""Demo data of the networks app: the December 2018 and December 2020 network survey waves.

``networks`` generates each trust's people and ties (pure Python, no Django) so that the app's
own summaries give Tables 5.3 and 5.4; ``records`` writes them as survey invitations, responses,
collaborators and nominations. ``seed(ctx)`` is what ``manage.py seed_demo`` calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vmi_programme.demo import DemoContext


def seed(ctx: DemoContext) -> None:
    """Seed the networks demo records on top of the core and training demos."""
    # Imported here so that ``networks.demo.networks`` stays importable without Django set up.
    from .records import seed as seed_records

    seed_records(ctx)
