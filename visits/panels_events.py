"""Dashboard panels for invitations and families' suggestions: a relative's
invitations and suggestions, and for staff the meals and activities coming up
and the suggestions waiting for an answer (one or two queries each)."""

from homes.dashboard import Panel, register_panel
from visits.selectors.contributions import my_residents, pending_count, suggestions_of
from visits.selectors.events import upcoming_event_count, upcoming_invitations_for

# Importing the services registers their email tasks with Celery (there is no
# visits/tasks.py in this area's files).
from visits.services import events as _event_tasks  # noqa: F401


def _invitations(request):
    return {"invitations": upcoming_invitations_for(request.home, request.membership)}


def _family_suggestions(request):
    return {
        "residents": my_residents(request.home, request.membership),
        "suggestions": suggestions_of(request.home, request.membership, limit=5),
    }


register_panel(
    Panel("family_invitations", "visits/events/panel.html", "family.portal", _invitations, order=15)
)
register_panel(
    Panel(
        "family_suggestions",
        "visits/contributions/panel_family.html",
        "contributions.suggest",
        _family_suggestions,
        order=60,
    )
)
register_panel(
    Panel(
        "events",
        "visits/events/panel_staff.html",
        "events.manage",
        lambda request: {"upcoming_events": upcoming_event_count(request.home)},
        order=45,
    )
)
register_panel(
    Panel(
        "contributions",
        "visits/contributions/panel_staff.html",
        "contributions.review",
        lambda request: {"pending_contributions": pending_count(request.home)},
        order=46,
    )
)
