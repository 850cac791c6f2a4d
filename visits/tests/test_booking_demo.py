"""The booking demo data: believable, idempotent, never double-booked."""

import random
from datetime import timedelta

from django.utils import timezone

from homes.models import Role, Space
from homes.tests.factories import MembershipFactory, SpaceFactory
from residents.tests.factories import RelativeLinkFactory, ResidentFactory
from visits.demo import booking
from visits.models import Visit


def run(world):
    booking.seed(
        home=world.home,
        residents=[world.resident],
        staff=[world.staff.user],
        today=timezone.localdate(),
        rng=random.Random("booking-test"),
    )


def test_demo_bookings_are_believable_idempotent_and_never_overlap(world):
    SpaceFactory(home=world.home, name="Lounge", kind=Space.Kind.LOUNGE, capacity=12)
    SpaceFactory(home=world.home, name="Café corner", kind=Space.Kind.CAFE, capacity=6)
    for _n in range(12):
        relative = MembershipFactory(home=world.home, role=Role.FAMILY)
        RelativeLinkFactory(resident=ResidentFactory(home=world.home), membership=relative)
    run(world)  # on PostgreSQL the exclusion constraint would refuse any overlap
    count = Visit.objects.count()
    assert count > 20
    run(world)
    assert Visit.objects.count() == count
    visits = list(Visit.objects.filter(status=Visit.Status.BOOKED, space__isnull=False))
    for a in visits:
        for b in visits:
            if a.pk < b.pk and a.space_id == b.space_id:
                assert not (a.blocked_from < b.blocked_until and b.blocked_from < a.blocked_until)
    assert Visit.objects.filter(kind=Visit.Kind.VIDEO_CALL, support_needed=True).count() == 1
    assert Visit.objects.filter(status=Visit.Status.CANCELLED).count() == 1
    assert Visit.objects.filter(meal=Visit.Meal.LUNCH).exists()
    latest = timezone.localdate() + timedelta(days=22)
    assert all(timezone.localtime(v.starts_at).date() <= latest for v in visits)
