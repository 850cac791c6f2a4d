"""The visits app's entries in the main navigation (``homes.navigation``),
registered from ``VisitsConfig.ready()``."""

from homes.navigation import NavItem, register_nav_item

ITEMS = [
    NavItem("Visits", "visits:day", "visits.view", "visits/", order=30),
    NavItem("Book a visit", "visits:book", "visits.book_own", "visits/book/", order=41),
    NavItem("My visits", "visits:my_visits", "visits.book_own", "visits/mine/", order=42),
]


def register():
    for item in ITEMS:
        register_nav_item(item)
