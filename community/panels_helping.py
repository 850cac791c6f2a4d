"""A volunteer's panel on the home's dashboard: the activities and outings
they are helping with in the next two weeks (``Activity.volunteers``). Shown
with ``volunteer.portal``; one query."""

from datetime import timedelta

from django.utils import timezone

from community.models import Occurrence
from homes.dashboard import Panel, register_panel

DAYS_AHEAD = 14


def _context(request):
    now = timezone.now()
    dates = list(
        Occurrence.objects.for_home(request.home)
        .filter(
            activity__volunteers__user=request.user,
            activity__volunteers__status="active",
            starts_at__gte=now,
            starts_at__lt=now + timedelta(days=DAYS_AHEAD),
        )
        .exclude(status=Occurrence.Status.CANCELLED)
        .select_related("activity", "activity__space", "activity__place", "activity__partnership__partner")
        .order_by("starts_at")
        .distinct()[:6]
    )
    return {"dates": dates}


register_panel(
    Panel("helping", "community/programme/panel_helping.html", "volunteer.portal", _context, order=6)
)
