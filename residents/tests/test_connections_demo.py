"""The demo connection log: believable, gives the worklist something to show, idempotent."""

import random
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import UserFactory
from residents.demo.connections import DAYS, seed
from residents.models import Connection, ConnectionParticipant, Resident, Response
from residents.selectors.worklist import worklist_for
from residents.tests.factories import PersonWhoMattersFactory, ResidentFactory


def make_home(world, n):
    residents = [world.resident, world.unlinked_resident]
    residents += ResidentFactory.create_batch(n - 2, home=world.home)
    ResidentFactory(home=world.home, status=Resident.Status.HOSPITAL, full_name="Away Hilda")
    ResidentFactory(home=world.home, status=Resident.Status.LEFT, full_name="Gone Gordon")
    for i, r in enumerate(residents):
        if i % 4 != 3:
            PersonWhoMattersFactory(
                resident=r, by_visit=i % 2 == 0, contact_every_days=[7, 14, 30, None][i % 4]
            )
    return list(Resident.objects.for_home(world.home).order_by("id"))


def run(world, residents):
    staff = [world.staff.user, world.champion.user, world.manager.user, UserFactory()]
    seed(home=world.home, residents=residents, staff=staff, today=timezone.localdate(), rng=random.Random(1))


@pytest.fixture
def a_tuesday():
    """The demo log follows the week (groups on their days): the counts below
    hold on a Tuesday, so the test runs on one, whatever day CI runs it."""
    with time_machine.travel(datetime(2026, 12, 1, 14, 0, tzinfo=UTC), tick=True):
        yield


def test_the_demo_log_is_believable_and_fills_the_worklist(a_tuesday, world):
    residents = make_home(world, 30)
    run(world, residents)

    connections = Connection.objects.for_home(world.home)
    assert connections.count() > 100
    now = timezone.now()
    assert not connections.filter(occurred_at__gt=now).exists()
    assert not connections.filter(occurred_at__lt=now - timedelta(days=DAYS + 1)).exists()
    assert connections.filter(occurred_at__lt=now - timedelta(days=DAYS - 7)).exists()  # a quarter back
    groups = connections.filter(mode=Connection.Mode.GROUP_ACTIVITY)
    names = set(groups.values_list("with_name", flat=True))
    assert {"Singing group", "Chair exercise", "Reminiscence group", "Garden club"} <= names
    assert any("St Mary" in n for n in names)
    sizes = [c.participants.count() for c in groups[:20]]
    assert max(sizes) <= 12 and max(sizes) >= 4
    assert connections.filter(with_whom="person", mode="in_person").exists()
    assert connections.filter(with_whom="person", mode="phone").exists()
    assert connections.filter(with_whom="staff", staff_member__isnull=False).exists()

    participants = ConnectionParticipant.objects.for_home(world.home)
    assert set(participants.values_list("response", flat=True)) == set(Response.values)
    assert not participants.exclude(resident__status=Resident.Status.CURRENT).exists()
    for p in participants.select_related("connection")[:50]:
        assert p.occurred_at == p.connection.occurred_at

    work = worklist_for(world.home)
    quiet = [
        r for r in work.quiet if r.last_meaningful is None or r.last_meaningful < now - timedelta(days=10)
    ]
    assert 4 <= len(quiet) <= len(work.quiet) <= 6
    assert len(work.overdue) >= 3


def test_the_demo_log_is_idempotent(world):
    residents = make_home(world, 12)
    run(world, residents)
    before = (Connection.objects.count(), ConnectionParticipant.objects.count())
    run(world, residents)
    assert (Connection.objects.count(), ConnectionParticipant.objects.count()) == before


def test_the_demo_log_is_bulk(world):
    residents = make_home(world, 120)
    with CaptureQueriesContext(db_connection) as queries:
        run(world, residents)
    assert len(queries) < 15
    per_resident = ConnectionParticipant.objects.filter(resident=residents[5]).count()
    assert per_resident < 2 * DAYS  # under two entries a day, however many people matter
