"""The manager's weekly summary: last week's visits and calls, this week's
bookings, meals and activities coming up, residents who have not had a visit
for a while, restriction reviews due, and messages that could not be sent.

Seven queries, whatever the size of the home.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone

from notifications.models import Reminder
from notifications.timing import at_local
from residents.models import Resident
from residents.selectors.visited import residents_without_visits
from visits.models import EventInvitation, EventReply, Visit, VisitRestriction

NAMES_SHOWN = 15
EVENTS_SHOWN = 10
EVENTS_AHEAD_DAYS = 14
REVIEWS_AHEAD_DAYS = 7


@dataclass
class WeeklySummary:
    week_of: datetime.date
    visits_last_week: int = 0
    calls_last_week: int = 0
    visits_this_week: int = 0
    calls_this_week: int = 0
    events: list = field(default_factory=list)
    no_visitor_days: int = 28
    no_visits: list = field(default_factory=list)
    no_visits_count: int = 0
    reviews: list = field(default_factory=list)
    failed_messages: int = 0

    @property
    def no_visits_more(self):
        return max(self.no_visits_count - len(self.no_visits), 0)


def weekly_summary(home, *, week_of=None, now=None):
    now = now or timezone.now()
    today = timezone.localdate(now)
    monday = week_of or today - datetime.timedelta(days=today.weekday())
    this_week = at_local(monday, 0)
    next_week = at_local(monday + datetime.timedelta(days=7), 0)
    last_week = at_local(monday - datetime.timedelta(days=7), 0)
    summary = WeeklySummary(week_of=monday)

    call = Q(kind__in=[Visit.Kind.VIDEO_CALL, Visit.Kind.PHONE_CALL])
    last = Q(starts_at__gte=last_week, starts_at__lt=this_week)
    current = Q(starts_at__gte=this_week, starts_at__lt=next_week)
    counts = (
        Visit.objects.for_home(home)
        .filter(status=Visit.Status.BOOKED)
        .aggregate(
            visits_last_week=Count("pk", filter=last & Q(kind=Visit.Kind.VISIT)),
            calls_last_week=Count("pk", filter=last & call),
            visits_this_week=Count("pk", filter=current & Q(kind=Visit.Kind.VISIT)),
            calls_this_week=Count("pk", filter=current & call),
        )
    )
    for name, value in counts.items():
        setattr(summary, name, value)

    yes = Q(replies__answer=EventReply.Answer.YES)
    summary.events = list(
        EventInvitation.objects.for_home(home)
        .filter(
            cancelled_at__isnull=True,
            starts_at__gte=now,
            starts_at__lt=now + datetime.timedelta(days=EVENTS_AHEAD_DAYS),
        )
        .select_related("resident")
        .annotate(
            yes_replies=Count("replies", filter=yes),
            yes_adults=Sum("replies__adults", filter=yes, default=0),
            yes_children=Sum("replies__children", filter=yes, default=0),
        )
        .order_by("starts_at", "pk")[:EVENTS_SHOWN]
    )

    # "No visit in N days" as the worklist counts it (residents.selectors.visited).
    summary.no_visitor_days, without_visits = residents_without_visits(home, now=now)
    names = list(without_visits.values_list("full_name", "preferred_name"))
    summary.no_visits_count = len(names)
    summary.no_visits = [
        f"{full} ({preferred})" if preferred and preferred not in full.split() else full
        for full, preferred in names[:NAMES_SHOWN]
    ]

    summary.reviews = list(
        VisitRestriction.objects.for_home(home)
        .filter(
            ended_on__isnull=True,
            next_review_on__lte=today + datetime.timedelta(days=REVIEWS_AHEAD_DAYS),
            resident__status__in=[Resident.Status.CURRENT, Resident.Status.HOSPITAL],
        )
        .select_related("resident")
        .order_by("next_review_on", "pk")
    )
    for restriction in summary.reviews:
        restriction.overdue = restriction.next_review_on < today

    summary.failed_messages = Reminder.objects.for_home(home).filter(status=Reminder.Status.FAILED).count()
    return summary
