"""The volunteers app's entries in the main navigation (``homes.navigation``),
registered from ``VolunteersConfig.ready()``. One "Volunteers" entry for staff
(the co-ordinator lands on the board, other staff on the rota; the area's own
tabs lead on, ``templates/volunteers/includes/tabs.html``), and the
volunteer's own "My volunteering"."""

from homes.navigation import NavItem, register_nav_item

ITEMS = [
    NavItem("My volunteering", "volunteers:portal", "volunteer.portal", "volunteering/", order=5),
    NavItem(
        "Volunteers",
        "volunteers:home",
        "volunteers.rota",
        "volunteers/",
        order=50,
        also_matches=("training/",),
    ),
]


def register():
    for item in ITEMS:
        register_nav_item(item)
