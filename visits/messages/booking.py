"""Visits and calls: the confirmation, change and cancellation (essential,
with the .ics) and the reminders the evening before and on the morning."""

import datetime

from django.utils import timezone
from django.utils.formats import date_format

from notifications.kinds import ALL_CHANNELS, Kind, register
from notifications.services import Message, reminder_rows, reminders_cancel, reminders_schedule_messages
from notifications.timing import at_local
from visits.ical import ics_filename, summary, visit_ics, visit_url
from visits.messages.common import (
    BOOKED,
    CANCELLED,
    CHANGED,
    CONFIRMATIONS,
    DAY_BEFORE,
    EVENING_BEFORE,
    MORNING,
    MORNING_AT,
    MORNING_ONLY_FROM,
    TIMELY,
    VISIT_REMINDERS,
    iso_utc,
    same_moment,
)
from visits.models import Visit


def _what(visit):
    """ "your visit to Peggy", "your video call with Peggy"."""
    name = visit.resident.short_name
    if visit.kind == Visit.Kind.VIDEO_CALL:
        return f"your video call with {name}"
    if visit.kind == Visit.Kind.PHONE_CALL:
        return f"your phone call with {name}"
    return f"your visit to {name}"


def visit_context(visit, reminder):
    base = visit_url(visit)
    return {
        "visit": visit,
        "summary": summary(visit),
        "what": _what(visit),
        "is_call": visit.kind != Visit.Kind.VISIT,
        "starts": timezone.localtime(visit.starts_at),
        "ends": timezone.localtime(visit.ends_at),
        "url": base,
        "reschedule_url": base + "change/",
        "cancel_url": base + "cancel/",
    }


def confirmation_stale(visit, reminder):
    if visit.sequence != reminder.data.get("sequence"):
        return "A later change was sent."
    return ""


def confirmation_attachments(visit, reminder):
    method = "CANCEL" if reminder.kind == CANCELLED else "PUBLISH"
    return [(ics_filename(visit), visit_ics(visit, method=method), f"text/calendar; method={method}")]


def confirmation_sent(visit, reminder):
    Visit.objects.for_home(visit.home_id).filter(
        pk=visit.pk, sequence=reminder.data.get("sequence"), confirmation_sent_at__isnull=True
    ).update(confirmation_sent_at=timezone.now())


def visit_reminder_stale(visit, reminder):
    if visit.status == Visit.Status.CANCELLED:
        return "The visit was cancelled."
    if not same_moment(visit.starts_at, reminder.data.get("starts_at")):
        return "The visit moved."
    return ""


VISIT_RELATED = ("home", "resident", "space")


def visit_describe(visit):
    """For the Messages page: "Peggy, Tue 2 Dec 14:00, garden room"."""
    when = date_format(timezone.localtime(visit.starts_at), "D j M H:i")
    parts = [visit.resident.short_name, when]
    if visit.space_id:
        parts.append(visit.space.name)
    elif visit.kind != Visit.Kind.VISIT:
        parts.append(visit.get_kind_display().lower())
    return ", ".join(parts)


for _name, _label in [
    (BOOKED, "Visit or call booked"),
    (CHANGED, "Visit or call changed"),
    (CANCELLED, "Visit or call cancelled"),
]:
    register(
        Kind(
            name=_name,
            label=_label,
            model="visits.Visit",
            essential=True,
            channels=ALL_CHANNELS,
            related=VISIT_RELATED,
            describe=visit_describe,
            context=visit_context,
            stale=confirmation_stale,
            attachments=confirmation_attachments,
            on_sent=confirmation_sent,
        )
    )
register(
    Kind(
        name=DAY_BEFORE,
        label="Visit or call reminder, the day before",
        model="visits.Visit",
        channels=TIMELY,
        related=VISIT_RELATED,
        describe=visit_describe,
        context=visit_context,
        stale=visit_reminder_stale,
    )
)
register(
    Kind(
        name=MORNING,
        label="Visit or call reminder, on the morning",
        model="visits.Visit",
        channels=TIMELY,
        related=VISIT_RELATED,
        describe=visit_describe,
        context=visit_context,
        stale=visit_reminder_stale,
    )
)


def _booker(visit):
    membership = visit.booked_by
    if membership is None or not membership.is_active:
        return []
    return [membership.user]


def visit_reminder_times(starts_at):
    """{kind: due} for a visit starting at ``starts_at``: 18:00 home time the
    day before, and 08:00 on the day if it starts at 09:00 or later."""
    local = timezone.localtime(starts_at)
    times = {DAY_BEFORE: at_local(local.date() - datetime.timedelta(days=1), EVENING_BEFORE)}
    if local.time() >= MORNING_ONLY_FROM:
        times[MORNING] = at_local(local.date(), MORNING_AT)
    return times


def visit_messages_schedule(*, visit, kind, now):
    """The confirmation (``kind``: booked, changed or cancelled) now, and for a
    booked visit its reminders still ahead. Call inside the booking's transaction."""
    recipients = _booker(visit)
    if not recipients:
        return 0
    if kind != BOOKED:  # a visit just booked has nothing to cancel yet
        reminders_cancel(obj=visit, kinds=CONFIRMATIONS, reason="A later change was sent.")
        reminders_cancel(
            obj=visit,
            kinds=VISIT_REMINDERS,
            reason="The visit was cancelled." if kind == CANCELLED else "The visit moved.",
        )
    # The confirmation and the reminders: one insert (a visit just booked has no rows yet).
    return reminders_schedule_messages(
        home=visit.home,
        obj=visit,
        recipients=recipients,
        messages=_wanted(visit, kind, now),
        now=now,
        fresh=kind == BOOKED,
    )


def visit_booked_rows(*, visit, now):
    """The outbox rows ``visit_messages_schedule`` makes for a visit just
    booked, not saved (its confirmation marked handed out): for a booking
    written in one statement (``visits.services.booking``)."""
    recipients = _booker(visit)
    if not recipients:
        return []
    found = reminder_rows(
        home=visit.home,
        obj=visit,
        recipients=recipients,
        messages=_wanted(visit, BOOKED, now),
        now=now,
        fresh=True,
    )
    return found[0] if found else []


def _wanted(visit, kind, now):
    wanted = [Message(kind=kind, due=now, data={"sequence": visit.sequence})]
    if kind != CANCELLED and visit.status == Visit.Status.BOOKED:
        wanted += [
            Message(
                kind=reminder_kind,
                due=due,
                expires_at=visit.starts_at,
                data={"starts_at": iso_utc(visit.starts_at)},
            )
            for reminder_kind, due in visit_reminder_times(visit.starts_at).items()
            if due > now  # else the confirmation covers it
        ]
    return wanted
