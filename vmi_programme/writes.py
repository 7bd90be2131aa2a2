"""The one write helper of the services: validate-and-save, and update through an allowed list."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models

M = TypeVar("M", bound=models.Model)


def save_validated(obj: M) -> M:
    """Run the model's own validation (``full_clean``), then save the whole row; returns ``obj``.

    A ``ValidationError`` propagates and nothing is written.
    """
    obj.full_clean()
    obj.save()
    return obj


def _editable_field(instance: models.Model, name: str) -> models.Field:
    """The concrete field ``name`` of the instance's model; a wrong list is a programming error."""
    model = type(instance).__name__
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        raise ValueError(f"{model} has no field {name!r} to list as editable.") from None
    if (
        not field.concrete
        or field.many_to_many
        or getattr(field, "primary_key", False)
        or field.name != name  # "lead_id" is spelt "lead" in an editable list
    ):
        raise ValueError(f"{model}.{name} cannot be listed as editable: use the field's name.")
    return field  # type: ignore[return-value]


def _key(field: models.Field, value: Any) -> Any:
    # A relation is compared by its key, as the database stores it.
    return getattr(value, "pk", value) if field.is_relation else value


def model_update(*, instance: M, fields: Iterable[str], data: Mapping[str, Any]) -> tuple[M, bool]:
    """Set on ``instance`` the values in ``data`` of the fields named in ``fields``, validate
    with ``full_clean`` and save only what changed; returns ``(instance, has_updated)``.

    Contract:

    - ``fields`` is the update service's explicit list of editable fields (concrete fields by
      name; many-to-many relations are set by the service itself). A name that is not such a
      field raises ``ValueError``.
    - Every key of ``data`` must be in ``fields``: a key that isn't (an owning foreign key such
      as ``organisation``, a status with its own service) raises ``TypeError`` naming it, before
      anything is set. This is a programming error in the caller, not the user's input.
    - A field missing from ``data`` is left as it is. What changed is decided against the stored
      row (one query; foreign keys compared by key), not against the instance, which a
      ``ModelForm`` bound to it has already changed. With no change nothing is validated or
      saved and ``has_updated`` is ``False``.
    - Otherwise the model's ``full_clean`` runs on the whole row; its ``ValidationError``
      propagates and nothing is written (the instance keeps the values set; callers that go on
      using it after an error re-read it with ``refresh_from_db``). Then the row is saved with
      ``update_fields`` = the changed fields plus the model's ``auto_now`` fields, so nothing
      else set on the instance is written.
    - An unsaved instance (a create-or-update service's new row) gets every listed value in
      ``data``, is validated and inserted whole; ``has_updated`` is ``True``.

    It opens no transaction: it runs inside the calling service's ``transaction.atomic``.
    """
    editable = {name: _editable_field(instance, name) for name in fields}
    refused = sorted(set(data) - set(editable))
    if refused:
        raise TypeError(
            f"{type(instance).__name__} field(s) {', '.join(refused)} cannot be changed here; "
            f"the editable fields are {', '.join(editable) or 'none'}."
        )
    given = [name for name in editable if name in data]
    for name in given:
        setattr(instance, name, data[name])
    if instance._state.adding:
        return save_validated(instance), True
    if not given:
        return instance, False
    stored = (
        type(instance)
        ._base_manager.filter(pk=instance.pk)
        .values(*(editable[name].attname for name in given))
        .first()
    )
    changed = [
        name
        for name in given
        if stored is None or stored[editable[name].attname] != _key(editable[name], data[name])
    ]
    if not changed:
        return instance, False
    instance.full_clean()
    auto_now = [
        field.name
        for field in instance._meta.concrete_fields
        if getattr(field, "auto_now", False) and field.name not in changed
    ]
    instance.save(update_fields=[*changed, *auto_now])
    return instance, True
