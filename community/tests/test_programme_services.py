"""The programme's services: adding an activity and its dates, the space
holds they make, clashes with family visits, the planner, changing, moving,
cancelling and taking an activity off the programme."""

from datetime import time, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from carehome.errors import DomainError
from carehome.timeutils import day_text
from carehome.versions import EditConflict
from community.models import Activity, Occurrence
from community.services import programme as services
from community.tests.factories import PartnershipFactory, PlaceFactory, local
from homes.holds import hold_create
from homes.models import FormSubmission, SpaceHold
from homes.tests.factories import SpaceFactory
from residents.models import Idea
from residents.tests.factories import IdeaFactory
from visits.services.booking import visit_book
from volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

WEEK = timedelta(days=7)


def today():
    return timezone.localdate()


def add(world, **fields):
    values = {
        "title": "Chair exercise",
        "kind": Activity.Kind.IN_HOME,
        "space": world.space,
        "capacity": 12,
        "repeats": Activity.Repeats.ONCE,
        "first_day": today() + WEEK,
        "starts": time(10, 30),
        "ends": time(11, 30),
    }
    values.update(fields)
    return services.activity_create(home=world.home, actor=world.staff.user, **values)


def outing(world, **fields):
    values = {
        "title": "Fishing trip",
        "kind": Activity.Kind.OUTING,
        "space": None,
        "address": "Hollingworth Lake, Rochdale",
        "transport": Activity.Transport.WALKING,
        "call_name": "Ruth Adeyemi",
        "call_phone": "01632 960123",
        "starts": time(10),
        "ends": time(14),
    }
    values.update(fields)
    return add(world, **values)


def refused(world, **fields):
    with pytest.raises(DomainError) as caught:
        add(world, **fields)
    return caught.value


def live_holds(space):
    return SpaceHold.objects.filter(space=space, released_at__isnull=True)


def book_visit(world, day, start, end, space=None):
    return visit_book(
        home=world.home,
        actor=world.staff.user,
        membership=world.staff,
        resident=world.resident,
        day=day,
        start_time=start,
        end_time=end,
        space=space or world.space,
    )


# --- Adding -------------------------------------------------------------------------------------


def test_a_weekly_activity_gets_eight_weeks_of_confirmed_dates_each_holding_its_space(world):
    activity = add(world, repeats=Activity.Repeats.WEEKLY)
    dates = list(activity.occurrences.order_by("starts_at"))
    assert [timezone.localdate(o.starts_at) for o in dates] == [today() + WEEK * n for n in range(1, 9)]
    assert {o.status for o in dates} == {Occurrence.Status.CONFIRMED}
    assert all(o.confirmed_at for o in dates)
    holds = live_holds(world.space)
    assert holds.count() == 8
    assert {(h.held_for, h.label) for h in holds} == {(SpaceHold.HeldFor.ACTIVITY, "Chair exercise")}
    first = dates[0]
    assert first.hold.starts_at == first.starts_at == local(today() + WEEK, time(10, 30))
    # The space's 15-minute buffer either side, as for visits.
    assert first.hold.blocked_from == first.starts_at - timedelta(minutes=15)


def test_an_outing_is_planned_not_confirmed_and_holds_no_space(world):
    activity = outing(world)
    (date,) = activity.occurrences.all()
    assert date.status == Occurrence.Status.PLANNED
    assert date.hold is None
    assert SpaceHold.objects.count() == 0


def test_a_community_group_needs_a_partner_and_a_space_and_holds_it_as_a_venue(world):
    singers = PartnershipFactory(home=world.home, partner__name="Rowan Singers")
    assert refused(world, kind=Activity.Kind.VENUE).message == services.VENUE_NEEDS_PARTNER
    error = refused(world, kind=Activity.Kind.VENUE, partnership=singers, space=None)
    assert (error.message, error.field) == (services.VENUE_NEEDS_SPACE, "space")
    choir = add(world, title="Choir", kind=Activity.Kind.VENUE, partnership=singers)
    hold = choir.occurrences.get().hold
    assert (hold.held_for, hold.label) == (SpaceHold.HeldFor.VENUE, "Choir (Rowan Singers)")
    assert choir.occurrences.get().status == Occurrence.Status.CONFIRMED


def test_monthly_is_the_same_week_and_weekday():
    activity = Activity(
        repeats=Activity.Repeats.MONTHLY, first_day=timezone.datetime(2026, 1, 13).date()
    )  # the second Tuesday
    days = services.activity_dates(activity, activity.first_day, activity.first_day + timedelta(days=100))
    assert [d.isoformat() for d in days] == ["2026-01-13", "2026-02-10", "2026-03-10", "2026-04-14"]
    assert all(d.weekday() == 1 for d in days)


