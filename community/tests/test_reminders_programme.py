"""Activity reminders in the outbox: who gets them and when, changes and
cancellations sent once, pending reminders of a cancelled date not sent, the
planner safe to run again, and each message rendered in words."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.messages import CANCELLED, CHANGED, CONFIRMED, programme_messages_schedule
from community.messages import programme as messages
from community.models import Occurrence
from community.services import attendance
from community.tests.factories import (
    ActivityFactory,
    AttendeeFactory,
    OccurrenceFactory,
    PartnershipFactory,
    approved_outing,
    local,
    minibus_driver,
)
from notifications.delivery import compose
from notifications.models import Reminder
from visits.models import EventReply
from volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

Status = Reminder.Status


def outing_for_everyone(world):
    """A confirmed-ready outing: a driver (no account: their email), a volunteer
    assigned (no account), a member of staff assigned, Peggy invited and her
    daughter's family invitation made."""
    driver = minibus_driver(world.home, full_name="Kwame Mensah", email="kwame@example.org")
    outing = approved_outing(world.home, title="Fishing trip")
    outing.staff.set([world.staff])
    outing.volunteers.set(
        [VolunteerFactory(home=world.home, full_name="Val Helper", email="val@example.org", status="active")]
    )
    occurrence = OccurrenceFactory(activity=outing, status="planned", driver=driver)
    AttendeeFactory(occurrence=occurrence, resident=world.resident)
    attendance.families_invite(
        home=world.home, actor=world.staff.user, occurrence=occurrence, residents=[world.resident]
    )
    return occurrence


def confirm(world, occurrence):
    from community.services.outings import occurrence_confirm  # noqa: PLC0415

    return occurrence_confirm(home=world.home, actor=world.manager.user, occurrence=occurrence)


def reminders(kind=messages.ACTIVITY_REMINDER, **filters):
    return Reminder.objects.filter(kind=kind, **filters)


def test_confirming_schedules_the_day_before_for_the_team_and_the_morning_for_everyone(world):
    occurrence = outing_for_everyone(world)
    confirm(world, occurrence)
    made = reminders()
    people = {f"user:{world.relative.user.pk}", f"user:{world.staff.user.pk}"}
    people |= {"email:val@example.org", "email:kwame@example.org"}
    assert {r.recipient for r in made} == people
    day = timezone.localtime(occurrence.starts_at).date()
    assert {(timezone.localtime(r.due).date(), timezone.localtime(r.due).hour) for r in made} == {
        (day - timedelta(days=1), 9),
        (day, 8),
    }
    # Four people, two reminders each, by email; but the relative's reminder the day
    # before is their invitation's own (visits.event_reminder, the evening before, if coming).
    assert made.count() == 7
    relative = made.filter(recipient=f"user:{world.relative.user.pk}")
    assert [(timezone.localtime(r.due).date(), timezone.localtime(r.due).hour) for r in relative] == [
        (day, 8)
    ]


def test_a_date_before_nine_has_no_morning_reminder(world):
    activity = ActivityFactory(home=world.home, starts=timezone.datetime(2026, 1, 1, 8, 30).time())
    activity.staff.set([world.staff])
    occurrence = OccurrenceFactory(activity=activity)
    programme_messages_schedule(occurrence=occurrence, kind=CONFIRMED)
    assert [timezone.localtime(r.due).hour for r in reminders()] == [9]


def test_a_relative_who_said_no_gets_no_reminder(world):
    occurrence = outing_for_everyone(world)
    EventReply.objects.update(answer=EventReply.Answer.NO)
    confirm(world, occurrence)
    assert not reminders(recipient=f"user:{world.relative.user.pk}").exists()


def test_cancelling_sends_the_cancellation_once_and_cancels_what_is_waiting(world):
    occurrence = outing_for_everyone(world)
    confirm(world, occurrence)
    now = timezone.now()
    Occurrence.objects.filter(pk=occurrence.pk).update(status="cancelled", cancelled_at=now)
    occurrence.refresh_from_db()
    programme_messages_schedule(occurrence=occurrence, kind=CANCELLED, now=now)
    programme_messages_schedule(occurrence=occurrence, kind=CANCELLED, now=now)  # sent again: once

    assert not reminders(status=Status.PENDING).exists()
    assert reminders(status=Status.CANCELLED).count() == 7
    told = reminders(messages.ACTIVITY_CANCELLED)
    assert told.count() == 4
    assert {r.recipient for r in told} == {r.recipient for r in reminders()}


