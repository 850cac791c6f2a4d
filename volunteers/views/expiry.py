"""Renewals due: every background check, piece of training and driver's
document that has run out or runs out within 60 days, soonest first."""

from django.shortcuts import render

from carehome.timeutils import today
from homes.decorators import home_permission
from volunteers.selectors import expiry as selectors


@home_permission("volunteers.manage")
def expiring(request, home_slug):
    on = today()
    found = selectors.renewals_due(request.home, on=on)
    groups = selectors.renewals_grouped(found, on=on)
    for group in groups:
        group["rows"] = [
            {"renewal": r, "url": r.link(home_slug), "days": r.days_left(on)} for r in group["renewals"]
        ]
    return render(
        request,
        "volunteers/expiry/expiring.html",
        {"groups": groups, "total": len(found), "within_days": selectors.WITHIN_DAYS},
    )
