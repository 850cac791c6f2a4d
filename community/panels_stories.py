"""Families' panel on the home's dashboard: the newest story the home shared
with them, and the way to "News from the home". Shown with ``family.portal``."""

from community.selectors import stories as selectors
from homes.dashboard import Panel, register_panel


def _context(request):
    newest = selectors.stories_for_families(request.home).first()
    return {"story": newest}


register_panel(
    Panel("community_news", "community/stories/panel_family.html", "family.portal", _context, order=16)
)
