"""Demo data of the impact app: FFT and turnover series, characteristics, peer groups, ITS runs.

``series`` generates the monthly series (pure Python, no Django) that reproduce the Section 8.2
directions and checks them; ``records`` loads them, ``data/`` (the trust characteristics and
the partners' real A&E rows) and the ITS runs through the app's services. ``seed(ctx)`` is what
``manage.py seed_demo`` calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vmi_programme.demo import DemoContext


def seed(ctx: DemoContext) -> None:
    """Seed the impact demo records on top of the core and rpiw demos."""
    # Imported here so that ``impact.demo.series`` stays importable without Django set up.
    from .records import seed as seed_records

    seed_records(ctx)
