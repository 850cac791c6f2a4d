"""The navigation, declared once and filtered by the acting role's permissions.

A feature adds its entry here with the permission its page needs; menus for
staff, the manager, relatives and volunteers then follow from the role map.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str
    match_prefix: str = ""  # path part that marks the item as current


NAV_ITEMS = [
    NavItem("Home", "homes:dashboard", "home.dashboard"),
    NavItem("Residents", "residents:list", "residents.view", "residents/"),
    NavItem("Who needs connection", "residents:worklist", "connections.log", "residents/worklist/"),
    NavItem("Log a connection", "residents:connection_add", "connections.log", "residents/connections/"),
    NavItem("Co-production", "residents:coproduction_list", "coproduction.manage", "residents/coproduction/"),
    NavItem("Visits", "visits:day", "visits.view", "visits/"),
    NavItem("My relatives", "residents:family", "family.portal", "residents/family/"),
    NavItem("Book a visit", "visits:book", "visits.book_own", "visits/book/"),
    NavItem("My visits", "visits:my_visits", "visits.book_own", "visits/mine/"),
    NavItem("People", "homes:members", "members.view", "people/"),
    NavItem("Spaces", "homes:spaces", "spaces.view", "spaces/"),
    NavItem("Messages", "notifications:outbox", "messages.manage", "messages/"),
]


def nav_for(request):
    membership = getattr(request, "membership", None)
    if membership is None:
        return []
    base = reverse("homes:dashboard", kwargs={"home_slug": membership.home.slug})
    rest = request.path[len(base) :] if request.path.startswith(base) else None
    items = []
    for item in NAV_ITEMS:
        if not membership.has_perm(item.permission):
            continue
        url = reverse(item.url_name, kwargs={"home_slug": membership.home.slug})
        if item.match_prefix:
            match = len(item.match_prefix) if rest is not None and rest.startswith(item.match_prefix) else 0
        else:
            match = 1 if request.path == url else 0
        items.append({"label": item.label, "url": url, "match": match})
    # Only the most specific match is the current page.
    best = max((i["match"] for i in items), default=0)
    for i in items:
        match = i.pop("match")
        i["current"] = best > 0 and match == best
    return items
