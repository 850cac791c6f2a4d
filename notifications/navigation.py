"""The Messages entry in the main navigation (``homes.navigation``),
registered from ``NotificationsConfig.ready()``."""

from homes.navigation import NavItem, register_nav_item


def register():
    register_nav_item(NavItem("Messages", "notifications:outbox", "messages.manage", "messages/", order=90))
