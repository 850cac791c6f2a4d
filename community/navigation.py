"""The community app's entry in the main navigation (``homes.navigation``),
registered from ``CommunityConfig.ready()``: one "Community" entry for staff
and connector charity staff; the area's own tabs lead on
(``templates/community/includes/tabs.html``)."""

from homes.navigation import NavItem, register_nav_item

ITEMS = [
    NavItem("Community", "community:programme", "community.view", "community/", order=45),
    NavItem("News from the home", "community:family_stories", "family.portal", "community/news/", order=43),
]


def register():
    for item in ITEMS:
        register_nav_item(item)