def test_fortnightly_until_a_last_day(world):
    activity = add(
        world,
        repeats=Activity.Repeats.FORTNIGHTLY,
        first_day=today() + WEEK,
        last_day=today() + WEEK * 5,
    )
    assert [timezone.localdate(o.starts_at) for o in activity.occurrences.all()] == [
        today() + WEEK,
        today() + WEEK * 3,
        today() + WEEK * 5,
    ]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"capacity": 0}, "capacity", services.CAPACITY_RANGE),
        ({"capacity": 201}, "capacity", services.CAPACITY_RANGE),
        ({"title": "   "}, "title", services.TITLE_MISSING),
        ({"ends": time(10)}, "ends", services.ENDS_BEFORE_STARTS),
        ({"space": None}, "space", services.IN_HOME_NEEDS_SPACE),
        ({"address": "The park"}, "address", services.IN_HOME_NOT_OUT),
        ({"first_day": None}, "first_day", services.DATE_MISSING),
        ({"repeats": "daily"}, "repeats", services.CHOOSE_REPEATS),
        ({"kind": "party"}, "kind", services.CHOOSE_KIND),
    ],
)
def test_bad_input_gets_a_message_by_its_field_and_saves_nothing(world, fields, field, message):
    error = refused(world, **fields)
    assert (error.field, error.message) == (field, message)
    assert Activity.objects.count() == Occurrence.objects.count() == SpaceHold.objects.count() == 0


def test_dates_are_not_in_the_past_nor_more_than_two_years_ahead(world):
    assert refused(world, first_day=today() - timedelta(days=1)).field == "first_day"
    error = refused(world, first_day=today() + timedelta(days=800))
    assert error.field == "first_day" and "two years ahead" in error.message
    error = refused(
        world, repeats=Activity.Repeats.WEEKLY, first_day=today() + WEEK, last_day=today() + timedelta(days=3)
    )
    assert (error.field, error.message) == ("last_day", services.UNTIL_BEFORE_FIRST)


def test_an_outing_returning_before_it_departs_is_refused_next_to_the_return_time(world):
    with pytest.raises(DomainError) as caught:
        outing(world, starts=time(14), ends=time(10))
    assert (caught.value.field, caught.value.message) == (
        "ends",
        "The return time must be after the departure time.",
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"transport": ""}, "transport", services.CHOOSE_TRANSPORT),
        ({"transport": "community"}, "transport_partnership", services.TRANSPORT_PARTNER_MISSING),
        ({"call_name": ""}, "call_name", services.CALL_NAME_MISSING),
        ({"call_phone": ""}, "call_phone", services.CALL_PHONE_MISSING),
        ({"address": ""}, "partnership", services.OUTING_WHERE_MISSING),
        ({"space": "world"}, "space", services.OUTING_NOT_A_SPACE),
    ],
)
def test_an_outing_needs_where_transport_and_who_to_call(world, fields, field, message):
    if fields.get("space") == "world":
        fields["space"] = world.space
    with pytest.raises(DomainError) as caught:
        outing(world, **fields)
    assert (caught.value.field, caught.value.message) == (field, message)
    assert Activity.objects.count() == 0


def test_an_outing_goes_to_exactly_one_place(world):
    park = PlaceFactory(home=world.home, name="Queen's Park")
    with pytest.raises(DomainError) as caught:
        outing(world, place=park)
    assert caught.value.message == services.OUTING_ONE_PLACE
    assert outing(world, place=park, address="").place == park


def test_another_homes_space_partner_staff_or_volunteer_is_refused(world):
    other_partner = PartnershipFactory(home=world.other_home)
    assert "not at Rowan House" in refused(world, space=world.foreign_space).message
    assert "not at Rowan House" in refused(world, partnership=other_partner).message
    assert refused(world, staff=[world.outsider]).message == services.CHOOSE_STAFF
    assert refused(world, staff=[world.relative]).message == services.CHOOSE_STAFF
    foreign = VolunteerFactory(home=world.other_home)
    assert refused(world, volunteers=[foreign]).message == services.CHOOSE_VOLUNTEERS
    assert Activity.objects.count() == 0


def test_staff_volunteers_and_interests_are_kept(world):
    volunteer = VolunteerFactory(home=world.home, status="active")
    activity = add(world, staff=[world.staff, world.manager], volunteers=[volunteer])
    assert set(activity.staff.all()) == {world.staff, world.manager}
    assert list(activity.volunteers.all()) == [volunteer]


def test_from_a_new_idea_the_idea_moves_to_planned(world):
    idea = IdeaFactory(session__home=world.home, text="A fishing trip")
    activity = outing(world, idea=idea)
    idea.refresh_from_db()
    assert idea.status == Idea.Status.PLANNED
    assert activity.idea == idea and activity.coproduced
    done = IdeaFactory(session__home=world.home, status=Idea.Status.DONE)
    assert refused(world, idea=done).message == services.CHOOSE_IDEA


