"""Booking a visit under load, for bench/pages.py: every request a real
booking (the space's row locked, the exclusion constraint, the outbox rows of
the confirmation and reminders, the history entry), each in a slot that is
free when the bench looks.

Relatives of the second home on (the first, Rowan House, whose pages are
measured, only when it is the one home), SPREAD homes at a time, book half-hour visits in the rooms
their home lets visitors book, from tomorrow to the end of the booking
horizon, each with the space's buffer kept free either side, so no two of the
bench's bookings conflict. Slots are found from the database at run time, so
a reused data set keeps working until its homes are full (then BENCH_RESEED=1).

Each relative signs in SESSIONS times: a booking adds a "Booked: ..."
message (a cookie, or the session if it overflows), which the redirected
page would show and clear, but wrk does not follow redirects; spread over
sessions, and cleared between runs, it stays small as it does for a person.
"""

import random
import uuid
from datetime import time, timedelta
from urllib.parse import urlencode

from bench.harness import BenchError, Client, csrf_token

LENGTH = timedelta(minutes=30)
SESSIONS = 2
# Homes booked in at once. Every write notes a change of its home (homes.changes),
# which each request to that home reads until the notes are pruned (every 10
# minutes): a thousand bookings in ten seconds in one home is not a provider's day.
SPREAD = 16
PASSWORD = "kith-demo-2026"  # noqa: S105 - the published demo password


class BookingHome:
    """One home's relative, their bookable residents and rooms, and its free slots."""

    def __init__(self, home, membership, residents, spaces):
        self.home = home
        self.membership = membership
        self.residents = residents
        self.spaces = spaces
        self.sessions = []  # [(cookies, the form's CSRF token)]
        self._slots = self._free_slots()

    def _free_slots(self):
        """Free half hours, day by day and room by room, each kept clear of every
        held range (visits, activities, groups) and of the ones given before."""
        from django.utils import timezone

        from carehome.timeutils import BOOKING_AHEAD_MONTHS, add_months
        from visits.selectors.booking import _local, held_ranges

        first = timezone.localdate() + timedelta(days=1)
        last = add_months(timezone.localdate(), BOOKING_AHEAD_MONTHS)
        since, until = _local(first, time.min), _local(last + timedelta(days=2), time.min)
        held = {}  # (space pk, local day) -> [(blocked from, blocked until)]
        for space in self.spaces:
            for blocked in held_ranges(space, since, until):
                for moment in blocked:
                    held.setdefault((space.pk, timezone.localdate(moment)), []).append(blocked)
        turn = 0
        day = first
        while day <= last:
            for space in self.spaces:
                buffer = timedelta(minutes=space.buffer_minutes)
                busy = held.get((space.pk, day), [])
                start, closes = _local(day, space.opens_at), _local(day, space.closes_at)
                while start + LENGTH <= closes:
                    end = start + LENGTH
                    blocked = (start - buffer, end + buffer)
                    if all(not (blocked[0] < b_until and b_from < blocked[1]) for b_from, b_until in busy):
                        busy.append(blocked)
                        resident = self.residents[turn % len(self.residents)]
                        turn += 1
                        yield space, resident, start, end
                        start = end + 2 * buffer
                    else:
                        start += LENGTH
            day += timedelta(days=1)

    def next_slots(self, count):
        taken = []
        for slot in self._slots:
            taken.append(slot)
            if len(taken) == count:
                break
        return taken

    def sign_in(self, port):
        """SESSIONS sessions of this relative, each through the sign-in form,
        each with its form token from the booking page."""
        email = self.membership.user.email
        for _ in range(SESSIONS):
            client = Client(port, {"kith_home": self.home.slug}).sign_in(email, PASSWORD)
            status, _, page = client.get(self.path)
            token = csrf_token(page)
            if status != 200 or token is None:
                raise BenchError(f"{email}'s booking page answered {status} without a form")
            self.sessions.append((client.cookies, token))

    def clear_messages(self, port):
        """Show each session a page, as the redirect would: its "Booked" messages go."""
        for cookies, _ in self.sessions:
            Client(port, cookies).get("/account/")

    @property
    def path(self):
        return f"/h/{self.home.slug}/visits/book/"

    def line(self, number, slot):
        from django.utils import timezone

        from visits.models import Visit

        space, resident, start, end = slot
        cookies, token = self.sessions[number % len(self.sessions)]
        start, end = timezone.localtime(start), timezone.localtime(end)
        body = urlencode(
            {
                "csrfmiddlewaretoken": token,
                "form_token": str(uuid.uuid4()),
                "resident": resident.pk,
                "kind": Visit.Kind.VISIT,
                "date": f"{start:%Y-%m-%d}",
                "start_time": f"{start:%H:%M}",
                "end_time": f"{end:%H:%M}",
                "space": space.pk,
                "meal": Visit.Meal.NONE,
                "visitors": 1,
                "visitor_name": "",
                "accessibility_needs": "",
                "note": "",
            }
        )
        cookie = "; ".join(f"{name}={value}" for name, value in sorted(cookies.items()))
        return self.path, cookie, body


