"""How errors reach users: the one API exception handler, and what a refused delete says.

Services raise Django's own exceptions (``ValidationError``, ``PermissionDenied``, ``Http404``)
and the database refuses deletes through ``on_delete=PROTECT``/``RESTRICT``; nothing in a view
catches and translates them. The API turns them into responses here, once
(``REST_FRAMEWORK["EXCEPTION_HANDLER"]``); the pages turn a refused delete into the 409 page in
``middleware.BlockedDeleteMiddleware``. Both describe the delete with ``blocked_delete``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model
from django.db.models.deletion import ProtectedError, RestrictedError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

# Django names the model whose rows it was asked to delete only in the message.
_DELETED_MODEL = re.compile(r"instances of model '(\w+)'")


@dataclass(frozen=True)
class BlockedDelete:
    """A refused delete (or move): what was to be deleted and how many rows depend on it.

    The database refuses some (``on_delete=PROTECT``); ``vmi_programme.deletes`` refuses those
    that would reach rows the user may not change, naming the kind with why (``"nominations
    of other trusts"``) and adding a ``hint``.
    """

    record: str  # the verbose name of what was to be deleted, e.g. "value stream"
    dependents: dict[str, int]  # verbose_name_plural -> count, e.g. {"RPIWs": 3}
    counts: tuple[tuple[str, int], ...]  # (singular or plural name as fits the count, count)
    hint: str = ""  # what the user may do instead, or who may delete it
    verb: str = "deleted"

    @property
    def message(self) -> str:
        opening = f"This {self.record} cannot be {self.verb}"
        if not self.counts:
            return f"{opening}. {self.hint}".strip()
        parts = [f"{count:,} {name}" for name, count in self.counts]
        listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
        one = len(self.counts) == 1 and self.counts[0][1] == 1
        said = f"{opening}: {listed} {'depends' if one else 'depend'} on it."
        return f"{said} {self.hint}".strip()


class DeleteRefused(Exception):
    """A delete or move refused because it would reach rows the user may not change (409).

    Raised by ``vmi_programme.deletes``; answered like a ``ProtectedError``: the API's 409
    ``{"detail": ..., "dependents": {...}}`` and the pages' 409 page.
    """

    def __init__(self, blocked: BlockedDelete) -> None:
        super().__init__(blocked.message)
        self.blocked = blocked


def blocked_delete(
    exc: ProtectedError | RestrictedError, model: type[Model] | None = None
) -> BlockedDelete:
    """Describe a refused delete; ``model`` (the view's model, if known) names the record."""
    objects = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
    by_model = Counter(type(obj) for obj in objects)
    rows = sorted(
        (str(m._meta.verbose_name_plural), str(m._meta.verbose_name), n)
        for m, n in by_model.items()
    )
    return BlockedDelete(
        record=_deleted_record(exc, model),
        dependents={plural: n for plural, _, n in rows},
        counts=tuple((singular if n == 1 else plural, n) for plural, singular, n in rows),
    )


def _deleted_record(exc: ProtectedError | RestrictedError, model: type[Model] | None) -> str:
    match = _DELETED_MODEL.search(str(exc.args[0]) if exc.args else "")
    name = match.group(1) if match else None
    if model is not None and (name is None or model.__name__ == name):
        return str(model._meta.verbose_name)
    # Two apps may share a class name (rpiw.Measure, impact.Measure): name it only if unique.
    labels = {str(m._meta.verbose_name) for m in apps.get_models() if m.__name__ == name}
    return labels.pop() if len(labels) == 1 else "record"


def api_exception_handler(exc, context):
    """DRF's handler, taught Django's ValidationError and refused deletes; one error shape.

    Modelled on HackSoft's Django-Styleguide-Example. Answers:

    - 400 ``{"<field>": ["message", ...], "non_field_errors": ["message", ...]}`` for Django's
      ``ValidationError`` (a model's ``__all__`` errors become ``non_field_errors``) and for
      DRF's own, a bare list of messages included;
    - 403/404 ``{"detail": "message"}`` for ``PermissionDenied``/``Http404`` (DRF's default);
    - 409 ``{"detail": "This value stream cannot be deleted: 3 RPIWs depend on it.",
      "dependents": {"RPIWs": 3}}`` for ``ProtectedError``/``RestrictedError``, and for
      ``DeleteRefused`` (``vmi_programme.deletes``: ``{"nominations of other trusts": 1135}``).
    """
    if isinstance(exc, ProtectedError | RestrictedError | DeleteRefused):
        view = context.get("view")
        queryset = getattr(view, "queryset", None)
        blocked = (
            exc.blocked
            if isinstance(exc, DeleteRefused)
            else blocked_delete(exc, model=queryset.model if queryset is not None else None)
        )
        set_rollback()
        return Response(
            {"detail": blocked.message, "dependents": blocked.dependents},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, exceptions.ValidationError):
        exc = exceptions.ValidationError(_one_shape(exc.detail))
    return drf_exception_handler(exc, context)


def _one_shape(detail):
    """Each field's messages as a list; messages about the whole record in ``non_field_errors``.

    A bare list of messages (``raise ValidationError("...")``) and Django's ``__all__`` key (a
    model's ``clean()``, which DRF passes on unchanged from a serializer's ``validate``) both go
    under ``non_field_errors``. A lone ``{"detail": "..."}`` stays as it is: the shape of every
    other error response.
    """
    key = api_settings.NON_FIELD_ERRORS_KEY
    if _is_message_list(detail):
        return {key: detail}
    if not isinstance(detail, dict):
        return detail
    shaped: dict = {}
    for name, errors in detail.items():
        name = key if name == NON_FIELD_ERRORS else name
        if isinstance(errors, str) and name != "detail":
            errors = [errors]
        if isinstance(shaped.get(name), list) and isinstance(errors, list):
            errors = [*shaped[name], *errors]  # both "__all__" and "non_field_errors" were given
        shaped[name] = errors
    return shaped


def _is_message_list(detail) -> bool:
    # A list of dicts is a ListSerializer's per-item errors: leave those as they are.
    return isinstance(detail, list) and all(isinstance(item, str) for item in detail)
