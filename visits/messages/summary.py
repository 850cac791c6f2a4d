"""The manager's weekly summary (a planner): one per home per week."""

import datetime

from django.conf import settings
from django.utils import timezone

from notifications.kinds import STAFF_CHANNELS, Kind, register, register_planner
from notifications.timing import at_local
from visits.messages.common import WEEKLY_SUMMARY, managers_by_home, schedule_many, url


def weekly_summary_context(home, reminder):
    from visits.selectors.summary import weekly_summary  # noqa: PLC0415

    week_of = datetime.date.fromisoformat(reminder.data["week_of"]) if reminder.data else None
    return {
        "summary": weekly_summary(home, week_of=week_of),
        "outbox_url": url("notifications:outbox", home.slug),
        "dashboard_url": settings.SITE_URL + home.get_absolute_url(),
    }


register(
    Kind(
        name=WEEKLY_SUMMARY,
        label="Weekly summary for the manager",
        model="homes.Home",
        channels=STAFF_CHANNELS,
        staff_only=True,
        context=weekly_summary_context,
    )
)


def week_start(now):
    today = timezone.localdate(now)
    return today - datetime.timedelta(days=today.weekday())


def weekly_summaries_plan(now):
    """One summary per home per week to its managers: due Monday 08:00, no use
    after Monday 23:59. Three queries, however many homes."""
    monday = week_start(now)
    due, expires_at = at_local(monday, 8), at_local(monday, 23, 59)
    if expires_at <= now:
        return 0
    items = [
        (home, home, users, due, expires_at, {"week_of": monday.isoformat()})
        for home, users in managers_by_home().values()
    ]
    return schedule_many(WEEKLY_SUMMARY, items, now=now)


register_planner(WEEKLY_SUMMARY, weekly_summaries_plan)
