"""The peers demo data: believable, idempotent, bulk."""

import random
from datetime import date, timedelta

from homes.models import Interest
from residents.demo import peers
from residents.models import Friendship, Resident, SupportFlag
from residents.tests.factories import PersonalPlanFactory, ResidentFactory

TODAY = date(2026, 11, 20)
LIKES = ["Gardening", "Music", "Quizzes", "Bowls", "Baking", "Football"]


def make_home(world, count=30):
    interests = [Interest.objects.get_or_create(name=n)[0] for n in LIKES]
    for n in range(count):
        r = ResidentFactory(home=world.home, admitted_on=TODAY - timedelta(days=400 + n * 20))
        plan = PersonalPlanFactory(resident=r, places="Leith" if n % 3 == 0 else "Dundee")
        plan.interests.set(interests[n % 4 : n % 4 + 2])
    newest = ResidentFactory(home=world.home, full_name="Nora Newest", admitted_on=TODAY - timedelta(days=5))
    ResidentFactory(
        home=world.home,
        status=Resident.Status.DIED,
        left_on=TODAY - timedelta(days=10),
        full_name="Walter Gone",
    )
    return list(Resident.objects.for_home(world.home).order_by("id")), newest


def seed(world, residents):
    peers.seed(
        home=world.home,
        residents=residents,
        staff=[world.staff.user],
        today=TODAY,
        rng=random.Random("peers-test"),
    )


def test_demo_friendships_a_buddy_and_a_flag(world):
    residents, newest = make_home(world)
    seed(world, residents)

    friendships = Friendship.objects.for_home(world.home)
    friends = friendships.filter(kind=Friendship.Kind.FRIEND)
    assert 3 <= friends.count() <= len(residents) // 3
    assert all(f.started_on <= TODAY and f.ended_on is None for f in friendships)
    buddy = friendships.get(kind=Friendship.Kind.BUDDY)
    assert newest.pk in (buddy.resident_a_id, buddy.resident_b_id)
    flag = SupportFlag.objects.for_home(world.home).get()
    assert flag.resolved_on is None and flag.reason == "Their friend Walter has died."
    assert not flag.resident.has_left
    assert not friendships.filter(resident_a__status="died").exists()
    assert not friendships.filter(resident_b__status="died").exists()


def test_demo_peers_is_idempotent(world):
    residents, _ = make_home(world)
    seed(world, residents)
    counts = Friendship.objects.count(), SupportFlag.objects.count()
    seed(world, residents)
    assert (Friendship.objects.count(), SupportFlag.objects.count()) == counts


def test_demo_peers_copes_with_a_tiny_home(world):
    seed(world, [world.resident])
    assert not Friendship.objects.exists()
