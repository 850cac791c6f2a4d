"""A partner's use of a space and a family visit can never overlap: a
community group's booking and a relative's visit racing for the lounge at
the same time, from two connections, give one booking and one friendly
"taken" or "booked" message, and the database holds one live hold."""

import threading
from datetime import time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from carehome.errors import DomainError
from community.models import Activity
from community.services.programme import activity_create
from community.tests.factories import PartnershipFactory
from homes.models import Role, SpaceHold
from homes.tests.factories import HomeFactory, MembershipFactory, SpaceFactory
from residents.tests.factories import RelativeLinkFactory, ResidentFactory
from tests.threads import scoped_thread
from visits.models import Visit
from visits.services.booking import visit_book

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")

ROUNDS = 5


@pytest.mark.django_db(transaction=True)
def test_a_choir_and_a_family_visit_racing_for_the_lounge_get_one_booking():
    home = HomeFactory(name="Rowan House")
    lounge = SpaceFactory(home=home, name="Lounge", capacity=30)
    resident = ResidentFactory(home=home, full_name="Margaret Baxter", preferred_name="Peggy")
    relative = MembershipFactory(home=home, role=Role.FAMILY)
    RelativeLinkFactory(resident=resident, membership=relative)
    staff = MembershipFactory(home=home, role=Role.CHAMPION)
    singers = PartnershipFactory(home=home, partner__name="Rowan Singers")
    for n in range(ROUNDS):
        day = timezone.localdate() + timedelta(days=2 + n)
        barrier = threading.Barrier(2)
        results, errors, lock = [], [], threading.Lock()

        def run(work, barrier=barrier, results=results, errors=errors, lock=lock):
            try:
                barrier.wait()
                try:
                    record = work()
                    with lock:
                        results.append(type(record).__name__)
                except DomainError as error:
                    with lock:
                        results.append(error.message)
                except Exception as error:  # anything else would be a 500
                    with lock:
                        errors.append(repr(error))
            finally:
                connection.close()

        def choir(day=day):
            return activity_create(
                home=home,
                actor=staff.user,
                title="Choir",
                kind=Activity.Kind.VENUE,
                space=lounge,
                partnership=singers,
                capacity=20,
                repeats=Activity.Repeats.ONCE,
                first_day=day,
                starts=time(14),
                ends=time(15),
            )

        def visit(day=day):
            return visit_book(
                home=home,
                actor=relative.user,
                membership=relative,
                resident=resident,
                day=day,
                start_time=time(14, 30),
                end_time=time(15, 30),
                space=lounge,
            )

        threads = [scoped_thread(home, run, choir), scoped_thread(home, run, visit)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert errors == []
        won = [r for r in results if r in ("Activity", "Visit")]
        lost = [r for r in results if r not in ("Activity", "Visit")]
        assert len(won) == 1 and len(lost) == 1, results
        assert lost[0].startswith(("That space is taken at that time", "The Lounge is booked on")), lost[0]
        if won == ["Visit"]:
            assert "(Visit with Peggy)" in lost[0]
        held = SpaceHold.objects.filter(space=lounge, released_at__isnull=True, starts_at__date=day)
        assert held.count() == 1
    assert Visit.objects.count() + Activity.objects.count() == ROUNDS
