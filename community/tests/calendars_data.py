"""Data for the calendars' tests: dated activities in a given week, and many at once."""

from datetime import datetime, time, timedelta

from carehome.timeutils import today
from community.models import Activity, Occurrence
from community.selectors.calendars import monday_of
from community.tests.factories import ActivityFactory, OccurrenceFactory, local


def next_monday():
    return monday_of(today()) + timedelta(weeks=1)


def dated(
    home, day, at=time(14, 0), *, minutes=60, status=Occurrence.Status.CONFIRMED, activity=None, **fields
):
    """One date of an activity (a new one-off activity unless ``activity`` is given)."""
    if activity is None:
        fields.setdefault("first_day", day)
        fields.setdefault("starts", at)
        fields.setdefault("ends", (datetime.combine(day, at) + timedelta(minutes=minutes)).time())
        activity = ActivityFactory(home=home, **fields)
    starts_at = local(day, at)
    extra = {"cancelled_at": starts_at - timedelta(days=1)} if status == Occurrence.Status.CANCELLED else {}
    return OccurrenceFactory(
        activity=activity,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        status=status,
        **extra,
    )


def many(home, monday, count, *, space=None, place=None):
    """``count`` activities, each with one date spread over the week of ``monday`` (bulk)."""
    activities = Activity.objects.bulk_create(
        [
            Activity(
                home=home,
                title=f"Bulk activity {n}",
                kind=Activity.Kind.OUTING if n % 3 == 0 else Activity.Kind.IN_HOME,
                space=space if n % 3 == 1 else None,
                place=place if n % 3 == 0 else None,
                first_day=monday + timedelta(days=n % 7),
                starts=time(9 + n % 8, 0),
                ends=time(9 + n % 8, 45),
                intergenerational=n % 2 == 0,
            )
            for n in range(count)
        ]
    )
    Occurrence.objects.bulk_create(
        [
            Occurrence(
                home=home,
                activity=a,
                starts_at=local(a.first_day, a.starts),
                ends_at=local(a.first_day, a.ends),
                status=Occurrence.Status.PLANNED if n % 2 else Occurrence.Status.CONFIRMED,
            )
            for n, a in enumerate(activities)
        ]
    )
    return activities
