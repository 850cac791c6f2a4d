"""Demo history (``seed_demo --weeks W``): each home's booked visits over the
last W weeks and their messages, written with COPY (``homes.bulkload``).

Many of the in-person visits on the connection log (``residents.demo.history``:
weekends, Christmas, Easter and the summer holidays busiest) were booked
first: by the relative, when they have an account, or by staff for them.
Most booked a space — the family room, the café corner, the garden room, the
garden in summer — held in the home's table of holds around the programme's
activities (``load.calendar``: PostgreSQL's exclusion constraints check every
one when the load ends); a few were booked and then cancelled. A relative with
an account got what the booking service sends: the confirmation, the reminder
the evening before and on the morning (or, for a cancelled visit, the
cancellation, with the reminders withdrawn). Where a home's history runs to
today, the next two weeks have bookings too, their reminders waiting.
"""

import random
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType

from homes.models import Membership, Space, SpaceHold
from notifications.models import Channel, Reminder
from residents.demo.history import book_for
from visits import messages
from visits.models import Visit

ROOMS = ["Family room", "Café corner", "Garden room"]
SHARE_BOOKED = {True: 0.7, False: 0.3}  # with an account, or booked by staff
SHARE_IN_A_SPACE = 0.7
SHARE_CANCELLED = 0.05
WEEKS_AHEAD = 2
NOTES = ["", "", "", "Bringing the photo albums.", "The grandchildren are coming too.", "We'll bring a cake."]
MEAL = {12: Visit.Meal.LUNCH, 15: Visit.Meal.TEA, 17: Visit.Meal.EVENING}
Status = Reminder.Status

VISIT_COLUMNS = [
    "home_id",
    "resident_id",
    "booked_by_id",
    "visitor_name",
    "kind",
    "space_id",
    "starts_at",
    "ends_at",
    "blocked_from",
    "blocked_until",
    "hold_id",
    "visitors",
    "meal",
    "note",
    "status",
    "sequence",
    "created_at",
    "updated_at",
    "cancelled_at",
    "confirmation_sent_at",
]
HOLD_COLUMNS = [
    "home_id",
    "space_id",
    "held_for",
    "label",
    "starts_at",
    "ends_at",
    "blocked_from",
    "blocked_until",
    "created_at",
]
REMINDER_COLUMNS = [
    "home_id",
    "kind",
    "channel",
    "recipient",
    "user_id",
    "address",
    "object_type_id",
    "object_id",
    "due",
    "not_before",
    "expires_at",
    "data",
    "status",
    "attempts",
    "sent_at",
    "cancelled_reason",
    "created_at",
]


def history(*, homes, weeks, today, load, **_):
    ids = [h.pk for h in homes]
    spaces = {}
    for space in Space.objects.filter(
        home_id__in=ids, name__in=[*ROOMS, "Garden"], bookable=True, is_active=True
    ):
        spaces.setdefault(space.home_id, {})[space.name] = space
    accounts = {
        pk: (user_id, address)
        for pk, user_id, address in Membership.objects.filter(home_id__in=ids).values_list(
            "id", "user_id", "user__email"
        )
    }
    visit_type = ContentType.objects.get_for_model(Visit).pk
    load.calendar.add_existing(ids)
    now = load.now
    for home in homes:
        book = book_for(load, home)
        rng = random.Random(f"history-visits-{home.slug}")
        writer = _Writer(book, spaces.get(home.pk, {}), accounts, visit_type, now)
        for logged in book.visits:
            if rng.random() < SHARE_BOOKED[logged.person.membership_id is not None]:
                writer.visit(rng, logged.stay, logged.person, day=logged.day, at=(logged.hour, logged.minute))
        for _ in range(int(len(book.visits) * SHARE_CANCELLED)):
            logged = rng.choice(book.visits)
            day = logged.day + timedelta(days=rng.randint(1, 10))
            if day < book.until and logged.stay.here_on(day):
                writer.visit(rng, logged.stay, logged.person, day=day, at=(14, 0), cancelled=True)
        if not book.has_demo:
            _ahead(book, rng, writer)


def _ahead(book, rng, writer):
    """Bookings for the next two weeks: every relative with an account, and
    some of the other visitors."""
    for stay in book.present(book.today):
        for person in stay.people:
            if not person.active or "in_person" not in person.modes:
                continue
            if person.membership_id is None and rng.random() > 0.15:
                continue
            day = book.today + timedelta(days=rng.randint(1, WEEKS_AHEAD * 7 - 1))
            writer.visit(
                rng, stay, person, day=day, at=rng.choice([(11, 0), (12, 0), (14, 0), (15, 30), (17, 0)])
            )


