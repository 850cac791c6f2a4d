"""What the visits area's messages share: the kind names, small helpers,
and ``schedule_many`` (the bulk scheduling the planners and the demo use)."""

import datetime

from django.conf import settings
from django.urls import reverse

from homes.models import Membership, Role
from notifications.models import Channel
from notifications.services import Planned, reminders_schedule_many

TIMELY = (Channel.EMAIL, Channel.SMS)  # a letter would arrive too late

BOOKED = "visits.booked"
CHANGED = "visits.changed"
CANCELLED = "visits.cancelled"
DAY_BEFORE = "visits.reminder_day_before"
MORNING = "visits.reminder_morning"
EVENT_INVITATION = "visits.event_invitation"
EVENT_CANCELLED = "visits.event_cancelled"
EVENT_REPLY = "visits.event_reply"
EVENT_REMINDER = "visits.event_reminder"
DOOR_CODE_CHANGED = "visits.door_code_changed"
RESTRICTION_REVIEW_DUE = "visits.restriction_review_due"
WEEKLY_SUMMARY = "visits.weekly_summary"
REGULAR_VISITOR_APPROVED = "visits.regular_visitor_approved"
NEWS_SHARED = "visits.news_shared"

CONFIRMATIONS = (BOOKED, CHANGED, CANCELLED)
VISIT_REMINDERS = (DAY_BEFORE, MORNING)
# A morning reminder only for visits that start at least an hour after it.
MORNING_AT, MORNING_ONLY_FROM = 8, datetime.time(9, 0)
EVENING_BEFORE = 18
REVIEW_AHEAD_DAYS, REVIEW_OVERDUE_DAYS, REVIEW_NOTICE_DAYS = 3, 14, 2


def url(name, *args):
    return settings.SITE_URL + reverse(name, args=args)


def iso_utc(moment):
    """How a moment is kept in a reminder's data (compared when it is sent)."""
    return moment.astimezone(datetime.UTC).isoformat()


def same_moment(moment, text):
    try:
        return datetime.datetime.fromisoformat(text) == moment
    except (TypeError, ValueError):
        return False


def plural(number, one, many):
    return f"{number} {one if number == 1 else many}"


def managers_by_home(home_ids=None):
    """{home id: (Home, [User])} of each home's active managers. One query."""
    managers = Membership.objects.active().filter(role=Role.MANAGER).select_related("user", "home")
    if home_ids is not None:
        managers = managers.filter(home_id__in=list(home_ids))
    found = {}
    for membership in managers.order_by("home_id", "pk"):
        found.setdefault(membership.home_id, (membership.home, []))[1].append(membership.user)
    return found


def schedule_many(kind, items, *, now):
    """The planners' and the demo's bulk scheduling: ``items`` are
    (home, obj, users, due, expires_at, data) tuples; see
    ``notifications.services.reminders_schedule_many``."""
    return reminders_schedule_many(kind=kind, planned=[Planned(*item) for item in items], now=now)


# Restriction reviews (Anne's Law): a legal duty, so essential.
