"""Quiet hours say what they mean: hours entered the wrong way round
(08:00–21:00) would hold every text all day, so the page asks before saving
them, and always says in words what the saved hours do."""

import datetime

import pytest
from django.urls import reverse

from notifications.models import MessageSettings
from notifications.timing import holds_daytime
from tests.html import field_error, main_text


@pytest.fixture
def client(world, client_for):
    return client_for(world.manager)


def url(world):
    return reverse("notifications:settings", args=[world.home.slug])


def test_the_page_says_what_the_saved_hours_mean(world, client):
    text = main_text(client.get(url(world)))
    assert "Now: Texts will wait from 21:00 until 08:00 (overnight)" in text
    assert "hold text messages during the day" not in text


def test_daytime_quiet_hours_are_questioned_and_not_saved(world, client):
    response = client.post(url(world), {"quiet_from": "08:00", "quiet_until": "21:00"})
    assert response.status_code == 200
    message = field_error(response, "quiet_from")
    assert message.startswith("Texts will wait from 08:00 until 21:00, so none would be sent during the day")
    assert "is that right?" in message and "swap the times (21:00 to 08:00)" in message
    assert "Yes, hold text messages during the day" in main_text(response)
    assert not MessageSettings.objects.filter(home=world.home).exists()


def test_confirmed_daytime_hours_are_saved_and_described(world, client):
    response = client.post(
        url(world), {"quiet_from": "08:00", "quiet_until": "21:00", "daytime_confirmed": "on"}
    )
    assert response.status_code == 302
    saved = MessageSettings.objects.get(home=world.home)
    assert (saved.quiet_from, saved.quiet_until) == (datetime.time(8, 0), datetime.time(21, 0))
    text = main_text(client.get(url(world)))
    assert "Now: Texts will wait from 08:00 until 21:00 (during the day)" in text


def test_night_hours_need_no_confirmation(world, client):
    response = client.post(url(world), {"quiet_from": "22:00", "quiet_until": "07:30"})
    assert response.status_code == 302
    assert "Now: Texts will wait from 22:00 until 07:30 (overnight)" in main_text(client.get(url(world)))


def test_switched_off_quiet_hours_say_so(world, client):
    client.post(url(world), {"quiet_from": "00:00", "quiet_until": "00:00"})
    assert "Quiet hours are off: text messages go at any time" in main_text(client.get(url(world)))


@pytest.mark.parametrize(
    ("start", "end", "daytime"),
    [
        ("21:00", "08:00", False),
        ("20:00", "10:00", False),
        ("16:00", "23:00", False),
        ("08:00", "21:00", True),
        ("14:00", "23:00", True),
        ("00:00", "11:00", True),
        ("22:00", "12:00", True),
        ("09:00", "09:00", False),
    ],
)
def test_which_hours_hold_texts_in_the_day(start, end, daytime):
    as_time = datetime.time.fromisoformat
    assert holds_daytime(as_time(start), as_time(end)) is daytime
