"""Base viewsets that put every API resource through the access policy."""

from django.db import transaction
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied

from .access import Action, can, restrict


class ScopedViewSetMixin:
    """List only what the user may view; create, update and delete only what they may change.

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
        with transaction.atomic():
            instance = serializer.save()
            self._require_change(instance)  # also refuses moving a row into another trust


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    pass


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
