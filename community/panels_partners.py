"""Dashboard panel: the community partnerships going cold (no contact for
longer than usual), coldest first, linking to each. Shown to everyone who
sees the community pages, only when something is going cold; a fixed number
of queries."""

from community.selectors.partners import cold_partnerships
from homes.dashboard import Panel, register_panel

SHOWN = 5


def _context(request):
    cold = cold_partnerships(request.home)
    return {"cold": cold[:SHOWN], "more": max(len(cold) - SHOWN, 0), "hidden": not cold}


register_panel(
    Panel("partners_cold", "community/partners/panel_cold.html", "community.view", _context, order=50)
)
