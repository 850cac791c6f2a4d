"""Meals and activities: the invitation, the receipt for a reply, the
reminder the evening before for those coming, and the cancellation."""

import datetime

from django.utils import timezone

from notifications.kinds import ALL_CHANNELS, Kind, register
from notifications.services import reminders_cancel, reminders_schedule
from notifications.timing import at_local
from residents.models import RelativeLink
from visits.messages.common import (
    EVENING_BEFORE,
    EVENT_CANCELLED,
    EVENT_INVITATION,
    EVENT_REMINDER,
    EVENT_REPLY,
    TIMELY,
    iso_utc,
    plural,
    same_moment,
    url,
)
from visits.models import EventReply


def _reply_url(reply):
    return url("visits:event_reply", reply.event.home.slug, reply.pk)


def _noted(event, answer, adults, children):
    people = plural(adults, "adult", "adults")
    if children:
        people += f" and {plural(children, 'child', 'children')}"
    if answer == EventReply.Answer.YES:
        return f"We've noted {people} for {event.title}."
    if answer == EventReply.Answer.MAYBE:
        return f"We've noted that you might come to {event.title} ({people})."
    return f"We've noted that you can't come to {event.title}. Thank you for letting us know."


def event_context(reply, reminder):
    event = reply.event
    data = reminder.data or {}
    answer = data.get("answer", reply.answer)
    return {
        "reply": reply,
        "event": event,
        "with_resident": f" with {event.resident.short_name}" if event.resident_id else "",
        "starts": timezone.localtime(event.starts_at),
        "ends": timezone.localtime(event.ends_at),
        "url": _reply_url(reply),
        "answer": answer,
        "noted": _noted(
            event, answer, data.get("adults", reply.adults), data.get("children", reply.children)
        ),
        "coming": answer == EventReply.Answer.YES,
    }


def _link_ended(reply):
    event = reply.event
    return (
        event.resident_id
        and not RelativeLink.objects.for_home(reply.home_id)
        .filter(
            membership_id=reply.membership_id,
            resident_id=event.resident_id,
            status=RelativeLink.Status.ACTIVE,
        )
        .exists()
    )


def invitation_stale(reply, reminder):
    event = reply.event
    if event.cancelled_at is not None:
        return "It was cancelled."
    if reply.answer != EventReply.Answer.WAITING:
        return "They have already answered."
    if not reply.membership.is_active or _link_ended(reply):
        return "They no longer follow this resident."
    return ""


def event_cancelled_stale(reply, reminder):
    if reply.event.cancelled_at is None:
        return "It is going ahead."
    if reply.answer == EventReply.Answer.NO:
        return "They had said they could not come."
    return ""


def event_reply_stale(reply, reminder):
    if reply.event.cancelled_at is not None:
        return "It was cancelled."
    if reply.replied_at is None or not same_moment(reply.replied_at, reminder.data.get("replied_at")):
        return "A later answer was sent."
    return ""


def event_reminder_stale(reply, reminder):
    event = reply.event
    if event.cancelled_at is not None:
        return "It was cancelled."
    if reply.answer != EventReply.Answer.YES:
        return "They no longer plan to come."
    if not same_moment(event.starts_at, reminder.data.get("starts_at")):
        return "It moved."
    if not reply.membership.is_active or _link_ended(reply):
        return "They no longer follow this resident."
    return ""


EVENT_RELATED = ("event__home", "event__resident", "membership__user")


def event_describe(reply):
    """For the Messages page: "Sunday lunch, Sun 6 Dec 12:30"."""
    return f"{reply.event.title}, {timezone.localtime(reply.event.starts_at):%a %-d %b %H:%M}"