def test_a_move_sends_the_change_once_and_reminders_at_the_new_time(world):
    occurrence = outing_for_everyone(world)
    confirm(world, occurrence)
    later = occurrence.starts_at + timedelta(days=1)
    Occurrence.objects.filter(pk=occurrence.pk).update(
        starts_at=later, ends_at=later + timedelta(hours=4), sequence=1
    )
    occurrence.refresh_from_db()
    programme_messages_schedule(occurrence=occurrence, kind=CHANGED)

    assert reminders(messages.ACTIVITY_CHANGED).count() == 4
    waiting = reminders(status=Status.PENDING)
    assert waiting.count() == 7
    assert all(timezone.localdate(r.due) >= timezone.localdate(later) - timedelta(days=1) for r in waiting)
    assert reminders(status=Status.CANCELLED).count() == 7


def test_a_reminder_for_a_cancelled_or_moved_date_is_stale_when_sent(world):
    occurrence = outing_for_everyone(world)
    confirm(world, occurrence)
    reminder = reminders().first()
    occurrence.refresh_from_db()
    assert messages.reminder_stale(occurrence, reminder) == ""
    occurrence.status = "cancelled"
    assert messages.reminder_stale(occurrence, reminder) == "It was cancelled."
    occurrence.status = "confirmed"
    occurrence.starts_at += timedelta(hours=1)
    assert messages.reminder_stale(occurrence, reminder) == "It moved."


def test_the_planner_makes_reminders_for_the_next_two_days_once(world):
    activity = ActivityFactory(home=world.home, first_day=timezone.localdate() + timedelta(days=2))
    activity.staff.set([world.staff])
    occurrence = OccurrenceFactory(activity=activity, status="confirmed")
    far = OccurrenceFactory(
        activity=ActivityFactory(home=world.home, first_day=timezone.localdate() + timedelta(days=9)),
        status="confirmed",
    )
    far.activity.staff.set([world.staff])
    now = local(timezone.localdate(), timezone.datetime(2026, 1, 1, 7, 0).time())

    assert messages.activity_reminders_planner(now) == 2
    assert messages.activity_reminders_planner(now) == 0
    assert {r.object_id for r in reminders()} == {occurrence.pk}


def test_a_venue_date_reminds_the_partners_contact(world):
    partnership = PartnershipFactory(home=world.home, partner__email="Choir@Example.org")
    activity = ActivityFactory(home=world.home, kind="venue", partnership=partnership, space=world.space)
    occurrence = OccurrenceFactory(activity=activity)
    programme_messages_schedule(occurrence=occurrence, kind=CONFIRMED)
    venue = reminders(messages.VENUE_REMINDER)
    assert [r.recipient for r in venue] == ["email:choir@example.org"]
    assert timezone.localtime(venue[0].due).hour == 9


@pytest.mark.parametrize(
    "kind", [messages.ACTIVITY_REMINDER, messages.ACTIVITY_CHANGED, messages.ACTIVITY_CANCELLED]
)
def test_each_message_says_what_when_and_where(world, kind):
    occurrence = outing_for_everyone(world)
    Occurrence.objects.filter(pk=occurrence.pk).update(status="confirmed", sequence=1)
    occurrence = Occurrence.objects.select_related(*messages.RELATED).get(pk=occurrence.pk)
    reminder = Reminder(
        home=world.home,
        kind=kind,
        channel="email",
        recipient="email:kwame@example.org",
        address="kwame@example.org",
        object_id=occurrence.pk,
        due=timezone.now(),
        data={"starts_at": messages.iso_utc(occurrence.starts_at), "sequence": 1},
    )
    composed = compose(reminder, occurrence)
    assert "Fishing trip" in composed.subject
    assert "Hello Kwame," in composed.text
    if kind != messages.ACTIVITY_CANCELLED:
        assert "Hollingworth Lake" in composed.text
        assert "driving the minibus" in composed.text or "down to drive" in composed.text


def test_a_volunteer_who_paused_or_left_is_not_reminded(world):
    occurrence = outing_for_everyone(world)
    val = occurrence.activity.volunteers.get()
    assert "email:val@example.org" in messages.recipients(occurrence)
    val.status = "paused"
    val.save()
    assert "email:val@example.org" not in messages.recipients(occurrence)
