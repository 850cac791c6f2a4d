"""Dashboard panel: residents whose latest loneliness answers are at or above
the home's threshold (two queries)."""

from homes.dashboard import Panel, register_panel
from residents.selectors.settings import connection_settings_for
from residents.selectors.wellbeing import often_lonely

SHOWN = 8


def _context(request):
    threshold = connection_settings_for(request.home).lonely_threshold
    residents = often_lonely(request.home, threshold, limit=SHOWN + 1)
    return {"residents": residents[:SHOWN], "more": len(residents) > SHOWN, "threshold": threshold}


register_panel(Panel("wellbeing", "residents/wellbeing/panel.html", "wellbeing.record", _context, order=30))
