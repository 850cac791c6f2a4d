"""Demo history (``seed_demo --weeks W``): each home's programme over the
last W weeks, written with COPY (``homes.bulkload``).

A weekly programme (chair exercise, singing, reminiscence, the garden club
from March to October, a quiz, a film and a Sunday service), each date holding
its space as the programme's planner does, and outings that follow the
seasons: fortnightly in summer, now and then in spring and autumn, the
Christmas lights in December. Each past date has its attendance: residents
invited (a few would rather not), how it went for each, and the one group
entry on the connection log that recording attendance makes
(``residents.demo.history.Book.log``). About one date in fifty was
cancelled. More sociable residents come more often; quiet ones seldom.

A home with the demo's own programme gets its history only up to its first
logged day (``Book.until``): the weekly activities were taken off the
programme then. Every other home's programme goes on, with the next two
weeks' dates planned.
"""

import random
from dataclasses import dataclass
from datetime import time, timedelta

from community.models import Activity, Attendee, Occurrence
from homes.bulkload import NULL, copy_value
from homes.models import Space, SpaceHold
from residents.demo.connections import GROUP_SLOTS, PARTICIPANT_NOTES
from residents.demo.history import book_for
from residents.models import Connection, Response

K = Activity.Kind
WEEKS_AHEAD = 2
GROUP_NOTES = {name: notes for _, _, _, name, _, notes in GROUP_SLOTS}


@dataclass(frozen=True)
class Weekly:
    weekday: int
    title: str
    space: str
    starts: time
    ends: time
    description: str
    months: tuple = ()  # only in these months (all year when empty)
    nature: bool = False
    community: bool = False
    size: tuple = (5, 12)


PROGRAMME = [
    Weekly(
        0, "Chair exercise", "Lounge", time(10, 30), time(11, 15), "Gentle stretches to music, all seated."
    ),
    Weekly(1, "Singing group", "Lounge", time(14, 30), time(15, 30), "Old favourites round the piano."),
    Weekly(2, "Reminiscence group", "Garden room", time(14, 0), time(15, 0), "Memories, objects and photos."),
    Weekly(
        3,
        "Garden club",
        "Garden",
        time(10, 30),
        time(12, 0),
        "Potting, planting and the bird feeders.",
        months=(3, 4, 5, 6, 7, 8, 9, 10),
        nature=True,
        size=(3, 8),
    ),
    Weekly(4, "Afternoon tea and quiz", "Lounge", time(14, 0), time(15, 0), "Music and general knowledge."),
    Weekly(5, "Film afternoon", "Lounge", time(14, 30), time(16, 30), "A classic film with an interval."),
    Weekly(
        6,
        "Sunday service with St Mary’s church",
        "Lounge",
        time(10, 30),
        time(11, 15),
        "Hymns and prayers with the parish.",
        community=True,
        size=(4, 10),
    ),
]
NOTES = {
    "Chair exercise": [
        "Gentle stretches to music.",
        "Balloon volleyball at the end: great fun.",
        "Seated tai chi.",
    ],
    "Afternoon tea and quiz": GROUP_NOTES["Afternoon tea and quiz"],
    "Sunday service with St Mary’s church": GROUP_NOTES["Sunday service with St Mary’s church"],
    "Singing group": GROUP_NOTES["Singing group"],
    "Reminiscence group": GROUP_NOTES["Reminiscence group"],
    "Garden club": GROUP_NOTES["Garden club"],
    "Film afternoon": GROUP_NOTES["Film afternoon"],
}
# (title, months, address, transport, nature, how many go)
OUTINGS = [
    (
        "Fish and chips at the seaside",
        (6, 7, 8),
        "The promenade, Bridlington",
        Activity.Transport.TAXI,
        True,
        6,
    ),
    ("Garden centre and cake", (4, 5, 6, 9), "Riverside Garden Centre", Activity.Transport.TAXI, False, 6),
    ("Bluebell walk in the woods", (4, 5), "Hollin Wood car park", Activity.Transport.WALKING, True, 5),
    (
        "Pub lunch at the Red Lion",
        (3, 6, 7, 8, 10),
        "The Red Lion, Market Street",
        Activity.Transport.WALKING,
        False,
        6,
    ),
    ("Canal boat trip", (6, 7, 8), "Wharf Street moorings", Activity.Transport.TAXI, True, 6),
    ("Cream tea at the park café", (5, 7, 8, 9), "Victoria Park café", Activity.Transport.WALKING, True, 6),
]
CHRISTMAS = ("Christmas lights in town", "Market Square", Activity.Transport.TAXI)
CANCELLED = [
    "Cancelled: snow, and the roads were not safe.",
    "Cancelled: an outbreak of norovirus in the home.",
    "Cancelled: the leader was ill and nobody could cover.",
]
OUTING_NOTES = [
    "Everyone came back tired and happy.",
    "Lovely weather; ice creams all round.",
    "A bit chilly, but the tea warmed us up.",
]
RESPONSES = [Response.ACTIVE, Response.PASSIVE, Response.DISENGAGED, Response.DECLINED, Response.UNAVAILABLE]

