"""Reads for the programme: the week, the month, an activity's page, one
date's page, the ideas waiting to be planned, and the form's choices. Each
page costs a fixed number of queries, however many activities there are."""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch
from django.utils import timezone

from community.models import Activity, Attendee, Occurrence, PartnerKind, Partnership, Place
from community.services.programme import STAFF_ROLES, dates_left_out, monday_of
from homes.models import Interest, Membership, Space
from notifications.timing import at_local
from residents.models import Idea
from volunteers.models import Volunteer

__all__ = ["monday_of"]

WHERE = ("activity__space", "activity__partnership__partner", "activity__place")


@dataclass
class Day:
    day: date
    is_today: bool
    occurrences: list = field(default_factory=list)


def _range(home, start, end):
    """Every date of the home's programme from ``start`` to ``end`` (local days, included), in time order."""
    return list(
        Occurrence.objects.for_home(home)
        .filter(starts_at__gte=at_local(start, 0), starts_at__lt=at_local(end + timedelta(days=1), 0))
        .select_related("activity", *WHERE)
        .order_by("starts_at", "activity__title")
    )


def _days(home, start, end):
    today = timezone.localdate()
    days = {}
    day = start
    while day <= end:
        days[day] = Day(day=day, is_today=day == today)
        day += timedelta(days=1)
    for occurrence in _range(home, start, end):
        days[timezone.localdate(occurrence.starts_at)].occurrences.append(occurrence)
    return list(days.values())


def days_between(home, start, end):
    """Each day from ``start`` to ``end`` (included) with its dates: one query."""
    return _days(home, start, end)


def week_programme(home, monday):
    """Monday to Sunday of the week starting ``monday``: one query."""
    return _days(home, monday, monday + timedelta(days=6))


def month_programme(home, first):
    """Every day of the month of ``first``: one query."""
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return _days(home, first, last)


def month_weeks(days):
    """The month's days as calendar rows, Monday first, ``None`` for the days outside it."""
    leading = [None] * days[0].day.weekday()
    cells = leading + list(days)
    cells += [None] * (-len(cells) % 7)
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


def ideas_waiting(home):
    """Residents' ideas not planned yet, newest first: one query."""
    return list(
        Idea.objects.for_home(home)
        .filter(status=Idea.Status.NEW)
        .select_related("raised_by", "session")
        .order_by("-session__held_on", "-pk")
    )


def activity_for_page(home, pk):
    """An activity with everything its page shows, or None. Six queries."""
    activity = (
        Activity.objects.for_home(home)
        .filter(pk=pk)
        .select_related(
            "space", "partnership__partner", "place", "idea", "transport_partnership__partner", "created_by"
        )
        .prefetch_related(
            "interests",
            Prefetch("staff", queryset=Membership.objects.for_home(home).select_related("user")),
            Prefetch("volunteers", queryset=Volunteer.objects.for_home(home).order_by("full_name")),
            Prefetch(
                "occurrences",
                queryset=Occurrence.objects.for_home(home).order_by("starts_at"),
            ),
        )
        .first()
    )
    if activity is None:
        return None
    now = timezone.now()
    dates = list(activity.occurrences.all())
    activity.coming = [o for o in dates if o.ends_at > now]
    activity.past = [o for o in dates if o.ends_at <= now][::-1]
    activity.left_out = dates_left_out(activity, dates)
    return activity


def occurrence_for_page(home, pk):
    """One date with its activity, who leads it and who is invited, or None."""
    return (
        Occurrence.objects.for_home(home)
        .filter(pk=pk)
        .select_related("activity", *WHERE, "activity__idea", "driver__volunteer", "hold")
        .prefetch_related(
            Prefetch("activity__staff", queryset=Membership.objects.for_home(home).select_related("user")),
            Prefetch("activity__volunteers", queryset=Volunteer.objects.for_home(home).order_by("full_name")),
            Prefetch(
                "attendees",
                queryset=Attendee.objects.for_home(home)
                .select_related("resident")
                .order_by("resident__full_name"),
            ),
        )
        .first()
    )


# --- The form's choices --------------------------------------------------------------------------


def spaces_to_choose(home):
    return (
        Space.objects.for_home(home)
        .filter(is_active=True, bookable=True)
        .exclude(kind__in=(Space.Kind.TABLET, Space.Kind.PHONE))
    )


def partnerships_to_choose(home):
    return (
        Partnership.objects.for_home(home)
        .filter(status=Partnership.Status.ACTIVE)
        .select_related("partner")
        .order_by("partner__name")
    )


def transport_partnerships(home):
    return partnerships_to_choose(home).filter(partner__kind=PartnerKind.COMMUNITY_TRANSPORT)


def places_to_choose(home):
    return Place.objects.for_home(home).filter(is_active=True)


def ideas_to_choose(home, *, keep=None):
    ideas = Idea.objects.for_home(home).filter(status__in=(Idea.Status.NEW, Idea.Status.PLANNED))
    if keep is not None:
        ideas = ideas | Idea.objects.for_home(home).filter(pk=keep)
    return ideas.order_by("-pk")


def staff_to_choose(home):
    return (
        Membership.objects.for_home(home)
        .active()
        .filter(role__in=STAFF_ROLES)
        .select_related("user")
        .order_by("user__full_name")
    )


def volunteers_to_choose(home):
    return Volunteer.objects.for_home(home).filter(status=Volunteer.Status.ACTIVE).order_by("full_name")


def interests_to_choose():
    return Interest.objects.order_by("category", "name")
