"""Activity reminders, changes and cancellations, and a partner's reminder
of a venue booking.

Who hears about a date (``recipients``): the relatives invited through
visits' invitations who have not said no (by their chosen channel), the staff
and volunteers assigned to the activity (a volunteer through their Kith
account, or their email address without one) and, for an outing, its driver.

* ``community.activity_reminder``: 09:00 the day before (to the staff,
  volunteers and driver: relatives who said yes get their invitation's own
  reminder the evening before) and 08:00 on the morning (to everyone; only for
  a date starting at 09:00 or later), for confirmed dates.
  Made when a date is confirmed and by a planner for the next two days (in-home
  activities are confirmed when made). Stale when it is sent if the date is no
  longer confirmed, has moved, or the person is no longer invited or assigned.
* ``community.activity_changed`` / ``community.activity_cancelled``: sent
  once, at once, when a date moves or is cancelled (``schedule`` with
  ``CHANGED`` / ``CANCELLED``); a cancellation cancels every reminder waiting.
* ``community.venue_reminder``: to the partner's contact email, 09:00 the day
  before a community group uses a space in the home.

The outbox's unique key (kind, object, recipient, channel, due) makes each
reminder once however often this runs.
"""

import datetime
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format

from community.messages import CANCELLED, CHANGED, CONFIRMED
from community.models import Activity, Occurrence
from homes.scoping import crossing_homes
from notifications.kinds import Kind, register, register_planner
from notifications.models import Channel, Reminder
from notifications.services import recipient_key, reminders_cancel, reminders_schedule
from notifications.timing import at_local
from residents.models import RelativeLink
from residents.services.connections import LIVING_HERE
from visits.models import EventReply

ACTIVITY_REMINDER = "community.activity_reminder"
ACTIVITY_CHANGED = "community.activity_changed"
ACTIVITY_CANCELLED = "community.activity_cancelled"
VENUE_REMINDER = "community.venue_reminder"
REMINDERS = (ACTIVITY_REMINDER, VENUE_REMINDER)

TIMELY = (Channel.EMAIL, Channel.SMS)  # a letter would arrive too late
DAY_BEFORE_AT = 9
MORNING_AT, MORNING_ONLY_FROM = 8, datetime.time(9, 0)
REMIND_DAYS_AHEAD = 2
RELATED = (
    "home",
    "activity",
    "activity__space",
    "activity__place",
    "activity__partnership__partner",
    "driver__volunteer__user",
    "driver__member__user",
)

RELATIVE, STAFF, VOLUNTEER, DRIVER = "relative", "staff", "volunteer", "driver"


def iso_utc(moment):
    return moment.astimezone(datetime.UTC).isoformat()


def _same_moment(moment, text):
    try:
        return datetime.datetime.fromisoformat(text) == moment
    except (TypeError, ValueError):
        return False


def place_text(activity):
    """Where it happens, in words: a space, a partner, a place nearby or an address."""
    if activity.space_id:
        return activity.space.name
    if activity.place_id:
        return activity.place.name
    if activity.address:
        return activity.address
    if activity.partnership_id:
        return activity.partnership.partner.name
    return ""


def _driver_person(driver):
    """(key, person, name) for a driver: their account, else their email, else None."""
    if driver is None:
        return None
    if driver.volunteer_id:
        volunteer = driver.volunteer
        if volunteer.user_id:
            return recipient_key(volunteer.user), volunteer.user, volunteer.full_name
        if volunteer.email:
            return recipient_key(volunteer.email), volunteer.email, volunteer.full_name
        return None
    user = driver.member.user
    return recipient_key(user), user, user.full_name


