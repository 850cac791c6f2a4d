"""Dashboard panel on a relative's home page: news shared about their own
residents. (How to contact the home is on every dashboard; visiting
information has its own panel.)"""

from homes.dashboard import Panel, register_panel
from visits.selectors.family import updates_for_family


def _news(request):
    return {"updates": updates_for_family(request.membership)}


register_panel(Panel("family_news", "visits/family/panel_news.html", "family.portal", _news, order=15))
