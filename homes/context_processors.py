from functools import partial

from homes.navigation import nav_for
from homes.selectors import memberships_for_switcher

# The header's switcher lists this many other homes; someone with more (an
# organisation admin of 250 homes) gets a link to the chooser as well.
SWITCHER_HOMES = 12


def home_context(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    home = getattr(request, "home", None)

    def other_homes():
        # Evaluated only when a template asks (the home switcher): (memberships, more?).
        return memberships_for_switcher(user, leaving_out=home and home.id, limit=SWITCHER_HOMES)

    return {
        "home": home,
        "membership": getattr(request, "membership", None),
        # Worked out when a template asks (a header served from the cache does not).
        "nav_items": partial(nav_for, request),
        "other_memberships": other_homes,
    }
