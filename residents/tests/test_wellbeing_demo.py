"""The wellbeing demo data: believable, idempotent, bulk."""

import random
from collections import defaultdict
from datetime import date, timedelta

from residents.demo import wellbeing
from residents.models import LonelinessMeasure, Resident
from residents.tests.factories import ResidentFactory

TODAY = date(2026, 11, 20)


def make_home(world, count=60):
    for n in range(count):
        ResidentFactory(home=world.home, admitted_on=TODAY - timedelta(days=30 + n * 25))
    ResidentFactory(home=world.home, full_name="Nora Newest", admitted_on=TODAY - timedelta(days=3))
    return list(Resident.objects.for_home(world.home).order_by("id"))


def seed(world, residents):
    wellbeing.seed(
        home=world.home,
        residents=residents,
        staff=[world.staff.user, world.manager.user],
        today=TODAY,
        rng=random.Random("wellbeing-test"),
    )


def test_demo_answers_show_believable_trends(world):
    residents = make_home(world)
    seed(world, residents)
    by_resident = defaultdict(list)
    for m in (
        LonelinessMeasure.objects.for_home(world.home)
        .select_related("resident")
        .order_by("recorded_on", "id")
    ):
        by_resident[m.resident].append(m)

    assert len(by_resident) >= len(residents) * 0.7
    assert not any(r.full_name == "Nora Newest" for r in by_resident)
    latest_high = 0
    rising = falling = 0
    for resident, measures in by_resident.items():
        assert 2 <= len(measures) <= 5
        assert all(resident.admitted_on <= m.recorded_on <= TODAY for m in measures)
        assert all(m.recorded_on >= TODAY - timedelta(days=181) for m in measures)
        assert all(3 <= m.total <= 9 for m in measures)
        latest_high += measures[-1].total >= 7
        rising += measures[-1].total > measures[0].total
        falling += measures[-1].total < measures[0].total
    assert latest_high == 3
    assert rising >= 3 and falling >= 3


def test_demo_wellbeing_is_idempotent(world):
    residents = make_home(world, count=10)
    seed(world, residents)
    count = LonelinessMeasure.objects.count()
    assert count
    seed(world, residents)
    assert LonelinessMeasure.objects.count() == count
