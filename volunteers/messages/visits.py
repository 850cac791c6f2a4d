"""Regular visits on the rota, and the reminder a volunteer gets the day before.

A planner (run by beat every 15 minutes, across every home) puts the next
four weeks of each home's regular visits on the rota (``shifts_plan``) and
schedules ``volunteers.visit_reminder`` for the shifts of the next two days:
due 09:00 home time the day before, to the volunteer's Kith account (by their
chosen channel) or, without one, to their email address. Gone by midnight
before the shift, so "tomorrow" is always true.

The reminder never goes to a volunteer who is not clear (``volunteers.rules``):
not planned for them, and stale when it is sent if they have stopped being
clear since, or the shift was cancelled, declined or moved. It names the
resident by their preferred name and the place, nothing else about them.
"""

import datetime
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from homes.models import Home
from homes.scoping import crossing_homes
from notifications.kinds import Kind, register, register_planner
from notifications.models import Channel, Reminder
from notifications.services import Planned, recipient_key, reminders_schedule, reminders_schedule_many
from notifications.timing import at_local
from residents.models import ConsentPurpose
from residents.selectors.consent import consented_now
from volunteers import rules
from volunteers.models import Assignment, Shift, Volunteer
from volunteers.selectors.rota import OPEN, shift_blockers
from volunteers.services.rota import PLAN_WEEKS, shifts_plan

VISIT_REMINDER = "volunteers.visit_reminder"
REMIND_AT_HOUR = 9
REMIND_DAYS_AHEAD = 2  # reminders are made for shifts of the next two days
TIMELY = (Channel.EMAIL, Channel.SMS)  # a letter would arrive too late
RELATED = ("home", "volunteer", "resident", "role", "assignment", "assignment__space")


def iso_utc(moment):
    return moment.astimezone(datetime.UTC).isoformat()


def _same_moment(moment, text):
    try:
        return datetime.datetime.fromisoformat(text) == moment
    except (TypeError, ValueError):
        return False


def reminder_due(shift):
    """09:00 home time the day before the shift (DST-safe)."""
    return at_local(timezone.localdate(shift.starts_at) - timedelta(days=1), REMIND_AT_HOUR)


def reminder_expires(shift):
    """Midnight at the start of the shift's day: after that "tomorrow" is wrong."""
    return at_local(timezone.localdate(shift.starts_at), 0)


def _what(shift):
    if shift.resident_id:
        return f"your visit to {shift.resident.short_name}"
    return shift.title or (shift.role.name if shift.role_id else "your volunteering")


def _place(shift):
    if shift.assignment_id and shift.assignment.space_id:
        return shift.assignment.space.name
    if shift.assignment_id:
        return shift.assignment.where_note
    return ""


def visit_reminder_describe(shift):
    """For the Messages page: "Visit to Peggy, Tue 2 Dec 14:00, Lounge"."""
    when = date_format(timezone.localtime(shift.starts_at), "D j M H:i")
    what = f"Visit to {shift.resident.short_name}" if shift.resident_id else (shift.title or "Volunteering")
    return ", ".join(p for p in [what, when, _place(shift)] if p)


def visit_reminder_context(shift, reminder):
    url = ""
    if reminder.user_id:
        url = settings.SITE_URL + reverse(
            "volunteers:portal_shift", kwargs={"home_slug": shift.home.slug, "pk": shift.pk}
        )
    return {
        "shift": shift,
        "volunteer_name": shift.volunteer.short_name,
        "what": _what(shift),
        "is_visit": shift.resident_id is not None,
        "place": _place(shift),
        "starts": timezone.localtime(shift.starts_at),
        "ends": timezone.localtime(shift.ends_at),
        "url": url,
    }


