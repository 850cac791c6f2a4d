"""Dashboard panel: requests for personal data still waiting for a reply,
and how many are past the month the law allows. Hidden when there are none."""

from homes.dashboard import Panel, register_panel
from privacy.selectors import open_requests


def _context(request):
    counts = open_requests(request.home)
    return {**counts, "hidden": not counts["open"]}


register_panel(Panel("privacy", "privacy/panel.html", "privacy.requests", _context, order=85, vary="home"))
