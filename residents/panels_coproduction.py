"""Dashboard panel: new ideas from residents waiting for an answer."""

from homes.dashboard import Panel, register_panel
from residents.selectors.coproduction import new_idea_count


def _context(request):
    return {"new_ideas": new_idea_count(request.home)}


register_panel(
    Panel("coproduction", "residents/coproduction/panel.html", "coproduction.manage", _context, order=40)
)
