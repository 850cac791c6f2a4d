"""What the visits area's messages share: the kind names, small helpers,
and ``schedule_many`` (the bulk scheduling the planners and the demo use)."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from homes.models import Membership, Role
from notifications.kinds import get_kind
from notifications.models import Channel, Reminder
from notifications.services import channels_for, preferences_for, recipient_key
from notifications.timing import after_quiet_hours, quiet_hours

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
    """Bulk ``reminders_schedule`` for planners and the demo: ``items`` are
    (home, obj, users, due, expires_at, data). A fixed number of queries
    however many rows (one more per home with text messages, for its quiet
    hours); rows that already exist are left alone. Returns how many rows
    were created."""
    definition = get_kind(kind)
    items = [item for item in items if item[4] is None or item[4] > now]
    if not items:
        return 0
    preferences = preferences_for(list({u.pk: u for item in items for u in item[2]}.values()))
    rows = {}
    for home, obj, users, due, expires_at, data in items:
        object_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        for user in users:
            preference = preferences[user.pk]
            if not user.is_active or (not definition.essential and preference and preference.reminders_off):
                continue
            for channel in channels_for(definition, preference):
                key = (object_type.pk, obj.pk, recipient_key(user), channel, due)
                rows[key] = Reminder(
                    home=home,
                    kind=definition.name,
                    channel=channel,
                    recipient=recipient_key(user),
                    user=user,
                    object_type=object_type,
                    object_id=obj.pk,
                    due=due,
                    not_before=after_quiet_hours(due, *quiet_hours(home)) if channel == Channel.SMS else due,
                    expires_at=expires_at,
                    data=data or {},
                )
    if not rows:
        return 0
    existing = set(
        Reminder.objects.filter(
            kind=definition.name,
            object_id__in={key[1] for key in rows},
            due__in={key[4] for key in rows},
        )
        .exclude(status=Reminder.Status.CANCELLED)
        .values_list("object_type_id", "object_id", "recipient", "channel", "due")
    )
    new = [row for key, row in rows.items() if key not in existing]
    Reminder.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


# Restriction reviews (Anne's Law): a legal duty, so essential.
