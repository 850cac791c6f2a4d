"""The weekly connection figures agree with counts made independently over the
raw rows, and with answers worked out by hand; they take a fixed number of
queries for any number of homes and weeks."""

import random
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from community.models import Attendee, Occurrence
from community.tests.factories import ActivityFactory, AttendeeFactory, OccurrenceFactory
from evaluation import standing
from evaluation.figures import BANDS, FAMILY_PATTERN, band_of, monday_of, weekly_figures, weeks_ending
from homes.tests.factories import HomeFactory
from residents.models import (
    MEANINGFUL_RESPONSES,
    Connection,
    ConnectionParticipant,
    LonelinessMeasure,
    Resident,
    Response,
)
from residents.tests.factories import (
    ConnectionFactory,
    ConnectionParticipantFactory,
    LonelinessMeasureFactory,
    PersonWhoMattersFactory,
    ResidentFactory,
)

WEEKS = weeks_ending(date(2026, 7, 1), 4)  # Mondays 15, 22, 29 June (BST) and... up to 29 June


def connection_figures(figures):
    """The figures of this file (how things stood is ``test_standing``'s), without the week."""
    data = figures.as_dict()
    for key in ("week", "standing", "standing_final"):
        data.pop(key)
    return data


def at(day, hour=11, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def log(
    resident, when, *, response=Response.ACTIVE, with_whom=Connection.WithWhom.GROUP, mode=None, person=None
):
    connection = ConnectionFactory(
        home=resident.home,
        occurred_at=when,
        with_whom=with_whom,
        mode=mode or Connection.Mode.GROUP_ACTIVITY,
        person=person,
        with_name="" if person else "Singing group",
    )
    return ConnectionParticipantFactory(resident=resident, connection=connection, response=response)


def happening(activity, when, *, cancelled=False):
    extra = {
        "status": Occurrence.Status.CANCELLED,
        "cancelled_at": timezone.now(),
        "cancelled_reason": "Rain",
    }
    return OccurrenceFactory(
        activity=activity, starts_at=when, ends_at=when + timedelta(hours=1), **(extra if cancelled else {})
    )


def test_weeks_run_monday_to_sunday_home_time():
    assert WEEKS == [date(2026, 6, 8), date(2026, 6, 15), date(2026, 6, 22), date(2026, 6, 29)]
    assert monday_of(date(2026, 6, 28)) == date(2026, 6, 22)
    assert [band_of(n) for n in (0, 1, 4, 5, 9, 10, 40)] == [
        "none",
        "1–4",
        "1–4",
        "5–9",
        "5–9",
        "10 or more",
    ] + ["10 or more"]


def test_the_figures_worked_out_by_hand(db):
    home = HomeFactory()
    ada = ResidentFactory(home=home, full_name="Ada", admitted_on=date(2025, 1, 6))
    ben = ResidentFactory(home=home, full_name="Ben", admitted_on=date(2026, 6, 17))  # moves in in week 2
    cas = Resident.objects.create(
        home=home,
        full_name="Cas",
        room="9",
        admitted_on=date(2024, 3, 1),
        status=Resident.Status.DIED,
        left_on=date(2026, 6, 16),  # dies in week 2
    )
    daughter = PersonWhoMattersFactory(resident=ada, relationship="Daughter-in-law")
    neighbour = PersonWhoMattersFactory(resident=ada, relationship="old neighbour")
    week1, week2 = WEEKS[0], WEEKS[1]
    # Week 1: Ada has 5 meaningful connections (a visit from her daughter, a video call
    # with her neighbour, 3 groups); Cas declines.
    log(ada, at(week1), with_whom=Connection.WithWhom.PERSON, mode=Connection.Mode.IN_PERSON, person=daughter)
    log(
        ada,
        at(week1 + timedelta(days=1)),
        with_whom=Connection.WithWhom.PERSON,
        mode=Connection.Mode.VIDEO,
        person=neighbour,
    )
    for day in range(3):
        log(ada, at(week1 + timedelta(days=2 + day)))
    log(cas, at(week1 + timedelta(days=2)), response=Response.DECLINED)
    # Sunday 28 June 23:30 BST is 22:30 UTC: still week 3, home time.
    log(ben, timezone.make_aware(datetime(2026, 6, 28, 23, 30)), response=Response.PASSIVE)
    # A struck-out entry counts nowhere.
    wrong = log(ben, at(week2 + timedelta(days=3)))
    Connection.objects.for_home(home).filter(pk=wrong.connection_id).update(
        struck_out_at=timezone.now(), struck_out_reason="Logged for the wrong person"
    )
    # Another home's rows count nowhere here.
    log(ResidentFactory(home=HomeFactory()), at(week1))

    # Week 1: the nursery visit (intergenerational) with Ada taking part and Cas declining;
    # a cancelled garden morning counts for nothing.
    nursery = happening(ActivityFactory(home=home, intergenerational=True), at(week1 + timedelta(days=3)))
    AttendeeFactory(occurrence=nursery, resident=ada, response=Response.ACTIVE)
    AttendeeFactory(occurrence=nursery, resident=cas, response=Response.DECLINED)
    garden = happening(ActivityFactory(home=home, nature=True), at(week1 + timedelta(days=4)), cancelled=True)
    AttendeeFactory(occurrence=garden, resident=ada, response=Response.ACTIVE)

    # Loneliness: Ada said "often or always" in week 1 (score 8), after an answer of last year
    # that no longer counts; Ben answered in week 3 (score 4).
    often = LonelinessMeasure.Direct.OFTEN_ALWAYS
    LonelinessMeasureFactory(resident=ada, recorded_on=date(2025, 6, 1), direct=often)
    LonelinessMeasureFactory(
        resident=ada,
        recorded_on=week1 + timedelta(days=1),
        direct=often,
        lack_companionship=3,
        left_out=3,
        isolated=2,
    )
    LonelinessMeasureFactory(resident=ben, recorded_on=WEEKS[2], lack_companionship=2, left_out=1, isolated=1)

    figures = weekly_figures([home.pk], WEEKS)[home.pk]
    one, two, three, four = (figures[w] for w in WEEKS)
    assert (one.loneliness["asked"], one.loneliness["often_always"]) == (1, 1)
    assert one.loneliness["scores"] == {"3": 0, "4": 0, "5": 0, "6": 0, "7": 0, "8": 1, "9": 0}
    assert (three.loneliness["asked"], three.loneliness["often_always"], three.loneliness["scores"]["4"]) == (
        2,
        1,
        1,
    )
    assert one.activities == {
        "held": 1,
        "intergenerational": 1,
        "nature": 0,
        "places_taken": 1,
        "residents_taking_part": 1,
    }
    assert two.activities["held"] == 0
    assert (one.living, two.living, three.living, four.living) == (2, 3, 2, 2)  # Ada+Cas; +Ben; Cas gone
    assert (one.meaningful_7d, one.meaningful_14d) == (1, 1)
    assert one.bands == {"none": 1, "1–4": 0, "5–9": 1, "10 or more": 0}
    assert (two.meaningful_7d, two.meaningful_14d) == (0, 1)  # Ada's week 1 is within 14 days
    assert two.bands == {"none": 3, "1–4": 0, "5–9": 0, "10 or more": 0}
    assert (three.meaningful_7d, three.bands["1–4"]) == (1, 1)  # Ben's Sunday-night entry
    assert four.meaningful_14d == 1 and four.meaningful_7d == 0
    assert one.by_kind == {
        "family": 1,
        "friend": 1,
        "peer": 0,
        "staff": 0,
        "volunteer": 0,
        "community": 0,
        "group": 4,
        "virtual": 1,
    }
    assert one.visits == {"in_person": 1, "phone": 0, "video": 1, "letter": 0, "outing": 0}
    assert one.share(one.meaningful_7d) == 50 and one.per_resident(sum(one.by_kind.values()) - 1) == 3.0


def _independent_counts(home, weeks):
    """The same figures, counted the plain way: every row, one by one, in Python."""
    import re

    local = timezone.get_current_timezone()
    parts = list(
        ConnectionParticipant.objects.for_home(home).select_related("connection", "connection__person")
    )
    occurrences = list(Occurrence.objects.for_home(home).select_related("activity"))
    measures = list(LonelinessMeasure.objects.for_home(home))
    attendees = list(Attendee.objects.for_home(home).select_related("occurrence"))
    answers = {}
    for week in weeks:
        sunday = week + timedelta(days=6)
        here = [
            r
            for r in Resident.objects.for_home(home)
            if r.admitted_on <= sunday and (r.left_on is None or r.left_on >= week)
        ]

        def meaningful(resident, first, last):
            return sum(
                1
                for p in parts
                if p.resident_id == resident.pk
                and p.connection.struck_out_at is None
                and p.response in MEANINGFUL_RESPONSES
                and first <= p.occurred_at.astimezone(local).date() <= last
            )

        counts = {r.pk: meaningful(r, week, sunday) for r in here}
        bands = {name: 0 for name, *_ in BANDS}
        for n in counts.values():
            bands[band_of(n)] += 1
        kinds = dict.fromkeys(
            ["family", "friend", "peer", "staff", "volunteer", "community", "group", "virtual"], 0
        )
        visits = dict.fromkeys(["in_person", "phone", "video", "letter", "outing"], 0)
        seen = set()
        for p in parts:
            c = p.connection
            if c.struck_out_at or not (week <= p.occurred_at.astimezone(local).date() <= sunday):
                continue
            if c.with_whom == "person":
                family = re.search(FAMILY_PATTERN, (c.person.relationship if c.person else "").lower())
                kinds["family" if family else "friend"] += 1
            else:
                kinds[{"resident": "peer"}.get(c.with_whom, c.with_whom)] += 1
            if c.mode in ("phone", "video"):
                kinds["virtual"] += 1
            if c.with_whom == "person" and c.mode in visits and c.pk not in seen:
                visits[c.mode] += 1
                seen.add(c.pk)
        held = [
            o
            for o in occurrences
            if o.status != Occurrence.Status.CANCELLED
            and week <= o.starts_at.astimezone(local).date() <= sunday
        ]
        took_part = [a for a in attendees if a.occurrence in held and a.response in MEANINGFUL_RESPONSES]
        asked = []
        for r in here:
            mine = [
                m
                for m in measures
                if m.resident_id == r.pk and sunday - timedelta(days=183) <= m.recorded_on <= sunday
            ]
            if mine:
                asked.append(max(mine, key=lambda m: (m.recorded_on, m.pk)))
        scores = {str(n): 0 for n in range(3, 10)}
        for m in asked:
            scores[str(m.total)] += 1
        answers[week] = {
            "loneliness": {
                "asked": len(asked),
                "often_always": sum(1 for m in asked if m.direct == LonelinessMeasure.Direct.OFTEN_ALWAYS),
                "scores": scores,
            },
            "activities": {
                "held": len(held),
                "intergenerational": sum(1 for o in held if o.activity.intergenerational),
                "nature": sum(1 for o in held if o.activity.nature),
                "places_taken": len(took_part),
                "residents_taking_part": len({a.resident_id for a in took_part}),
            },
            "living": len(here),
            "meaningful_7d": sum(1 for n in counts.values() if n),
            "meaningful_14d": sum(1 for r in here if meaningful(r, week - timedelta(days=7), sunday)),
            "bands": bands,
            "by_kind": kinds,
            "visits": visits,
        }
    return answers


@pytest.mark.django_db
def test_the_figures_agree_with_an_independent_count_of_a_busy_home(django_assert_max_num_queries):
    rng = random.Random(7)
    home = HomeFactory()
    residents = []
    for n in range(14):
        admitted = date(2026, 3, 1) + timedelta(days=rng.randint(0, 120))
        left = admitted + timedelta(days=rng.randint(10, 90)) if n % 4 == 0 else None
        residents.append(
            Resident.objects.create(
                home=home,
                full_name=f"Resident {n}",
                room=str(n),
                admitted_on=admitted,
                left_on=left,
                status=Resident.Status.LEFT if left else Resident.Status.CURRENT,
            )
        )
    people = [
        PersonWhoMattersFactory(
            resident=r,
            relationship=rng.choice(["son", "grandaughter", "friend from church", "Wife", "neighbour"]),
        )
        for r in residents
    ]
    kinds = [w for w in Connection.WithWhom.values]
    for _ in range(260):
        resident = rng.choice(residents)
        with_whom = rng.choice(kinds)
        person = (
            rng.choice([p for p in people if p.resident_id == resident.pk]) if with_whom == "person" else None
        )
        when = at(
            date(2026, 5, 4) + timedelta(days=rng.randint(0, 70)), rng.randint(0, 23), rng.choice([0, 30])
        )
        part = log(
            resident,
            when,
            response=rng.choice(Response.values),
            with_whom=with_whom,
            mode=rng.choice(Connection.Mode.values),
            person=person,
        )
        if rng.random() < 0.05:
            Connection.objects.for_home(home).filter(pk=part.connection_id).update(
                struck_out_at=timezone.now(), struck_out_reason="Wrong"
            )
    for _ in range(30):
        occurrence = happening(
            ActivityFactory(home=home, intergenerational=rng.random() < 0.3, nature=rng.random() < 0.3),
            at(date(2026, 5, 4) + timedelta(days=rng.randint(0, 70)), rng.randint(9, 17)),
            cancelled=rng.random() < 0.15,
        )
        for resident in rng.sample(residents, 4):
            AttendeeFactory(
                occurrence=occurrence, resident=resident, response=rng.choice(["", *Response.values])
            )
    for resident in residents:
        for _ in range(rng.randint(0, 3)):
            LonelinessMeasureFactory(
                resident=resident,
                recorded_on=date(2026, 1, 1) + timedelta(days=rng.randint(0, 190)),
                lack_companionship=rng.randint(1, 3),
                left_out=rng.randint(1, 3),
                isolated=rng.randint(1, 3),
                direct=rng.choice(LonelinessMeasure.Direct.values),
            )
    weeks = weeks_ending(date(2026, 7, 12), 10)
    with django_assert_max_num_queries(7 + standing.queries_for(weeks)):
        found = weekly_figures([home.pk], weeks)[home.pk]
    expected = _independent_counts(home, weeks)
    assert {w: connection_figures(f) for w, f in found.items()} == {
        w: {k: v for k, v in e.items() if k != "week"} for w, e in expected.items()
    }
    assert sum(e["meaningful_7d"] for e in expected.values()) > 10  # the data exercised the figures
    assert sum(e["activities"]["places_taken"] for e in expected.values()) > 10
    assert sum(e["loneliness"]["often_always"] for e in expected.values()) > 3


def test_many_homes_cost_the_same_queries_as_one(db, django_assert_max_num_queries):
    homes = [HomeFactory() for _ in range(3)]
    for home in homes:
        log(ResidentFactory(home=home), at(WEEKS[1]))
    with django_assert_max_num_queries(7 + standing.queries_for(range(12))):
        found = weekly_figures([h.pk for h in homes], weeks_ending(date(2026, 7, 1), 12))
    assert [found[h.pk][WEEKS[1]].meaningful_7d for h in homes] == [1, 1, 1]
