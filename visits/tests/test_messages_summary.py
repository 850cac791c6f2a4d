"""The manager's weekly summary: one per home per week, Monday 08:00, what
it says, and a fixed number of queries whatever the size of the home."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from homes.models import Membership
from homes.tests.factories import HomeFactory
from notifications.delivery import compose
from notifications.models import Reminder
from notifications.services import preference_update
from notifications.timing import at_local
from residents.models import Resident
from residents.tests.factories import ResidentFactory
from visits.messages import week_start, weekly_summaries_plan
from visits.models import EventReply, Visit
from visits.tests.factories import (
    EventInvitationFactory,
    EventReplyFactory,
    VisitFactory,
    VisitRestrictionFactory,
)

SUMMARY = "visits.weekly_summary"


def next_monday_at(hour):
    today = timezone.localdate()
    return at_local(today + timedelta(days=7 - today.weekday()), hour)


def test_one_summary_per_home_due_monday_at_eight(world):
    now = next_monday_at(7)
    HomeFactory(name="Nobody's Home")  # no managers: nothing for it
    assert weekly_summaries_plan(now) == 2
    rows = {r.home_id: r for r in Reminder.objects.filter(kind=SUMMARY)}
    assert set(rows) == {world.home.pk, world.other_home.pk}
    row = rows[world.home.pk]
    monday = timezone.localdate(now)
    assert row.user == world.manager.user and row.channel == "email" and row.object_id == world.home.pk
    assert row.due == at_local(monday, 8) and row.expires_at == at_local(monday, 23, 59)
    assert row.data == {"week_of": monday.isoformat()}


def test_the_summary_planner_twice_makes_the_same_rows_and_nothing_after_monday(world):
    now = next_monday_at(9)
    assert weekly_summaries_plan(now) == 2
    assert weekly_summaries_plan(now + timedelta(minutes=15)) == 0
    assert Reminder.objects.filter(kind=SUMMARY).count() == 2
    assert weekly_summaries_plan(now + timedelta(days=1)) == 0  # too late for this week


def test_managers_who_turned_reminders_off_or_left_get_none(world):
    preference_update(user=world.manager.user, channels=["email"], reminders=False)
    Membership.objects.filter(pk=world.outsider.pk).update(is_active=False)
    assert weekly_summaries_plan(next_monday_at(7)) == 0


def summary_row(world):
    weekly_summaries_plan(at_local(week_start(timezone.now()), 7))
    return Reminder.objects.get(kind=SUMMARY, home=world.home)


def fill(world):
    monday = week_start(timezone.now())
    VisitFactory(resident=world.resident, starts_at=at_local(monday - timedelta(days=3), 14))
    VisitFactory(resident=world.resident, starts_at=at_local(monday - timedelta(days=2), 11))
    VisitFactory(
        resident=world.resident,
        kind=Visit.Kind.VIDEO_CALL,
        starts_at=at_local(monday - timedelta(days=2), 16),
    )
    VisitFactory(
        resident=world.resident,
        starts_at=at_local(monday - timedelta(days=1), 10),
        status=Visit.Status.CANCELLED,
    )
    VisitFactory(resident=world.resident, starts_at=at_local(monday + timedelta(days=4), 14))
    event = EventInvitationFactory(
        resident=world.resident, title="Harvest supper", starts_at=timezone.now() + timedelta(days=2)
    )
    EventReplyFactory(
        event=event, membership=world.relative, answer=EventReply.Answer.YES, adults=2, children=1
    )
    VisitRestrictionFactory(
        resident=world.unlinked_resident, next_review_on=timezone.localdate() + timedelta(days=2)
    )
    visit = Visit.objects.first()
    Reminder.objects.create(
        home=world.home,
        kind="visits.booked",
        channel="email",
        recipient=f"user:{world.relative.user_id}",
        user=world.relative.user,
        object_type=ContentType.objects.get_for_model(Visit),
        object_id=visit.pk,
        due=timezone.now(),
        not_before=timezone.now(),
        status=Reminder.Status.FAILED,
        last_error="The mail server refused it: 550 5.1.1 mailbox unavailable",
    )


def test_what_the_summary_says(world):
    fill(world)
    ResidentFactory(
        home=world.home, full_name="Walter Gone", status=Resident.Status.LEFT, left_on=timezone.localdate()
    )
    composed = compose(summary_row(world))
    text = composed.text
    assert composed.subject.startswith("Your week at Rowan House: week of ")
    assert "Last week: 2 visits and 1 call." in text
    assert "Booked for this week: 1 visit and 0 calls." in text
    assert "Harvest supper with Peggy" in text and "1 yes (2 adults, 1 child)" in text
    assert "No visit in 28 days\n- Arthur Hughes\n" in text  # Peggy had hers; Walter has left
    assert "Walter" not in text
    assert "Arthur Hughes: due" in text
    assert "Messages that could not be sent: 1" in text and "/h/rowan/messages/" in text
    assert "Stop reminders like this" in text
    assert "<li>Arthur Hughes</li>" in composed.html


def test_the_summary_takes_the_same_queries_for_5_or_50_residents(world, django_assert_max_num_queries):
    fill(world)
    row = summary_row(world)
    ResidentFactory.create_batch(3, home=world.home)
    with CaptureQueriesContext(connection) as few:
        compose(Reminder.objects.select_related("home", "user").get(pk=row.pk))
    ResidentFactory.create_batch(45, home=world.home)
    for resident in Resident.objects.for_home(world.home)[:10]:
        VisitRestrictionFactory(resident=resident)
        VisitFactory(
            resident=resident, starts_at=at_local(week_start(timezone.now()) - timedelta(days=2), 12)
        )
    with django_assert_max_num_queries(len(few)):
        composed = compose(Reminder.objects.select_related("home", "user").get(pk=row.pk))
    assert "- and " in composed.text  # the long list is cut short
    assert Resident.objects.for_home(world.home).count() == 50