class Bookings:
    """Free slots across the booking homes, as wrk's lines or one form at a time."""

    def __init__(self, port, homes):
        self.port = port
        self.homes = homes
        self.used = 0  # homes whose relatives are signed in
        self.numbered = 0
        self.rng = random.Random(0)

    @classmethod
    def find(cls, port):
        """The homes to book in, second home first; Rowan House last."""
        from homes.models import Home, Membership, Role
        from visits.models import VisitRestriction
        from visits.selectors.booking import DEVICE_KINDS, bookable_spaces, residents_to_book_for

        homes = list(Home.objects.filter(organisation__slug="kith-demo-care").order_by("id"))
        homes = homes[1:] + homes[:1]
        found = []
        for home in homes:
            membership = (
                Membership.objects.for_home(home)
                .filter(user__email=f"family@{home.slug}.example.com", role=Role.FAMILY, is_active=True)
                .select_related("user", "home")
                .first()
            )
            if membership is None:
                continue
            restricted = VisitRestriction.objects.for_home(home).filter(ended_on__isnull=True)
            residents = list(
                residents_to_book_for(home, membership)
                .exclude(pk__in=restricted.values("resident"))
                .order_by("pk")
            )
            spaces = [s for s in bookable_spaces(home) if s.kind not in DEVICE_KINDS and s.capacity >= 1]
            if residents and spaces:
                found.append(BookingHome(home, membership, residents, spaces))
        if not found:
            raise BenchError("no home has a relative with a resident and a room to book")
        return cls(port, found)

    def lines(self, count):
        """``count`` bookings as wrk lines "path<TAB>cookie<TAB>body", spread
        over the first SPREAD homes that still have free slots (a provider's
        bookings come from all its homes, not one), shuffled so that
        concurrent requests spread over homes, spaces and days."""
        lines = []
        open_homes = list(self.homes)
        while len(lines) < count and open_homes:
            spread = open_homes[:SPREAD]
            share = -(-(count - len(lines)) // len(spread))  # rounded up
            for home in spread:
                asked = min(share, count - len(lines))
                if asked <= 0:
                    break
                slots = home.next_slots(asked)
                if len(slots) < asked:
                    open_homes.remove(home)
                if slots and not home.sessions:
                    home.sign_in(self.port)
                for slot in slots:
                    lines.append(home.line(self.numbered, slot))
                    self.numbered += 1
        if len(lines) < count:
            raise BenchError(
                f"only {len(lines)} free slots left for {count} bookings in the data set's homes: "
                "run with BENCH_RESEED=1"
            )
        self.rng.shuffle(lines)
        return ["\t".join(line) for line in lines]

    def clear_messages(self):
        for home in self.homes:
            home.clear_messages(self.port)

    def booked(self):
        """How many visits the bench's relatives hold (booked, not cancelled)."""
        from visits.models import Visit

        return sum(
            Visit.objects.for_home(home.home)
            .filter(booked_by=home.membership, status=Visit.Status.BOOKED)
            .count()
            for home in self.homes
        )
