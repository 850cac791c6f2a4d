"""Demo history (``seed_demo --weeks W``): each home's volunteers and their
hours over the last W weeks, written with COPY (``homes.bulkload``).

Six volunteers a home (a befriender or two stops part-way, as people do):
befrienders matched to residents visit every week or fortnight on a set day
and time, each visit a shift logged with the time given, how it went, hours
confirmed by the co-ordinator and an entry on the resident's connection log
(``residents.demo.history.Book.log``); activity helpers give two hours a week
to the singing group. A match ends when the resident leaves or dies, or the
volunteer stops. The next four weeks' visits are planned, where the home's
history runs to today.
"""

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from homes.models import Membership, Role
from residents.demo.history import book_for
from residents.models import Connection, Response
from volunteers.models import Assignment, Shift, StatusChange, Volunteer, VolunteerRole

WEEKS_AHEAD = 4
# name, roles, interests in words, (weekday, time) for visits
PEOPLE = [
    ("Susan Ashby", "Befriender", "Reads the paper with people; loves a crossword.", (1, time(10, 30))),
    ("Raj Mistry", "Befriender", "Retired pharmacist; plays chess and dominoes.", (2, time(14, 0))),
    ("Helen Crowther", "Befriender", "Knits and chats; brings her dog Bramble.", (3, time(14, 30))),
    ("Tom Beckett", "Befriender", "Former postman; talks football and local history.", (4, time(10, 0))),
    ("Amira Hassan", "Activity helper", "Sings with a community choir.", (1, time(14, 0))),
    ("Gordon Ellis", "Activity helper", "Plays the piano for the singing group.", (1, time(14, 0))),
]
ROLES = {
    "Befriender": "Regular one-to-one visits: a chat, a hobby shared, a walk in the garden.",
    "Activity helper": "Helping with group activities: singing, quizzes, crafts and the garden club.",
}
VISIT_NOTES = [
    "Played dominoes; won two games each.",
    "Read the local paper together and did the crossword.",
    "A walk round the garden; looked at the bird feeders.",
    "Looked through old photographs of the town.",
    "Talked about football and the old days at the mill.",
    "Brought the dog: lots of smiles.",
    "Wrote a card together for a granddaughter's birthday.",
]
WHERE = ["In their room", "The café corner", "The garden room", "The lounge, by the window"]
LEFT_REASONS = ["Moved away to be near family.", "Started a new job and has no time in the week."]

VOLUNTEER_COLUMNS = [
    "home_id",
    "full_name",
    "email",
    "phone",
    "what_to_do",
    "over_16",
    "consent_to_checks",
    "status",
    "status_changed_at",
    "left_reason",
    "identity_checked_on",
    "identity_documents",
    "contact_id",
    "source",
    "applied_at",
    "created_at",
]
ASSIGNMENT_COLUMNS = [
    "home_id",
    "volunteer_id",
    "resident_id",
    "role_id",
    "weekday",
    "starts_at",
    "minutes",
    "every",
    "where_note",
    "starts_on",
    "ends_on",
    "reason",
    "created_by_id",
    "created_at",
    "ended_at",
    "ended_by_id",
    "end_reason",
]
SHIFT_COLUMNS = [
    "home_id",
    "volunteer_id",
    "assignment_id",
    "resident_id",
    "role_id",
    "title",
    "starts_at",
    "ends_at",
    "status",
    "status_note",
    "minutes_given",
    "response",
    "log_note",
    "logged_at",
    "logged_by_id",
    "hours_confirmed_at",
    "hours_confirmed_by_id",
    "connection_id",
    "created_by_id",
    "created_at",
]


def history(*, homes, weeks, today, load, **_):
    ids = [h.pk for h in homes]
    roles = {
        (home_id, name): pk
        for home_id, name, pk in VolunteerRole.objects.filter(home_id__in=ids).values_list(
            "home_id", "name", "id"
        )
    }
    taken = set(Volunteer.objects.filter(home_id__in=ids).values_list("home_id", "full_name"))
    contacts = {}
    for home_id, membership_id, user_id in (
        Membership.objects.filter(home_id__in=ids, role=Role.CHAMPION, is_active=True)
        .order_by("id")
        .values_list("home_id", "id", "user_id")
    ):
        contacts.setdefault(home_id, (membership_id, user_id))
    for home in homes:
        book = book_for(load, home)
        _home(book, random.Random(f"history-volunteers-{home.slug}"), roles, taken, contacts.get(home.pk))


