"""Who lived in each home over the history: its residents now and, room by
room before them, the people who moved out or died; each with a plan, two to
six people who matter, a key worker, plan reviews every six months (and the key
worker's reminder a week before each), and the demo relatives' links."""

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta

from homes.demo import email
from notifications.models import Channel, Reminder
from residents.demo import admissions, plans
from residents.demo.history.book import Person, Stay, ways_of
from residents.messages import PLAN_REVIEW_DUE, REMIND_AT_HOUR, REVIEW_NOTICE_DAYS
from residents.models import (
    KeyWorkerAssignment,
    PersonalPlan,
    PersonWhoMatters,
    PlanReview,
    RelativeLink,
    Resident,
)
from residents.selectors.plans import plan_snapshot

Status = Resident.Status
TURNOVER_A_YEAR = 0.3
QUIET_SHARE = 0.1
REVIEW_EVERY_DAYS = 182
LEAVING = [
    (Status.DIED, "Died peacefully at the home, with family there."),
    (Status.DIED, "Died in hospital after a short illness."),
    (Status.DIED, "Died peacefully in their sleep."),
    (Status.LEFT, "Moved to a nursing home closer to family."),
    (Status.LEFT, "Moved to a home with nursing care."),
    (Status.LEFT, "Went home with a care package."),
]
EXTRA_PEOPLE = [
    ("grandson", False, ("by_visit", "by_phone"), PersonWhoMatters.Frequency.MONTHLY),
    ("old friend", None, ("by_phone",), PersonWhoMatters.Frequency.FORTNIGHTLY),
    ("nephew", False, ("by_letter",), PersonWhoMatters.Frequency.NOW_AND_THEN),
    ("former neighbour", None, ("by_visit",), PersonWhoMatters.Frequency.MONTHLY),
    ("friend from church", None, ("by_visit", "by_letter"), PersonWhoMatters.Frequency.FORTNIGHTLY),
]
KEY_WORKERS = ("staff", "champion") + tuple(f"staff{n}" for n in range(2, 8))
RESIDENT_COLUMNS = [
    "home_id",
    "full_name",
    "preferred_name",
    "room",
    "unit",
    "admitted_on",
    "key_worker_id",
    "status",
    "left_on",
    "leaving_reason",
    "date_of_birth",
    "created_at",
]
PLAN_COLUMNS = [
    "home_id",
    "resident_id",
    *PersonalPlan.SNAPSHOT_FIELDS,
    "review_due_on",
    "updated_by_id",
    "updated_at",
]
PERSON_COLUMNS = [
    "home_id",
    "resident_id",
    "name",
    "relationship",
    "phone",
    "email",
    "by_visit",
    "by_phone",
    "by_video",
    "by_letter",
    "contact_every_days",
    "essential_care_supporter",
    "notes",
    "is_active",
    "created_at",
]
LINK_COLUMNS = [
    "home_id",
    "membership_id",
    "resident_id",
    "relationship",
    "person_id",
    "regular_visitor_approved_at",
    "regular_visitor_approved_by_id",
    "created_at",
]


@dataclass(frozen=True)
class Newcomer:
    """A resident the history writes: living here now, or who lived here before."""

    room: str
    unit: str
    admitted: date
    left: date | None
    status: str
    reason: str
    full_name: str
    preferred: str


@dataclass
class Writers:
    """The tables the residents' history writes, and what every home shares."""

    load: object
    interests: dict
    plan_type: int

    def __post_init__(self):
        table = self.load.table
        self.residents = table(Resident, RESIDENT_COLUMNS)
        self.plans = table(PersonalPlan, PLAN_COLUMNS)
        self.plan_interests = table(PersonalPlan.interests.through, ["personalplan_id", "interest_id"])
        self.people = table(PersonWhoMatters, PERSON_COLUMNS)
        self.key_workers = table(KeyWorkerAssignment, KEY_WORKER_COLUMNS)
        self.reviews = table(PlanReview, REVIEW_COLUMNS)
        self.reminders = table(Reminder, REMINDER_COLUMNS)


KEY_WORKER_COLUMNS = ["home_id", "resident_id", "key_worker_id", "started_on", "ended_on", "assigned_by_id"]
REVIEW_COLUMNS = [
    "home_id",
    "plan_id",
    "reviewed_on",
    "resident_took_part",
    "relatives_took_part",
    "key_worker_took_part",
    "others_took_part",
    "notes",
    "snapshot",
    "reviewed_by_id",
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
    "created_at",
]


def new_stay(rng, id_, *, full_name, preferred, admitted_on, left_on=None):
    quiet = rng.random() < QUIET_SHARE
    return Stay(
        id=id_,
        full_name=full_name,
        short_name=preferred or full_name.split(" ")[0],
        admitted_on=admitted_on,
        left_on=left_on,
        status=Status.CURRENT,
        key_worker_id=None,
        sociable=rng.uniform(0.05, 0.3) if quiet else rng.uniform(0.35, 1.0),
        quiet=quiet,
    )


