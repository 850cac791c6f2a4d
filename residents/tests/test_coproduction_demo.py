"""The co-production demo data: believable, in every status, and idempotent."""

import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homes.models import Role
from homes.tests.factories import HomeFactory, MembershipFactory
from residents.demo import coproduction
from residents.models import CoproductionSession, Idea, Resident
from residents.tests.factories import ResidentFactory

TODAY = date(2026, 11, 23)


def seed(home, residents, staff):
    coproduction.seed(home=home, residents=residents, staff=staff, today=TODAY, rng=random.Random(home.slug))


@pytest.fixture
def demo_home(db):
    home = HomeFactory(slug="rowan-house")
    residents = [ResidentFactory(home=home) for _ in range(12)]
    residents.append(ResidentFactory(home=home, status=Resident.Status.HOSPITAL))
    staff = [MembershipFactory(home=home, role=Role.CHAMPION).user for _ in range(3)]
    return home, residents, staff


def test_each_home_gets_a_few_months_of_sessions_and_ideas_in_every_status(demo_home):
    home, residents, staff = demo_home
    seed(home, residents, staff)

    sessions = list(CoproductionSession.objects.for_home(home).prefetch_related("participants"))
    assert 4 <= len(sessions) <= 6
    assert len({s.method for s in sessions}) == len(sessions)  # each run a different way
    assert all(TODAY - timedelta(days=92) <= s.held_on <= TODAY for s in sessions)
    titles = {s.title for s in sessions}
    assert {"Memories of the seaside", "Handling session: 1950s kitchen"} <= titles
    assert any(t.startswith("Suggestion box: ") for t in titles)
    assert all(s.facilitator in staff for s in sessions)
    in_hospital = residents[-1]
    for s in sessions:
        assert s.participants.all(), s.title
        assert in_hospital not in s.participants.all()
    one_to_one = [s for s in sessions if s.method == CoproductionSession.Method.ONE_TO_ONE]
    assert all(len(s.participants.all()) == 1 for s in one_to_one)

    ideas = list(Idea.objects.for_home(home).prefetch_related("interests").select_related("session"))
    assert 10 <= len(ideas) <= 15
    assert {i.status for i in ideas} == set(Idea.Status.values)
    assert all(i.status_note for i in ideas if i.status == Idea.Status.NOT_TAKEN_FORWARD)
    tags = {i.text: {t.name for t in i.interests.all()} for i in ideas}
    assert tags["A trip to the garden centre for tea and cake"] == {"Gardening"}
    assert tags["Bake Welsh cakes on the griddle"] == {"Baking"}
    for idea in ideas:
        if idea.raised_by_id:
            assert idea.raised_by in idea.session.participants.all()
        assert idea.updated_at.date() >= idea.session.held_on


def test_running_it_again_adds_nothing(demo_home):
    home, residents, staff = demo_home
    seed(home, residents, staff)
    counts = (CoproductionSession.objects.count(), Idea.objects.count())
    seed(home, residents, staff)
    assert (CoproductionSession.objects.count(), Idea.objects.count()) == counts


def test_a_home_with_no_residents_gets_no_sessions(db):
    home = HomeFactory()
    seed(home, [], [])
    assert not CoproductionSession.objects.exists()


def test_it_stays_fast_for_a_big_home(db):
    home = HomeFactory()
    Resident.objects.bulk_create(
        [Resident(home=home, full_name=f"Resident {n}", admitted_on=date(2024, 1, 1)) for n in range(1000)]
    )
    residents = list(Resident.objects.for_home(home))
    with CaptureQueriesContext(connection) as ctx:
        seed(home, residents, [])
    assert len(ctx.captured_queries) <= 10
