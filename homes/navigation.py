"""The navigation, declared once and filtered by the acting role's permissions.

The core imports no feature app, so each app registers its entries from its
``AppConfig.ready()`` (see ``residents/navigation.py``)::

    register_nav_item(NavItem("Visits", "visits:day", "visits.view", "visits/", order=30))

with the permission its page needs; menus for staff, the manager, relatives
and volunteers then follow from the role map. Entries show in ``order``
(ties in the order registered).
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str
    match_prefix: str = ""  # path part that marks the item as current
    order: int = 50
    # Other path parts that belong to this item: pages another app serves about
    # its records (a resident's Family tab lives under visits/residents/).
    also_matches: tuple[str, ...] = ()


_NAV_ITEMS: dict[str, NavItem] = {}


def register_nav_item(item):
    _NAV_ITEMS[item.url_name] = item


def nav_items():
    return sorted(_NAV_ITEMS.values(), key=lambda i: i.order)


# The core's own pages: first the dashboard, last the people and spaces.
register_nav_item(NavItem("Home", "homes:dashboard", "home.dashboard", order=0))
register_nav_item(NavItem("People", "homes:members", "members.view", "people/", order=80))
register_nav_item(NavItem("Spaces", "homes:spaces", "spaces.view", "spaces/", order=81))


def nav_for(request):
    membership = getattr(request, "membership", None)
    if membership is None:
        return []
    base = reverse("homes:dashboard", kwargs={"home_slug": membership.home.slug})
    rest = request.path[len(base) :] if request.path.startswith(base) else None
    items = []
    for item in nav_items():
        if not membership.has_perm(item.permission):
            continue
        url = reverse(item.url_name, kwargs={"home_slug": membership.home.slug})
        if item.match_prefix:
            prefixes = (item.match_prefix, *item.also_matches)
            match = max((len(p) for p in prefixes if rest is not None and rest.startswith(p)), default=0)
        else:
            match = 1 if request.path == url else 0
        items.append({"label": item.label, "url": url, "match": match})
    # Only the most specific match is the current page.
    best = max((i["match"] for i in items), default=0)
    for i in items:
        match = i.pop("match")
        i["current"] = best > 0 and match == best
    return items