def test_a_form_sent_twice_adds_once(world):
    token = "2b1f0c5e-8a59-4a57-8f0f-0a6d3b1b4a11"
    add(world, form_token=token)
    with pytest.raises(DomainError):
        add(world, form_token=token)
    assert Activity.objects.count() == 1
    assert FormSubmission.objects.filter(token=token).count() == 1


# --- Clashes with family visits and other activities -----------------------------------------------


def test_a_clash_with_a_family_visit_refuses_it_all_naming_the_date_and_the_visit(world):
    day = today() + WEEK * 2
    book_visit(world, day, time(10), time(11))
    error = refused(world, repeats=Activity.Repeats.WEEKLY)
    assert error.field == "space"
    assert error.message.startswith(
        # With the year when the date is next year (late in December).
        f"The Garden room is booked on {day_text(day)}, 10:00–11:00 (Visit with Peggy)."
    )
    assert Activity.objects.count() == Occurrence.objects.count() == 0
    assert live_holds(world.space).count() == 1


def test_the_space_buffer_keeps_activities_apart_too(world):
    add(world)  # 10:30–11:30
    error = refused(world, title="Quiz", starts=time(11, 40), ends=time(12, 30))
    assert "(Chair exercise)" in error.message
    add(world, title="Quiz", starts=time(12, 0), ends=time(12, 30))
    assert live_holds(world.space).count() == 2


