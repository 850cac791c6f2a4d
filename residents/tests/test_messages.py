"""Reminders to key workers made by the residents planners: plan reviews due
and "nobody has visited" nudges (residents/messages.py)."""

import datetime
import random
from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from homes.models import Membership, Role
from homes.tests.factories import MembershipFactory
from notifications import delivery
from notifications.kinds import all_planners
from notifications.models import ContactPreference, Reminder
from residents.demo import reminders
from residents.messages import (
    no_visit_planner,
    plan_review_due_at,
    plan_reviews_planner,
    run_planners,
    week_of,
)
from residents.models import Connection, HomeConnectionSettings, PersonalPlan, Resident
from residents.tests.factories import (
    ConnectionParticipantFactory,
    PersonalPlanFactory,
    ResidentFactory,
)

REVIEW = "residents.plan_review_due"
NUDGE = "residents.no_visit_nudge"

# A nudge is for one week (Monday 09:00 to Sunday 23:59): mid-week, "this
# week" and "a few hours later" are the same week whenever the suite runs.
pytestmark = pytest.mark.usefixtures("wednesday_morning")


def today():
    return timezone.localdate()


def rows(kind):
    return list(Reminder.objects.filter(kind=kind).order_by("id"))


def deliver_waiting():
    """What the sweeper would hand a worker (due times moved into the past)."""
    Reminder.objects.filter(status=Reminder.Status.PENDING).update(
        not_before=timezone.now() - timedelta(minutes=1)
    )
    return delivery.deliver(list(Reminder.objects.order_by("id").values_list("pk", flat=True)))


def visit(resident, days_ago, *, with_whom=Connection.WithWhom.PERSON, mode=Connection.Mode.IN_PERSON):
    return ConnectionParticipantFactory(
        resident=resident,
        connection__occurred_at=timezone.now() - timedelta(days=days_ago),
        connection__with_whom=with_whom,
        connection__mode=mode,
    )


@pytest.fixture
def peggy(world):
    """Peggy, whose key worker is Aisha Bello (staff), with a plan due for review in 3 days."""
    resident = world.resident
    resident.key_worker = world.staff.user
    resident.save()
    PersonalPlanFactory(resident=resident, review_due_on=today() + timedelta(days=3))
    return resident


def test_both_planners_are_registered_for_beat():
    assert {REVIEW, NUDGE} <= set(all_planners())


# --- Plan review due --------------------------------------------------------------------------


def test_a_review_due_this_week_makes_one_reminder_for_the_key_worker(world, peggy):
    assert plan_reviews_planner(timezone.now()) == 1
    (row,) = rows(REVIEW)
    assert row.user == world.staff.user
    assert (row.home, row.channel, row.recipient) == (world.home, "email", f"user:{world.staff.user.pk}")
    assert row.object_id == peggy.plan.pk
    review_on = today() + timedelta(days=3)
    assert row.data == {"review_due_on": review_on.isoformat()}
    assert row.due == plan_review_due_at(review_on)
    assert timezone.localtime(row.due).time() == datetime.time(9, 0)
    assert timezone.localdate(row.due) == review_on - timedelta(days=7)


def test_running_the_planner_again_makes_nothing_new(world, peggy):
    now = timezone.now()
    assert plan_reviews_planner(now) == 1
    assert plan_reviews_planner(now) == 0
    assert plan_reviews_planner(now + timedelta(hours=3)) == 0
    assert len(rows(REVIEW)) == 1


def test_the_key_worker_gets_an_email_with_a_link_to_the_plan(world, peggy):
    plan_reviews_planner(timezone.now())
    assert deliver_waiting()["sent"] == 1
    (message,) = mail.outbox
    assert message.to == [world.staff.user.email]
    assert message.subject.startswith("The plan review for Margaret Baxter (Peggy) is due on ")
    assert "Hello Aisha," in message.body
    review_on = today() + timedelta(days=3)
    assert f"is due for review on {review_on:%A} {review_on.day} {review_on:%B %Y}" in message.body
    plan_link = f"/h/rowan/residents/{peggy.pk}/plan/"
    assert plan_link in message.body
    assert plan_link in message.alternatives[0][0]
    assert "Stop reminders like this" in message.body  # not essential: it has the stop link
    assert "List-Unsubscribe" in message.extra_headers


