"""The family demo data: believable, and idempotent."""

import random

from django.utils import timezone

from homes.models import Invitation, Role
from homes.tests.factories import MembershipFactory
from residents.models import RelativeLink
from residents.tests.factories import PersonWhoMattersFactory, RelativeLinkFactory
from visits.demo.family import seed
from visits.models import PendingFamilyLink, SharedUpdate


def run(world):
    seed(
        home=world.home,
        residents=[world.resident, world.unlinked_resident],
        staff=[world.manager.user, world.staff.user],
        today=timezone.localdate(),
        rng=random.Random("family-rowan"),
    )


def test_the_demo_adds_news_an_invitation_a_paused_link_and_people_once(world):
    linda = PersonWhoMattersFactory(resident=world.resident, name="Linda Baxter", relationship="daughter")
    tom = PersonWhoMattersFactory(resident=world.resident, name="Tom Baxter", relationship="son")
    other = MembershipFactory(home=world.home, role=Role.FAMILY, user__full_name="Neil Hughes")
    RelativeLinkFactory(resident=world.unlinked_resident, membership=other, relationship="son")

    run(world)
    counts = (
        SharedUpdate.objects.count(),
        PendingFamilyLink.objects.count(),
        Invitation.objects.count(),
        RelativeLink.objects.filter(status="paused").count(),
    )
    assert 3 <= counts[0] <= 6
    assert counts[1:] == (1, 1, 1)
    pending = PendingFamilyLink.objects.select_related("invitation").get()
    assert pending.person == tom and pending.invitation.role == Role.FAMILY
    assert RelativeLink.objects.get(membership=world.relative).person == linda
    paused = RelativeLink.objects.get(status="paused")
    assert paused.status_reason and paused.status_changed_by == world.manager.user

    run(world)
    assert (
        SharedUpdate.objects.count(),
        PendingFamilyLink.objects.count(),
        Invitation.objects.count(),
        RelativeLink.objects.filter(status="paused").count(),
    ) == counts
