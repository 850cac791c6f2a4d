"""The volunteer's own panel on the home's dashboard: their next visit, and
the way to their portal. Shown to members with ``volunteer.portal``."""

from homes.dashboard import Panel, register_panel
from volunteers.selectors.portal import clear_to_meet, my_volunteer, next_shift


def _context(request):
    volunteer = my_volunteer(request.home, request.user)
    if volunteer is None:
        return {"volunteer": None}
    return {
        "volunteer": volunteer,
        "next_shift": next_shift(request.home, volunteer),
        "clear": clear_to_meet(volunteer),
    }


register_panel(Panel("volunteering", "volunteers/panels/welcome.html", "volunteer.portal", _context, order=5))
