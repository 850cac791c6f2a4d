"""Dashboard panel: personal plan reviews that are overdue or due soon."""

from django.utils import timezone

from homes.dashboard import Panel, register_panel
from residents.selectors.plans import plan_reviews_due


def _context(request):
    return plan_reviews_due(request.home, today=timezone.localdate())


register_panel(
    Panel("plan_reviews", "residents/plans/panel_reviews.html", "plans.change", _context, order=30)
)
