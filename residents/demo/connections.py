"""Demo connection log: a quarter (13 weeks) of believable entries for a home,
so the outcomes dashboard's 12-week trends have something in every week.

Group activities (singing, chair exercise, reminiscence, garden club, a church
service) with mixed responses; calls, video calls, letters and visits with the
people who matter (from the plans demo, which runs first); one-to-ones with
staff; a befriender's visits. A few residents are deliberately left quiet for
ten days or more, and a few people who matter are left overdue, so the
worklist shows something real. Idempotent (a home that already has
connections is left alone) and bulk, with a cap on entries per resident.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone

from residents.models import Connection, ConnectionParticipant, PersonWhoMatters, Resident, Response

DAYS = 91
QUIET_FOR_DAYS = 10
# Per resident, at most this many entries with people who matter (a daily
# caller would otherwise fill the log).
PERSON_ENTRIES_CAP = 26

WithWhom = Connection.WithWhom
Mode = Connection.Mode

# (weekday, hour, minute, name, with whom, group notes)
GROUP_SLOTS = [
    (
        0,
        14,
        30,
        "Singing group",
        WithWhom.GROUP,
        [
            "Old favourites: “We’ll Meet Again” and “Daisy Bell”.",
            "Songs from the musicals, with shakers and tambourines.",
            "Sang along to the piano; lots of smiles.",
        ],
    ),
    (
        1,
        10,
        30,
        "Chair exercise",
        WithWhom.GROUP,
        ["Gentle stretches to music.", "Balloon volleyball at the end: great fun.", "Seated tai chi."],
    ),
    (
        2,
        14,
        0,
        "Reminiscence group",
        WithWhom.GROUP,
        [
            "Seaside holidays: postcards, a bucket and spade, and stories of Blackpool.",
            "School days: slates, ink wells and the cane.",
            "Washday: the mangle and the dolly tub came out.",
            "Dance halls and first dates.",
        ],
    ),
    (
        3,
        10,
        30,
        "Garden club",
        WithWhom.GROUP,
        [
            "Potted up sweet peas in the greenhouse.",
            "Filled the bird feeders and watched the blue tits.",
            "Planted bulbs in the raised beds.",
        ],
    ),
    (
        4,
        14,
        0,
        "Afternoon tea and quiz",
        WithWhom.GROUP,
        ["Music quiz: name that tune.", "General knowledge quiz; the garden wing won."],
    ),
    (
        5,
        14,
        30,
        "Film afternoon",
        WithWhom.GROUP,
        ["“Brief Encounter”, with ice creams at the interval.", "“The Sound of Music”: everyone sang."],
    ),
    (
        6,
        10,
        30,
        "Sunday service with St Mary’s church",
        WithWhom.COMMUNITY,
        ["Hymns and communion with Reverend Clarke.", "Harvest hymns; the choir joined us."],
    ),
]

PARTICIPANT_NOTES = {
    Response.ACTIVE: [
        "Sang every word.",
        "Told everyone about her wedding day.",
        "Laughed a lot; asked when the next one is.",
        "Helped hand round the tea.",
        "Shared stories about working at the mill.",
    ],
    Response.PASSIVE: [
        "Tapped along to the music.",
        "Watched and smiled.",
        "Listened closely; nodded along.",
    ],
    Response.DISENGAGED: [
        "Dozed off after ten minutes.",
        "Seemed distracted; wanted to go back to the room.",
    ],
    Response.DECLINED: ["Preferred to stay in the room today.", "Said no thank you; tired after lunch."],
    Response.UNAVAILABLE: ["Asleep when it started.", "Having a hair appointment."],
}

ONE_TO_ONES = [
    "Hand massage and a chat about family.",
    "Looked through the photo album together.",
    "A walk round the garden.",
    "Nails painted and a natter.",
    "Read the local paper together.",
    "Played dominoes.",
    "Helped write a birthday card for a grandchild.",
]

PERSON_NOTES = {
    Mode.PHONE: ["A good long chat.", "Caught up on family news.", "Short call; a bit tired."],
    Mode.VIDEO: ["Saw the new baby on the tablet.", "Video call on the home's tablet, with support."],
    Mode.IN_PERSON: ["Visited with the dog.", "Came for lunch.", "Took a walk to the café corner."],
    Mode.LETTER: ["A card arrived; read it together.", "Photos from the holiday in the post."],
}

MODES_BY_WAY = [
    ("by_visit", Mode.IN_PERSON),
    ("by_phone", Mode.PHONE),
    ("by_video", Mode.VIDEO),
    ("by_letter", Mode.LETTER),
]


@dataclass
class Entry:
    days_ago: int
    hour: int
    minute: int
    with_whom: str
    mode: str
    logged_by: object
    participants: list = field(default_factory=list)  # (resident, response, note)
    with_name: str = ""
    person: object = None
    other_resident: object = None
    staff_member: object = None
    note: str = ""


def _response(rng):
    return rng.choices(
        [Response.ACTIVE, Response.PASSIVE, Response.DISENGAGED, Response.DECLINED, Response.UNAVAILABLE],
        weights=[55, 25, 7, 9, 4],
    )[0]


def _participant_note(rng, response):
    return rng.choice(PARTICIPANT_NOTES[response]) if rng.random() < 0.18 else ""


class _Log:
    """The entries being built, and each resident's latest meaningful day."""

    def __init__(self, today, quiet):
        self.today = today
        self.quiet = quiet
        self.entries = []
        self.last_meaningful = {}

    def allowed(self, resident, days_ago):
        return not (resident.pk in self.quiet and days_ago < QUIET_FOR_DAYS)

    def add(self, entry):
        if not entry.participants:
            return
        for resident, response, _ in entry.participants:
            if response in (Response.ACTIVE, Response.PASSIVE):
                best = self.last_meaningful.get(resident.pk)
                self.last_meaningful[resident.pk] = (
                    min(best, entry.days_ago) if best is not None else entry.days_ago
                )
        self.entries.append(entry)


