"""Deletes and moves that respect ownership: one check before any delete (ADR 9).

Django cascades a delete into every row that depends on the deleted one, whoever owns it: a
partnership-level survey wave takes every trust's invitations, responses and nominations with
it. Before a delete, :func:`check_delete` collects what the delete would remove or alter (the
same ``Collector`` ``Model.delete`` uses) and refuses it, with a 409 naming what depends on it
counted by kind, when

- a collected row sits in a scope (a trust, or the partnership) where the caller could not
  change that row one by one under the access policy, or
- a collected row names survey respondents (invitations, responses, answers, nominations: the
  kinds apps register with :func:`register_identity_bearing`) and the caller is not an
  administrator.

Scopes are checked per scope, not per row: each collected kind's rows are grouped by their
owning organisation in one query (``values(path).annotate(Count)``) along the path the
kind's API viewset or admin declares as ``scope_via`` (the path ``restrict`` lists it by), a
path an app registers with :func:`register_scope_path`, or its ``organisation`` field. A kind
with none of those is asked row by row (``access.scope_of``), which is exact but slower.

:func:`check_move` does the same for an update that moves a record (changes its owner or one
of its parents): it may not carry along rows the caller could not change themselves.

The dependents are reported as counts by kind (``{"nominations of other trusts": 1135}``),
never by name, so a refusal reveals nothing of records the caller may not read.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.db.models import CASCADE, Count, Model, QuerySet
from django.db.models.deletion import Collector, ProtectedError, RestrictedError

from .access import OTHER, OWN, PARTNERSHIP, Action, actor_for, can, scope_of
from .errors import BlockedDelete, DeleteRefused
from .models import Role
from .scope import Scope

_IDENTITY_BEARING: set[type[Model]] = set()
_REGISTERED_PATHS: dict[type[Model], str | None] = {}
_declared_paths: dict[type[Model], str | None] | None = None  # from viewsets and admins, lazily

_CHUNK = 500  # primary keys per query: below every database's limit on bound parameters
_PER_ROW = object()  # a kind with no declared path: its rows are asked one by one

IDENTITIES = "identities"
_QUALIFIERS = {
    OTHER: "of other trusts",
    OWN: "of your organisation",
    PARTNERSHIP: "of the partnership",
    IDENTITIES: "naming survey respondents",
}


def register_identity_bearing(*models: type[Model]) -> None:
    """Rows of these kinds name survey respondents: only an administrator deletes them."""
    _IDENTITY_BEARING.update(models)


def register_scope_path(model: type[Model], via: str | None) -> None:
    """The lookup path from ``model`` to its owning organisation (``None``: partnership-level),
    for a kind that no API viewset or admin page declares and whose scope is not its
    ``organisation`` field."""
    _REGISTERED_PATHS[model] = via


def is_identity_bearing(model: type[Model]) -> bool:
    return model in _IDENTITY_BEARING


# --- the checks ------------------------------------------------------------------------------


def check_delete(user: Any, obj: Model) -> Collector:
    """Refuse deleting ``obj`` unless the user may delete everything the delete would reach.

    Raises ``PermissionDenied`` if the user may not change ``obj`` itself, ``ProtectedError``
    or ``RestrictedError`` if the database's own rules refuse it, and ``DeleteRefused`` (409)
    if it would remove or alter a row the user could not change one by one, or a row naming
    survey respondents when the user is not an administrator. Returns the collector, ready to
    delete.
    """
    if not can(user, Action.CHANGE, obj):
        raise PermissionDenied("You do not have permission to delete this.")
    collector = Collector(using=router.db_for_write(type(obj), instance=obj), origin=obj)
    collector.collect([obj])
    rows = _collected_rows(collector)
    blocked = _blocked(user, rows, identities=True)
    _refuse_if_blocked(user, obj, blocked, verb="deleted")
    return collector


def delete(user: Any, obj: Model) -> None:
    """Delete ``obj`` and what cascades from it, after :func:`check_delete`, in one transaction.

    A model that overrides ``delete()`` (to refuse a locked row, say) is deleted through it;
    otherwise the checked collector deletes exactly the rows that were checked.
    """
    with transaction.atomic(using=router.db_for_write(type(obj), instance=obj)):
        collector = check_delete(user, obj)
        if type(obj).delete is Model.delete:
            collector.delete()
        else:
            obj.delete()


def check_move(user: Any, obj: Model) -> None:
    """Refuse moving ``obj`` (a new owner or parent) if rows that depend on it are not the
    user's to change: moving a partnership survey wave would move every trust's responses.

    Looks at every row that refers to ``obj`` (cascading, protected or set null on delete);
    raises ``DeleteRefused`` (409) naming them by kind.
    """
    collector = _DependentsCollector(using=router.db_for_write(type(obj), instance=obj))
    collector.collect([obj])
    rows = _collected_rows(collector)
    for model, pks in collector.protected_rows.items():
        rows[model].update(pks)
    blocked = _blocked(user, rows, identities=False)
    _refuse_if_blocked(user, obj, blocked, verb="moved")


def fields_moving(before: dict[str, Any], obj: Model) -> list[str]:
    """What of ``obj``'s owner and parents differs from ``before`` (``relation_values``)."""
    return [name for name, value in relation_values(obj).items() if before.get(name) != value]