def test_an_overdue_review_says_so(world, peggy):
    PersonalPlan.objects.filter(pk=peggy.plan.pk).update(review_due_on=today() - timedelta(days=5))
    plan_reviews_planner(timezone.now())
    deliver_waiting()
    (message,) = mail.outbox
    assert message.subject == "The plan review for Margaret Baxter (Peggy) is overdue"
    assert "5 days ago" in message.body


@pytest.mark.parametrize(
    ("days_away", "planned"),
    [(8, False), (7, True), (0, True), (-30, True), (-31, False)],
)
def test_only_reviews_due_within_a_week_or_overdue_by_up_to_30_days(world, peggy, days_away, planned):
    PersonalPlan.objects.filter(pk=peggy.plan.pk).update(review_due_on=today() + timedelta(days=days_away))
    assert plan_reviews_planner(timezone.now()) == int(planned)


def test_no_reminder_for_residents_who_left_or_have_no_key_worker(world, peggy):
    gone = ResidentFactory(
        home=world.home, key_worker=world.staff.user, status=Resident.Status.LEFT, left_on=today()
    )
    PersonalPlanFactory(resident=gone, review_due_on=today())
    alone = ResidentFactory(home=world.home)
    PersonalPlanFactory(resident=alone, review_due_on=today())
    undated = ResidentFactory(home=world.home, key_worker=world.staff.user)
    PersonalPlanFactory(resident=undated, review_due_on=None)
    in_hospital = ResidentFactory(home=world.home, key_worker=world.champion.user, status="hospital")
    PersonalPlanFactory(resident=in_hospital, review_due_on=today())

    plan_reviews_planner(timezone.now())
    assert sorted(r.object_id for r in rows(REVIEW)) == sorted([peggy.plan.pk, in_hospital.plan.pk])


def test_no_reminder_to_a_key_worker_who_no_longer_works_here_or_turned_reminders_off(world, peggy):
    Membership.objects.filter(pk=world.staff.pk).update(is_active=False)
    assert plan_reviews_planner(timezone.now()) == 0
    Membership.objects.filter(pk=world.staff.pk).update(is_active=True)
    ContactPreference.objects.create(user=world.staff.user, reminders_off_at=timezone.now())
    assert plan_reviews_planner(timezone.now()) == 0


def test_a_changed_review_date_cancels_the_old_reminder_and_plans_the_new_one(world, peggy):
    plan_reviews_planner(timezone.now())
    PersonalPlan.objects.filter(pk=peggy.plan.pk).update(review_due_on=today() + timedelta(days=5))
    assert deliver_waiting()["cancelled"] == 1
    old = rows(REVIEW)[0]
    assert (old.status, old.cancelled_reason) == (Reminder.Status.CANCELLED, "The review date changed.")
    assert mail.outbox == []
    assert plan_reviews_planner(timezone.now()) == 1
    deliver_waiting()
    assert len(mail.outbox) == 1
    assert rows(REVIEW)[-1].data == {"review_due_on": (today() + timedelta(days=5)).isoformat()}


def test_a_reminder_for_the_old_key_worker_is_not_sent(world, peggy):
    plan_reviews_planner(timezone.now())
    Resident.objects.filter(pk=peggy.pk).update(key_worker=world.champion.user)
    deliver_waiting()
    old = rows(REVIEW)[0]
    assert old.status == Reminder.Status.CANCELLED
    assert old.cancelled_reason == "Peggy has a different key worker now."
    assert plan_reviews_planner(timezone.now()) == 1
    deliver_waiting()
    assert [m.to for m in mail.outbox] == [[world.champion.user.email]]


def test_no_reminder_once_the_resident_has_left(world, peggy):
    plan_reviews_planner(timezone.now())
    Resident.objects.filter(pk=peggy.pk).update(status=Resident.Status.DIED, left_on=today())
    deliver_waiting()
    assert rows(REVIEW)[0].cancelled_reason == "Peggy no longer lives here."
    assert mail.outbox == []


