"""A space can never be double-booked: 50 people racing for one slot get one
booking and 49 friendly "taken" messages; PostgreSQL refuses an overlap even
when the service is bypassed."""

import threading
from datetime import time, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from carehome.errors import DomainError
from homes.models import Role
from homes.tests.factories import HomeFactory, MembershipFactory, SpaceFactory
from residents.tests.factories import RelativeLinkFactory, ResidentFactory
from tests.threads import scoped_thread
from visits.models import Visit
from visits.services.booking import visit_book
from visits.tests.factories import VisitFactory

ATTEMPTS = 50

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_fifty_people_racing_for_one_slot_get_one_booking_and_49_taken_messages():
    home = HomeFactory(name="Rowan House")
    space = SpaceFactory(home=home, name="Garden room", capacity=8)
    resident = ResidentFactory(home=home, full_name="Margaret Baxter", preferred_name="Peggy")
    relatives = []
    for _ in range(ATTEMPTS):
        relative = MembershipFactory(home=home, role=Role.FAMILY)
        RelativeLinkFactory(resident=resident, membership=relative)
        relatives.append(relative)
    day = timezone.localdate() + timedelta(days=2)
    barrier = threading.Barrier(ATTEMPTS)
    results, errors, lock = [], [], threading.Lock()

    def attempt(relative):
        try:
            barrier.wait()
            try:
                visit = visit_book(
                    home=home,
                    actor=relative.user,
                    membership=relative,
                    resident=resident,
                    day=day,
                    start_time=time(14),
                    end_time=time(15),
                    space=space,
                    meal="lunch",
                    visitors=2,
                )
                with lock:
                    results.append(visit.pk)
            except DomainError as error:
                with lock:
                    results.append(error.message)
            except Exception as error:  # anything else would be a 500
                with lock:
                    errors.append(repr(error))
        finally:
            connection.close()

    threads = [scoped_thread(home, attempt, r) for r in relatives]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert Visit.objects.count() == 1
    taken = [r for r in results if isinstance(r, str)]
    assert len(taken) == ATTEMPTS - 1
    assert all(message.startswith("That space is taken at that time — it is free") for message in taken)
    # The closest free times: the hour before and after stay free for the 15-minute buffer.
    assert taken[0] == "That space is taken at that time — it is free 12:00–13:00, 12:30–13:30, 15:30–16:30."


@pytest.mark.django_db
def test_the_database_refuses_an_overlapping_booking_inserted_directly(world):
    VisitFactory(resident=world.resident, space=world.space)
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitFactory(
            resident=world.unlinked_resident,
            space=world.space,
            starts_at=Visit.objects.get().starts_at + timedelta(minutes=30),
        )
    # A cancelled booking, or another space, holds nothing.
    VisitFactory(resident=world.unlinked_resident, space=world.space, status=Visit.Status.CANCELLED)
    VisitFactory(resident=world.unlinked_resident, space=SpaceFactory(home=world.home))
    assert Visit.objects.count() == 3
