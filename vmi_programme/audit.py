"""The audit trail: who created, changed or deleted which record, when and from where (ADR 11).

Every domain model declares ``history = AuditTrail()`` (django-simple-history's
``HistoricalRecords`` with the audit base below), so each save and delete writes a historical
row holding the record's fields, the user, the time, the change type (+ ~ -) and:

- ``history_source``: web, api or admin (from the request's path, which simple-history's request
  middleware keeps for the duration of a request), or whatever an enclosing
  ``with audit.source("import"):`` / ``"job"`` block says; ``command`` when there is neither
  (the shell, a management command, a Celery beat task);
- ``history_ip_address``: the request's REMOTE_ADDR, when there is a request;
- ``history_owner_id``: the organisation owning the record when it was written, by the one
  access policy's ``scope_of`` (empty = partnership-level), so the audit page can narrow the
  rows per reader with ``access.restrict`` without joining through records that may be gone;
- ``history_object_repr``: the record's name when it was written (the record may since be deleted).

``bulk_create`` and ``queryset.update()`` write no history: writes that must be audited use
``audit.bulk_create(...)`` / ``audit.bulk_update(...)``. ``with audit.not_recorded():`` turns
recording off (the demo seeding, the baseline every test starts from).

This module must not import the core's models at import time: they import it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction
from django.utils import timezone
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords
from simple_history.utils import get_change_reason_from_object

from . import signals

log = logging.getLogger(__name__)


class Source(models.TextChoices):
    WEB = "web", "Web page"
    API = "api", "API"
    ADMIN = "admin", "Admin site"
    IMPORT = "import", "Import"
    JOB = "job", "Job"
    COMMAND = "command", "Command"


_source: ContextVar[str | None] = ContextVar("audit_source", default=None)
_user: ContextVar[Any] = ContextVar("audit_user", default=None)
_recording: ContextVar[bool] = ContextVar("audit_recording", default=True)


@contextmanager
def source(name: str, *, user: Any = None) -> Iterator[None]:
    """Attribute the writes inside this block to ``name`` (and to ``user`` when given)."""
    source_token = _source.set(Source(name).value)
    user_token = _user.set(user if getattr(user, "is_authenticated", False) else _user.get())
    try:
        yield
    finally:
        _user.reset(user_token)
        _source.reset(source_token)


@contextmanager
def not_recorded() -> Iterator[None]:
    """Write no history inside this block (the demo seeding: the seeded data is the baseline)."""
    token = _recording.set(False)
    try:
        yield
    finally:
        _recording.reset(token)


def recording() -> bool:
    return _recording.get()


def _request() -> Any:
    return getattr(HistoricalRecords.context, "request", None)


def current_source() -> str:
    explicit = _source.get()
    if explicit:
        return explicit
    request = _request()
    if request is None:
        return Source.COMMAND
    path = request.path_info or ""
    if path.startswith("/api/"):
        return Source.API
    if path.startswith("/admin/"):
        return Source.ADMIN
    return Source.WEB


def _client_ip() -> str | None:
    request = _request()
    return request.META.get("REMOTE_ADDR") or None if request is not None else None


def history_user(instance: Any = None, request: Any = None, **kwargs: Any) -> Any:
    """The user to record: the enclosing ``source(..., user=)`` block's, else the request's.

    (simple-history passes ``request`` only when its user is signed in; an API request's user
    is there too, since DRF sets the authenticated user on the underlying request.)
    """
    user = _user.get()
    if user is not None:
        return user
    return getattr(request, "user", None) if request is not None else None


# --- The historical rows' base ----------------------------------------------------------------


class HistoricalAudit(models.Model):
    """The fields every historical row carries beside simple-history's own (see the module)."""

    # Named history_* like simple-history's own: a model's own field (networks' and impact's
    # ``source``) is copied into its historical table under its own name.
    history_source = models.CharField(
        max_length=10, choices=Source.choices, default=Source.COMMAND, db_index=True
    )
    history_ip_address = models.GenericIPAddressField(null=True, blank=True)
    # Not a foreign key: the organisation may later go, and its trail must stay readable.
    history_owner_id = models.IntegerField(null=True, blank=True, db_index=True)
    history_object_repr = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True


_UNSET = object()


def _owner(instance: Any) -> int | None:
    cached: Any = getattr(instance, "_audit_owner", _UNSET)
    if cached is not _UNSET:
        return cached
    from .access import scope_of  # the policy imports the models, which import this module

    try:
        return scope_of(instance).organisation_id
    except ObjectDoesNotExist:  # a parent already gone (and not seen before the delete)
        log.warning("Audit: no owner for %s %s", type(instance).__name__, instance.pk)
        return None