def test_review_reminders_are_at_nine_home_time_across_the_clock_changes():
    # 2026: clocks go forward on 29 March, back on 25 October.
    summer = plan_review_due_at(datetime.date(2026, 4, 5))  # reminded Sunday 29 March, BST
    winter = plan_review_due_at(datetime.date(2026, 11, 1))  # reminded Sunday 25 October, GMT
    assert summer == datetime.datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    assert winter == datetime.datetime(2026, 10, 25, 9, 0, tzinfo=UTC)
    assert timezone.localtime(summer).hour == timezone.localtime(winter).hour == 9


def test_the_planner_gives_the_summer_time_due_on_the_spring_sunday(world, peggy):
    PersonalPlan.objects.filter(pk=peggy.plan.pk).update(review_due_on=datetime.date(2026, 4, 5))
    plan_reviews_planner(datetime.datetime(2026, 3, 29, 12, 0, tzinfo=UTC))
    (row,) = rows(REVIEW)
    assert row.due == datetime.datetime(2026, 3, 29, 8, 0, tzinfo=UTC)


# --- Nobody has visited -----------------------------------------------------------------------


def test_a_resident_nobody_has_visited_gets_one_nudge_this_week(world, peggy):
    visit(peggy, days_ago=49)
    assert no_visit_planner(timezone.now()) == 1
    (row,) = rows(NUDGE)
    assert row.object_id == peggy.pk
    assert row.user == world.staff.user
    monday = today() - timedelta(days=today().weekday())
    assert row.due == week_of(today())[0]
    assert timezone.localtime(row.due).date() == monday
    assert timezone.localtime(row.due).time() == datetime.time(9, 0)
    assert timezone.localtime(row.expires_at).date() == monday + timedelta(days=6)
    assert timezone.localtime(row.expires_at).time() == datetime.time(23, 59)
    assert row.data["week_of"] == monday.isoformat()

    assert no_visit_planner(timezone.now()) == 0
    assert no_visit_planner(timezone.now() + timedelta(hours=6)) == 0
    assert len(rows(NUDGE)) == 1


def test_next_week_brings_a_new_nudge(world, peggy):
    visit(peggy, days_ago=49)
    now = timezone.now()
    no_visit_planner(now)
    assert no_visit_planner(now + timedelta(days=7)) == 1
    assert len({r.due for r in rows(NUDGE)}) == 2


def test_the_nudge_says_since_when_and_links_to_the_people_who_matter(world, peggy):
    last = visit(peggy, days_ago=49)
    no_visit_planner(timezone.now())
    assert deliver_waiting()["sent"] == 1
    (message,) = mail.outbox
    assert message.to == [world.staff.user.email]
    day = timezone.localdate(last.occurred_at)
    on = f"{day.day} {day:%B}" + ("" if day.year == today().year else f" {day.year}")
    # Whole weeks between the local dates (49 days ago is 48 local days near
    # midnight when the clocks changed in between).
    weeks = (today() - day).days // 7
    assert f"Nobody has visited Peggy since {on} ({weeks} weeks)." in message.body
    assert "Could you help Peggy's family or a volunteer plan a visit?" in message.body
    assert message.subject == f"Nobody has visited Margaret Baxter (Peggy) for {weeks} weeks"
    assert f"/h/rowan/residents/{peggy.pk}/plan/" in message.alternatives[0][0]


def test_residents_visited_lately_or_just_moved_in_get_no_nudge(world, peggy):
    visit(peggy, days_ago=3)
    new = ResidentFactory(
        home=world.home, key_worker=world.staff.user, admitted_on=today() - timedelta(days=5)
    )
    phoned = ResidentFactory(home=world.home, key_worker=world.staff.user)
    visit(phoned, days_ago=2, mode=Connection.Mode.PHONE)  # a call is not a visit
    never = ResidentFactory(home=world.home, key_worker=world.staff.user)  # moved in 2024
    assert no_visit_planner(timezone.now()) == 2
    assert sorted(r.object_id for r in rows(NUDGE)) == sorted([phoned.pk, never.pk])
    assert new.pk not in [r.object_id for r in rows(NUDGE)]