def _role(book, roles, name):
    key = (book.home_id, name)
    if key not in roles:
        roles[key] = book.load.table(VolunteerRole, ["home_id", "name", "description", "created_at"]).add(
            book.home_id, name, ROLES[name], book.load.at(book.start - timedelta(days=420), 10, 0)
        )
    return roles[key]


def _home(book, rng, roles, taken, contact):
    load, home = book.load, book.home
    contact_membership, coordinator = contact or (None, book.manager_id)
    volunteers = load.table(Volunteer, VOLUNTEER_COLUMNS)
    volunteer_roles = load.table(Volunteer.roles.through, ["volunteer_id", "volunteerrole_id"])
    changes = load.table(
        StatusChange,
        ["home_id", "volunteer_id", "from_status", "to_status", "changed_at", "changed_by_id", "reason"],
    )
    window = (book.until - book.start).days
    for name, role_name, about, (weekday, at) in PEOPLE:
        if (home.pk, name) in taken:
            continue
        role_id = _role(book, roles, role_name)
        joined = book.start - timedelta(days=rng.randint(30, 400))
        stops = rng.random() < 0.25 and window > 120
        left_on = book.start + timedelta(days=rng.randint(window // 3, window - 30)) if stops else None
        reason = rng.choice(LEFT_REASONS) if stops else ""
        first, last = name.split(" ")
        applied_at = load.at(joined - timedelta(days=45), 11, 0)
        active_at = load.at(joined, 12, 0)
        volunteer_id = volunteers.add(
            home.pk,
            name,
            f"{first.lower()}.{last.lower()}@example.net",
            f"07700 900{rng.randint(100, 999)}",
            about,
            True,
            True,
            Volunteer.Status.LEFT if stops else Volunteer.Status.ACTIVE,
            load.at(left_on, 12, 0) if stops else active_at,
            reason,
            joined - timedelta(days=30),
            "Passport and a utility bill",
            contact_membership,
            Volunteer.Source.STAFF,
            applied_at,
            applied_at,
        )
        volunteer_roles.add(volunteer_id, role_id)
        changes.add(home.pk, volunteer_id, "", Volunteer.Status.APPLIED, applied_at, coordinator, "")
        changes.add(
            home.pk,
            volunteer_id,
            Volunteer.Status.APPLIED,
            Volunteer.Status.ACTIVE,
            active_at,
            coordinator,
            "",
        )
        if stops:
            changes.add(
                home.pk,
                volunteer_id,
                Volunteer.Status.ACTIVE,
                Volunteer.Status.LEFT,
                load.at(left_on, 12, 0),
                coordinator,
                reason,
            )
        who = Volunteering(
            id=volunteer_id,
            name=name,
            role_id=role_id,
            weekday=weekday,
            at=at,
            end=min(left_on or book.until, book.until),
            left_on=left_on,
            coordinator=coordinator,
        )
        (_befriending if role_name == "Befriender" else _helping)(book, rng, who)


@dataclass(frozen=True)
class Volunteering:
    """One volunteer's part in the history: their day and time, until when."""

    id: int
    name: str
    role_id: int
    weekday: int
    at: time
    end: date  # the last day of history for them (they stopped, or the history ends)
    left_on: date | None
    coordinator: int | None


def _befriending(book, rng, who):
    """Matches to residents, one after another (the resident leaves, or after
    a while someone else needs a visitor more), and their visits."""
    load, home = book.load, book.home
    volunteer_id, name, role_id, weekday, at = who.id, who.name, who.role_id, who.weekday, who.at
    end, left_on, coordinator = who.end, who.left_on, who.coordinator
    day = book.start + timedelta(days=(weekday - book.start.weekday()) % 7)
    # Visits are planned ahead only where the home's history runs to today.
    limit = end if (book.has_demo or left_on) else book.today + timedelta(weeks=WEEKS_AHEAD)
    while day < limit:
        candidates = book.present(day)
        if not candidates:
            day += timedelta(days=7)
            continue
        stay = rng.choices(candidates, [0.3 if s.quiet else 1.0 for s in candidates])[0]
        every = rng.choice([1, 1, 2])
        rematch = day + timedelta(days=rng.randint(180, 540))
        match_end = min(d for d in (stay.left_on, rematch, limit) if d is not None)
        ended = match_end < limit or left_on is not None
        if stay.left_on == match_end:
            why = f"{stay.short_name} no longer lives here."
        elif match_end == rematch:
            why = "Matched with someone who needed a visitor more; they still say hello."
        else:
            why = "The volunteer stopped volunteering."
        minutes = rng.choice([60, 60, 90])
        assignment_id = load.table(Assignment, ASSIGNMENT_COLUMNS).add(
            home.pk,
            volunteer_id,
            stay.id,
            role_id,
            weekday,
            at,
            minutes,
            every,
            rng.choice(WHERE),
            day,
            match_end if ended else None,
            f"{stay.short_name} enjoys company; {name.split(' ')[0]} is free then.",
            coordinator,
            load.at(day - timedelta(days=7), 10, 0),
            load.at(match_end, 17, 0) if ended else None,
            coordinator if ended else None,
            why if ended else "",
        )
        while day < match_end:
            _visit(book, rng, who, assignment_id=assignment_id, stay=stay, day=day, minutes=minutes)
            day += timedelta(weeks=every)
        day += timedelta(days=7)


def _visit(book, rng, who, *, assignment_id, stay, day, minutes):
    load = book.load
    volunteer_id, name, role_id, at, coordinator = who.id, who.name, who.role_id, who.at, who.coordinator
    starts_at = load.at(day, at.hour, at.minute)
    ends_at = starts_at + timedelta(minutes=minutes)
    past = day < book.until
    connection_id = None
    if past and rng.random() < 0.9:
        response = Response.ACTIVE if rng.random() < 0.8 else Response.PASSIVE
        note = rng.choice(VISIT_NOTES)
        connection_id = book.log(
            day,
            at.hour,
            at.minute,
            [(stay, response, "")],
            with_whom=Connection.WithWhom.VOLUNTEER,
            mode=Connection.Mode.IN_PERSON,
            with_name=name,
            note=note,
            logged_by_id=coordinator,
        )
        confirmed = day < book.today - timedelta(days=7) or rng.random() < 0.5
        values = (
            Shift.Status.DONE,
            "",
            minutes + rng.choice([-15, 0, 0, 0, 15, 30]),
            response,
            note,
            ends_at + timedelta(hours=2),
            coordinator,
            ends_at + timedelta(days=2) if confirmed else None,
            coordinator if confirmed else None,
        )
    elif past:
        values = (
            rng.choice([Shift.Status.DECLINED, Shift.Status.CANCELLED]),
            rng.choice(["Unwell", "On holiday", "The resident was in hospital"]),
            None,
            "",
            "",
            None,
            None,
            None,
            None,
        )
    else:
        planned = Shift.Status.CONFIRMED if day < book.today + timedelta(days=7) else Shift.Status.PLANNED
        values = (planned, "", None, "", "", None, None, None, None)
    status, status_note, given, response, note, logged_at, logged_by, confirmed_at, confirmed_by = values
    load.table(Shift, SHIFT_COLUMNS).add(
        book.home_id,
        volunteer_id,
        assignment_id,
        stay.id,
        role_id,
        "",
        starts_at,
        ends_at,
        status,
        status_note,
        given,
        response,
        note,
        logged_at,
        logged_by,
        confirmed_at,
        confirmed_by,
        connection_id,
        coordinator,
        starts_at - timedelta(days=7),
    )


def _helping(book, rng, who):
    """Two hours a week with the singing group: hours, no resident."""
    load = book.load
    volunteer_id, role_id, weekday, at, end = who.id, who.role_id, who.weekday, who.at, who.end
    coordinator = who.coordinator
    day = book.start + timedelta(days=(weekday - book.start.weekday()) % 7)
    while day < end:
        starts_at = load.at(day, at.hour, at.minute)
        came = rng.random() < 0.9
        confirmed = came and (day < book.today - timedelta(days=7) or rng.random() < 0.5)
        load.table(Shift, SHIFT_COLUMNS).add(
            book.home_id,
            volunteer_id,
            None,
            None,
            role_id,
            "Singing group",
            starts_at,
            starts_at + timedelta(hours=2),
            Shift.Status.DONE if came else Shift.Status.DECLINED,
            "" if came else "Away that week",
            120 if came else None,
            "",
            "",
            starts_at + timedelta(hours=3) if came else None,
            coordinator if came else None,
            starts_at + timedelta(days=2) if confirmed else None,
            coordinator if confirmed else None,
            None,
            coordinator,
            starts_at - timedelta(days=7),
        )
        day += timedelta(days=7)