def test_the_database_refuses_two_overlapping_live_holds_of_one_space(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    starts = local(today() + WEEK, time(14))
    hold_create(
        space=world.space, held_for="activity", label="Choir", starts_at=starts, ends_at=starts + WEEK / 168
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        hold_create(
            space=world.space,
            held_for="visit",
            label="Visit with Peggy",
            starts_at=starts + timedelta(minutes=30),
            ends_at=starts + timedelta(minutes=90),
        )
    # Another space is fine.
    hold_create(
        space=SpaceFactory(home=world.home),
        held_for="visit",
        label="Visit",
        starts_at=starts,
        ends_at=starts + WEEK / 168,
    )


# --- The planner ----------------------------------------------------------------------------------


def test_the_planner_keeps_eight_weeks_ahead_and_is_idempotent(world):
    then = timezone.now() - WEEK * 3
    activity = add(
        world, repeats=Activity.Repeats.WEEKLY, first_day=timezone.localdate(then) + WEEK, now=then
    )
    assert activity.occurrences.count() == 8
    made = services.occurrences_plan(home=world.home)
    assert made == 3
    last = timezone.localdate(activity.occurrences.order_by("-starts_at").first().starts_at)
    assert last <= today() + timedelta(weeks=8) < last + WEEK
    assert services.occurrences_plan(home=world.home) == 0
    assert activity.occurrences.count() == 11
    assert live_holds(world.space).count() == 11


def test_the_planner_leaves_out_a_date_whose_space_is_booked_and_the_page_lists_it(world):
    then = timezone.now() - WEEK * 2
    first = timezone.localdate(then) + timedelta(days=1)
    activity = add(world, repeats=Activity.Repeats.WEEKLY, first_day=first, now=then)
    clash_day = first + WEEK * 8  # the first date the planner will add
    book_visit(world, clash_day, time(10), time(11))
    made = services.occurrences_plan(home=world.home)
    days = {timezone.localdate(o.starts_at) for o in activity.occurrences.all()}
    assert clash_day not in days and clash_day + WEEK in days
    assert made == 1
    assert services.dates_left_out(activity, list(activity.occurrences.all())) == [clash_day]
    assert services.occurrences_plan(home=world.home) == 0


def test_the_planner_leaves_ended_and_one_off_activities_alone(world):
    then = timezone.now() - WEEK * 3
    weekly = add(world, repeats=Activity.Repeats.WEEKLY, first_day=timezone.localdate(then) + WEEK, now=then)
    services.activity_end(home=world.home, actor=world.staff.user, activity=weekly)
    add(world, title="Once", starts=time(15), ends=time(16))
    assert services.occurrences_plan(home=world.home) == 0


# --- Changing, moving, cancelling -------------------------------------------------------------------


def test_new_times_move_the_holds_of_the_dates_to_come(world):
    activity = add(world, repeats=Activity.Repeats.WEEKLY)
    services.activity_update(
        home=world.home,
        actor=world.manager.user,
        activity=activity,
        version=activity.version,
        **_fields(activity, starts=time(15), ends=time(16)),
    )
    dates = list(activity.occurrences.order_by("starts_at"))
    assert {timezone.localtime(o.starts_at).time() for o in dates} == {time(15)}
    assert {timezone.localtime(h.starts_at).time() for h in live_holds(world.space)} == {time(15)}
    assert live_holds(world.space).count() == 8
    assert all(o.sequence == 1 for o in dates)


def test_a_change_that_clashes_is_refused_naming_the_date(world):
    activity = add(world, repeats=Activity.Repeats.WEEKLY)
    day = today() + WEEK * 3
    book_visit(world, day, time(15), time(16))
    with pytest.raises(DomainError) as caught:
        services.activity_update(
            home=world.home,
            actor=world.manager.user,
            activity=activity,
            version=activity.version,
            **_fields(activity, starts=time(15), ends=time(16)),
        )
    assert f"{day_text(day)}, 15:00–16:00 (Visit with Peggy)" in caught.value.message  # the year if next year
    assert {
        timezone.localtime(h.starts_at).time() for h in live_holds(world.space).filter(held_for="activity")
    } == {time(10, 30)}


def test_a_new_pattern_cancels_dates_that_no_longer_fit_and_adds_new_ones(world):
    activity = add(world, repeats=Activity.Repeats.WEEKLY)
    services.activity_update(
        home=world.home,
        actor=world.manager.user,
        activity=activity,
        version=activity.version,
        **_fields(activity, repeats=Activity.Repeats.FORTNIGHTLY),
    )
    live = activity.occurrences.exclude(status="cancelled")
    assert [timezone.localdate(o.starts_at) for o in live] == [today() + WEEK * n for n in (1, 3, 5, 7)]
    assert live_holds(world.space).count() == 4


def test_an_edit_over_someone_elses_is_a_conflict(world):
    activity = add(world)
    services.activity_update(
        home=world.home,
        actor=world.manager.user,
        activity=activity,
        version=1,
        **_fields(activity, title="A"),
    )
    with pytest.raises(EditConflict):
        services.activity_update(
            home=world.home,
            actor=world.staff.user,
            activity=activity,
            version=1,
            **_fields(activity, title="B"),
        )


def test_moving_one_date_moves_its_hold_and_a_clash_is_refused(world):
    activity = add(world, repeats=Activity.Repeats.WEEKLY)
    first = activity.occurrences.order_by("starts_at").first()
    day = today() + timedelta(days=2)
    book_visit(world, day, time(14), time(15))
    with pytest.raises(DomainError) as caught:
        services.occurrence_move(
            home=world.home, actor=world.staff.user, occurrence=first, day=day, starts=time(14), ends=time(15)
        )
    assert "(Visit with Peggy)" in caught.value.message
    moved = services.occurrence_move(
        home=world.home,
        actor=world.staff.user,
        occurrence=first,
        day=day,
        starts=time(16),
        ends=time(17),
        note="Moved for the hairdresser",
    )
    assert moved.starts_at == local(day, time(16)) == moved.hold.starts_at
    assert moved.sequence == 1 and moved.note == "Moved for the hairdresser"


def test_cancelling_a_date_releases_its_hold_and_needs_a_reason(world):
    activity = add(world, repeats=Activity.Repeats.WEEKLY)
    first = activity.occurrences.order_by("starts_at").first()
    with pytest.raises(DomainError) as caught:
        services.occurrence_cancel(home=world.home, actor=world.staff.user, occurrence=first, reason=" ")
    assert caught.value.message == services.REASON_MISSING
    services.occurrence_cancel(home=world.home, actor=world.staff.user, occurrence=first, reason="Snow")
    first.refresh_from_db()
    assert first.status == Occurrence.Status.CANCELLED and first.cancelled_reason == "Snow"
    assert first.hold.released_at is not None and first.sequence == 1
    assert live_holds(world.space).count() == 7
    # The time is free for a family visit now.
    book_visit(world, timezone.localdate(first.starts_at), time(10, 30), time(11, 30))


def test_taking_an_activity_off_the_programme_cancels_its_dates_to_come(world):
    activity = add(world, repeats=Activity.Repeats.WEEKLY)
    services.activity_end(home=world.home, actor=world.staff.user, activity=activity)
    activity.refresh_from_db()
    assert activity.ended_at is not None
    assert set(activity.occurrences.values_list("status", flat=True)) == {"cancelled"}
    assert live_holds(world.space).count() == 0
    with pytest.raises(DomainError):
        services.activity_update(
            home=world.home, actor=world.staff.user, activity=activity, version=None, **_fields(activity)
        )


def _fields(activity, **changes):
    values = {name: getattr(activity, name) for name in services.FIELDS}
    values["staff"], values["volunteers"], values["interests"] = [], [], []
    values.update(changes)
    return values


def test_a_new_activity_stays_off_the_public_programme_unless_asked(world):
    assert add(world).on_public_programme is False
    later = add(world, title="Open choir", starts=time(15), ends=time(16), on_public_programme=True)
    assert later.on_public_programme is True