ACTIVITY_COLUMNS = [
    "home_id",
    "title",
    "description",
    "kind",
    "space_id",
    "capacity",
    "nature",
    "wider_community",
    "repeats",
    "first_day",
    "last_day",
    "starts",
    "ends",
    "transport",
    "address",
    "on_public_programme",
    "created_by_id",
    "created_at",
    "ended_at",
]
OCCURRENCE_COLUMNS = [
    "home_id",
    "activity_id",
    "starts_at",
    "ends_at",
    "status",
    "hold_id",
    "confirmed_at",
    "cancelled_at",
    "cancelled_reason",
    "connection_id",
    "attendance_recorded_at",
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
    "released_at",
]
ATTENDEE_COLUMNS = [
    "home_id",
    "occurrence_id",
    "resident_id",
    "answer",
    "response",
    "note",
    "invited_by_id",
    "created_at",
]


def history(*, homes, weeks, today, load, **_):
    ids = [h.pk for h in homes]
    spaces = {}
    for space in Space.objects.filter(home_id__in=ids, is_active=True).only(
        "id", "home_id", "name", "buffer_minutes"
    ):
        spaces[(space.home_id, space.name)] = space
    load.calendar.add_existing(ids)
    for home in homes:
        _home(book_for(load, home), random.Random(f"history-community-{home.slug}"), spaces)


def _home(book, rng, spaces):
    load, home = book.load, book.home
    activities = load.table(Activity, ACTIVITY_COLUMNS)
    staff = book.staff or [None]
    ahead = book.today + timedelta(weeks=WEEKS_AHEAD) if not book.has_demo else book.until
    ended = book.has_demo
    for weekly in PROGRAMME:
        space = spaces.get((home.pk, weekly.space))
        if space is None:
            continue
        first = book.start + timedelta(days=(weekly.weekday - book.start.weekday()) % 7)
        last = book.until - timedelta(days=1)
        if first >= ahead:
            continue  # a history too short for this day of the week
        created_by = staff[0]
        activity_id = activities.add(
            home.pk,
            weekly.title,
            weekly.description,
            K.IN_HOME,
            space.pk,
            12,
            weekly.nature,
            weekly.community,
            Activity.Repeats.WEEKLY,
            first,
            last if ended else None,
            weekly.starts,
            weekly.ends,
            "",
            "",
            True,
            created_by,
            load.at(first - timedelta(days=10), 9, 0),
            load.at(book.until, 9, 0) if ended else None,
        )
        day = first
        while day < ahead:
            if not weekly.months or day.month in weekly.months:
                _date(book, rng, weekly, activity_id=activity_id, space=space, day=day)
            day += timedelta(days=7)
    _outings(book, rng)


def _hold(book, space, label, starts_at, ends_at, *, held_for=SpaceHold.HeldFor.ACTIVITY, released_at=None):
    """The space held for a date (None if something already holds it then)."""
    buffer = timedelta(minutes=space.buffer_minutes)
    blocked_from, blocked_until = starts_at - buffer, ends_at + buffer
    if not book.load.calendar.take(space.pk, blocked_from, blocked_until):
        return None
    return book.load.table(SpaceHold, HOLD_COLUMNS).add(
        book.home_id,
        space.pk,
        held_for,
        label,
        starts_at,
        ends_at,
        blocked_from,
        blocked_until,
        starts_at - timedelta(days=14),
        released_at,
    )


def _pick(book, rng, day, size):
    """``size`` residents living here on ``day``, the more sociable more likely."""
    present = book.present(day)
    if not present:
        return []
    chosen = {}
    for stay in rng.choices(present, [s.sociable for s in present], k=size * 2):
        chosen.setdefault(stay.id, stay)
        if len(chosen) == size:
            break
    return list(chosen.values())


def _response(rng, stay):
    roll = rng.random()
    if stay.quiet:
        weights = (0.25, 0.55, 0.75, 0.92)
    else:
        weights = (0.55 * stay.sociable + 0.25, 0.82, 0.89, 0.97)
    for response, limit in zip(RESPONSES, weights, strict=False):
        if roll < limit:
            return response
    return Response.UNAVAILABLE


