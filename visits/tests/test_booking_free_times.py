"""Booking without guessing: the date starts at today, and the free times of a
space on a day show before "Book it" (htmx fragment, or "Show free times"
without JavaScript), as large choices that fill in From and Until."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from homes.tests.factories import SpaceFactory
from visits.models import Visit
from visits.tests.factories import VisitFactory


def the_day():
    return timezone.localdate() + timedelta(days=3)


def at(hour, minute=0):
    return datetime.combine(the_day(), time(hour, minute), tzinfo=timezone.get_current_timezone())


def hold(world, start, end, space=None):
    space = space or world.space
    buffer = timedelta(minutes=space.buffer_minutes)
    return VisitFactory(
        resident=world.resident,
        space=space,
        starts_at=start,
        ends_at=end,
        blocked_from=start - buffer,
        blocked_until=end + buffer,
    )


def free_times_url(world, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("visits:free_times", args=[world.home.slug]) + (f"?{query}" if query else "")


def slots_in(response):
    return re.findall(r'name="slot"[^>]*value="([0-9:]+-[0-9:]+)"', response.content.decode())


def test_free_times_are_hourly_do_not_overlap_and_keep_clear_of_bookings(world, client_for):
    hold(world, at(12), at(13))  # held 11:45–13:15 with the 15-minute buffer
    response = client_for(world.relative).get(
        free_times_url(world, space=world.space.pk, date=the_day().isoformat())
    )
    assert response.status_code == 200
    assert slots_in(response) == [
        "09:00-10:00",
        "10:00-11:00",
        "13:30-14:30",
        "14:30-15:30",
        "15:30-16:30",
        "16:30-17:30",
        "17:30-18:30",
        "18:30-19:30",
    ]
    html = response.content.decode()
    assert "Free times: Garden room" in html and "(1 hour each)" in html


def test_free_times_follow_the_length_from_and_until_give(world, client_for):
    space = SpaceFactory(home=world.home, name="Quiet room", opens_at=time(10), closes_at=time(14))
    response = client_for(world.relative).get(
        free_times_url(
            world, space=space.pk, date=the_day().isoformat(), start_time="10:00", end_time="11:30"
        )
    )
    assert slots_in(response) == ["10:00-11:30", "11:30-13:00"]


def test_a_day_with_no_room_says_so(world, client_for):
    space = SpaceFactory(home=world.home, name="Snug", opens_at=time(10), closes_at=time(11))
    hold(world, at(10), at(11), space=space)
    response = client_for(world.relative).get(
        free_times_url(world, space=space.pk, date=the_day().isoformat())
    )
    assert response.status_code == 200
    assert slots_in(response) == []
    assert "No free time of 1 hour that day" in response.content.decode()


def test_without_a_space_it_asks_for_one(world, client_for):
    response = client_for(world.relative).get(free_times_url(world, date=the_day().isoformat()))
    assert response.status_code == 200
    assert "Choose a space and a day" in response.content.decode()


def test_a_past_day_is_refused_with_words(world, client_for):
    past = (timezone.localdate() - timedelta(days=2)).isoformat()
    response = client_for(world.relative).get(free_times_url(world, space=world.space.pk, date=past))
    assert response.status_code == 200
    assert "That date has passed" in response.content.decode()
    assert slots_in(response) == []


def test_another_homes_space_is_not_found(world, client_for):
    response = client_for(world.relative).get(
        free_times_url(world, space=world.foreign_space.pk, date=the_day().isoformat())
    )
    assert response.status_code == 404


def test_an_outsider_cannot_ask(world, client_for):
    response = client_for(world.outsider).get(
        free_times_url(world, space=world.space.pk, date=the_day().isoformat())
    )
    assert response.status_code == 404


@pytest.mark.parametrize("bookings", [1, 6])
def test_free_times_take_the_same_queries_however_busy(
    world, client_for, django_assert_max_num_queries, bookings
):
    for hour in range(9, 9 + bookings * 2, 2):
        hold(world, at(hour), at(hour + 1))
    client = client_for(world.relative)
    with django_assert_max_num_queries(6):  # + the holds of activities and community groups
        response = client.get(free_times_url(world, space=world.space.pk, date=the_day().isoformat()))
    assert response.status_code == 200


def test_changing_a_booking_offers_its_own_time(world, client_for):
    visit = hold(world, at(12), at(13))
    visit.booked_by = world.relative
    visit.save()
    response = client_for(world.relative).get(
        free_times_url(world, space=world.space.pk, date=the_day().isoformat(), visit=visit.pk)
    )
    assert "12:00-13:00" in slots_in(response)


# --- The booking page ------------------------------------------------------------


def test_the_date_starts_at_today_and_choices_are_large(world, client_for):
    response = client_for(world.relative).get(reverse("visits:book", args=[world.home.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{timezone.localdate().isoformat()}"' in html
    assert html.count('class="choice-list') >= 2  # the spaces and the meals (and the kind)
    assert "Choose a space and a day to see when it is free." in html
    assert "Show free times" in html


def test_show_free_times_without_javascript_keeps_what_was_typed(world, client_for):
    response = client_for(world.relative).post(
        reverse("visits:book", args=[world.home.slug]),
        {
            "resident": world.resident.pk,
            "kind": "visit",
            "space": world.space.pk,
            "date": the_day().isoformat(),
            "meal": "tea",
            "visitors": "3",
            "visitor_name": "Linda Baxter",
            "show_times": "1",
        },
    )
    assert response.status_code == 200
    assert not Visit.objects.exists()
    html = response.content.decode()
    assert "09:00-10:00" in slots_in(response)
    assert 'value="3"' in html
    assert "is-invalid" not in html  # nothing checked yet, so no errors


def test_a_tapped_free_time_books_without_javascript(world, client_for):
    response = client_for(world.relative).post(
        reverse("visits:book", args=[world.home.slug]),
        {
            "resident": world.resident.pk,
            "kind": "visit",
            "space": world.space.pk,
            "date": the_day().isoformat(),
            "slot": "10:00-11:00",
            "start_time": "",
            "end_time": "",
            "meal": "none",
            "visitors": "1",
            "visitor_name": "Linda Baxter",
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert timezone.localtime(visit.starts_at) == at(10)
    assert timezone.localtime(visit.ends_at) == at(11)


def test_book_links_can_choose_the_person_and_a_call(world, client_for):
    SpaceFactory(home=world.home, name="Tablet", kind="tablet")
    response = client_for(world.relative).get(
        reverse("visits:book", args=[world.home.slug]) + f"?resident={world.resident.pk}&kind=video_call"
    )
    checked = re.findall(
        r'<input type="radio" name="kind" value="([a-z_]+)"[^>]*checked', response.content.decode()
    )
    assert checked == ["video_call"]
