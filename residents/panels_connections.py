"""Dashboard panel: who needs connection today (three queries)."""

from homes.dashboard import Panel, register_panel
from residents.selectors.worklist import worklist_counts

register_panel(
    Panel(
        "connections",
        "residents/connections/panel.html",
        "connections.log",
        lambda request: {"counts": worklist_counts(request.home)},
        order=20,
    )
)
