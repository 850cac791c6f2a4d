"""Today and tomorrow in the programme, on the home's dashboard, for everyone
who sees the programme (staff, and connector charity staff): what is on,
when and where. One query."""

from datetime import timedelta

from django.utils import timezone

from community.selectors.programme import days_between
from homes.dashboard import Panel, register_panel


def _context(request):
    today = timezone.localdate()
    days = days_between(request.home, today, today + timedelta(days=1))
    for day in days:
        day.occurrences = [o for o in day.occurrences if o.status != "cancelled"]
    return {"days": days}


register_panel(
    Panel("programme_soon", "community/programme/panel_soon.html", "community.view", _context, order=35)
)
