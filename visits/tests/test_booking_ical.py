"""The .ics files and the personal calendar feed."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from homes.models import Role
from homes.tests.factories import MembershipFactory
from residents.models import RelativeLink
from visits.ical import visit_ics
from visits.models import CalendarFeed, Visit
from visits.services.booking import feed_create, visit_book, visit_cancel
from visits.tests.factories import VisitFactory

LONDON = ZoneInfo("Europe/London")


def visit_at(world, day, hour):
    start = datetime.combine(day, time(hour), tzinfo=LONDON)
    return VisitFactory(resident=world.resident, booked_by=world.relative, space=world.space, starts_at=start)


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (date(2026, 10, 25), 10),  # the clocks went back at 02:00: 10:00 GMT
        (date(2026, 3, 29), 9),  # the clocks went forward at 01:00: 10:00 BST
        (date(2026, 10, 24), 9),  # the day before: still BST
    ],
)
def test_the_ics_carries_the_right_local_time_across_a_clock_change(world, day, utc_hour):
    visit = visit_at(world, day, 10)
    world.home.address = "12 Rowan Lane\nLeeds"
    world.home.postcode = "LS1 4AB"
    world.home.save()
    visit = Visit.objects.select_related("home", "resident", "space").get(pk=visit.pk)
    calendar = Calendar.from_ical(visit_ics(visit))
    event = calendar.walk("VEVENT")[0]
    start = event["DTSTART"].dt
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert (start.hour, start.minute) == (10, 0)
    assert start.astimezone(UTC).hour == utc_hour
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"
    assert str(event["SUMMARY"]) == "Visit to Peggy at Rowan House"
    assert str(event["LOCATION"]) == "Garden room, Rowan House, 12 Rowan Lane, Leeds, LS1 4AB"
    assert str(event["UID"]) == f"{visit.uid}@kith"


def without_dtstamp(ics):
    return re.sub(rb"DTSTAMP:[^\r\n]*", b"DTSTAMP:-", ics)


def test_the_cached_vtimezone_goes_in_every_ics_and_carries_nothing_else_between_them(world):
    day = timezone.localdate() + timedelta(days=5)
    first, other = visit_at(world, day, 10), visit_at(world, day, 15)
    ics = visit_ics(first)
    visit_ics(other)  # another calendar in between must not leak into the next one
    again = visit_ics(first)
    assert without_dtstamp(again) == without_dtstamp(ics)

    calendar = Calendar.from_ical(again)
    assert [c.name for c in calendar.subcomponents] == ["VTIMEZONE", "VEVENT"]
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"
    assert str(calendar.walk("VEVENT")[0]["UID"]) == f"{first.uid}@kith"
    # the same bytes icalendar's own add_missing_timezones() would give
    calendar.subcomponents = calendar.walk("VEVENT")
    calendar.add_missing_timezones()
    assert calendar.to_ical() == again


def test_the_visit_page_offers_the_ics_download(world, client_for):
    visit = visit_at(world, timezone.localdate() + timedelta(days=4), 11)
    client = client_for(world.relative)
    detail = client.get(reverse("visits:visit_detail", args=[world.home.slug, visit.pk]))
    ics_url = reverse("visits:visit_ics", args=[world.home.slug, visit.pk])
    assert ics_url in detail.content.decode()
    response = client.get(ics_url)
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event["DTSTART"].dt.hour == 11


def feed_url(feed):
    return reverse("visiting:calendar_feed", args=[feed.token])


def test_the_calendar_feed_lists_my_visits_with_cancelled_ones_marked(world, client, client_for):
    day = timezone.localdate() + timedelta(days=3)
    kept = visit_book(
        home=world.home,
        actor=world.relative.user,
        membership=world.relative,
        resident=world.resident,
        day=day,
        start_time=time(10),
        end_time=time(11),
        space=world.space,
    )
    gone = visit_book(
        home=world.home,
        actor=world.relative.user,
        membership=world.relative,
        resident=world.resident,
        day=day,
        start_time=time(14),
        end_time=time(15),
        space=world.space,
    )
    visit_cancel(home=world.home, actor=world.relative.user, visit=gone)
    VisitFactory(resident=world.unlinked_resident)  # not theirs

    page = client_for(world.relative).post(reverse("visits:feed_new", args=[world.home.slug]))
    assert page.status_code == 302
    feed = CalendarFeed.objects.get(revoked_at__isnull=True)
    response = client.get(feed_url(feed))  # no sign-in needed
    assert response.status_code == 200
    events = {str(e["UID"]): str(e["STATUS"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert events == {f"{kept.uid}@kith": "CONFIRMED", f"{gone.uid}@kith": "CANCELLED"}

    mine = client_for(world.relative).get(reverse("visits:my_visits", args=[world.home.slug]))
    assert feed.token in mine.content.decode()


def test_a_revoked_replaced_or_unknown_feed_is_404(world, client, client_for):
    first = feed_create(home=world.home, actor=world.relative.user, membership=world.relative)
    second = feed_create(home=world.home, actor=world.relative.user, membership=world.relative)
    assert client.get(feed_url(first)).status_code == 404
    assert client.get(feed_url(second)).status_code == 200
    client_for(world.relative).post(reverse("visits:feed_stop", args=[world.home.slug]))
    assert client.get(feed_url(second)).status_code == 404
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404


def test_an_ended_link_takes_that_residents_visits_out_of_the_feed(world, client):
    visit_at(world, timezone.localdate() + timedelta(days=2), 10)
    feed = feed_create(home=world.home, actor=world.relative.user, membership=world.relative)
    assert len(Calendar.from_ical(client.get(feed_url(feed)).content).walk("VEVENT")) == 1
    RelativeLink.objects.filter(membership=world.relative).update(status=RelativeLink.Status.ENDED)
    assert Calendar.from_ical(client.get(feed_url(feed)).content).walk("VEVENT") == []


def test_a_feed_never_shows_another_relatives_visits(world, client):
    other = MembershipFactory(home=world.home, role=Role.FAMILY)
    VisitFactory(resident=world.resident, booked_by=other)
    feed = feed_create(home=world.home, actor=world.relative.user, membership=world.relative)
    assert Calendar.from_ical(client.get(feed_url(feed)).content).walk("VEVENT") == []


def test_staff_have_no_feed_page(world, client_for):
    assert client_for(world.staff).post(reverse("visits:feed_new", args=[world.home.slug])).status_code == 403
