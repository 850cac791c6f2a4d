"""The visiting information demo data: believable, idempotent, a tablet that stays off the public page."""

import random

from django.urls import reverse
from django.utils import timezone

from homes.models import Space
from homes.tests.factories import SpaceFactory
from tests.html import main_text
from visits.demo.info import seed
from visits.models import VisitingInfo


def run(home):
    seed(home=home, residents=[], staff=[], today=timezone.localdate(), rng=random.Random(home.slug))


def test_the_demo_gives_each_home_visiting_information_hours_and_a_tablet(world, client):
    garden = SpaceFactory(home=world.home, name="Sun room", kind=Space.Kind.GARDEN_ROOM)
    run(world.home)
    info = VisitingInfo.objects.get(home=world.home)
    assert "The door is opened from 8am to 8pm" in info.front_door
    assert "blue-badge" in info.parking and "bus stops outside" in info.public_transport
    assert "Hearing loop in the lounge" in info.accessibility
    garden.refresh_from_db()
    assert (str(garden.opens_at), str(garden.closes_at)) == ("10:00:00", "19:00:00")
    tablet = Space.objects.get(home=world.home, kind=Space.Kind.TABLET)
    assert tablet.name == "Video call tablet" and tablet.bookable

    text = main_text(client.get(reverse("visiting:info", kwargs={"slug": world.home.slug})))
    assert "Sun room" in text and "Open 10:00 to 19:00" in text
    assert "Video call tablet" not in text


def test_running_the_demo_twice_adds_nothing(world):
    run(world.home)
    info = list(VisitingInfo.objects.values())
    spaces = list(Space.objects.order_by("pk").values())
    run(world.home)
    assert list(VisitingInfo.objects.values()) == info
    assert list(Space.objects.order_by("pk").values()) == spaces


def test_the_demo_keeps_hours_a_manager_changed(world):
    world.space.kind = Space.Kind.GARDEN_ROOM
    world.space.opens_at, world.space.closes_at = "11:00", "16:00"
    world.space.save()
    run(world.home)
    world.space.refresh_from_db()
    assert (str(world.space.opens_at), str(world.space.closes_at)) == ("11:00:00", "16:00:00")