def visit_reminder_stale(shift, reminder):
    """Why the reminder should not go now, or ''."""
    if shift.status == Shift.Status.CANCELLED:
        return "The shift was cancelled."
    if shift.status == Shift.Status.DECLINED:
        return "The volunteer said they can't make it."
    if shift.status == Shift.Status.DONE:
        return "It has been logged already."
    if not _same_moment(shift.starts_at, (reminder.data or {}).get("starts_at")):
        return "The shift moved."
    if shift.resident_id is not None and not consented_now(
        shift.home_id, shift.resident_id, ConsentPurpose.VOLUNTEER_VISITS
    ):
        return f"{shift.resident.short_name}'s consent to volunteers' visits was withdrawn."
    volunteer = rules.with_facts(
        Volunteer.objects.filter(home_id=shift.home_id, pk=shift.volunteer_id)
    ).first()
    if volunteer is None or volunteer.status == Volunteer.Status.LEFT:
        return "The volunteer has left."
    if found := shift_blockers(volunteer, shift):
        return "The volunteer is not clear: " + "; ".join(b.message for b in found) + "."
    if reminder.user_id and reminder.user_id != volunteer.user_id:
        return "The volunteer's account changed."
    if not reminder.user_id:
        if volunteer.user_id:
            return "The volunteer has a Kith account now."
        if reminder.address.lower() != (volunteer.email or "").strip().lower():
            return "The volunteer's email address changed."
    return ""


register(
    Kind(
        name=VISIT_REMINDER,
        label="Volunteer's visit or shift reminder, the day before",
        model="volunteers.Shift",
        channels=TIMELY,
        related=RELATED,
        describe=visit_reminder_describe,
        context=visit_reminder_context,
        stale=visit_reminder_stale,
    )
)


def _homes_with_visits():
    return Home.objects.filter(
        pk__in=Assignment.objects.filter(ended_at__isnull=True).values("home_id")
    ).order_by("pk")


def visit_reminders_planner(now, *, home=None):
    """Put each home's regular visits on the rota four weeks ahead, then make
    the day-before reminders for the shifts of the next two days, for
    volunteers who are clear. Safe to run any number of times: the shifts'
    and the outbox's unique constraints absorb repeats. Returns the number
    of reminder rows made."""
    with crossing_homes("the volunteers' planner keeps every home's rota and reminders"):
        on = timezone.localdate(now)
        homes = [home] if home is not None else list(_homes_with_visits())
        for each in homes:
            shifts_plan(home=each, until=on + timedelta(weeks=PLAN_WEEKS), now=now)
        shifts = Shift.objects.filter(
            status__in=OPEN,
            starts_at__gte=at_local(on + timedelta(days=1), 0),
            starts_at__lt=at_local(on + timedelta(days=REMIND_DAYS_AHEAD + 1), 0),
        ).select_related(*RELATED, "volunteer__user")
        if home is not None:
            shifts = shifts.filter(home=home)
        shifts = list(shifts)
        facts = {
            v.pk: v
            for v in rules.with_facts(
                Volunteer.objects.filter(pk__in={s.volunteer_id for s in shifts}).select_related("user")
            )
        }
        to_users, to_addresses = [], []
        for shift in shifts:
            volunteer = facts.get(shift.volunteer_id)
            if volunteer is None or shift_blockers(volunteer, shift):
                continue  # the gate: never a reminder to someone who is not clear
            due, expires_at = reminder_due(shift), reminder_expires(shift)
            data = {"starts_at": iso_utc(shift.starts_at)}
            if volunteer.user_id:
                to_users.append(Planned(shift.home, shift, [volunteer.user], due, expires_at, data))
            elif volunteer.email:
                to_addresses.append((shift, volunteer.email, due, expires_at, data))
        made = reminders_schedule_many(kind=VISIT_REMINDER, planned=to_users, now=now)
        there = set(
            Reminder.objects.filter(kind=VISIT_REMINDER, object_id__in=[s.pk for s, *_ in to_addresses])
            .exclude(status=Reminder.Status.CANCELLED)
            .values_list("object_id", "recipient", "due")
        )
        for shift, address, due, expires_at, data in to_addresses:
            if (shift.pk, recipient_key(address), due) in there:
                continue
            made += reminders_schedule(
                home=shift.home,
                kind=VISIT_REMINDER,
                obj=shift,
                recipients=[address],
                due=due,
                expires_at=expires_at,
                data=data,
                now=now,
            )
        return made


register_planner(VISIT_REMINDER, visit_reminders_planner)
