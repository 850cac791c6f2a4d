"""The residents' history of one home, for every generator of the run: who
lived here when, the people who matter to them, the in-person visits logged,
and ``Book.log``, which writes an entry on the connection log (with each
resident's part) for whichever app made it."""

import itertools
from dataclasses import dataclass, field
from datetime import date

from homes.bulkload import NULL, copy_value
from residents.models import MEANINGFUL_RESPONSES, Connection, ConnectionParticipant

KEY = "residents"  # where the run's books are kept in ``load.context``
Mode = Connection.Mode

WAYS = [
    ("by_visit", Mode.IN_PERSON),
    ("by_phone", Mode.PHONE),
    ("by_video", Mode.VIDEO),
    ("by_letter", Mode.LETTER),
]
WAY_WEIGHT = {Mode.IN_PERSON: 1.0, Mode.PHONE: 1.0, Mode.VIDEO: 0.5, Mode.LETTER: 0.3}


@dataclass(slots=True, eq=False)
class Person:
    id: int
    name: str
    relationship: str
    modes: tuple
    weights: tuple  # cumulative
    every: int | None
    active: bool = True
    membership_id: int | None = None  # a demo family account that is this person


@dataclass(slots=True, eq=False)
class Stay:
    """A resident's time in the home."""

    id: int
    full_name: str
    short_name: str
    admitted_on: date
    left_on: date | None
    status: str
    key_worker_id: int | None
    sociable: float
    quiet: bool
    people: list = field(default_factory=list)
    plan_id: int | None = None
    reviews: tuple | None = None  # (days, snapshot, people's names, first interest)

    def here_on(self, day):
        return self.admitted_on <= day and (self.left_on is None or day < self.left_on)


@dataclass(slots=True, eq=False)
class LoggedVisit:
    """An in-person visit logged from someone who matters (visits books some)."""

    stay: Stay
    person: Person
    day: date
    hour: int
    minute: int


@dataclass(eq=False)
class Book:
    """One home's history so far, for the generators that come after."""

    home: object
    start: date  # the first day of history
    until: date  # history is before this day (today, or the demo's own log)
    today: date
    load: object
    staff: list  # user ids of care staff (key workers, loggers)
    staff_memberships: list  # (membership id, user id)
    manager_id: int | None
    stays: list = field(default_factory=list)
    visits: list = field(default_factory=list)
    meaningful: dict = field(default_factory=dict)  # stay id -> {week number: count}
    _present: dict = field(default_factory=dict)
    _writers: tuple | None = None

    def __post_init__(self):
        self.home_id = self.home.pk

    @property
    def has_demo(self):
        return self.until < self.today

    def week_of(self, day):
        return (day - self.start).days // 7

    def present(self, day):
        """The residents living here on ``day`` (hospital stays included)."""
        found = self._present.get(day)
        if found is None:
            found = self._present[day] = [s for s in self.stays if s.here_on(day)]
        return found

    def log(
        self,
        day,
        hour,
        minute,
        participants,
        *,
        with_whom,
        mode,
        person_id=None,
        other_resident_id=None,
        staff_member_id=None,
        with_name="",
        note="",
        logged_by_id=None,
    ):
        """One entry on the connection log: ``participants`` is [(stay, response, note)]."""
        if self._writers is None:
            self._writers = (
                self.load.table(Connection, CONNECTION_COLUMNS),
                self.load.table(ConnectionParticipant, PARTICIPANT_COLUMNS),
            )
        connections, parts = self._writers
        when = self.load.stamp(day, hour, minute)
        home_id = self.home_id
        null = NULL
        person = null if person_id is None else person_id
        other = null if other_resident_id is None else other_resident_id
        staff = null if staff_member_id is None else staff_member_id
        logged_by = null if logged_by_id is None else logged_by_id
        connection_id = connections.add_text(
            f"{home_id}\t{when}\t{with_whom}\t{mode}\t{_text(with_name)}\t{_text(note)}\t"
            f"{person}\t{other}\t{staff}\t{logged_by}\t{when}"
        )
        week = (day - self.start).days // 7
        meaningful = self.meaningful
        for stay, response, said in participants:
            parts.add_text(f"{home_id}\t{connection_id}\t{stay.id}\t{response}\t{_text(said)}\t{when}")
            if response in MEANINGFUL_RESPONSES:
                counts = meaningful.get(stay.id)
                if counts is None:
                    counts = meaningful[stay.id] = {}
                counts[week] = counts.get(week, 0) + 1
        return connection_id


def _text(value):
    return copy_value(value) if value else ""


CONNECTION_COLUMNS = [
    "home_id",
    "occurred_at",
    "with_whom",
    "mode",
    "with_name",
    "note",
    "person_id",
    "other_resident_id",
    "staff_member_id",
    "logged_by_id",
    "created_at",
]
PARTICIPANT_COLUMNS = ["home_id", "connection_id", "resident_id", "response", "note", "occurred_at"]


def book_for(load, home):
    """The home's ``Book``, made by this module's ``history`` (earlier in the run)."""
    return load.context[KEY][home.pk]


def ways_of(person):
    """The ways a person keeps in touch, and their cumulative weights (for ``bisect``)."""
    modes = tuple(mode for flag, mode in WAYS if getattr(person, flag)) or (Mode.PHONE,)
    return modes, tuple(itertools.accumulate(WAY_WEIGHT[m] for m in modes))