def test_a_resident_never_visited_is_told_plainly(world, peggy):
    no_visit_planner(timezone.now())
    deliver_waiting()
    (message,) = mail.outbox
    assert "No visit from family or friends has been recorded for Peggy yet." in message.body
    assert message.subject == "No visit recorded for Margaret Baxter (Peggy)"


def test_no_nudge_for_residents_who_left_are_in_hospital_or_have_no_key_worker(world, peggy):
    visit(peggy, days_ago=3)
    ResidentFactory(home=world.home, key_worker=world.staff.user, status="left", left_on=today())
    ResidentFactory(home=world.home, key_worker=world.staff.user, status="hospital")
    ResidentFactory(home=world.home)  # no key worker
    assert no_visit_planner(timezone.now()) == 0


def test_the_homes_own_number_of_days_is_used(world, peggy):
    visit(peggy, days_ago=40)
    HomeConnectionSettings.objects.create(home=world.home, no_visitor_days=60)
    other = ResidentFactory(home=world.other_home, key_worker=world.outsider.user)
    visit(other, days_ago=40)  # Birch Court keeps the default 28 days
    assert no_visit_planner(timezone.now()) == 1
    assert rows(NUDGE)[0].object_id == other.pk


def test_a_visit_after_the_nudge_was_planned_stops_it(world, peggy):
    visit(peggy, days_ago=49)
    no_visit_planner(timezone.now())
    visit(peggy, days_ago=0)
    deliver_waiting()
    (row,) = rows(NUDGE)
    assert (row.status, row.cancelled_reason) == (Reminder.Status.CANCELLED, "Someone has visited since.")
    assert mail.outbox == []
    assert no_visit_planner(timezone.now()) == 0


def test_a_nudge_for_a_resident_who_left_is_not_sent(world, peggy):
    no_visit_planner(timezone.now())
    Resident.objects.filter(pk=peggy.pk).update(status=Resident.Status.LEFT, left_on=today())
    deliver_waiting()
    assert rows(NUDGE)[0].cancelled_reason == "Peggy no longer lives here."
    assert mail.outbox == []


def test_a_nudge_is_gone_after_its_week(world, peggy):
    no_visit_planner(timezone.now())
    (row,) = rows(NUDGE)
    assert delivery.expire(row.expires_at + timedelta(minutes=1)) == 1
    row.refresh_from_db()
    assert row.status == Reminder.Status.CANCELLED


# --- Cost and the demo ------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 50])
def test_the_planners_cost_the_same_for_5_or_50_residents(world, count, django_assert_max_num_queries):
    key_workers = [MembershipFactory(home=world.home, role=Role.STAFF).user for _ in range(3)]
    for n in range(count):
        resident = ResidentFactory(home=world.home, key_worker=key_workers[n % 3])
        PersonalPlanFactory(resident=resident, review_due_on=today() + timedelta(days=n % 7))
        visit(resident, days_ago=40)
    now = timezone.now()
    with django_assert_max_num_queries(5):
        assert plan_reviews_planner(now) == count
    with django_assert_max_num_queries(5):
        assert no_visit_planner(now) == count
    with django_assert_max_num_queries(5):
        assert plan_reviews_planner(now) == 0


def test_the_demo_has_a_review_due_and_its_reminders_once(world, peggy):
    PersonalPlan.objects.filter(pk=peggy.plan.pk).update(review_due_on=today() + timedelta(days=90))
    residents = list(Resident.objects.for_home(world.home))
    for _ in range(2):
        reminders.seed(home=world.home, residents=residents, staff=[], today=today(), rng=random.Random(1))
    assert len(rows(REVIEW)) == 1
    assert len(rows(NUDGE)) == 1  # Peggy: no visit recorded
    assert Reminder.objects.exclude(home=world.home).count() == 0
    assert run_planners(home=world.home) == 0
