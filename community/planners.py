"""Community's planners (``notifications.kinds.register_planner``), run by
beat with the reminder planners, across every home.

``community.programme_dates`` keeps every live recurring activity eight weeks
ahead (``community.services.programme.occurrences_plan``): safe to run any
number of times; a date whose space is booked is left out and shown on the
activity's page."""

from homes.models import Home
from homes.scoping import crossing_homes, home_scope
from notifications.kinds import register_planner

PROGRAMME_DATES = "community.programme_dates"


def programme_dates_planner(now, home=None):
    from community.models import Activity
    from community.services.programme import occurrences_plan

    with crossing_homes("the programme's planner keeps every home's activities eight weeks ahead"):
        if home is not None:
            homes = [home]
        else:
            ids = set(Activity.objects.filter(ended_at__isnull=True).values_list("home_id", flat=True))
            homes = list(Home.objects.filter(pk__in=ids))
    made = 0
    for each in homes:
        with home_scope(each):
            made += occurrences_plan(home=each, now=now)
    return made


register_planner(PROGRAMME_DATES, programme_dates_planner)