def recipients(occurrence):
    """{recipient key: (person, role, name)} of everyone who hears about this
    date: a User or, for a volunteer without an account, an email address."""
    activity = occurrence.activity
    found = {}
    # Only relatives still following the resident the invitation is about, while
    # that resident lives here: a paused or ended link hears nothing more.
    following = RelativeLink.objects.filter(
        home_id=occurrence.home_id,
        membership_id=OuterRef("membership_id"),
        resident_id=OuterRef("event__resident_id"),
        status=RelativeLink.Status.ACTIVE,
        resident__status__in=LIVING_HERE,
    )
    replies = (
        EventReply.objects.filter(
            home_id=occurrence.home_id,
            event__in=occurrence.family_events.all(),
            event__cancelled_at__isnull=True,
            membership__is_active=True,
        )
        .filter(Exists(following))
        .exclude(answer=EventReply.Answer.NO)
        .select_related("membership__user")
        .order_by("pk")
    )
    for reply in replies:
        user = reply.membership.user
        found.setdefault(recipient_key(user), (user, RELATIVE, user.full_name))
    for member in activity.staff.filter(is_active=True).select_related("user").order_by("pk"):
        found.setdefault(recipient_key(member.user), (member.user, STAFF, member.user.full_name))
    for volunteer in activity.volunteers.filter(status="active").select_related("user").order_by("pk"):
        if volunteer.user_id:
            found.setdefault(recipient_key(volunteer.user), (volunteer.user, VOLUNTEER, volunteer.full_name))
        elif volunteer.email:
            found.setdefault(
                recipient_key(volunteer.email), (volunteer.email, VOLUNTEER, volunteer.full_name)
            )
    if activity.is_outing and (driver := _driver_person(occurrence.driver)):
        key, person, name = driver
        found[key] = (person, DRIVER, name)
    return found


def reminder_times(occurrence):
    """[(due, expires_at)]: 09:00 the day before; 08:00 on the morning of a
    date that starts at 09:00 or later."""
    starts = timezone.localtime(occurrence.starts_at)
    times = [(at_local(starts.date() - timedelta(days=1), DAY_BEFORE_AT), occurrence.starts_at)]
    if starts.time() >= MORNING_ONLY_FROM:
        times.append((at_local(starts.date(), MORNING_AT), occurrence.starts_at))
    return times


def _partner_email(occurrence):
    activity = occurrence.activity
    if activity.kind != Activity.Kind.VENUE or not activity.partnership_id:
        return ""
    return (activity.partnership.partner.email or "").strip().lower()


# --- What each message says ------------------------------------------------------------------


def describe(occurrence):
    """For the Messages page: "Fishing trip, Tue 2 Dec 10:00"."""
    return (
        f"{occurrence.activity.title}, {date_format(timezone.localtime(occurrence.starts_at), 'D j M H:i')}"
    )


def _context(occurrence, reminder):
    activity = occurrence.activity
    data = reminder.data or {}
    _person, role, name = recipients(occurrence).get(reminder.recipient, (None, "", ""))
    starts = timezone.localtime(occurrence.starts_at)
    return {
        "occurrence": occurrence,
        "activity": activity,
        "starts": starts,
        "ends": timezone.localtime(occurrence.ends_at),
        "place": place_text(activity),
        "role": role or data.get("role", ""),
        "greeting": (name or "").split(" ")[0],
        "is_driver": (role or data.get("role")) == DRIVER,
        "is_outing": activity.is_outing,
        "driver_name": occurrence.driver.name if occurrence.driver_id else "",
        "morning": timezone.localtime(reminder.due).date() == starts.date(),
        "dropped": data.get("dropped") == reminder.recipient,
        "partner": activity.partnership.partner if activity.partnership_id else None,
    }


def _moved(occurrence, reminder):
    return not _same_moment(occurrence.starts_at, (reminder.data or {}).get("starts_at"))


def reminder_stale(occurrence, reminder):
    if occurrence.status == Occurrence.Status.CANCELLED:
        return "It was cancelled."
    if occurrence.status != Occurrence.Status.CONFIRMED:
        return "It is not confirmed any more."
    if _moved(occurrence, reminder):
        return "It moved."
    if reminder.recipient not in recipients(occurrence):
        return "They are no longer invited or assigned."
    return ""


