"""Dashboard panels: a relative's upcoming visits; for staff, today's visits."""

from homes.dashboard import Panel, register_panel
from visits.selectors import booking as selectors


def _upcoming(request):
    return {"visits": selectors.upcoming_for_panel(request.home, request.membership)}


def _today(request):
    return {"visits": selectors.today_summary(request.home)}


register_panel(
    Panel("visits_upcoming", "visits/booking/panel_upcoming.html", "family.portal", _upcoming, order=15)
)
register_panel(Panel("visits_today", "visits/booking/panel_today.html", "visits.view", _today, order=30))
