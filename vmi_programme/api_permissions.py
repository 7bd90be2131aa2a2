"""DRF's side of the access policy: every endpoint asks vmi_programme.access."""

from rest_framework import permissions

from .access import Action, actor_for, can


class AccessPolicyPermission(permissions.BasePermission):
    """Signed-in users with a role may call the API; each object is checked against the policy."""

    message = "You do not have permission to do this."

    def has_permission(self, request, view) -> bool:
        actor = actor_for(request.user)
        return bool(actor and actor.roles)

    def has_object_permission(self, request, view, obj) -> bool:
        action = Action.VIEW if request.method in permissions.SAFE_METHODS else Action.CHANGE
        return can(request.user, action, obj)