def _groups(log, living, staff, rng):
    sociable = {r.pk: rng.uniform(0.3, 1.0) for r in living}
    sessions = max(1, math.ceil(len(living) / 40))
    for days_ago in range(1, DAYS + 1):
        weekday = (log.today - timedelta(days=days_ago)).weekday()
        for slot_day, hour, minute, name, with_whom, notes in GROUP_SLOTS:
            if slot_day != weekday:
                continue
            for _ in range(sessions):
                size = rng.randint(4, 12)
                picked = []
                for r in rng.choices(living, weights=[sociable[r.pk] for r in living], k=size * 2):
                    if r not in picked:
                        picked.append(r)
                participants = []
                for r in picked[:size]:
                    if log.allowed(r, days_ago):
                        response = _response(rng)
                    elif rng.random() < 0.5:
                        response = Response.DECLINED  # invited, but said no
                    else:
                        continue
                    participants.append((r, response, _participant_note(rng, response)))
                log.add(
                    Entry(
                        days_ago=days_ago,
                        hour=hour,
                        minute=minute,
                        with_whom=with_whom,
                        mode=Mode.GROUP_ACTIVITY,
                        with_name=name,
                        note=rng.choice(notes),
                        logged_by=rng.choice(staff),
                        participants=participants,
                    )
                )


def _people(log, people, staff, rng, overdue):
    per_resident = {}
    for person in people:
        ways = [mode for flag, mode in MODES_BY_WAY if getattr(person, flag)] or [Mode.PHONE]
        every = person.contact_every_days or rng.choice([14, 21, 30])
        if person.pk in overdue:
            last = every + rng.randint(3, 9)
        else:
            last = rng.randint(1, max(1, min(every, 6)))
        days = []
        day = last
        while day <= DAYS and len(days) < PERSON_ENTRIES_CAP:
            days.append(day)
            day += max(1, every + rng.randint(-1, 2))
        for days_ago in days:
            if not log.allowed(person.resident, days_ago):
                continue
            count = per_resident.get(person.resident_id, 0)
            if count >= PERSON_ENTRIES_CAP * 2:
                break
            per_resident[person.resident_id] = count + 1
            mode = rng.choice(ways)
            response = (
                Response.UNAVAILABLE
                if mode == Mode.PHONE and rng.random() < 0.05
                else rng.choices([Response.ACTIVE, Response.PASSIVE], weights=[80, 20])[0]
            )
            log.add(
                Entry(
                    days_ago=days_ago,
                    hour=rng.choice([11, 15, 16, 18]) if mode != Mode.LETTER else 10,
                    minute=rng.choice([0, 15, 30, 45]),
                    with_whom=WithWhom.PERSON,
                    mode=mode,
                    person=person,
                    note=rng.choice(PERSON_NOTES[mode]) if rng.random() < 0.5 else "",
                    logged_by=rng.choice(staff),
                    participants=[(person.resident, response, "")],
                )
            )


def _one_to_one(log, resident, staff, rng, days_ago):
    member = rng.choice(staff)
    log.add(
        Entry(
            days_ago=days_ago,
            hour=rng.choice([10, 11, 15, 16]),
            minute=rng.choice([0, 20, 40]),
            with_whom=WithWhom.STAFF,
            mode=Mode.IN_PERSON,
            staff_member=member,
            note=rng.choice(ONE_TO_ONES),
            logged_by=member,
            participants=[(resident, rng.choices([Response.ACTIVE, Response.PASSIVE], [85, 15])[0], "")],
        )
    )