def relation_values(obj: Model) -> dict[str, Any]:
    """``obj``'s owner and parents, to compare after a change with :func:`fields_moving`.

    A parent is a relation the row is deleted with (``on_delete=CASCADE``): a wave's survey, a
    module's programme. Other relations (who set a priority, a survey's programme) describe the
    row and move nothing with it.
    """
    values: dict[str, Any] = {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.is_relation
        and (f.many_to_one or f.one_to_one)
        and getattr(f.remote_field, "on_delete", None) is CASCADE
    }
    values["owner"] = scope_of(obj).organisation_id
    return values


# --- what a delete reaches -------------------------------------------------------------------


class _DependentsCollector(Collector):
    """A collector that notes protected rows instead of stopping at them (for moves)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.protected_rows: dict[type[Model], set[Any]] = defaultdict(set)

    def collect(self, objs, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        try:
            return super().collect(objs, *args, **kwargs)
        except ProtectedError as exc:
            self._note(exc.protected_objects)
        except RestrictedError as exc:
            self._note(exc.restricted_objects)
        return None

    def _note(self, objs: Iterable[Model]) -> None:
        for obj in objs:
            self.protected_rows[_concrete(type(obj))].add(obj.pk)


def _collected_rows(collector: Collector) -> dict[type[Model], set[Any]]:
    """Every row the collector would delete or alter, as primary keys by concrete model."""
    rows: dict[type[Model], set[Any]] = defaultdict(set)
    for model, instances in collector.data.items():
        rows[_concrete(model)].update(obj.pk for obj in instances)
    for qs in collector.fast_deletes:
        rows[_concrete(qs.model)].update(_pks(qs))
    for _update, batches in collector.field_updates.items():
        for batch in batches:
            if isinstance(batch, QuerySet):
                rows[_concrete(batch.model)].update(_pks(batch))
            else:
                for obj in cast(Iterable[Model], batch):
                    rows[_concrete(type(obj))].add(obj.pk)
    return rows


def _concrete(model: type[Model]) -> type[Model]:
    return model._meta.concrete_model or model  # a proxy's rows are its concrete model's


def _pks(qs: Any) -> Iterable[Any]:
    return qs.values_list("pk", flat=True) if isinstance(qs, QuerySet) else (o.pk for o in qs)


# --- whose rows they are ---------------------------------------------------------------------


def _blocked(user: Any, rows: dict[type[Model], set[Any]], *, identities: bool) -> Counter:
    """Rows the user may not delete or move, counted by (model, why)."""
    actor = actor_for(user)
    administrator = actor is not None and actor.has_role(Role.ADMINISTRATOR)
    changeable: dict[int | None, bool] = {}  # per owner, not per row
    blocked: Counter = Counter()
    for model, pks in rows.items():
        for org_id, count in _owners(model, pks).items():
            if org_id not in changeable:
                changeable[org_id] = can(user, Action.CHANGE, Scope(org_id))
            if not changeable[org_id]:
                blocked[model, _relation(actor, org_id)] += count
            elif identities and not administrator and model in _IDENTITY_BEARING:
                blocked[model, IDENTITIES] += count
    return blocked


def _relation(actor: Any, org_id: int | None) -> str:
    if org_id is None:
        return PARTNERSHIP
    return OWN if actor is not None and org_id == actor.organisation_id else OTHER


def _owners(model: type[Model], pks: set[Any]) -> Counter:
    """How many of the rows each organisation owns (``None``: the partnership)."""
    path = _path(model)
    counts: Counter = Counter()
    if path is None:
        counts[None] = len(pks)
    elif path is _PER_ROW:
        for chunk in _chunks(pks):
            for obj in model._base_manager.filter(pk__in=chunk):
                counts[owner_of(obj).organisation_id] += 1
    else:
        for chunk in _chunks(pks):
            grouped = (
                model._base_manager.filter(pk__in=chunk)
                .order_by()
                .values(path)
                .annotate(_n=Count("pk"))
            )
            for row in grouped:
                counts[row[path]] += row["_n"]
    return counts


def _chunks(pks: set[Any]) -> Iterator[list[Any]]:
    ordered = list(pks)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def _path(model: type[Model]) -> Any:
    """The lookup path to the organisation owning a row of ``model`` (``None``: the
    partnership), or ``_PER_ROW``.

    An auto-created many-to-many link row belongs to the row that declares the relation:
    removing a strategic objective's link to a national priority alters the objective.
    """
    if model._meta.auto_created:  # a many-to-many table Django made
        field = _declaring_end(model)
        target = _path(field.related_model)
        return target if target is None or target is _PER_ROW else f"{field.name}__{target}"
    if model._meta.label == "vmi_programme.Organisation":
        return "pk"
    declared = _declared()
    if model in _REGISTERED_PATHS:
        return _REGISTERED_PATHS[model]
    if model in declared:
        return declared[model]
    if any(f.name == "organisation" and f.is_relation for f in model._meta.concrete_fields):
        return "organisation"
    if not hasattr(model, "access_scope"):
        return None  # as ``access.scope_of``: a model without an owner is partnership-level
    return _PER_ROW


def _declaring_end(through: type[Model]) -> Any:
    """The link table's relation to the model that declares the many-to-many field: a link
    is part of that row (a strategic objective's national priorities are the objective's)."""
    declaring = through._meta.auto_created
    return next(
        f for f in through._meta.concrete_fields if f.is_relation and f.related_model is declaring
    )


def owner_of(obj: Model) -> Scope:
    """The scope that owns a row, as this module counts it: ``scope_of``, and for a
    many-to-many link row the row that declares the relation."""
    if type(obj)._meta.auto_created:
        return scope_of(getattr(obj, _declaring_end(type(obj)).name))
    return scope_of(obj)


def _declared() -> dict[type[Model], str | None]:
    """``scope_via`` as the API viewsets and admin pages declare it, per model (API first)."""
    global _declared_paths
    if _declared_paths is None:
        from django.contrib import admin
        from django.urls import URLPattern, URLResolver, get_resolver

        from .admin_base import ScopedAdmin
        from .api_base import ScopedViewSetMixin

        found: dict[type[Model], str | None] = {}
        for model_admin in admin.site._registry.values():
            if isinstance(model_admin, ScopedAdmin):
                found[_concrete(model_admin.model)] = model_admin.scope_via

        def walk(patterns: Iterable[Any]) -> Iterator[Any]:
            for pattern in patterns:
                if isinstance(pattern, URLResolver):
                    yield from walk(pattern.url_patterns)
                elif isinstance(pattern, URLPattern):
                    yield getattr(pattern.callback, "cls", None)

        for cls in walk(get_resolver().url_patterns):
            queryset = getattr(cls, "queryset", None)
            if (
                isinstance(cls, type)
                and issubclass(cls, ScopedViewSetMixin)
                and queryset is not None
            ):
                found[_concrete(queryset.model)] = cls.scope_via
        _declared_paths = found
    return _declared_paths


# --- the refusal -----------------------------------------------------------------------------


def _refuse_if_blocked(user: Any, obj: Model, blocked: Counter, *, verb: str) -> None:
    if not blocked:
        return
    root = _concrete(type(obj))
    root_key = next((key for key in blocked if key[0] is root), None)
    if root_key is not None:
        blocked[root_key] -= 1  # the record itself is not one of its dependents
        if not +blocked:
            # Only the record itself: a row naming respondents, and the user no administrator.
            raise DeleteRefused(
                BlockedDelete(
                    record=str(root._meta.verbose_name),
                    dependents={},
                    counts=(),
                    hint=f"It names survey respondents: only an administrator may "
                    f"{'delete' if verb == 'deleted' else 'move'} it.",
                    verb=verb,
                )
            )
    rows = sorted(
        (str(model._meta.verbose_name_plural), str(model._meta.verbose_name), why, n)
        for (model, why), n in blocked.items()
        if n > 0
    )
    reasons = {why for *_, why, _n in rows}
    hints = []
    if reasons - {IDENTITIES}:
        hints.append("Records of other owners are theirs to delete or keep.")
    if IDENTITIES in reasons:
        hints.append("Only an administrator may delete records that name survey respondents.")
    raise DeleteRefused(
        BlockedDelete(
            record=str(root._meta.verbose_name),
            dependents={f"{plural} {_QUALIFIERS[why]}": n for plural, _s, why, n in rows},
            counts=tuple(
                (f"{singular if n == 1 else plural} {_QUALIFIERS[why]}", n)
                for plural, singular, why, n in rows
            ),
            hint=" ".join(hints),
            verb=verb,
        )
    )
