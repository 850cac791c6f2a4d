"""What the calendars show of a week: the poster's days, one resident's week,
the feeds' window, and the words for times, places and kinds of activity."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from carehome.timeutils import today
from community.models import Activity, Attendee, Occurrence
from community.selectors import calendars as selectors
from community.tests.calendars_data import dated, next_monday
from community.tests.factories import (
    ActivityFactory,
    AttendeeFactory,
    OutingFactory,
    PartnershipFactory,
    PlaceFactory,
    local,
)
from homes.scoping import home_scope
from residents.models import Resident
from visits.models import Visit
from visits.tests.factories import EventInvitationFactory, VisitFactory

pytestmark = pytest.mark.django_db


def titles(day):
    return [e.title for e in day.entries]


def test_clock_says_times_as_people_do():
    assert selectors.clock(time(10, 0)) == "10am"
    assert selectors.clock(time(14, 30)) == "2:30pm"
    assert selectors.clock(time(12, 0)) == "12 noon"
    assert selectors.clock(time(0, 0)) == "midnight"
    assert selectors.clock(time(12, 15)) == "12:15pm"


def test_week_from_query_falls_back_to_this_week_with_a_message():
    this_monday = selectors.monday_of(today())
    assert selectors.week_from_query("") == (this_monday, "")
    wednesday = this_monday + timedelta(weeks=2, days=2)
    assert selectors.week_from_query(wednesday.isoformat()) == (this_monday + timedelta(weeks=2), "")
    monday, problem = selectors.week_from_query("not-a-date")
    assert monday == this_monday and "this week" in problem
    monday, problem = selectors.week_from_query("2999-01-01")
    assert monday == this_monday and problem
    monday, problem = selectors.week_from_query((this_monday + timedelta(weeks=200)).isoformat())
    assert monday == this_monday and "eighteen months" in problem


def test_the_week_has_seven_days_in_time_order_without_cancelled_dates(world):
    monday = next_monday()
    dated(world.home, monday, time(14, 0), title="Chair yoga")
    dated(world.home, monday, time(10, 0), title="Coffee morning")
    dated(world.home, monday + timedelta(days=2), title="Bingo", status=Occurrence.Status.CANCELLED)
    dated(world.home, monday + timedelta(days=6), title="Sunday service")
    dated(world.home, monday + timedelta(days=7), title="Next Monday")
    dated(world.home, monday - timedelta(days=1), title="The Sunday before")
    dated(world.other_home, monday, title="Another home's quiz")
    with home_scope(world.home):
        days = selectors.week_programme(world.home, monday)
    assert [d.day for d in days] == [monday + timedelta(days=n) for n in range(7)]
    assert titles(days[0]) == ["Coffee morning", "Chair yoga"]
    assert titles(days[2]) == []
    assert titles(days[6]) == ["Sunday service"]
    assert sum(len(d.entries) for d in days) == 3


def test_a_recurring_activity_shows_on_each_of_its_dates(world):
    monday = next_monday()
    weekly = ActivityFactory(home=world.home, title="Singing group", repeats=Activity.Repeats.WEEKLY)
    for offset in (1, 8, 15):
        dated(world.home, monday + timedelta(days=offset), time(11, 0), activity=weekly)
    with home_scope(world.home):
        this = selectors.week_programme(world.home, monday)
        after = selectors.week_programme(world.home, monday + timedelta(weeks=1))
    assert titles(this[1]) == ["Singing group"] and titles(after[1]) == ["Singing group"]
    assert sum(len(d.entries) for d in this) == 1


def test_an_activity_taken_off_the_programme_leaves_its_later_dates_out(world):
    monday = next_monday()
    activity = ActivityFactory(home=world.home, title="Baking", ended_at=local(monday, time(12, 0)))
    dated(world.home, monday, time(10, 0), activity=activity)
    dated(world.home, monday + timedelta(days=1), time(10, 0), activity=activity)
    with home_scope(world.home):
        days = selectors.week_programme(world.home, monday)
    assert titles(days[0]) == ["Baking"] and titles(days[1]) == []


def test_outings_say_trip_out_and_to_be_confirmed_until_confirmed(world):
    monday = next_monday()
    planned = OutingFactory(home=world.home, title="Fishing trip", nature=True)
    dated(world.home, monday, time(10, 0), minutes=240, activity=planned, status=Occurrence.Status.PLANNED)
    in_home = ActivityFactory(
        home=world.home, title="Nursery visit", intergenerational=True, space=world.space
    )
    dated(world.home, monday, time(14, 0), activity=in_home, status=Occurrence.Status.PLANNED)
    with home_scope(world.home):
        outing, nursery = selectors.week_programme(world.home, monday)[0].entries
    assert outing.marks == ["Trip out", "Outdoors"] and outing.to_be_confirmed
    assert outing.when == "Leaves 10am, back 2pm"
    assert outing.where == "Hollingworth Lake, Rochdale"
    assert nursery.marks == ["Young and old together"] and not nursery.to_be_confirmed
    assert nursery.where == "Garden room" and nursery.when == "2pm to 3pm"


def test_public_entries_name_places_never_addresses(world):
    monday = next_monday()
    dated(world.home, monday, time(10, 0), activity=OutingFactory(home=world.home, title="Lake"))
    park = PlaceFactory(home=world.home, name="Queen's Park")
    dated(world.home, monday, time(11, 0), activity=OutingFactory(home=world.home, title="Park", place=park))
    choir = PartnershipFactory(home=world.home, partner__name="Rowan Community Choir")
    venue = ActivityFactory(
        home=world.home, title="Choir", kind=Activity.Kind.VENUE, partnership=choir, space=world.space
    )
    dated(world.home, monday, time(15, 0), activity=venue)
    dated(world.home, monday, time(16, 0), title="Private", on_public_programme=False)
    with home_scope(world.home):
        staff = selectors.week_programme(world.home, monday)[0].entries
        public = selectors.week_programme(world.home, monday, public=True)[0].entries
    assert [e.where for e in staff][:3] == [
        "Hollingworth Lake, Rochdale",
        "Queen's Park",
        "Garden room, with Rowan Community Choir",
    ]
    assert [e.title for e in public] == ["Lake", "Park", "Choir"]
    assert [e.where for e in public] == [
        "Out and about",
        "Queen's Park",
        "Garden room, with Rowan Community Choir",
    ]
    assert public[2].marks == ["Local group"]


def test_a_residents_week(world):
    monday = next_monday()
    peggy, arthur = world.resident, world.unlinked_resident
    VisitFactory(resident=peggy, visitor_name="Linda Baxter", starts_at=local(monday, time(15, 0)))
    VisitFactory(
        resident=peggy,
        visitor_name="Video Caller",
        kind=Visit.Kind.VIDEO_CALL,
        starts_at=local(monday, time(9, 0)),
    )
    VisitFactory(
        resident=peggy,
        visitor_name="Cancelled Visitor",
        status=Visit.Status.CANCELLED,
        starts_at=local(monday, time(16, 0)),
    )
    VisitFactory(resident=arthur, visitor_name="Arthur's son", starts_at=local(monday, time(15, 0)))
    EventInvitationFactory(
        resident=peggy, title="Sunday lunch", starts_at=local(monday + timedelta(days=6), time(12, 0))
    )
    EventInvitationFactory(
        resident=None, home=world.home, title="Summer fair", starts_at=local(monday, time(13, 0))
    )
    EventInvitationFactory(resident=arthur, title="Arthur's lunch", starts_at=local(monday, time(12, 0)))
    EventInvitationFactory(
        resident=peggy, title="Called off", cancelled_at=timezone.now(), starts_at=local(monday, time(12, 0))
    )
    coming = dated(world.home, monday + timedelta(days=1), time(10, 0), title="Gardening")
    AttendeeFactory(occurrence=coming, resident=peggy, answer=Attendee.Answer.COMING)
    invited = dated(world.home, monday + timedelta(days=1), time(14, 0), title="Quiz")
    AttendeeFactory(occurrence=invited, resident=peggy)
    family_day = dated(world.home, monday + timedelta(days=2), time(14, 0), title="Tea dance")
    AttendeeFactory(occurrence=family_day, resident=peggy, answer=Attendee.Answer.COMING)
    tea_dance_invitation = EventInvitationFactory(
        resident=peggy, title="Tea dance", kind="activity", starts_at=family_day.starts_at
    )
    family_day.family_events.add(tea_dance_invitation)
    no = dated(world.home, monday + timedelta(days=1), time(16, 0), title="Film afternoon")
    AttendeeFactory(occurrence=no, resident=peggy, answer=Attendee.Answer.NOT_COMING)
    gone = dated(
        world.home, monday + timedelta(days=3), title="Called-off trip", status=Occurrence.Status.CANCELLED
    )
    AttendeeFactory(occurrence=gone, resident=peggy, answer=Attendee.Answer.COMING)
    with home_scope(world.home):
        week = selectors.resident_week(world.home, peggy, monday)
    mine = {d.day: [item.title for item in d.mine] for d in week.days}
    assert mine[monday] == ["Video call with Video Caller", "Summer fair", "Visit from Linda Baxter"]
    assert mine[monday + timedelta(days=1)] == ["Gardening", "Quiz"]
    assert mine[monday + timedelta(days=2)] == ["Tea dance"]
    assert week.days[2].mine[0].family_invited
    assert mine[monday + timedelta(days=3)] == []
    assert mine[monday + timedelta(days=6)] == ["Sunday lunch"]
    also = {d.day: [e.title for e in d.entries] for d in week.also}
    assert also[monday + timedelta(days=1)] == ["Film afternoon"]
    assert sum(len(v) for v in also.values()) == 1
    assert week.count == 7


def test_only_residents_living_here_have_a_week(world):
    left = world.unlinked_resident
    left.status = Resident.Status.LEFT
    left.left_on = today()
    left.save()
    with home_scope(world.home):
        assert selectors.resident_for_week(world.home, world.resident.pk) == world.resident
        assert selectors.resident_for_week(world.home, left.pk) is None
        assert selectors.resident_for_week(world.home, world.foreign_resident.pk) is None


def test_the_feed_covers_two_weeks_back_and_eight_ahead_cancelled_included(world):
    now = timezone.now()
    day = timezone.localdate()
    dated(world.home, day - timedelta(days=10), title="Recent")
    dated(world.home, day - timedelta(days=20), title="Long ago")
    dated(world.home, day + timedelta(days=50), title="Soon", status=Occurrence.Status.CANCELLED)
    dated(world.home, day + timedelta(days=70), title="Far off")
    dated(world.home, day + timedelta(days=5), title="Staff only", on_public_programme=False)
    with home_scope(world.home):
        staff = [o.activity.title for o in selectors.feed_occurrences(world.home, now=now)]
        public = [o.activity.title for o in selectors.feed_occurrences(world.home, public=True, now=now)]
    assert staff == ["Recent", "Staff only", "Soon"]
    assert public == ["Recent", "Soon"]


def test_the_public_weeks_and_the_screen(world):
    # A fixed hour of today, so the test reads the same at any time of day.
    day = timezone.localdate()
    at = local(day, time(10, 0))
    dated(world.home, day, time(8, 0), title="Earlier today")
    dated(world.home, day, time(12, 0), title="Later today")
    dated(world.home, day + timedelta(days=1), time(10, 0), title="Tomorrow")
    dated(world.home, day + timedelta(days=2), time(10, 0), title="Day after")
    with home_scope(world.home):
        screen = selectors.screen_days(world.home, at=at)
        this_week, next_week = selectors.public_weeks(world.home, on=day)
    assert [d.day for d in screen] == [day, day + timedelta(days=1)]
    assert titles(screen[1]) == ["Tomorrow"]
    assert titles(screen[0]) == ["Later today"]
    assert this_week[0].day == day and next_week[0].day == selectors.monday_of(day) + timedelta(weeks=1)
    assert len(next_week) == 7
    shown = [e.title for d in [*this_week, *next_week] for e in d.entries]
    assert "Tomorrow" in shown and "Day after" in shown