def _date(book, rng, weekly, *, activity_id, space, day):
    load, home = book.load, book.home
    starts_at = load.at(day, weekly.starts.hour, weekly.starts.minute)
    ends_at = load.at(day, weekly.ends.hour, weekly.ends.minute)
    cancelled = rng.random() < 0.02
    cancelled_at = starts_at - timedelta(hours=rng.randint(2, 48)) if cancelled else None
    hold_id = _hold(book, space, weekly.title, starts_at, ends_at, released_at=cancelled_at)
    if hold_id is None and not cancelled:
        return  # the planner leaves out a date the space is already booked for
    past = day < book.until
    invited = _pick(book, rng, day, rng.randint(*weekly.size))
    connection_id = None
    rows = []
    if past and not cancelled and invited:
        for stay in invited:
            if rng.random() < 0.08:
                rows.append((stay, Attendee.Answer.NOT_COMING, "", ""))
                continue
            response = _response(rng, stay)
            note = rng.choice(PARTICIPANT_NOTES[response]) if rng.random() < 0.12 else ""
            rows.append((stay, Attendee.Answer.COMING, response, note))
        came = [(stay, response, note) for stay, _, response, note in rows if response]
        if came:
            connection_id = book.log(
                day,
                weekly.starts.hour,
                weekly.starts.minute,
                came,
                with_whom=Connection.WithWhom.COMMUNITY if weekly.community else Connection.WithWhom.GROUP,
                mode=Connection.Mode.GROUP_ACTIVITY,
                with_name=weekly.title,
                note=rng.choice(NOTES[weekly.title]),
                logged_by_id=rng.choice(book.staff) if book.staff else None,
            )
    elif not cancelled:
        rows = [
            (stay, rng.choice([Attendee.Answer.INVITED, Attendee.Answer.COMING]), "", "") for stay in invited
        ]
    occurrence_id = load.table(Occurrence, OCCURRENCE_COLUMNS).add(
        home.pk,
        activity_id,
        starts_at,
        ends_at,
        Occurrence.Status.CANCELLED if cancelled else Occurrence.Status.CONFIRMED,
        hold_id,
        starts_at - timedelta(days=14),
        cancelled_at,
        rng.choice(CANCELLED) if cancelled else "",
        connection_id,
        ends_at + timedelta(minutes=20) if connection_id else None,
    )
    _attendees(book, occurrence_id, rows, starts_at)


def _attendees(book, occurrence_id, rows, starts_at):
    writer = book.load.table(Attendee, ATTENDEE_COLUMNS)
    invited_at = copy_value(starts_at - timedelta(days=3))
    by = book.staff[0] if book.staff else NULL
    for stay, answer, response, note in rows:
        writer.add_text(
            f"{book.home_id}\t{occurrence_id}\t{stay.id}\t{answer}\t{response}\t{copy_value(note)}\t{by}\t{invited_at}"
        )


def _outings(book, rng):
    """Outings that follow the seasons, each its own activity (and date)."""
    day = book.start + timedelta(days=(2 - book.start.weekday()) % 7)  # Wednesdays
    last = book.until if book.has_demo else book.today + timedelta(weeks=WEEKS_AHEAD)
    while day < last:
        month = day.month
        choices = [o for o in OUTINGS if month in o[1]]
        if month == 12 and 8 <= day.day <= 21:
            title, address, transport = CHRISTMAS
            if rng.random() < 0.6:
                _outing(book, rng, day, (title, address, transport, False, 8))
        elif choices:
            title, _, address, transport, nature, places = rng.choice(choices)
            if rng.random() < (0.5 if month in (6, 7, 8) else 0.25):
                _outing(book, rng, day, (title, address, transport, nature, places))
        day += timedelta(days=7)


def _outing(book, rng, day, outing):
    """One outing: (title, address, transport, nature?, places)."""
    title, address, transport, nature, places = outing
    load, home = book.load, book.home
    starts_at, ends_at = load.at(day, 10, 30), load.at(day, 14, 30)
    staff = book.staff[0] if book.staff else None
    activity_id = load.table(Activity, ACTIVITY_COLUMNS).add(
        home.pk,
        title,
        "An outing chosen with the residents.",
        K.OUTING,
        None,
        places,
        nature,
        False,
        Activity.Repeats.ONCE,
        day,
        None,
        time(10, 30),
        time(14, 30),
        transport,
        address,
        False,
        staff,
        starts_at - timedelta(days=21),
        None,
    )
    invited = _pick(book, rng, day, places)
    past = day < book.until
    connection_id = None
    rows = []
    if past and invited:
        came = []
        for stay in invited:
            response = Response.ACTIVE if rng.random() < 0.8 else Response.PASSIVE
            rows.append((stay, Attendee.Answer.COMING, response, ""))
            came.append((stay, response, ""))
        connection_id = book.log(
            day,
            10,
            30,
            came,
            with_whom=Connection.WithWhom.GROUP,
            mode=Connection.Mode.OUTING,
            with_name=title,
            note=rng.choice(OUTING_NOTES),
            logged_by_id=staff,
        )
    else:
        rows = [(stay, Attendee.Answer.COMING, "", "") for stay in invited]
    occurrence_id = load.table(Occurrence, OCCURRENCE_COLUMNS).add(
        home.pk,
        activity_id,
        starts_at,
        ends_at,
        Occurrence.Status.CONFIRMED,
        None,
        starts_at - timedelta(days=7),
        None,
        "",
        connection_id,
        ends_at + timedelta(minutes=30) if connection_id else None,
    )
    _attendees(book, occurrence_id, rows, starts_at)
