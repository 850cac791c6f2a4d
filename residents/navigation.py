"""The residents app's entries in the main navigation (``homes.navigation``),
registered from ``ResidentsConfig.ready()``."""

from homes.navigation import NavItem, register_nav_item

ITEMS = [
    # A resident's pages served by visits (Family tab, Share an update, suggestions) stay under Residents.
    NavItem(
        "Residents",
        "residents:list",
        "residents.view",
        "residents/",
        order=20,
        also_matches=("visits/residents/",),
    ),
    NavItem("Who needs connection", "residents:worklist", "connections.log", "residents/worklist/", order=21),
    NavItem(
        "Log a connection", "residents:connection_add", "connections.log", "residents/connections/", order=22
    ),
    NavItem(
        "Co-production",
        "residents:coproduction_list",
        "coproduction.manage",
        "residents/coproduction/",
        order=23,
    ),
    NavItem(
        "My relatives",
        "residents:family",
        "family.portal",
        "residents/family/",
        order=40,
        also_matches=("visits/residents/",),
    ),
]


def register():
    for item in ITEMS:
        register_nav_item(item)
