"""Hardening: far-future dates, garbage in addresses, restrictions for people
who have left, a call option that vanished while the form was open, and the
access an ended family link leaves behind. Each test asserts what a person
notices: a message next to the field or at the top, never a 500."""

import re
from datetime import date, time, timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from carehome.errors import DomainError
from carehome.timeutils import add_months
from homes.models import Space
from homes.tests.factories import SpaceFactory
from residents.models import RelativeLink, Resident
from residents.tests.factories import RelativeLinkFactory, ResidentFactory
from tests.html import alert_text, field_error, main_text
from visits.models import EventInvitation, Visit, VisitRestriction
from visits.services.access import regular_visitor_set, restriction_add, restriction_review_add
from visits.services.booking import feed_create, visit_book
from visits.services.events import event_invite, when_from
from visits.tests.factories import DoorCodeFactory, VisitRestrictionFactory

FAR = "9999-12-31"
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def url(world, name, *args):
    return reverse(f"visits:{name}", args=[world.home.slug, *args])


def booking(world, **overrides):
    data = {
        "resident": world.resident.pk,
        "kind": "visit",
        "date": (timezone.localdate() + timedelta(days=3)).isoformat(),
        "start_time": "14:00",
        "end_time": "15:00",
        "space": world.space.pk,
        "meal": "none",
        "visitors": "1",
        "visitor_name": "Linda Baxter",
        "accessibility_needs": "",
        "note": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def restriction_data(world, **fields):
    today = timezone.localdate()
    data = {
        "reason": "Norovirus outbreak on the first floor; Peggy is unwell.",
        "alternatives_considered": "Visits in the garden room; window visits; video calls.",
        "people_involved": "Peggy, her daughter Linda, the GP and the home manager.",
        "starts_on": today.isoformat(),
        "expected_end_on": (today + timedelta(days=10)).isoformat(),
        "next_review_on": (today + timedelta(days=3)).isoformat(),
        "other_exempt_visitors": "",
    }
    data.update(fields)
    return data


# --- 1. Far-future dates -------------------------------------------------------------


def test_booking_on_9999_12_31_twice_is_refused_next_to_the_date(world, client_for):
    client = client_for(world.relative)
    for _ in range(2):
        response = client.post(url(world, "book"), booking(world, date=FAR))
        assert response.status_code == 200
        assert "up to 18 months ahead" in field_error(response, "date")
    assert not Visit.objects.exists()


def test_the_service_refuses_a_booking_past_the_horizon(world):
    with pytest.raises(DomainError, match="18 months ahead") as error:
        visit_book(
            home=world.home,
            actor=world.relative.user,
            membership=world.relative,
            resident=world.resident,
            kind=Visit.Kind.VISIT,
            day=date(9999, 12, 31),
            start_time=time(14),
            end_time=time(15),
            space=world.space,
            meal=Visit.Meal.NONE,
            visitors=1,
        )
    assert error.value.field == "date"


def test_a_booking_18_months_ahead_is_fine_and_its_confirmation_shows_the_year(world, client_for):
    day = add_months(timezone.localdate(), 18)
    response = client_for(world.relative).post(
        url(world, "book"), booking(world, date=day.isoformat()), follow=True
    )
    assert Visit.objects.count() == 1
    booked = re.search(r"Booked: .*? We have emailed you the details\.", main_text(response)).group(0)
    assert f"{day:%A %-d %B %Y} at 14:00" in booked  # the year, as it is not this year


def test_an_event_far_ahead_is_refused_in_the_form_and_the_service(world, client_for):
    response = client_for(world.staff).post(
        reverse("visits:event_add", args=[world.home.slug]),
        {
            "kind": "meal",
            "title": "Sunday lunch",
            "date": FAR,
            "starts": "12:30",
            "ends": "14:00",
            "residents": [world.resident.pk],
        },
    )
    assert response.status_code == 200
    assert "up to 18 months ahead" in field_error(response, "date")
    starts_at, ends_at = when_from(date(2099, 1, 4), time(12), time(13))
    with pytest.raises(DomainError, match="18 months ahead"):
        event_invite(
            home=world.home,
            actor=world.staff.user,
            residents=[world.resident],
            kind=EventInvitation.Kind.MEAL,
            title="Lunch",
            starts_at=starts_at,
            ends_at=ends_at,
        )
    assert not EventInvitation.objects.exists()


@pytest.mark.parametrize("value", [FAR, "0001-01-01", "1999-12-31", "2101-01-01", "٢٠٢٦-١١-١٤", "rubbish"])
def test_a_date_in_the_address_out_of_range_shows_today_with_a_message(world, client_for, value):
    response = client_for(world.staff).get(url(world, "day"), {"date": value})
    assert response.status_code == 200
    text = main_text(response)
    assert "this shows today" in text.lower()
    assert f"{timezone.localdate():%-d %B}" in text


def test_a_restriction_cannot_be_expected_to_end_or_be_reviewed_in_9999(world, client_for):
    client = client_for(world.manager)
    response = client.post(
        url(world, "restriction_add", world.resident.pk), restriction_data(world, expected_end_on=FAR)
    )
    assert "at most 12 months ahead" in field_error(response, "expected_end_on")
    response = client.post(
        url(world, "restriction_add", world.resident.pk), restriction_data(world, next_review_on=FAR)
    )
    assert "at most 12 months ahead" in field_error(response, "next_review_on")
    assert not VisitRestriction.objects.exists()


def test_a_review_cannot_move_the_expected_end_to_9999(world, client_for):
    restriction = VisitRestrictionFactory(home=world.home, resident=world.resident)
    today = timezone.localdate()
    response = client_for(world.manager).post(
        url(world, "restriction_review", restriction.pk),
        {
            "reviewed_on": today.isoformat(),
            "outcome": "Still unwell.",
            "next_review_on": (today + timedelta(days=7)).isoformat(),
            "expected_end_on": FAR,
        },
    )
    assert response.status_code == 200
    assert "at most 12 months ahead" in field_error(response, "expected_end_on")
    with pytest.raises(DomainError, match="12 months ahead"):
        restriction_review_add(
            home=world.home,
            actor=world.manager.user,
            restriction=restriction,
            reviewed_on=today,
            outcome="Still unwell.",
            next_review_on=today + timedelta(days=7),
            expected_end_on=date(9999, 12, 31),
        )
    restriction.refresh_from_db()
    assert restriction.expected_end_on.year < 9999


# --- 2. Ids in the address --------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["ARABIC", "-1", "99999999999999999999", "\x00", "12abc", " ", "1e3", "０１"]
)
def test_garbage_resident_in_the_restrictions_address_is_ignored_with_a_message(world, client_for, value):
    if value == "ARABIC":  # this resident's own id in Arabic-Indic digits: passes str.isdigit()
        value = str(world.resident.pk).translate(ARABIC_INDIC)
    response = client_for(world.manager).get(url(world, "restrictions"), {"resident": value})
    assert response.status_code == 200
    assert "Choose a resident from the list." in main_text(response)


