"""Placeholders for pages whose area is being built (removed as each area lands)."""

from django.shortcuts import render

from homes.decorators import home_permission


def _page(title, current):
    def view(request, home_slug):
        return render(request, "volunteers/stub.html", {"title": title, "current": current})

    return view


board = home_permission("volunteers.manage")(_page("Volunteers", "board"))
rota = home_permission("volunteers.rota")(_page("Volunteer rota", "rota"))
matching = home_permission("volunteers.manage")(_page("Matching", "matching"))
hours = home_permission("volunteers.manage")(_page("Hours", "hours"))
drivers = home_permission("volunteers.manage")(_page("Driver bank", "drivers"))
expiring = home_permission("volunteers.manage")(_page("Renewals due", "expiring"))
training = home_permission("training.manage")(_page("Training", "training"))
setup = home_permission("volunteers.manage")(_page("Roles and settings", "setup"))
portal = home_permission("volunteer.portal")(_page("My volunteering", ""))


@home_permission("volunteers.rota")
def home(request, home_slug):
    """The "Volunteers" entry: the co-ordinator's board, or the rota for other staff."""
    if request.membership.has_perm("volunteers.manage"):
        return board(request, home_slug)
    return rota(request, home_slug)