def _repr(instance: Any) -> str:
    cached = getattr(instance, "_audit_repr", None)
    if cached is not None:
        return cached
    try:
        return str(instance)[:200]
    except ObjectDoesNotExist:
        return f"{instance._meta.verbose_name} {instance.pk}"


def _fill(row: Any, instance: Any) -> None:
    row.history_source = current_source()
    row.history_ip_address = _client_ip()
    row.history_owner_id = _owner(instance)
    row.history_object_repr = _repr(instance)


class AuditHistoryManager(HistoryManager):
    """simple-history's manager, whose bulk history rows carry the audit fields too."""

    def bulk_history_create(
        self,
        objs,
        batch_size=None,
        update=False,
        default_user=None,
        default_change_reason="",
        default_date=None,
        custom_historical_attrs=None,
    ):
        # The same rows simple-history's own bulk_history_create builds, filled like a save's.
        if not recording():
            return []
        rows = []
        for instance in objs:
            row = self.model(
                history_date=getattr(instance, "_history_date", default_date or timezone.now()),
                history_user=getattr(
                    instance,
                    "_history_user",
                    default_user or self.model.get_default_history_user(instance),
                ),
                history_change_reason=get_change_reason_from_object(instance)
                or default_change_reason,
                history_type="~" if update else "+",
                **{
                    field.attname: getattr(instance, field.attname)
                    for field in self.model.tracked_fields
                },
                **(custom_historical_attrs or {}),
            )
            _fill(row, instance)
            rows.append(row)
        return self.model.objects.bulk_create(rows, batch_size=batch_size)


class AuditTrail(HistoricalRecords):
    """``HistoricalRecords`` writing the audit fields; declare ``history = AuditTrail()``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("bases", [HistoricalAudit])
        kwargs.setdefault("history_manager", AuditHistoryManager)
        kwargs.setdefault("get_user", history_user)
        super().__init__(**kwargs)

    def create_historical_record(self, instance, history_type, using=None):
        if recording():
            super().create_historical_record(instance, history_type, using=using)

    def pre_delete(self, instance, **kwargs):
        """Note the record's owner and name while its parents still exist.

        Django sends post_delete (where the '-' row is written) after a cascade has deleted
        the parents too, so a child's owner is looked up here, before anything is gone. (Per
        audited model, as simple-history connects it: a receiver for every sender would stop
        Django's fast deletes of the models that are not audited.)
        """
        super().pre_delete(instance, **kwargs)
        if recording():
            instance._audit_owner = _owner(instance)
            instance._audit_repr = _repr(instance)


def _fill_before_save(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    if isinstance(history_instance, HistoricalAudit):
        _fill(history_instance, instance)


def _connect() -> None:
    from simple_history.signals import pre_create_historical_record

    pre_create_historical_record.connect(_fill_before_save, dispatch_uid="vmi-audit-fill")


_connect()


# --- Bulk writes with history -----------------------------------------------------------------


def bulk_create(model: type[models.Model], objs: Iterable[models.Model], **kwargs: Any) -> list:
    """``model.objects.bulk_create(objs)``, with a '+' history row per record created.

    PostgreSQL and SQLite return the new primary keys, which the history rows need.
    """
    with transaction.atomic():
        created = model._default_manager.bulk_create(list(objs), **kwargs)
        if hasattr(model, "history"):
            model.history.bulk_history_create(created)
        signals.changed(None, sender=model)  # bulk writes send no post_save: say so once
    return created


def bulk_update(
    model: type[models.Model], objs: Sequence[models.Model], fields: Sequence[str], **kwargs: Any
) -> int:
    """``model.objects.bulk_update(objs, fields)``, with a '~' history row per record."""
    with transaction.atomic():
        count = model._default_manager.bulk_update(objs, fields, **kwargs)
        if hasattr(model, "history"):
            model.history.bulk_history_create(objs, update=True)
        signals.changed(None, sender=model)
    return count


def record_upsert(
    model: type[models.Model], rows: Sequence[models.Model], existing: set, key: Any
) -> None:
    """The history of a bulk upsert already written (``bulk_create(update_conflicts=True)``
    writes none of itself): a '+' row per record whose ``key(row)`` was not in ``existing``,
    a '~' row per record it replaced (PostgreSQL and SQLite set the rows' keys)."""
    history: Any = getattr(model, "history")  # noqa: B009 (added by AuditTrail, unknown to mypy)
    history.bulk_history_create([row for row in rows if key(row) not in existing])
    history.bulk_history_create([row for row in rows if key(row) in existing], update=True)
    signals.changed(None, sender=model)
