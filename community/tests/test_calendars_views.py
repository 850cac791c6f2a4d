"""The poster, a resident's week (and choosing one), and the staff .ics feed:
who may open them, what they show, and a fixed number of queries."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from community.models import Attendee, Occurrence
from community.tests.calendars_data import dated, many, next_monday
from community.tests.factories import AttendeeFactory, OutingFactory, PlaceFactory, local
from homes.tests.factories import MembershipFactory
from residents.tests.factories import ResidentFactory
from tests.html import field_error, main_text
from visits.tests.factories import EventInvitationFactory, VisitFactory

pytestmark = pytest.mark.django_db


def poster_url(home, monday=None):
    url = reverse("community:poster", args=[home.slug])
    return f"{url}?week={monday.isoformat()}" if monday else url


def week_url(home, resident, monday=None):
    url = reverse("community:my_week", kwargs={"home_slug": home.slug, "resident_pk": resident.pk})
    return f"{url}?week={monday.isoformat()}" if monday else url


def ics_url(home):
    return reverse("community:programme_ics", args=[home.slug])


# --- The poster ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager", "champion", "staff", "connector"])
def test_staff_and_connector_see_the_poster(world, client_for, role):
    monday = next_monday()
    dated(world.home, monday, time(10, 0), title="Coffee morning", space=world.space)
    dated(world.home, monday + timedelta(days=1), title="Bingo", status=Occurrence.Status.CANCELLED)
    outing = OutingFactory(home=world.home, title="Fishing trip")
    dated(
        world.home, monday + timedelta(days=3), time(9, 30), activity=outing, status=Occurrence.Status.PLANNED
    )
    response = client_for(world.member(role)).get(poster_url(world.home, monday))
    assert response.status_code == 200
    text = main_text(response)
    assert "Rowan House" in text and "This week" in text
    assert "Coffee morning" in text and "10am to 11am" in text and "Garden room" in text
    assert "Bingo" not in text
    assert "Fishing trip" in text and "Trip out" in text and "To be confirmed" in text
    assert text.index("Coffee morning") < text.index("Fishing trip")
    assert "data-print" in response.content.decode()
    assert "community-print.css" in response.content.decode()


def test_a_week_that_is_not_a_date_shows_this_week_and_says_so(world, client_for):
    response = client_for(world.staff).get(reverse("community:poster", args=[world.home.slug]) + "?week=soon")
    assert response.status_code == 200
    assert "was not recognised" in main_text(response)


@pytest.mark.parametrize("role", ["family", "volunteer"])
def test_relatives_and_volunteers_may_not_see_the_poster(world, client_for, role):
    assert client_for(world.member(role)).get(poster_url(world.home)).status_code == 403


def test_another_homes_staff_get_404(world, client_for):
    client = client_for(world.outsider)
    assert client.get(poster_url(world.home)).status_code == 404
    assert client.get(ics_url(world.home)).status_code == 404
    assert client.get(week_url(world.home, world.resident)).status_code == 404


def test_the_poster_shows_only_its_homes_dates(world, client_for):
    monday = next_monday()
    dated(world.other_home, monday, title="Birch Court quiz")
    response = client_for(world.staff).get(poster_url(world.home, monday))
    assert "Birch Court quiz" not in main_text(response)


def test_the_poster_costs_the_same_queries_for_10_or_500_dates(
    world, client_for, django_assert_max_num_queries
):
    monday = next_monday()
    place = PlaceFactory(home=world.home, name="Lake")
    client = client_for(world.staff)
    many(world.home, monday, 10, space=world.space, place=place)
    with django_assert_max_num_queries(12) as few:
        assert client.get(poster_url(world.home, monday)).status_code == 200
    many(world.home, monday, 490, space=world.space, place=place)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(poster_url(world.home, monday))
    assert "Bulk activity 489" in main_text(response)


# --- A resident's week -----------------------------------------------------------------------------------


def test_a_residents_week_is_written_to_them(world, client_for):
    monday = next_monday()
    VisitFactory(resident=world.resident, visitor_name="Linda Baxter", starts_at=local(monday, time(15, 0)))
    EventInvitationFactory(
        resident=world.resident, title="Sunday lunch", starts_at=local(monday, time(12, 0))
    )
    gardening = dated(world.home, monday + timedelta(days=1), time(10, 0), title="Gardening")
    AttendeeFactory(occurrence=gardening, resident=world.resident, answer=Attendee.Answer.COMING)
    dated(world.home, monday + timedelta(days=2), time(10, 0), title="Chair yoga")
    response = client_for(world.staff).get(week_url(world.home, world.resident, monday))
    assert response.status_code == 200
    text = main_text(response)
    assert "Your week, Peggy" in text
    assert (
        "Visit from Linda Baxter" in text and "Sunday lunch" in text and "Your family are invited too" in text
    )
    assert text.index("Gardening") < text.index("Also on this week") < text.index("Chair yoga")


@pytest.mark.parametrize("role", ["connector", "family", "volunteer"])
def test_only_staff_see_a_residents_week(world, client_for, role):
    client = client_for(world.member(role))
    assert client.get(week_url(world.home, world.resident)).status_code == 403
    assert client.get(reverse("community:my_week_choose", args=[world.home.slug])).status_code == 403


def test_another_homes_resident_or_one_who_has_left_is_not_found(world, client_for):
    client = client_for(world.staff)
    assert client.get(week_url(world.home, world.foreign_resident)).status_code == 404
    left = ResidentFactory(home=world.home, status="left", left_on=timezone.localdate())
    assert client.get(week_url(world.home, left)).status_code == 404


def test_a_residents_week_costs_the_same_queries_however_full(
    world, client_for, django_assert_max_num_queries
):
    monday = next_monday()
    client = client_for(world.staff)

    def fill(count):
        for n in range(count):
            at = local(monday + timedelta(days=n % 7), time(9 + n % 8, 0))
            VisitFactory(resident=world.resident, visitor_name=f"Visitor {n}", starts_at=at)
            EventInvitationFactory(resident=world.resident, title=f"Lunch {n}", starts_at=at)
            occurrence = dated(
                world.home, monday + timedelta(days=n % 7), time(9 + n % 8, 30), title=f"Mine {n}"
            )
            AttendeeFactory(occurrence=occurrence, resident=world.resident, answer=Attendee.Answer.COMING)
            occurrence.family_events.add(EventInvitationFactory(resident=world.resident, starts_at=at))
        many(world.home, monday, count * 5, space=world.space)

    fill(2)
    with django_assert_max_num_queries(14) as few:
        assert client.get(week_url(world.home, world.resident, monday)).status_code == 200
    fill(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(week_url(world.home, world.resident, monday))
    assert "Visitor 39" in main_text(response)


def test_choosing_a_resident_and_a_week_opens_their_sheet(world, client_for):
    client = client_for(world.staff)
    url = reverse("community:my_week_choose", args=[world.home.slug])
    response = client.get(url)
    assert response.status_code == 200
    text = main_text(response)
    assert "Margaret Baxter (Peggy)" in text and "Doris Foreign" not in text
    monday = next_monday()
    response = client.get(url, {"resident": world.resident.pk, "week": monday.isoformat()})
    assert response.status_code == 302
    assert response.url == week_url(world.home, world.resident, monday)


def test_choosing_another_homes_resident_or_a_made_up_week_is_refused_politely(world, client_for):
    client = client_for(world.staff)
    url = reverse("community:my_week_choose", args=[world.home.slug])
    response = client.get(url, {"resident": world.foreign_resident.pk, "week": "2001-01-01"})
    assert response.status_code == 200
    assert field_error(response, "resident") == "Choose who the sheet is for."
    assert field_error(response, "week") == "Choose one of the weeks in the list."


# --- The staff feed ----------------------------------------------------------------------------------


def test_the_staff_feed(world, client_for):
    day = timezone.localdate()
    confirmed = dated(
        world.home, day + timedelta(days=3), time(10, 0), title="Coffee morning", space=world.space
    )
    confirmed.sequence = 4
    confirmed.save()
    cancelled = dated(world.home, day + timedelta(days=4), title="Bingo", status=Occurrence.Status.CANCELLED)
    planned = dated(
        world.home,
        day + timedelta(days=5),
        activity=OutingFactory(home=world.home, title="Fishing trip"),
        status=Occurrence.Status.PLANNED,
    )
    dated(world.home, day + timedelta(days=80), title="Too far off")
    dated(world.other_home, day + timedelta(days=3), title="Another home")
    AttendeeFactory(occurrence=confirmed, resident=world.resident, answer=Attendee.Answer.COMING)
    lead = MembershipFactory(home=world.home, role="staff", user__full_name="Leona Lead")
    confirmed.activity.staff.add(lead)
    response = client_for(world.connector).get(ics_url(world.home))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    calendar = Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Coffee morning", "Bingo", "Fishing trip"}
    assert str(events["Coffee morning"]["uid"]) == f"{confirmed.uid}@kith"
    assert int(events["Coffee morning"]["sequence"]) == 4
    assert str(events["Coffee morning"]["status"]) == "CONFIRMED"
    assert str(events["Coffee morning"]["location"]) == "Garden room"
    assert events["Coffee morning"].decoded("dtstart") == confirmed.starts_at
    assert str(events["Bingo"]["uid"]) == f"{cancelled.uid}@kith"
    assert str(events["Bingo"]["status"]) == "CANCELLED"
    assert str(events["Fishing trip"]["status"]) == "TENTATIVE"
    assert str(events["Fishing trip"]["uid"]) == f"{planned.uid}@kith"
    assert "To be confirmed" in str(events["Fishing trip"]["description"])
    assert calendar.walk("VTIMEZONE"), "times carry the home's time zone"
    body = response.content.decode()
    for name in ("Margaret", "Peggy", "Baxter", "Leona"):
        assert name not in body


def test_the_staff_feed_costs_the_same_queries_for_10_or_500(
    world, client_for, django_assert_max_num_queries
):
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    client = client_for(world.staff)
    many(world.home, monday, 10, space=world.space)
    with django_assert_max_num_queries(10) as few:
        client.get(ics_url(world.home))
    many(world.home, monday, 490, space=world.space)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(ics_url(world.home))
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 500