def _one_to_ones_and_friends(log, living, staff, rng):
    for resident in living:
        for _ in range(rng.randint(DAYS // 35, DAYS // 12)):  # one to three every five weeks
            days_ago = rng.randint(1, DAYS)
            if log.allowed(resident, days_ago):
                _one_to_one(log, resident, staff, rng, days_ago)
    # Residents who enjoy each other's company; a befriender's weekly visits.
    for resident in rng.sample(living, k=min(len(living), max(2, len(living) // 8))):
        other = rng.choice(living)
        days_ago = rng.randint(1, DAYS)
        if other != resident and log.allowed(resident, days_ago):
            log.add(
                Entry(
                    days_ago=days_ago,
                    hour=15,
                    minute=30,
                    with_whom=WithWhom.RESIDENT,
                    mode=Mode.IN_PERSON,
                    other_resident=other,
                    note="Tea together in the café corner.",
                    logged_by=rng.choice(staff),
                    participants=[(resident, Response.ACTIVE, "")],
                )
            )
    befriended = rng.sample(living, k=min(len(living), max(1, len(living) // 15)))
    for resident in befriended:
        for days_ago in range(rng.randint(1, 7), DAYS + 1, 7):
            if log.allowed(resident, days_ago):
                log.add(
                    Entry(
                        days_ago=days_ago,
                        hour=14,
                        minute=0,
                        with_whom=WithWhom.VOLUNTEER,
                        mode=Mode.IN_PERSON,
                        with_name="Beryl Hutchins (befriender)",
                        note=rng.choice(
                            ["Played cards.", "Read poetry together.", "Chatted about the war years."]
                        ),
                        logged_by=rng.choice(staff),
                        participants=[(resident, Response.ACTIVE, "")],
                    )
                )


def seed(*, home, residents, staff, today, rng):
    if not staff or Connection.objects.for_home(home).exists():
        return
    living = [r for r in residents if r.status == Resident.Status.CURRENT]
    if not living:
        return
    # A few people left quiet on purpose (not the first ten, whom the demo
    # relatives follow), so the worklist has someone to show.
    candidates = living[10:] or living
    quiet = {r.pk for r in rng.sample(candidates, k=min(len(candidates), 4 + len(living) // 100))}
    people = list(
        PersonWhoMatters.objects.for_home(home)
        .filter(is_active=True, resident__status=Resident.Status.CURRENT)
        .select_related("resident")
        .order_by("pk")
    )
    regular = [p for p in people if p.contact_every_days and p.contact_every_days <= 30]
    overdue = {p.pk for p in rng.sample(regular, k=min(len(regular), 3 + len(living) // 50))}

    log = _Log(today, quiet)
    _groups(log, living, staff, rng)
    _people(log, people, staff, rng, overdue)
    _one_to_ones_and_friends(log, living, staff, rng)
    # Everyone else has had something meaningful in the last few days.
    for resident in living:
        if resident.pk in quiet:
            continue
        last = log.last_meaningful.get(resident.pk)
        if last is None or last > 5:
            _one_to_one(log, resident, staff, rng, rng.randint(1, 4))
    # Quiet residents: their last meaningful connection was a while ago.
    for resident in living:
        if resident.pk in quiet and resident.pk not in log.last_meaningful:
            _one_to_one(log, resident, staff, rng, rng.randint(QUIET_FOR_DAYS + 1, 20))

    _save(home, today, log.entries)


def _save(home, today, entries):
    def when(entry):
        day = today - timedelta(days=entry.days_ago)
        return timezone.make_aware(datetime.combine(day, time(entry.hour, entry.minute)))

    connections = [
        Connection(
            home=home,
            occurred_at=when(e),
            with_whom=e.with_whom,
            mode=e.mode,
            with_name=e.with_name,
            person=e.person,
            other_resident=e.other_resident,
            staff_member=e.staff_member,
            note=e.note,
            logged_by=e.logged_by,
        )
        for e in entries
    ]
    Connection.objects.bulk_create(connections, batch_size=1000)
    ConnectionParticipant.objects.bulk_create(
        [
            ConnectionParticipant(
                home=home,
                connection=c,
                resident=resident,
                response=response,
                note=note,
                occurred_at=c.occurred_at,
            )
            for c, e in zip(connections, entries, strict=True)
            for resident, response, note in e.participants
        ],
        batch_size=2000,
    )