def _stay_length(rng):
    """Days someone stays: about 30 % of residents leave in a year."""
    return max(21, int(rng.expovariate(TURNOVER_A_YEAR / 365)))


def who_lived_here(book, rng, living, count, *, taken):
    """Room by room, back from today: who lives there now (``count`` new
    residents, named as admit names them, when the home has none), then who
    lived there before and moved out or died. Returns the ``Newcomer``s to write."""
    home, today = book.home, book.today
    names = admissions.resident_names(count, random.Random(f"residents-{home.slug}"))
    rooms = []  # (room, unit, the day its resident now moved in)
    made = []
    if living:
        for n, row in enumerate(living):
            rooms.append((str(n + 1), admissions.UNITS[n % len(admissions.UNITS)], row[3]))
    else:
        for n, (full_name, preferred) in enumerate(names):
            room, unit = str(n + 1), admissions.UNITS[n % len(admissions.UNITS)]
            admitted = today - timedelta(days=min(_stay_length(rng), 2400))
            status = Status.HOSPITAL if n % 29 == 7 else Status.CURRENT
            made.append(Newcomer(room, unit, admitted, None, status, "", full_name, preferred))
            rooms.append((room, unit, admitted))
    # The people before them get the next names in admit's list, so no name is used twice.
    later = admissions.resident_names(len(names) + 20 * len(rooms), random.Random(f"residents-{home.slug}"))
    extra = iter(later[len(names) :])
    for room, unit, moved_in in rooms:
        next_in = moved_in
        while next_in > book.start:
            left = next_in - timedelta(days=rng.randint(3, 21))
            admitted = left - timedelta(days=_stay_length(rng))
            full_name, preferred = next(extra)
            while full_name in taken:
                full_name, preferred = next(extra)
            status, reason = rng.choice(LEAVING)
            made.append(Newcomer(room, unit, admitted, left, status, reason, full_name, preferred))
            next_in = admitted
    return made


def write_resident(book, rng, newcomer, *, n, accounts, writers):
    """One resident, their plan, their people and key worker. Returns the
    demo relatives' links to make: (membership id, stay, relationship, person id, email, slot)."""
    load, home, today = book.load, book.home, book.today
    key_worker_id = book.staff[n % len(book.staff)] if book.staff else None
    admitted, left = newcomer.admitted, newcomer.left
    born = admitted - timedelta(days=int(rng.uniform(70, 100) * 365.25))
    id_ = writers.residents.add(
        home.pk,
        newcomer.full_name,
        newcomer.preferred,
        newcomer.room,
        newcomer.unit,
        admitted,
        key_worker_id,
        newcomer.status,
        left,
        newcomer.reason,
        born if rng.random() < 0.6 else None,
        load.stamp(admitted, 10, 0),
    )
    stay = new_stay(
        rng,
        id_,
        full_name=newcomer.full_name,
        preferred=newcomer.preferred,
        admitted_on=admitted,
        left_on=left,
    )
    stay.status, stay.key_worker_id = newcomer.status, key_worker_id
    book.stays.append(stay)
    resident = Resident(
        pk=id_, home_id=home.pk, full_name=newcomer.full_name, preferred_name=newcomer.preferred
    )
    resident.key_worker_id, resident.admitted_on = key_worker_id, admitted
    mine = []  # (membership id, slot, (name, email, relationship, essential care supporter?))
    for membership_id, slot, name, address in accounts if left is None else []:
        relationship = "family friend" if slot == 9 else admissions.relationship_for(name, resident, slot)
        supporter = address.startswith("family@") and relationship in plans.CLOSE_FAMILY
        mine.append((membership_id, slot, (name, address, relationship, supporter)))
    plan, names, people = plans._plan_for(resident, rng, writers.interests, today, [m[2] for m in mine])
    people += _extra_people(resident, rng, len(people))
    if key_worker_id:
        writers.key_workers.add(home.pk, id_, key_worker_id, admitted, left, book.manager_id)
    links = []
    for person in people:
        person.pk = writers.people.add(
            home.pk,
            id_,
            person.name,
            person.relationship,
            person.phone,
            person.email,
            person.by_visit,
            person.by_phone,
            person.by_video,
            person.by_letter,
            person.contact_every_days,
            person.essential_care_supporter,
            person.notes,
            person.is_active,
            load.stamp(admitted, 11, 0),
        )
        kept = person_of(person)
        for membership_id, slot, (name, address, relationship, _) in mine:
            if name == person.name and relationship == person.relationship:
                kept.membership_id = membership_id
                links.append((membership_id, stay, relationship, person.pk, address, slot))
        stay.people.append(kept)
    # Reviewed every six months from six weeks after moving in; due again after the last.
    review_days = []
    day = admitted + timedelta(days=42)
    while day < min(left or today, book.until):
        if day >= book.start:
            review_days.append(day)
        day += timedelta(days=REVIEW_EVERY_DAYS + rng.randint(-10, 20))
    plan.review_due_on = day if left is None else None
    # Last written at the latest review (or soon after moving in).
    written = review_days[-1] if review_days else admitted + timedelta(days=rng.randint(3, 14))
    stay.plan_id = writers.plans.add(
        home.pk,
        id_,
        *[getattr(plan, name) for name in PersonalPlan.SNAPSHOT_FIELDS],
        plan.review_due_on,
        key_worker_id,
        load.stamp(min(written, today), 16, 0),
    )
    for name in dict.fromkeys(names):
        writers.plan_interests.add(stay.plan_id, writers.interests[name].pk)
    if review_days:
        snapshot = plan_snapshot(plan, interests=[writers.interests[x] for x in names], people=people)
        stay.reviews = (review_days, json.dumps(snapshot), [p.name for p in people], (names or ["music"])[0])
    return links


