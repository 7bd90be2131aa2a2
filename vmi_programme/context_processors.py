"""Template context shared by every page: the navigation for the signed-in user."""

from django.utils.functional import SimpleLazyObject

from . import navigation
from .access import actor_for, own_partner_trust, sees_trust_records


def navigation_items(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"nav_items": [], "actor": None, "sees_trust_data": False, "has_workspace": False}
    return {
        "nav_items": navigation.items_for(user, request.path),
        "actor": actor_for(user),
        # Whether any partner trust's own records are open to the user (a CI partner's TGB
        # member has a role but no trust): pages offer trust-level links only then. Lazy, so
        # pages that never ask make no query.
        "sees_trust_data": SimpleLazyObject(lambda: sees_trust_records(user)),
        # Whether the user works in a partner trust, so has its improvement workspace.
        "has_workspace": SimpleLazyObject(lambda: own_partner_trust(user) is not None),
    }
