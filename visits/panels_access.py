"""Dashboard panels for the access area: the manager's overdue restriction
reviews, and a relative's door-code button and restriction notices."""

from django.utils import timezone

from homes.dashboard import Panel, register_panel
from visits.selectors import access as selectors


def _manager(request):
    today = timezone.localdate()
    return {
        "overdue": selectors.overdue_restrictions(request.home, today=today),
        "in_force": selectors.active_restriction_count(request.home, today=today),
    }


def _family(request):
    membership = request.membership
    return {
        # Only whether the button shows: the code itself is shown (and logged) on its own page.
        "door_code": selectors.may_see_door_code(membership),
        "notices": selectors.restriction_notices_for(membership),
    }


register_panel(
    Panel("access_restrictions", "visits/access/panel_manager.html", "restrictions.manage", _manager, 30)
)
register_panel(Panel("access_family", "visits/access/panel_family.html", "family.portal", _family, 20))
