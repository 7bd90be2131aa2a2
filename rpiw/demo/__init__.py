"""Demo data of the rpiw app: value streams, metrics, RPIWs, teams and measures.

``measures`` generates the raw RPIW records (pure Python, no Django) whose figures give Tables
7.1 and 7.2; ``records`` writes them, and the rest of the demo, through the app's services.
``seed(ctx)`` is what ``manage.py seed_demo`` calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vmi_programme.demo import DemoContext


def seed(ctx: DemoContext) -> None:
    """Seed the rpiw demo records on top of the core and governance demos."""
    # Imported here so that ``rpiw.demo.measures`` stays importable without Django set up.
    from .records import seed as seed_records

    seed_records(ctx)
