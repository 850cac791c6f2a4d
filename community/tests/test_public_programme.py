"""The public programme (no sign-in): only for a home that publishes it;
what is on, when and where, never who; cacheable, with no cookies."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from community.models import Attendee, Occurrence
from community.tests.calendars_data import dated, many
from community.tests.factories import (
    AttendeeFactory,
    CommunitySettingsFactory,
    OutingFactory,
    PartnershipFactory,
    PlaceFactory,
    minibus_driver,
)
from homes.tests.factories import MembershipFactory
from tests.html import main_text
from volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

PAGES = ["home", "screen", "ics"]


def url(home, name="home"):
    return reverse(f"programme:{name}", kwargs={"slug": home.slug})


@pytest.fixture
def published(world):
    return CommunitySettingsFactory(home=world.home, publish_programme=True)


@pytest.fixture
def full_day(world, published):
    """Tomorrow: an in-home activity with a resident, staff and a volunteer on it,
    an outing with a driver to an address, one kept off the public programme,
    one cancelled; and the day after, a partner's group in the lounge."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    singing = dated(world.home, tomorrow, time(10, 0), title="Singing group", space=world.space)
    AttendeeFactory(
        occurrence=singing, resident=world.resident, answer=Attendee.Answer.COMING, note="Loves Vera Lynn"
    )
    singing.activity.staff.add(MembershipFactory(home=world.home, role="staff", user__full_name="Leona Lead"))
    singing.activity.volunteers.add(VolunteerFactory(home=world.home, full_name="Victor Volunteer"))
    trip = dated(
        world.home,
        tomorrow,
        time(13, 0),
        minutes=180,
        activity=OutingFactory(home=world.home, title="Fishing trip", address="12 Private Road, Rochdale"),
    )
    trip.driver = minibus_driver(world.home, full_name="Dennis Driver")
    trip.save()
    dated(world.home, tomorrow, time(15, 0), title="Review meeting", on_public_programme=False)
    dated(world.home, tomorrow, time(16, 0), title="Called-off bingo", status=Occurrence.Status.CANCELLED)
    choir = PartnershipFactory(home=world.home, partner__name="Rowan Community Choir")
    dated(
        world.home,
        tomorrow + timedelta(days=1),
        time(18, 0),
        title="Choir practice",
        kind="venue",
        partnership=choir,
        space=world.space,
    )
    return tomorrow


@pytest.mark.parametrize("name", PAGES)
def test_not_published_is_not_found(world, client, name):
    assert client.get(url(world.home, name)).status_code == 404
    CommunitySettingsFactory(home=world.home, publish_programme=False)
    assert client.get(url(world.home, name)).status_code == 404
    assert client.get(reverse(f"programme:{name}", kwargs={"slug": "no-such-home"})).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_one_homes_publishing_does_not_publish_another(world, client, name):
    CommunitySettingsFactory(home=world.other_home, publish_programme=True)
    assert client.get(url(world.home, name)).status_code == 404
    assert client.get(url(world.other_home, name)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_public_pages_name_no_one_and_set_no_cookie(world, client, full_day, name):
    response = client.get(url(world.home, name))
    assert response.status_code == 200
    assert not response.cookies, "a public page sets no cookie"
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    body = response.content.decode()
    for secret in (
        "Margaret",
        "Peggy",
        "Baxter",
        "Vera Lynn",
        "Leona",
        "Victor",
        "Dennis",
        "Private Road",
        "Review meeting",
        "Arthur",
    ):
        assert secret not in body, f"{secret!r} on the public {name}"
    # A cancelled date stays in the feed (marked cancelled, so calendars drop it), off the pages.
    assert ("Called-off bingo" in body) == (name == "ics")
    assert "Singing group" in body and "Fishing trip" in body


def test_the_public_programme_shows_this_week_and_next(world, client, full_day):
    response = client.get(url(world.home))
    text = main_text(response)
    assert "Rowan House" in text and "This week" in text and "Next week" in text
    assert "Singing group" in text and "Garden room" in text and "10am to 11am" in text
    assert "Fishing trip" in text and "Trip out" in text and "Out and about" in text
    assert "Choir practice" in text and "with Rowan Community Choir" in text
    html = response.content.decode()
    assert url(world.home, "ics") in html and url(world.home, "screen") in html


def test_the_foyer_screen_refreshes_itself_and_shows_today_and_tomorrow(world, client, full_day):
    response = client.get(url(world.home, "screen"))
    html = response.content.decode()
    # Kept up to date every five minutes by a script (a <meta> refresh fails WCAG 2.2.1).
    assert 'data-refresh-seconds="300"' in html and "js/community-screen.js" in html
    text = main_text(response)
    assert "Today," in text and "Tomorrow," in text
    assert "Singing group" in text and "Choir practice" not in text
    assert "<form" not in html and "<button" not in html


def test_the_public_feed_has_only_the_public_programme(world, client, full_day):
    PlaceFactory(home=world.home)
    calendar = Calendar.from_ical(client.get(url(world.home, "ics")).content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Singing group", "Fishing trip", "Choir practice", "Called-off bingo"}
    assert str(events["Called-off bingo"]["status"]) == "CANCELLED"
    assert str(events["Fishing trip"]["location"]) == "Out and about"


@pytest.mark.parametrize("name", PAGES)
def test_public_pages_cost_the_same_queries_for_10_or_500(
    world, client, published, name, django_assert_max_num_queries
):
    monday = timezone.localdate()
    place = PlaceFactory(home=world.home)
    many(world.home, monday, 10, space=world.space, place=place)
    with django_assert_max_num_queries(4) as few:
        assert client.get(url(world.home, name)).status_code == 200
    many(world.home, monday, 490, space=world.space, place=place)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url(world.home, name)).status_code == 200
