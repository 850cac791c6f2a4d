"""The door code notice (never the code) and the managers' restriction
review reminders, made by a planner."""

from datetime import time, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from homes.models import Membership, Role
from homes.tests.factories import MembershipFactory
from notifications import delivery, sms
from notifications.kinds import all_planners
from notifications.models import MessageSettings, Reminder
from notifications.services import preference_update
from notifications.timing import at_local
from residents.models import RelativeLink, Resident
from residents.tests.factories import ResidentFactory
from visits.messages import restriction_reviews_plan
from visits.services.access import door_code_rotate, regular_visitor_set
from visits.tests.factories import DoorCodeFactory, VisitRestrictionFactory

Status = Reminder.Status
REVIEW = "visits.restriction_review_due"


@pytest.fixture(autouse=True)
def clean_sms():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def approve(world):
    link = RelativeLink.objects.get(membership=world.relative)
    regular_visitor_set(home=world.home, actor=world.manager.user, link_id=link.pk, approved=True)


# --- The door code notice ------------------------------------------------------------------


def test_the_notice_never_carries_the_code_by_email_or_text(world, django_capture_on_commit_callbacks):
    MessageSettings.objects.create(home=world.home, quiet_from=time(0), quiet_until=time(0))
    approve(world)
    # Turning reminders off does not stop a security notice.
    preference_update(
        user=world.relative.user, channels=["email", "sms"], phone="07700900456", reminders=False
    )
    DoorCodeFactory(home=world.home, code="1111")
    with django_capture_on_commit_callbacks(execute=True):
        door_code_rotate(home=world.home, actor=world.manager.user, code="80642")
    (message,) = mail.outbox
    (text,) = sms.outbox
    assert message.subject == "The door code at Rowan House has changed"
    for body in [message.body, message.alternatives[0][0], text["body"], message.subject]:
        assert "80642" not in body
    assert "/h/rowan/visits/door-code/mine/" in message.body
    assert text["body"].startswith("The door code at Rowan House has changed. Sign in to see it:")


def test_nobody_approved_means_no_notice(world):
    DoorCodeFactory(home=world.home, code="1111")
    door_code_rotate(home=world.home, actor=world.manager.user, code="80642")
    assert not Reminder.objects.exists()


# --- Restriction reviews -------------------------------------------------------------------


def today():
    return timezone.localdate()


def restriction(world, review_in_days, **kwargs):
    kwargs.setdefault("resident", world.resident)
    start = min(today(), today() + timedelta(days=review_in_days)) - timedelta(days=1)
    return VisitRestrictionFactory(
        home=kwargs["resident"].home,
        starts_on=start,
        next_review_on=today() + timedelta(days=review_in_days),
        expected_end_on=today() + timedelta(days=30),
        **kwargs,
    )


def test_managers_hear_two_days_before_a_review_at_nine(world):
    soon = restriction(world, 3)
    assert restriction_reviews_plan(timezone.now()) == 1
    (row,) = Reminder.objects.filter(kind=REVIEW)
    assert row.user == world.manager.user and row.channel == "email"
    assert row.due == at_local(today() + timedelta(days=1), 9)
    assert row.data == {"review_on": soon.next_review_on.isoformat()}


def test_only_reviews_in_the_window_for_people_living_here(world):
    in_window = [restriction(world, 3), restriction(world, -14, resident=world.unlinked_resident)]
    restriction(world, 4, resident=ResidentFactory(home=world.home))
    restriction(world, -15, resident=ResidentFactory(home=world.home))
    restriction(world, 1, resident=ResidentFactory(home=world.home), ended_on=today())
    left = ResidentFactory(home=world.home, status=Resident.Status.LEFT, left_on=today())
    restriction(world, 1, resident=left)
    restriction_reviews_plan(timezone.now())
    assert sorted(Reminder.objects.filter(kind=REVIEW).values_list("object_id", flat=True)) == sorted(
        r.pk for r in in_window
    )


def test_no_rows_for_a_home_without_managers(world):
    restriction(world, 2, resident=world.foreign_resident)
    Membership.objects.filter(home=world.other_home, role=Role.MANAGER).update(is_active=False)
    assert restriction_reviews_plan(timezone.now()) == 0
    assert not Reminder.objects.exists()


def test_the_review_planner_twice_makes_the_same_rows(world):
    MembershipFactory(home=world.home, role=Role.MANAGER)
    restriction(world, 0)
    assert restriction_reviews_plan(timezone.now()) == 2
    assert restriction_reviews_plan(timezone.now()) == 0
    assert Reminder.objects.filter(kind=REVIEW).count() == 2
    # The registered planner is the one beat runs.
    assert all_planners()[REVIEW](timezone.now()) == 0


def test_the_review_planner_takes_the_same_queries_for_1_or_8_restrictions(world):
    restriction(world, 1)
    with CaptureQueriesContext(connection) as one:
        restriction_reviews_plan(timezone.now())
    Reminder.objects.all().delete()
    for _ in range(4):
        restriction(world, 1, resident=ResidentFactory(home=world.home))
        restriction(world, 2, resident=ResidentFactory(home=world.other_home))
    with CaptureQueriesContext(connection) as many:
        restriction_reviews_plan(timezone.now())
    assert Reminder.objects.filter(kind=REVIEW).count() == 9
    assert len(many) == len(one)


def test_an_overdue_review_is_sent_and_a_changed_date_is_not(world):
    overdue = restriction(world, -3)
    moved = restriction(world, 1, resident=world.unlinked_resident)
    restriction_reviews_plan(timezone.now())
    type(moved).objects.filter(pk=moved.pk).update(next_review_on=today() + timedelta(days=20))
    Reminder.objects.update(not_before=timezone.now() - timedelta(minutes=1))
    delivery.sweep()
    (message,) = mail.outbox
    assert message.to == [world.manager.user.email]
    assert message.subject.startswith("Overdue: the visiting restriction for Margaret Baxter (Peggy)")
    assert f"/h/rowan/visits/restrictions/{overdue.pk}/review/" in message.body
    assert Reminder.objects.get(object_id=moved.pk).cancelled_reason == "The review date changed."
