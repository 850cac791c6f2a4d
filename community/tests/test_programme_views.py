"""The programme's pages as staff, connector charity staff, relatives and
volunteers use them, with query guards."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carehome.timeutils import day_text
from community.models import Activity, Occurrence
from community.services import programme as services
from community.tests.factories import (
    ActivityFactory,
    AttendeeFactory,
    OccurrenceFactory,
    PartnershipFactory,
    local,
)
from homes.models import SpaceHold
from residents.models import Idea
from residents.tests.factories import IdeaFactory, ResidentFactory
from tests.html import field_error, main_text

pytestmark = pytest.mark.django_db

WEEK = timedelta(days=7)
MAX_QUERIES = 20


def url(name, world, *args):
    return reverse(f"community:{name}", args=[world.home.slug, *args])


@pytest.fixture
def staff(world, client_for):
    return client_for(world.staff)


def monday():
    today = timezone.localdate()
    return today - timedelta(days=today.weekday()) + WEEK  # next week: every date is still to come


def form_data(world, **changes):
    data = {
        "title": "Chair exercise",
        "kind": "in_home",
        "space": world.space.pk,
        "capacity": "12",
        "repeats": "weekly",
        "first_day": monday().isoformat(),
        "starts": "10:30",
        "ends": "11:30",
        "on_public_programme": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def add_through_service(world, **fields):
    values = {
        "title": "Chair exercise",
        "kind": Activity.Kind.IN_HOME,
        "space": world.space,
        "capacity": 12,
        "repeats": Activity.Repeats.WEEKLY,
        "first_day": monday(),
        "starts": time(10, 30),
        "ends": time(11, 30),
    }
    values.update(fields)
    return services.activity_create(home=world.home, actor=world.staff.user, **values)


def queries(client, address):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200, address
    return len(ctx.captured_queries)


# --- The week and the month -------------------------------------------------------------------------


def test_the_week_shows_each_days_dates_with_flags_in_words_and_planned_outings_marked(world, staff):
    add_through_service(world, intergenerational=True, title="Little Acorns")
    outing = ActivityFactory(
        home=world.home,
        kind=Activity.Kind.OUTING,
        title="Fishing trip",
        address="Hollingworth Lake",
        nature=True,
    )
    OccurrenceFactory(
        activity=outing,
        starts_at=local(monday() + timedelta(days=2), time(9)),
        ends_at=local(monday() + timedelta(days=2), time(13)),
        status=Occurrence.Status.PLANNED,
    )
    other = ActivityFactory(home=world.other_home, title="Birch secret")
    OccurrenceFactory(activity=other, starts_at=local(monday(), time(9)), ends_at=local(monday(), time(10)))
    text = main_text(staff.get(url("programme", world) + f"?week={monday().isoformat()}"))
    assert "10:30–11:30 Little Acorns An activity in the home · Garden room Intergenerational" in text
    assert (
        "09:00–13:00 Fishing trip An outing · Hollingworth Lake Nature and outdoors "
        "Planned, not confirmed yet" in text
    )
    assert "Birch secret" not in text
    assert "Add an activity" in text


def test_ideas_waiting_link_to_adding_an_activity_from_them(world, staff):
    idea = IdeaFactory(session__home=world.home, text="A trip to the seaside", raised_by=world.resident)
    IdeaFactory(session__home=world.home, text="Already planned", status=Idea.Status.PLANNED)
    response = staff.get(url("programme", world))
    text = main_text(response)
    part = text[text.index("Ideas from residents waiting to be planned") :]
    assert "“A trip to the seaside”, from Margaret Baxter (Peggy)" in part
    assert "Already planned" not in part
    assert f"{url('activity_add', world)}?idea={idea.pk}" in response.content.decode()


def test_a_week_out_of_range_or_not_a_date_shows_this_week_with_a_message(world, staff):
    text = main_text(staff.get(url("programme", world) + "?week=nonsense"))
    assert "That date was not recognised" in text
    text = main_text(staff.get(url("programme", world) + "?week=2099-01-01"))
    assert "ahead two years. This shows this week." in text


def test_the_month_lists_the_dates_by_day(world, staff):
    add_through_service(world)
    first = monday().replace(day=1)
    response = staff.get(url("programme_month", world) + f"?month={first:%Y-%m}")
    text = main_text(response)
    assert f"Programme for {first:%B %Y}" in text
    assert "Chair exercise" in text
    bad = main_text(staff.get(url("programme_month", world) + "?month=2026-13"))
    assert "That month was not recognised" in bad


def _many(world, activities, dates_each):
    partner = PartnershipFactory(home=world.home)
    made = []
    for n in range(activities):
        activity = ActivityFactory(
            home=world.home, title=f"Activity {n}", partnership=partner, space=world.space, nature=n % 2 == 0
        )
        for d in range(dates_each):
            day = monday() + timedelta(days=d % 7)
            starts = local(day, time(9)) + timedelta(minutes=n + 60 * (d // 7))
            made.append(
                Occurrence(
                    home=world.home, activity=activity, starts_at=starts, ends_at=starts + timedelta(hours=1)
                )
            )
    Occurrence.objects.bulk_create(made)


def test_the_week_and_the_month_cost_the_same_queries_with_10_or_500_dates(world, staff):
    IdeaFactory(session__home=world.home)
    week = url("programme", world) + f"?week={monday().isoformat()}"
    month = url("programme_month", world) + f"?month={monday():%Y-%m}"
    _many(world, 2, 5)
    few = (queries(staff, week), queries(staff, month))
    _many(world, 50, 10)
    IdeaFactory.create_batch(5, session__home=world.home)
    many = (queries(staff, week), queries(staff, month))
    assert few == many
    assert max(many) <= MAX_QUERIES


# --- Adding an activity ------------------------------------------------------------------------------


def test_staff_add_a_weekly_activity_and_land_on_its_page(world, staff):
    response = staff.post(url("activity_add", world), form_data(world, staff=[world.staff.pk]))
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert response.url == url("activity", world, activity.pk)
    assert activity.occurrences.count() == 8
    assert SpaceHold.objects.filter(space=world.space).count() == 8
    text = main_text(staff.get(response.url))
    assert "“Chair exercise” is on the programme." in text
    assert "Dates to come" in text and "Aisha Bello" in text


def test_capacity_zero_gets_a_message_by_the_field_and_saves_nothing(world, staff):
    response = staff.post(url("activity_add", world), form_data(world, capacity="0"))
    assert response.status_code == 200
    assert field_error(response, "capacity") == services.CAPACITY_RANGE
    assert Activity.objects.count() == 0


def test_an_outing_returning_before_it_departs_gets_the_message_by_the_return_time(world, staff):
    data = form_data(
        world,
        kind="outing",
        space="",
        address="Hollingworth Lake",
        transport="walking",
        call_name="Ruth",
        call_phone="01632 960123",
        starts="14:00",
        ends="10:00",
    )
    response = staff.post(url("activity_add", world), data)
    assert field_error(response, "ends") == "The return time must be after the departure time."
    assert Activity.objects.count() == 0


def test_a_clash_with_a_visit_is_shown_by_the_space(world, staff):
    from homes.holds import hold_create

    day = monday() + WEEK
    hold_create(
        space=world.space,
        held_for="visit",
        label="Visit with Peggy",
        starts_at=local(day, time(10)),
        ends_at=local(day, time(11)),
    )
    response = staff.post(url("activity_add", world), form_data(world))
    assert field_error(response, "space").startswith(
        # With the year when the date is next year (late in December).
        f"The Garden room is booked on {day_text(day)}, 10:00–11:00 (Visit with Peggy)."
    )
    assert Activity.objects.count() == 0


def test_a_partner_of_another_home_is_refused_with_a_message(world, staff):
    foreign = PartnershipFactory(home=world.other_home)
    response = staff.post(url("activity_add", world), form_data(world, kind="venue", partnership=foreign.pk))
    assert field_error(response, "partnership") == services.CHOOSE_PARTNER
    assert Activity.objects.count() == 0


def test_adding_from_an_idea_starts_from_its_words_and_moves_it_to_planned(world, staff):
    idea = IdeaFactory(session__home=world.home, text="Fishing at the lake")
    page = staff.get(url("activity_add", world) + f"?idea={idea.pk}")
    assert 'value="Fishing at the lake"' in page.content.decode()
    response = staff.post(
        url("activity_add", world), form_data(world, title="Fishing at the lake", idea=idea.pk)
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == Idea.Status.PLANNED
    # Another home's idea in the address is ignored.
    other = IdeaFactory(session__home=world.other_home, text="Birch idea")
    assert "Birch idea" not in staff.get(url("activity_add", world) + f"?idea={other.pk}").content.decode()


# --- An activity and one date ---------------------------------------------------------------------------


def test_the_activity_page_costs_the_same_with_few_or_many_dates(world, staff):
    few = add_through_service(world, repeats=Activity.Repeats.ONCE)
    many = add_through_service(world, title="Quiz", starts=time(14), ends=time(15))
    assert queries(staff, url("activity", world, few.pk)) == queries(staff, url("activity", world, many.pk))
    assert queries(staff, url("activity", world, many.pk)) <= MAX_QUERIES


def test_changing_the_time_moves_the_dates_to_come(world, staff):
    activity = add_through_service(world)
    data = form_data(world, starts="15:00", ends="16:00", version=str(activity.version))
    data.pop("kind")
    response = staff.post(url("activity_edit", world, activity.pk), data)
    assert response.status_code == 302, main_text(response)
    assert {timezone.localtime(o.starts_at).time() for o in activity.occurrences.all()} == {time(15)}


def test_an_edit_over_someone_elses_shows_the_conflict(world, staff, client_for):
    activity = add_through_service(world)
    first = form_data(world, title="Seated exercise", version="1")
    assert client_for(world.manager).post(url("activity_edit", world, activity.pk), first).status_code == 302
    second = staff.post(
        url("activity_edit", world, activity.pk), form_data(world, title="Chair yoga", version="1")
    )
    assert second.status_code == 200
    assert "saved a change to this" in main_text(second)
    activity.refresh_from_db()
    assert activity.title == "Seated exercise"


def test_one_date_shows_who_is_invited_and_can_be_moved_or_cancelled(world, staff):
    activity = add_through_service(world)
    date = activity.occurrences.order_by("starts_at").first()
    AttendeeFactory(occurrence=date, resident=world.resident, answer="coming")
    text = main_text(staff.get(url("occurrence", world, date.pk)))
    assert "Margaret Baxter (Peggy): would like to come" in text
    assert "Move this date" in text and "Cancel this date" in text
    day = monday() + timedelta(days=1)
    response = staff.post(
        url("occurrence_edit", world, date.pk),
        {
            "day": day.isoformat(),
            "starts": "14:00",
            "ends": "15:00",
            "note": "",
            "version": str(date.version),
        },
    )
    assert response.status_code == 302
    date.refresh_from_db()
    assert date.starts_at == local(day, time(14)) and date.sequence == 1
    empty = staff.post(url("occurrence_cancel", world, date.pk), {"reason": ""})
    assert field_error(empty, "reason") == services.REASON_MISSING
    done = staff.post(url("occurrence_cancel", world, date.pk), {"reason": "The lounge is flooded"})
    assert done.status_code == 302
    date.refresh_from_db()
    assert date.status == "cancelled" and date.hold.released_at is not None
    assert "This date is cancelled: The lounge is flooded" in main_text(
        staff.get(url("occurrence", world, date.pk))
    )


def test_the_date_page_costs_the_same_with_one_or_thirty_invited(world, staff):
    activity = add_through_service(world)
    one, thirty = activity.occurrences.order_by("starts_at")[:2]
    AttendeeFactory(occurrence=one, resident=world.resident)
    for _ in range(30):
        AttendeeFactory(occurrence=thirty, resident=ResidentFactory(home=world.home))
    assert queries(staff, url("occurrence", world, one.pk)) == queries(
        staff, url("occurrence", world, thirty.pk)
    )


def test_taking_it_off_the_programme_asks_first_then_cancels_the_dates_to_come(world, staff):
    activity = add_through_service(world)
    page = main_text(staff.get(url("activity_end", world, activity.pk)))
    assert "Its 8 dates to come will be cancelled" in page
    assert staff.post(url("activity_end", world, activity.pk)).status_code == 302
    assert set(activity.occurrences.values_list("status", flat=True)) == {"cancelled"}
    assert SpaceHold.objects.filter(released_at__isnull=True).count() == 0


# --- Who may see what ---------------------------------------------------------------------------------


def test_connector_staff_see_the_programme_but_not_residents_names_nor_planning(world, client_for):
    connector = client_for(world.connector)
    activity = add_through_service(world)
    date = activity.occurrences.order_by("starts_at").first()
    AttendeeFactory(occurrence=date, resident=world.resident)
    IdeaFactory(session__home=world.home, text="Raised by Peggy", raised_by=world.resident)
    week = main_text(connector.get(url("programme", world) + f"?week={monday().isoformat()}"))
    assert "Chair exercise" in week
    assert "Add an activity" not in week and "Raised by Peggy" not in week
    text = main_text(connector.get(url("occurrence", world, date.pk)))
    assert "1 resident invited." in text and "Peggy" not in text and "Margaret" not in text
    assert "Move this date" not in text
    assert connector.get(url("activity", world, activity.pk)).status_code == 200
    for name, args in [
        ("activity_add", []),
        ("activity_edit", [activity.pk]),
        ("activity_end", [activity.pk]),
        ("occurrence_edit", [date.pk]),
        ("occurrence_cancel", [date.pk]),
    ]:
        assert connector.get(url(name, world, *args)).status_code == 403, name


@pytest.mark.parametrize("role", ["relative", "volunteer"])
def test_relatives_and_volunteers_may_not_see_the_programme_pages(world, client_for, role):
    client = client_for(getattr(world, role))
    activity = add_through_service(world)
    for name, args in [
        ("programme", []),
        ("programme_month", []),
        ("activity_add", []),
        ("activity", [activity.pk]),
    ]:
        assert client.get(url(name, world, *args)).status_code == 403, name


def test_another_homes_activity_and_date_are_not_found(world, client_for):
    outsider = client_for(world.outsider)
    activity = add_through_service(world)
    date = activity.occurrences.first()
    other_url = reverse("community:activity", args=[world.other_home.slug, activity.pk])
    assert outsider.get(other_url).status_code == 404
    other_date = reverse("community:occurrence_cancel", args=[world.other_home.slug, date.pk])
    assert outsider.post(other_date, {"reason": "x"}).status_code == 404
    assert Occurrence.objects.filter(status="cancelled").count() == 0


def test_the_dashboard_shows_today_and_tomorrow_in_the_programme(world, client_for):
    from community.tests.factories import ActivityFactory, OccurrenceFactory

    today = timezone.localdate()
    activity = ActivityFactory(home=world.home, title="Chair exercise", first_day=today)
    OccurrenceFactory(activity=activity)
    called_off = ActivityFactory(home=world.home, title="Bingo", first_day=today)
    OccurrenceFactory(activity=called_off, status="cancelled", cancelled_at=timezone.now())
    dashboard = reverse("homes:dashboard", args=[world.home.slug])
    for who in (world.staff, world.connector):
        text = main_text(client_for(who).get(dashboard))
        assert "On the programme" in text and "Chair exercise" in text and "Bingo" not in text
    assert "On the programme" not in main_text(client_for(world.relative).get(dashboard))


def test_a_volunteer_sees_the_activities_they_help_with_on_their_dashboard(world, client_for):
    from community.tests.factories import ActivityFactory, OccurrenceFactory
    from volunteers.tests.factories import VolunteerFactory

    helper = VolunteerFactory(home=world.home, user=world.volunteer.user, status="active")
    activity = ActivityFactory(home=world.home, title="Gardening morning", space=world.space)
    activity.volunteers.add(helper)
    OccurrenceFactory(activity=activity)
    other = ActivityFactory(home=world.home, title="Bingo")
    OccurrenceFactory(activity=other)
    dashboard = reverse("homes:dashboard", args=[world.home.slug])
    text = main_text(client_for(world.volunteer).get(dashboard))
    assert "Activities you are helping with" in text and "Gardening morning, Garden room" in text
    assert "Bingo" not in text
