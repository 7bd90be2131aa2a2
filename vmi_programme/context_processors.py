"""Template context shared by every page: the navigation for the signed-in user."""

from . import navigation
from .access import actor_for


def navigation_items(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"nav_items": [], "actor": None}
    return {"nav_items": navigation.items_for(user, request.path), "actor": actor_for(user)}
