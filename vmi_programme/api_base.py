"""Base viewsets that put every API resource through the access policy."""

from django.db import transaction
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied

from . import deletes
from .access import Action, can, restrict


class ScopedViewSetMixin:
    """List only what the user may view; create, update and delete only what they may change.

    A delete, and an update that moves a record to a new owner or parent, go through
    ``vmi_programme.deletes``: refused (409) if they would reach rows of others.

    ``scope_via`` is the lookup path from the model to its owning organisation
    (``None`` for partnership-level models); ``null_is_partnership`` treats rows without an
    organisation as partnership-level.
    """

    scope_via: str | None = "organisation"
    null_is_partnership = False

    def get_queryset(self):
        return restrict(
            super().get_queryset(),
            self.request.user,
            Action.VIEW,
            via=self.scope_via,
            null_is_partnership=self.null_is_partnership,
        )

    def _require_change(self, instance) -> None:
        if not can(self.request.user, Action.CHANGE, instance):
            raise PermissionDenied("You may not change data of this organisation.")

    def perform_create(self, serializer):
        with transaction.atomic():
            instance = serializer.save()
            self._require_change(instance)

    def perform_update(self, serializer):
        before = deletes.relation_values(serializer.instance)
        with transaction.atomic():
            instance = serializer.save()
            self._require_change(instance)  # also refuses moving a row into another trust
            if deletes.fields_moving(before, instance):
                # A new owner or parent carries the rows that depend on it along: refused
                # (409) if any of them is not the user's to change (ADR 9).
                deletes.check_move(self.request.user, instance)

    def perform_destroy(self, instance):
        """Delete only if everything the delete would reach is the user's to delete (ADR 9):
        otherwise 409 naming what depends on it, counted by kind."""
        deletes.delete(self.request.user, instance)


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    pass


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
