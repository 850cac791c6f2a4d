"""The connection log of every resident over the history: calls, letters,
video calls and visits from each person who matters at the rhythm their plan
asks for (visits busiest at weekends, at Christmas and New Year, Easter and in
the summer holidays), one-to-ones with staff and now and then tea with another
resident. A quiet resident has fewer of everything."""

import bisect
from datetime import date, timedelta

from residents.demo.connections import ONE_TO_ONES, PERSON_NOTES
from residents.demo.history.book import LoggedVisit
from residents.models import Connection, Response

Mode = Connection.Mode
WithWhom = Connection.WithWhom
HOURS = {
    Mode.IN_PERSON: [(11, 0), (14, 0), (14, 30), (15, 30), (16, 0), (18, 30)],
    Mode.PHONE: [(11, 0), (17, 30), (18, 0), (19, 0), (19, 30)],
    Mode.VIDEO: [(10, 30), (16, 0), (17, 0)],
    Mode.LETTER: [(10, 0), (10, 30)],
}
WEEKEND_HOURS = [(11, 30), (13, 0), (14, 0), (15, 0), (16, 0)]
STAFF_HOURS = [(10, 0), (10, 20), (11, 0), (15, 0), (15, 40), (16, 0)]
TEA = ["Tea together in the café corner.", "Did the crossword together.", "Sat together in the garden."]


def _easter(year):
    """Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


def visiting_season(day, _cache={}):  # noqa: B006 - a cache of Easter dates
    """How much more family visit than usual around ``day``: Christmas and
    New Year, Easter, the summer holidays."""
    if (day.month == 12 and day.day >= 18) or (day.month == 1 and day.day <= 2):
        return 1.8
    easter = _cache.get(day.year)
    if easter is None:
        easter = _cache[day.year] = _easter(day.year)
    if -3 <= (day - easter).days <= 8:
        return 1.4
    if (day.month == 7 and day.day >= 22) or day.month == 8:
        return 1.25
    return 1.0


def write_log(book, rng):
    """The connection log of every stay, from the first day of history (or
    moving in) to ``book.until`` (or leaving)."""
    staff = book.staff or [None]
    for stay in book.stays:
        first = max(book.start, stay.admitted_on)
        last = min(book.until, stay.left_on or book.until)
        if first >= last:
            continue
        for person in stay.people:
            if person.active:
                _person_log(book, rng, stay, person, first=first, last=last, staff=staff)
        _staff_log(book, rng, stay, first=first, last=last, staff=staff)


def _person_log(book, rng, stay, person, *, first, last, staff):
    # A daily or twice-weekly caller is not logged every time: staff note the calls they see.
    every = max(person.every or 30, 5)
    slower = 0.35 if stay.quiet else 1.0
    day = first + timedelta(days=int(rng.random() * every))
    one = timedelta(days=1)
    while day < last:
        modes = person.modes
        mode = (
            modes[bisect.bisect(person.weights, rng.random() * person.weights[-1])]
            if len(modes) > 1
            else modes[0]
        )
        when = day
        if mode == Mode.IN_PERSON:
            weekday = day.weekday()
            if weekday < 5 and rng.random() < 0.45:
                when = day + timedelta(days=5 - weekday + (rng.random() < 0.5))
            hour, minute = rng.choice(WEEKEND_HOURS if when.weekday() >= 5 else HOURS[mode])
        else:
            hour, minute = rng.choice(HOURS[mode])
        if when < last:
            if mode == Mode.PHONE and rng.random() < 0.05:
                response = Response.UNAVAILABLE
            elif stay.quiet:
                response = rng.choices(
                    [Response.ACTIVE, Response.PASSIVE, Response.DISENGAGED], [40, 40, 20]
                )[0]
            else:
                response = Response.ACTIVE if rng.random() < 0.8 else Response.PASSIVE
            note = rng.choice(PERSON_NOTES[mode]) if rng.random() < 0.3 else ""
            book.log(
                when,
                hour,
                minute,
                [(stay, response, "")],
                with_whom=WithWhom.PERSON,
                mode=mode,
                person_id=person.id,
                note=note,
                logged_by_id=rng.choice(staff),
            )
            if mode == Mode.IN_PERSON:
                book.visits.append(LoggedVisit(stay, person, when, hour, minute))
        gap = every * rng.uniform(0.8, 1.6) / (slower * visiting_season(day))
        day += max(one, timedelta(days=round(gap)))


def _staff_log(book, rng, stay, *, first, last, staff):
    """One-to-ones with staff (about one a week; fewer for a quiet resident)
    and, now and then, tea with another resident."""
    per_week = 0.2 if stay.quiet else 0.25 + stay.sociable * 0.5
    day = first
    week = timedelta(days=7)
    while day < last:
        n = int(per_week) + (rng.random() < per_week % 1)
        for _ in range(n):
            when = day + timedelta(days=rng.randrange(7))
            if when >= last:
                continue
            member = rng.choice(staff)
            hour, minute = rng.choice(STAFF_HOURS)
            book.log(
                when,
                hour,
                minute,
                [(stay, Response.ACTIVE if rng.random() < 0.85 else Response.PASSIVE, "")],
                with_whom=WithWhom.STAFF,
                mode=Mode.IN_PERSON,
                staff_member_id=member,
                note=rng.choice(ONE_TO_ONES) if rng.random() < 0.5 else "",
                logged_by_id=member,
            )
        if not stay.quiet and rng.random() < 0.12 * stay.sociable:
            when = day + timedelta(days=rng.randrange(7))
            others = [s for s in book.present(when) if s is not stay] if when < last else []
            if others:
                book.log(
                    when,
                    15,
                    30,
                    [(stay, Response.ACTIVE, "")],
                    with_whom=WithWhom.RESIDENT,
                    mode=Mode.IN_PERSON,
                    other_resident_id=rng.choice(others).id,
                    note=rng.choice(TEA),
                    logged_by_id=rng.choice(staff),
                )
        day += week
