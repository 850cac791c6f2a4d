"""The events demo data: believable, idempotent, bulk."""

import random

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from homes.models import Role
from homes.tests.factories import MembershipFactory
from residents.models import PersonalPlan
from residents.tests.factories import RelativeLinkFactory, ResidentFactory
from visits.demo import events
from visits.models import EventInvitation, EventReply, FamilyContribution


def make_home(world, count):
    residents = [world.resident, *ResidentFactory.create_batch(count, home=world.home)]
    for r in residents[1:]:
        for _ in range(2):
            RelativeLinkFactory(resident=r, membership=MembershipFactory(home=world.home, role=Role.FAMILY))
    return residents


def seed(world, residents):
    events.seed(
        home=world.home,
        residents=residents,
        staff=[world.staff.user],
        today=timezone.localdate(),
        rng=random.Random("events-test"),
    )


def test_demo_has_a_lunch_a_fair_replies_and_suggestions(world):
    residents = make_home(world, 8)
    seed(world, residents)
    titles = set(EventInvitation.objects.for_home(world.home).values_list("title", flat=True))
    assert "Sunday lunch" in titles and len(titles) == 2
    assert all(e.starts_at > timezone.now() for e in EventInvitation.objects.all())
    answers = set(EventReply.objects.values_list("answer", flat=True))
    assert {"yes", "maybe", "waiting"} <= answers
    assert EventReply.objects.filter(answer="yes", adults__gte=1).exists()
    statuses = sorted(FamilyContribution.objects.values_list("kind", "status"))
    assert statuses == [("about_me", "pending"), ("interest", "approved")]
    approved = FamilyContribution.objects.get(status="approved")
    assert approved.interest in PersonalPlan.objects.get(resident=approved.resident).interests.all()


def test_demo_is_idempotent_and_bulk(world):
    residents = make_home(world, 8)
    seed(world, residents)
    counts = (EventInvitation.objects.count(), EventReply.objects.count(), FamilyContribution.objects.count())
    seed(world, residents)
    assert counts == (
        EventInvitation.objects.count(),
        EventReply.objects.count(),
        FamilyContribution.objects.count(),
    )
    other = make_home(world, 40)
    EventInvitation.objects.all().delete()
    FamilyContribution.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        seed(world, other)
    assert len(ctx) < 20


def test_a_home_without_family_accounts_gets_nothing(world):
    seed(world, [world.unlinked_resident])
    assert not EventInvitation.objects.exists()
