"""Signals the core sends for the layers above it (they listen; the core never imports them).

``records_changed`` says that records behind stored figures changed in a way Django's model
signals do not see (bulk writes, imports, a finished job's stored result): ``organisation_ids``
names the trusts whose records changed, or is ``None`` when that is not known (everything may
have changed). The dashboards' read model listens (``dashboards.read_model``).

``quiet()`` hushes the per-record listeners while a command writes a great many records at once
(seeding the demo, generating a national data set); the command sends one ``records_changed``
at the end instead.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.dispatch import Signal

records_changed = Signal()  # kwargs: organisation_ids (set[int] | None)

_local = threading.local()


def is_quiet() -> bool:
    return getattr(_local, "quiet", 0) > 0


@contextmanager
def quiet() -> Iterator[None]:
    """Hush per-record change listeners; one ``records_changed`` (everything) at the end."""
    _local.quiet = getattr(_local, "quiet", 0) + 1
    try:
        yield
    finally:
        _local.quiet -= 1
    if not is_quiet():
        changed(None)


def changed(organisation_ids: Iterable[int | None] | None, sender: object = None) -> None:
    """Say that records of these trusts (``None``: of any trust, or of the partnership) changed."""
    ids = None if organisation_ids is None else set(organisation_ids)
    records_changed.send(sender=sender, organisation_ids=ids)