def changed_stale(occurrence, reminder):
    if occurrence.status == Occurrence.Status.CANCELLED:
        return "It was cancelled."
    if (reminder.data or {}).get("sequence") != occurrence.sequence:
        return "A later change was sent."
    return ""


def cancelled_stale(occurrence, reminder):
    if occurrence.status != Occurrence.Status.CANCELLED:
        return "It is going ahead."
    return ""


def venue_stale(occurrence, reminder):
    if occurrence.status != Occurrence.Status.CONFIRMED:
        return "It is not confirmed any more."
    if _moved(occurrence, reminder):
        return "It moved."
    if recipient_key(_partner_email(occurrence) or "-") != reminder.recipient:
        return "The partner's email address changed."
    return ""


def _kind(name, label, stale, *, essential=False):
    return register(
        Kind(
            name=name,
            label=label,
            model="community.Occurrence",
            essential=essential,
            channels=TIMELY,
            related=RELATED,
            describe=describe,
            context=_context,
            stale=stale,
        )
    )


_kind(ACTIVITY_REMINDER, "Activity or outing reminder, the day before and on the morning", reminder_stale)
_kind(ACTIVITY_CHANGED, "Activity or outing changed", changed_stale, essential=True)
_kind(ACTIVITY_CANCELLED, "Activity or outing cancelled", cancelled_stale, essential=True)
_kind(VENUE_REMINDER, "Reminder to a community group using a space, the day before", venue_stale)


# --- Scheduling --------------------------------------------------------------------------------


def _people(found):
    return [person for person, _role, _name in found.values()]


def _existing(occurrence):
    """{(kind, recipient key, due)} of this date's reminders not cancelled."""
    return set(
        Reminder.objects.for_home(occurrence.home_id)
        .filter(
            object_type=ContentType.objects.get_for_model(Occurrence),
            object_id=occurrence.pk,
            kind__in=REMINDERS,
        )
        .exclude(status=Reminder.Status.CANCELLED)
        .values_list("kind", "recipient", "due")
    )


def reminders_plan_for(occurrence, *, now):
    """The reminders still to come of one confirmed date, for those who do
    not have them yet. Returns the rows made."""
    made = 0
    found = recipients(occurrence)
    there = _existing(occurrence)
    data = {"starts_at": iso_utc(occurrence.starts_at)}
    for index, (due, expires_at) in enumerate(reminder_times(occurrence)):
        if due <= now:
            continue
        # The evening before, relatives coming are reminded by their invitation
        # (visits.event_reminder): the day-before reminder here is for the team.
        people = [
            p
            for key, (p, role, _n) in found.items()
            if (ACTIVITY_REMINDER, key, due) not in there and not (index == 0 and role == RELATIVE)
        ]
        if people:
            made += reminders_schedule(
                home=occurrence.home,
                kind=ACTIVITY_REMINDER,
                obj=occurrence,
                recipients=people,
                due=due,
                expires_at=expires_at,
                data=data,
                now=now,
            )
    email = _partner_email(occurrence)
    due = reminder_times(occurrence)[0][0]
    if email and due > now and (VENUE_REMINDER, recipient_key(email), due) not in there:
        made += reminders_schedule(
            home=occurrence.home,
            kind=VENUE_REMINDER,
            obj=occurrence,
            recipients=[email],
            due=due,
            expires_at=occurrence.starts_at,
            data=data,
            now=now,
        )
    return made


def _cancel_waiting(occurrence, reason):
    return reminders_cancel(obj=occurrence, kinds=REMINDERS, reason=reason)


