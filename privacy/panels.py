"""Dashboard panel for managers: requests for personal data waiting for a
reply (and how many are past the month the law allows), and records due to be
anonymised tonight. Hidden when there is neither."""

from homes.dashboard import Panel, register_panel
from privacy.retention import due_count
from privacy.selectors import open_requests


def _context(request):
    counts = open_requests(request.home)
    due = due_count(request.home)
    return {**counts, "due": due, "hidden": not (counts["open"] or due)}


register_panel(Panel("privacy", "privacy/panel.html", "privacy.requests", _context, order=85, vary="home"))
