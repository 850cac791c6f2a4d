"""Dashboard panel: the residents you are key worker for."""

from homes.dashboard import Panel, register_panel
from residents.selectors.residents import key_residents_of


def _context(request):
    return key_residents_of(request.home, request.user)


register_panel(
    Panel(
        "key_residents", "residents/resident_panel_key_residents.html", "residents.view", _context, order=12
    )
)