def write_reviews(book, rng, writers, addresses):
    """The plan reviews, each with the key worker's reminder a week before."""
    load, home = book.load, book.home
    for stay in book.stays:
        if stay.reviews is None:
            continue
        review_days, snapshot, names, interest = stay.reviews
        key_worker_id = stay.key_worker_id
        for reviewed_on in review_days:
            writers.reviews.add(
                home.pk,
                stay.plan_id,
                reviewed_on,
                rng.random() < 0.9,
                ", ".join(names[: rng.randint(0, 2)]),
                rng.random() < 0.85,
                rng.choice(["", "", "Activity co-ordinator", "Advocate"]),
                rng.choice(plans.AGREED).format(name=stay.short_name, interest=interest.lower()),
                snapshot,
                key_worker_id or rng.choice(book.staff),
                load.stamp(reviewed_on, 15, 0),
            )
            notice = reviewed_on - timedelta(days=REVIEW_NOTICE_DAYS)
            if key_worker_id and notice >= book.start:
                due = load.stamp(notice, REMIND_AT_HOUR, 0)
                writers.reminders.add(
                    home.pk,
                    PLAN_REVIEW_DUE.name,
                    Channel.EMAIL,
                    f"user:{key_worker_id}",
                    key_worker_id,
                    addresses.get(key_worker_id, ""),
                    writers.plan_type,
                    stay.plan_id,
                    due,
                    due,
                    load.stamp(reviewed_on + timedelta(days=31), REMIND_AT_HOUR, 0),
                    {"review_due_on": reviewed_on.isoformat()},
                    Reminder.Status.SENT,
                    1,
                    load.stamp(notice, REMIND_AT_HOUR, 1),
                    due,
                )


def person_of(p):
    modes, weights = ways_of(p)
    return Person(
        id=p.pk,
        name=p.name,
        relationship=p.relationship,
        modes=modes,
        weights=weights,
        every=p.contact_every_days,
        active=p.is_active,
    )


def _extra_people(resident, rng, have):
    """Two to six people who matter: the plans demo gives one to four."""
    want = max(2, min(6, have + rng.choice([0, 1, 1, 2])))
    surname = resident.full_name.split(" ")[-1]
    extra = []
    for relationship, is_woman, ways, every in rng.sample(EXTRA_PEOPLE, max(0, want - have)):
        woman = rng.random() < 0.6 if is_woman is None else is_woman
        first = rng.choice(plans.WOMEN_FIRST if woman else plans.MEN_FIRST)
        last = surname if relationship in ("grandson", "nephew") else rng.choice(plans.OTHER_SURNAMES)
        extra.append(
            PersonWhoMatters(
                home_id=resident.home_id,
                resident_id=resident.pk,
                name=f"{first} {last}",
                relationship=relationship,
                phone=f"07700 900{rng.randint(100, 999)}",
                contact_every_days=every,
                **{way: True for way in ways},
            )
        )
    return extra


def demo_accounts(by_email, home):
    """The demo family accounts linked to the new residents, as admit links
    them: {resident index: [(membership id, slot, name, email)]}; the main
    relative also follows the tenth resident, as a family friend (slot 9)."""
    found = {}
    for slot, local in enumerate(["family"] + [f"family{k}" for k in range(1, 9)] + ["family"]):
        row = by_email.get(email(local, home.slug))
        if row is not None:
            _, membership_id, _, _, address, full_name = row
            found.setdefault(slot, []).append((membership_id, slot, full_name, address))
    return found


def write_links(book, links):
    load, home = book.load, book.home
    writer = load.table(RelativeLink, LINK_COLUMNS)
    for membership_id, stay, relationship, person_id, address, slot in links:
        linked = max(stay.admitted_on + timedelta(days=2 + slot), book.start)
        approved = address.startswith(("family@", "family1@")) and slot < 9
        writer.add(
            home.pk,
            membership_id,
            stay.id,
            relationship,
            person_id,
            load.stamp(linked + timedelta(days=20), 10, 0) if approved else None,
            book.manager_id if approved else None,
            load.stamp(linked, 11, 0),
        )