class _Writer:
    def __init__(self, book, rooms, accounts, visit_type, now):
        self.book, self.load, self.rooms, self.accounts = book, book.load, rooms, accounts
        self.visit_type, self.now = visit_type, now
        self.staff = [m for m, _ in book.staff_memberships] or [None]

    def _space(self, rng, day, starts_at, ends_at):
        names = ROOMS + (["Garden"] if day.month in (6, 7, 8) else [])
        for name in rng.sample(names, len(names)):
            space = self.rooms.get(name)
            if space is None:
                continue
            buffer = timedelta(minutes=space.buffer_minutes)
            if self.load.calendar.take(space.pk, starts_at - buffer, ends_at + buffer):
                return space, starts_at - buffer, ends_at + buffer
        return None, starts_at, ends_at

    def visit(self, rng, stay, person, *, day, at, cancelled=False):
        load, home = self.load, self.book.home
        hour, minute = at
        starts_at = load.at(day, hour, minute)
        ends_at = starts_at + timedelta(minutes=rng.choice([60, 60, 90, 120]))
        booked_at = starts_at - timedelta(days=rng.randint(2, 14), hours=rng.randint(0, 8))
        booked_at = min(booked_at, self.now - timedelta(hours=1))
        space, blocked_from, blocked_until = None, starts_at, ends_at
        if not cancelled and rng.random() < SHARE_IN_A_SPACE:
            space, blocked_from, blocked_until = self._space(rng, day, starts_at, ends_at)
        hold_id = None
        if space is not None:
            hold_id = load.table(SpaceHold, HOLD_COLUMNS).add(
                home.pk,
                space.pk,
                SpaceHold.HeldFor.VISIT,
                f"Visit with {stay.short_name}",
                starts_at,
                ends_at,
                blocked_from,
                blocked_until,
                booked_at,
            )
        membership_id = person.membership_id or rng.choice(self.staff)
        cancelled_at = booked_at + (starts_at - booked_at) / 2 if cancelled else None
        visitors = rng.choice([1, 1, 2, 2, 3])
        if space is not None:
            visitors = min(visitors, space.capacity)
        visit_id = load.table(Visit, VISIT_COLUMNS).add(
            home.pk,
            stay.id,
            membership_id,
            person.name,
            Visit.Kind.VISIT,
            space.pk if space else None,
            starts_at,
            ends_at,
            blocked_from,
            blocked_until,
            hold_id,
            visitors,
            MEAL.get(hour, Visit.Meal.NONE) if rng.random() < 0.4 else Visit.Meal.NONE,
            rng.choice(NOTES),
            Visit.Status.CANCELLED if cancelled else Visit.Status.BOOKED,
            1 if cancelled else 0,
            booked_at,
            cancelled_at or booked_at,
            cancelled_at,
            booked_at + timedelta(seconds=30),
        )
        if person.membership_id is not None:
            self._messages(visit_id, person.membership_id, starts_at, booked_at, cancelled_at)

    def _messages(self, visit_id, membership_id, starts_at, booked_at, cancelled_at):
        """What the booking service sends the relative who booked."""
        user_id, address = self.accounts[membership_id]
        rows = [(messages.BOOKED, booked_at, None, {"sequence": 0}, Status.SENT, "")]
        if cancelled_at:
            rows.append((messages.CANCELLED, cancelled_at, None, {"sequence": 1}, Status.SENT, ""))
        starts = {"starts_at": messages.iso_utc(starts_at)}
        for kind, due in messages.visit_reminder_times(starts_at).items():
            if cancelled_at:
                rows.append((kind, due, starts_at, starts, Status.CANCELLED, "The visit was cancelled."))
            elif due <= self.now:
                rows.append((kind, due, starts_at, starts, Status.SENT, ""))
            else:
                rows.append((kind, due, starts_at, starts, Status.PENDING, ""))
        writer = self.load.table(Reminder, REMINDER_COLUMNS)
        for kind, due, expires_at, data, status, reason in rows:
            sent = status == Status.SENT
            writer.add(
                self.book.home_id,
                kind,
                Channel.EMAIL,
                f"user:{user_id}",
                user_id,
                address if sent else "",
                self.visit_type,
                visit_id,
                due,
                due,
                expires_at,
                data,
                status,
                1 if sent else 0,
                due + timedelta(seconds=12) if sent else None,
                reason,
                min(due, booked_at),
            )
