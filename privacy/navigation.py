"""The privacy app's entry in the main navigation (``homes.navigation``)."""

from homes.navigation import NavItem, register_nav_item

ITEMS = [NavItem("Privacy", "privacy:requests", "privacy.requests", "privacy/", order=91)]


def register():
    for item in ITEMS:
        register_nav_item(item)