register(
    Kind(
        name=EVENT_INVITATION,
        label="Invitation to a meal or an activity",
        model="visits.EventReply",
        channels=ALL_CHANNELS,
        related=EVENT_RELATED,
        describe=event_describe,
        context=event_context,
        stale=invitation_stale,
    )
)
register(
    Kind(
        name=EVENT_CANCELLED,
        label="Meal or activity cancelled",
        model="visits.EventReply",
        essential=True,
        channels=ALL_CHANNELS,
        related=EVENT_RELATED,
        describe=event_describe,
        context=event_context,
        stale=event_cancelled_stale,
    )
)
register(
    Kind(
        name=EVENT_REPLY,
        label="Your reply to an invitation",
        model="visits.EventReply",
        channels=TIMELY,
        related=EVENT_RELATED,
        describe=event_describe,
        context=event_context,
        stale=event_reply_stale,
    )
)
register(
    Kind(
        name=EVENT_REMINDER,
        label="Meal or activity reminder, the day before",
        model="visits.EventReply",
        channels=TIMELY,
        related=EVENT_RELATED,
        describe=event_describe,
        context=event_context,
        stale=event_reminder_stale,
    )
)


def event_messages_invite(*, event, replies, users, now):
    """Each invitation, due now (``users``: {membership id: User})."""
    created = 0
    for reply in replies:
        created += reminders_schedule(
            home=event.home,
            kind=EVENT_INVITATION,
            obj=reply,
            recipients=[users[reply.membership_id]],
            due=now,
            expires_at=event.starts_at,
            now=now,
        )
    return created


def event_messages_cancel(*, event, replies, now):
    """Tell each of ``replies`` (those who had not said no) it is off."""
    created = 0
    for reply in replies:
        reminders_cancel(
            obj=reply, kinds=[EVENT_INVITATION, EVENT_REPLY, EVENT_REMINDER], reason="It was cancelled."
        )
        created += reminders_schedule(
            home=event.home,
            kind=EVENT_CANCELLED,
            obj=reply,
            recipients=[reply.membership.user],
            due=now,
            now=now,
        )
    return created


def _evening_before(event, reply, *, now):
    local = timezone.localtime(event.starts_at)
    due = at_local(local.date() - datetime.timedelta(days=1), EVENING_BEFORE)
    if due <= now:
        return 0
    return reminders_schedule(
        home=event.home,
        kind=EVENT_REMINDER,
        obj=reply,
        recipients=[reply.membership.user],
        due=due,
        expires_at=event.starts_at,
        data={"starts_at": iso_utc(event.starts_at)},
        now=now,
    )


def event_messages_moved(*, event, replies, now):
    """The reminders of those coming follow the new time. Telling them it
    moved is for whoever moved it (a community activity tells everyone it invited)."""
    created = 0
    for reply in replies:
        reminders_cancel(obj=reply, kinds=[EVENT_REMINDER], reason="It moved.")
        if reply.answer == EventReply.Answer.YES:
            created += _evening_before(event, reply, now=now)
    return created


def event_messages_withdraw(*, event, replies):
    """Nothing more about this invitation is sent: what it was for was
    cancelled, and whoever cancelled that tells the families."""
    for reply in replies:
        reminders_cancel(
            obj=reply, kinds=[EVENT_INVITATION, EVENT_REPLY, EVENT_REMINDER], reason="It was cancelled."
        )


def event_messages_replied(*, reply, now):
    """The receipt for a reply, and the reminder the evening before for a yes."""
    event = reply.event
    user = reply.membership.user
    reminders_cancel(obj=reply, kinds=[EVENT_INVITATION], reason="They have answered.")
    reminders_cancel(obj=reply, kinds=[EVENT_REPLY], reason="A later answer was sent.")
    created = reminders_schedule(
        home=event.home,
        kind=EVENT_REPLY,
        obj=reply,
        recipients=[user],
        due=now,
        expires_at=event.starts_at,
        data={
            "answer": reply.answer,
            "adults": reply.adults,
            "children": reply.children,
            "replied_at": iso_utc(reply.replied_at),
        },
        now=now,
    )
    if reply.answer != EventReply.Answer.YES:
        reminders_cancel(obj=reply, kinds=[EVENT_REMINDER], reason="They no longer plan to come.")
        return created
    return created + _evening_before(event, reply, now=now)