def schedule(*, occurrence, kind, now=None):
    """After a date is confirmed (``CONFIRMED``), changed (``CHANGED``) or
    cancelled (``CANCELLED``): make its reminders, tell everyone once, or
    cancel what is waiting. Call inside the transaction that made the change.
    A date that is not confirmed has its waiting reminders cancelled."""
    now = now or timezone.now()
    if kind not in (CONFIRMED, CHANGED, CANCELLED):
        raise ValueError(f"unknown programme message {kind!r}")
    if kind == CANCELLED or occurrence.status == Occurrence.Status.CANCELLED:
        _cancel_waiting(occurrence, "It was cancelled.")
        reminders_cancel(obj=occurrence, kinds=[ACTIVITY_CHANGED], reason="It was cancelled.")
        if occurrence.starts_at <= now:
            return 0
        return reminders_schedule(
            home=occurrence.home,
            kind=ACTIVITY_CANCELLED,
            obj=occurrence,
            recipients=_people(recipients(occurrence)),
            due=now,
            expires_at=occurrence.ends_at,
            now=now,
        )
    made = 0
    if kind == CHANGED:
        # Reminders at the old time are no use; the new ones are made below.
        _cancel_waiting(occurrence, "It changed.")
        reminders_cancel(obj=occurrence, kinds=[ACTIVITY_CHANGED], reason="A later change was sent.")
        if occurrence.status == Occurrence.Status.CONFIRMED and occurrence.starts_at > now:
            made += reminders_schedule(
                home=occurrence.home,
                kind=ACTIVITY_CHANGED,
                obj=occurrence,
                recipients=_people(recipients(occurrence)),
                due=now,
                expires_at=occurrence.ends_at,
                data={"sequence": occurrence.sequence},
                now=now,
            )
    if occurrence.status != Occurrence.Status.CONFIRMED:
        _cancel_waiting(occurrence, "It is not confirmed any more.")
        return made
    # Anyone no longer invited or assigned: their waiting reminders go.
    keep = set(recipients(occurrence))
    email = _partner_email(occurrence)
    if email:
        keep.add(recipient_key(email))
    Reminder.objects.for_home(occurrence.home_id).filter(
        object_type=ContentType.objects.get_for_model(Occurrence),
        object_id=occurrence.pk,
        kind__in=REMINDERS,
        status=Reminder.Status.PENDING,
    ).exclude(recipient__in=keep).update(
        status=Reminder.Status.CANCELLED, cancelled_reason="They are no longer invited or assigned."
    )
    made += reminders_plan_for(occurrence, now=now)
    return made


def driver_changed_schedule(*, occurrence, old_driver, new_driver, now):
    """A confirmed outing's driver changed: the old driver hears they are no
    longer needed, the new one that they are driving (``activity_changed``,
    once each)."""
    made = 0
    for driver, dropped in ((old_driver, True), (new_driver, False)):
        person = _driver_person(driver)
        if person is None:
            continue
        key, who, _name = person
        made += reminders_schedule(
            home=occurrence.home,
            kind=ACTIVITY_CHANGED,
            obj=occurrence,
            recipients=[who],
            due=now,
            expires_at=occurrence.ends_at,
            data={"sequence": occurrence.sequence, "dropped": key if dropped else "", "role": DRIVER},
            now=now,
        )
    return made


def activity_reminders_planner(now, *, home=None):
    """The reminders of confirmed dates from now to the end of the day after
    tomorrow, for every home. Safe to run any number of times."""
    with crossing_homes("the programme's planner makes every home's activity reminders"):
        on = timezone.localdate(now)
        dates = (
            Occurrence.objects.filter(
                status=Occurrence.Status.CONFIRMED,
                starts_at__gt=now,
                starts_at__lt=at_local(on + timedelta(days=REMIND_DAYS_AHEAD + 1), 0),
            )
            .select_related(*RELATED)
            .order_by("starts_at", "pk")
        )
        if home is not None:
            dates = dates.filter(home=home)
        return sum(reminders_plan_for(occurrence, now=now) for occurrence in dates)


register_planner(ACTIVITY_REMINDER, activity_reminders_planner)