def test_a_plain_resident_id_in_the_restrictions_address_opens_the_form(world, client_for):
    response = client_for(world.manager).get(url(world, "restrictions"), {"resident": str(world.resident.pk)})
    assert response.status_code == 302
    assert response.url == url(world, "restriction_add", world.resident.pk)


@pytest.mark.parametrize("value", ["ARABIC", "-1", "99999999999999999999", "\x00"])
def test_garbage_ids_on_the_booking_and_event_pages_are_ignored(world, client_for, value):
    if value == "ARABIC":
        value = str(world.resident.pk).translate(ARABIC_INDIC)
    assert client_for(world.relative).get(url(world, "book"), {"resident": value}).status_code == 200
    response = client_for(world.staff).get(
        reverse("visits:event_add", args=[world.home.slug]), {"resident": value}
    )
    assert response.status_code == 200
    response = client_for(world.manager).get(
        url(world, "family_invite", world.resident.pk), {"person": value}
    )
    assert response.status_code == 200


# --- 3. Restrictions for someone who has left ------------------------------------------


def test_no_restriction_for_a_resident_who_has_left(world, client_for):
    gone = ResidentFactory(home=world.home, full_name="Albert Price")
    Resident.objects.filter(pk=gone.pk).update(status=Resident.Status.LEFT, left_on=timezone.localdate())
    gone.refresh_from_db()
    response = client_for(world.manager).post(url(world, "restriction_add", gone.pk), restriction_data(world))
    assert response.status_code == 200
    assert "Albert no longer lives here" in alert_text(response)
    assert not VisitRestriction.objects.exists()
    today = timezone.localdate()
    with pytest.raises(DomainError, match="no longer lives here"):
        restriction_add(
            home=world.home,
            actor=world.manager.user,
            resident=gone,
            reason="x",
            alternatives_considered="y",
            people_involved="z",
            starts_on=today,
            expected_end_on=today + timedelta(days=10),
            next_review_on=today + timedelta(days=3),
        )


