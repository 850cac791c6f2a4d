"""What the visits area sends, each kind declared once (see notifications/kinds.py),
imported by ``VisitsConfig.ready()``.

* booking.py — a visit or call booked, changed or cancelled (essential, with
  the .ics) and its reminders: 18:00 the day before, and 08:00 on the morning
  of one that starts at 09:00 or later;
* events.py — invitations to meals and activities, the receipt for a reply, a
  reminder the evening before for those coming, the cancellation;
* access.py — the door code notice (never the code), the "you are now a
  regular visitor" notice (never the code either), and for managers the
  restriction reviews falling due (a planner);
* restrictions.py — Anne's Law: relatives told in writing when a restriction
  on visiting their resident is recorded, changed at a review or ended;
* family.py — "news from the home" when staff share an update and tick
  "Tell the families" (not essential);
* summary.py — the manager's weekly summary (a planner).

The services call ``visit_messages_*`` / ``event_messages_*`` /
``door_code_messages_schedule`` inside their own transaction; the planners run
from beat every 15 minutes.
"""

from visits.messages.access import (
    door_code_messages_schedule,
    regular_visitor_messages_schedule,
    restriction_reviews_plan,
)
from visits.messages.booking import visit_booked_rows, visit_messages_schedule, visit_reminder_times
from visits.messages.common import (
    BOOKED,
    CANCELLED,
    CHANGED,
    CONFIRMATIONS,
    DAY_BEFORE,
    DOOR_CODE_CHANGED,
    EVENT_CANCELLED,
    EVENT_INVITATION,
    EVENT_REMINDER,
    EVENT_REPLY,
    MORNING,
    NEWS_SHARED,
    REGULAR_VISITOR_APPROVED,
    RESTRICTION_REVIEW_DUE,
    VISIT_REMINDERS,
    WEEKLY_SUMMARY,
    iso_utc,
    schedule_many,
)
from visits.messages.events import (
    event_messages_cancel,
    event_messages_invite,
    event_messages_moved,
    event_messages_replied,
    event_messages_withdraw,
)
from visits.messages.family import news_messages_schedule
from visits.messages.restrictions import RESTRICTION_NOTICE, restriction_notice_schedule
from visits.messages.summary import week_start, weekly_summaries_plan

__all__ = [
    "BOOKED",
    "CANCELLED",
    "CHANGED",
    "CONFIRMATIONS",
    "DAY_BEFORE",
    "DOOR_CODE_CHANGED",
    "EVENT_CANCELLED",
    "EVENT_INVITATION",
    "EVENT_REMINDER",
    "EVENT_REPLY",
    "MORNING",
    "NEWS_SHARED",
    "REGULAR_VISITOR_APPROVED",
    "RESTRICTION_NOTICE",
    "RESTRICTION_REVIEW_DUE",
    "VISIT_REMINDERS",
    "WEEKLY_SUMMARY",
    "door_code_messages_schedule",
    "event_messages_cancel",
    "event_messages_invite",
    "event_messages_moved",
    "event_messages_replied",
    "event_messages_withdraw",
    "iso_utc",
    "news_messages_schedule",
    "regular_visitor_messages_schedule",
    "restriction_notice_schedule",
    "restriction_reviews_plan",
    "schedule_many",
    "visit_booked_rows",
    "visit_messages_schedule",
    "visit_reminder_times",
    "week_start",
    "weekly_summaries_plan",
]
