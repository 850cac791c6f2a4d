"""The access demo data: a door code per home, the main relative approved after
being linked, with a few showings logged since, one restriction with the
relative exempt; idempotent."""

import random
from datetime import timedelta

from django.utils import timezone

from accounts.tests.factories import UserFactory
from homes.models import Role
from homes.tests.factories import MembershipFactory
from residents.models import RelativeLink
from visits.demo import access
from visits.models import DoorCode, DoorCodeView, RestrictionReview, VisitingInfo, VisitRestriction
from visits.selectors.restrictions import active_restriction, is_exempt


def seed(world):
    access.seed(
        home=world.home,
        residents=[world.resident, world.unlinked_resident],
        staff=[world.staff.user, world.manager.user],
        today=timezone.localdate(),
        rng=random.Random("access-test"),
    )


def test_demo_door_code_regular_visitor_and_restriction(world):
    lead = MembershipFactory(
        home=world.home,
        role=Role.FAMILY,
        user=UserFactory(email="family@rowan.example.com", full_name="Linda Lead"),
    )
    RelativeLink.objects.create(
        home=world.home, membership=lead, resident=world.unlinked_resident, relationship="daughter"
    )
    # Linked three months ago (the demo's admissions date its links).
    RelativeLink.objects.filter(membership=lead).update(created_at=timezone.now() - timedelta(days=90))
    seed(world)

    assert VisitingInfo.objects.get(home=world.home).door_code_rotate_days == 30
    current = DoorCode.objects.get(home=world.home, replaced_at__isnull=True)
    assert current.code.isdigit() and current.valid_from > timezone.now() - timedelta(days=30)
    link = RelativeLink.objects.get(membership=lead)
    assert link.created_at < link.regular_visitor_approved_at < timezone.now()
    assert link.regular_visitor_approved_by == world.manager.user
    assert RelativeLink.objects.get(membership=world.relative).regular_visitor_approved_at is None
    assert DoorCodeView.objects.filter(home=world.home, membership=lead).count() == 4
    restriction = active_restriction(world.unlinked_resident)
    assert is_exempt(restriction, lead)
    assert restriction.next_review_on < timezone.localdate()  # the first home's review is overdue
    assert restriction.expected_end_on > timezone.localdate()
    assert RestrictionReview.objects.filter(restriction=restriction).count() == 1
    # The written notice to the affected relatives is kept with it.
    from notifications.models import Reminder

    notices = Reminder.objects.filter(kind="visits.restriction_notice", object_id=restriction.pk)
    assert notices.exists()
    assert {r.data["event"] for r in notices} == {"recorded"}

    counts = [m.objects.count() for m in (DoorCode, DoorCodeView, VisitRestriction, RestrictionReview)]
    seed(world)
    assert [
        m.objects.count() for m in (DoorCode, DoorCodeView, VisitRestriction, RestrictionReview)
    ] == counts