# --- 4. A call option that vanished while the form was open ----------------------------


def test_a_video_call_whose_tablet_went_away_is_refused_with_a_message_at_the_top(world, client_for):
    tablet = SpaceFactory(home=world.home, name="Tablet", kind=Space.Kind.TABLET)
    client = client_for(world.relative)
    assert "A video call" in client.get(url(world, "book")).content.decode()
    Space.objects.filter(pk=tablet.pk).update(is_active=False)  # while the form was open
    response = client.post(url(world, "book"), booking(world, kind="video_call", space=""))
    assert response.status_code == 200
    assert "Calls cannot be booked here at the moment" in alert_text(response)
    assert not Visit.objects.exists()


# --- 5. Ending a relative's link ends their access ---------------------------------------


def _set_status(client, world, link, action):
    return client.post(
        url(world, "family_link_status", link.pk),
        {"action": action, "reason": f"{action} for the test"},
        follow=True,
    )


def test_ending_a_link_revokes_the_feed_and_restoring_needs_a_new_approval(world, client, client_for):
    DoorCodeFactory(home=world.home, code="4721")
    link = RelativeLink.objects.get(membership=world.relative)
    regular_visitor_set(home=world.home, actor=world.manager.user, link_id=link.pk, approved=True)
    feed = feed_create(home=world.home, actor=world.relative.user, membership=world.relative)
    feed_url = reverse("visiting:calendar_feed", args=[feed.token])
    relative, manager = client_for(world.relative), client_for(world.manager)
    assert client.get(feed_url).status_code == 200
    assert "4721" in main_text(relative.get(url(world, "my_door_code")))

    _set_status(manager, world, link, "end")
    assert client.get(feed_url).status_code in {404, 410}

    response = _set_status(manager, world, link, "restore")
    assert "restored without regular visitor approval" in main_text(response)
    door = relative.get(url(world, "my_door_code"))
    assert door.status_code == 403
    assert "4721" not in door.content.decode()
    assert client.get(feed_url).status_code in {404, 410}

    regular_visitor_set(home=world.home, actor=world.manager.user, link_id=link.pk, approved=True)
    assert "4721" in main_text(relative.get(url(world, "my_door_code")))


def test_a_text_about_a_visit_next_year_says_the_year():
    starts = timezone.localtime() + timedelta(days=400)
    text = render_to_string(
        "messages/visits.booked/sms.txt",
        {
            "what": "a visit",
            "home": {"name": "Rowan House"},
            "starts": starts,
            "url": "https://kith.example/v/1",
        },
    )
    assert f"{starts:%a %-d %b %Y} {starts:%H:%M}" in text


# --- 6. A posted booking reads only the person chosen; shown again, it lists them all ----


def test_a_booking_shown_again_with_an_error_still_lists_everyone_the_relative_visits(world, client_for):
    second = ResidentFactory(home=world.home, full_name="Arthur Pennington")
    RelativeLinkFactory(resident=second, membership=world.relative)
    stranger = ResidentFactory(home=world.home, full_name="Doris Stranger")
    client = client_for(world.relative)

    response = client.post(url(world, "book"), booking(world, resident=second.pk, end_time="13:00"))
    assert response.status_code == 200
    assert "The end time must be after the start time." in field_error(response, "end_time")
    page = response.content.decode()
    options = re.findall(r'<option value="(\d+)"( selected)?>', page)
    assert sorted(int(pk) for pk, _ in options) == sorted([world.resident.pk, second.pk])
    assert [int(pk) for pk, chosen in options if chosen] == [second.pk]

    response = client.post(url(world, "book"), booking(world, resident=stranger.pk))
    assert response.status_code == 200
    assert "Choose one of the people listed." in field_error(response, "resident")
    assert not Visit.objects.exists()

    response = client.post(url(world, "book"), booking(world, resident=second.pk))
    assert response.status_code == 302
    assert Visit.objects.get().resident == second
