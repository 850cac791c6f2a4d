from functools import partial

from homes.navigation import nav_for
from homes.selectors import memberships_for_user


def home_context(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    home = getattr(request, "home", None)

    def other_homes():
        # Evaluated only when a template asks (the home switcher).
        return [m for m in memberships_for_user(user) if home is None or m.home_id != home.id]

    return {
        "home": home,
        "membership": getattr(request, "membership", None),
        # Worked out when a template asks (a header served from the cache does not).
        "nav_items": partial(nav_for, request),
        "other_memberships": other_homes,
    }
