"""Booking messages through the outbox: the confirmation (once, with the
.ics), the reminders the evening before and on the morning, what happens to
them when a visit moves or is cancelled, the clock changes, text messages and
people who turned reminders off."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from homes.models import Space
from homes.tests.factories import SpaceFactory
from notifications import delivery, sms
from notifications.models import MessageSettings, Reminder
from notifications.services import preference_update
from notifications.timing import at_local
from residents.models import PersonalPlan
from visits.models import Visit
from visits.services.booking import visit_book, visit_cancel, visit_reschedule

Status = Reminder.Status
DAY_BEFORE, MORNING = "visits.reminder_day_before", "visits.reminder_morning"


@pytest.fixture(autouse=True)
def clean_sms():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def in_days(days):
    return timezone.localdate() + timedelta(days=days)


def book(world, *, day=None, start=time(14), end=None, space="default", **kwargs):
    start_dt = datetime.combine(date.today(), start)
    return visit_book(
        home=world.home,
        actor=world.relative.user,
        membership=world.relative,
        resident=world.resident,
        day=day or in_days(3),
        start_time=start,
        end_time=end or (start_dt + timedelta(hours=1)).time(),
        space=world.space if space == "default" else space,
        **kwargs,
    )


def rows(kind=None, **filters):
    qs = Reminder.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.filter(**filters).order_by("due", "channel"))


def due_now():
    """Let every waiting row go: as if its time had come."""
    Reminder.objects.filter(status=Status.PENDING).update(not_before=timezone.now() - timedelta(minutes=1))


def sweep():
    return delivery.sweep()


def test_booking_makes_the_confirmation_and_both_reminders(world):
    visit = book(world, day=in_days(3), start=time(14))
    (booked,) = rows("visits.booked")
    assert booked.user == world.relative.user and booked.channel == "email"
    assert booked.data == {"sequence": 0}
    (evening,) = rows(DAY_BEFORE)
    (morning,) = rows(MORNING)
    assert evening.due == at_local(in_days(2), 18)
    assert morning.due == at_local(in_days(3), 8)
    assert evening.expires_at == morning.expires_at == visit.starts_at
    assert evening.data == {"starts_at": visit.starts_at.astimezone(UTC).isoformat()}


def test_no_morning_reminder_for_a_visit_before_nine(world):
    book(world, start=time(8, 30), space=None)
    assert rows(DAY_BEFORE) and not rows(MORNING)


def test_no_evening_reminder_when_booked_after_six_the_evening_before(world):
    day = in_days(3)
    book(world, day=day, start=time(10), now=at_local(day - timedelta(days=1), 18, 30))
    assert not rows(DAY_BEFORE)
    (morning,) = rows(MORNING)
    assert morning.due == at_local(day, 8)


def test_the_confirmation_goes_once_with_the_calendar_file(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        visit = book(world)
    (booked,) = rows("visits.booked")
    assert delivery.deliver([booked.pk]) == {**delivery.deliver([]), "skipped": 1}
    assert delivery.deliver([booked.pk, booked.pk])["skipped"] == 2
    (message,) = mail.outbox
    assert message.to == [world.relative.user.email]
    assert message.subject == "Booked: Visit to Peggy at Rowan House"
    assert "Garden room" in message.body and "14:00 to 15:00" in message.body
    assert message.body.rstrip().endswith(
        "Choose how we contact you: http://localhost:8000/account/messages/"
    )
    filename, content, mimetype = message.attachments[0]
    assert mimetype == "text/calendar; method=PUBLISH"
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["UID"]) == f"{visit.uid}@kith"
    booked.refresh_from_db()
    visit.refresh_from_db()
    assert booked.status == Status.SENT and visit.confirmation_sent_at is not None


def test_a_reschedule_moves_the_reminders_and_a_claimed_old_one_is_not_sent(world):
    visit = book(world, day=in_days(3), start=time(14))
    evening = rows(DAY_BEFORE)[0]
    Reminder.objects.filter(pk=evening.pk).update(not_before=timezone.now() - timedelta(minutes=1))
    # A worker has just claimed the evening reminder when the visit moves.
    token = delivery.claim(evening.pk, timezone.now())
    assert token is not None
    visit_reschedule(
        home=world.home,
        actor=world.relative.user,
        membership=world.relative,
        visit=visit,
        day=in_days(4),
        start_time=time(11),
        end_time=time(12),
        space=world.space,
    )
    old_morning = Reminder.objects.get(kind=MORNING, due=at_local(in_days(3), 8))
    assert old_morning.status == Status.CANCELLED and old_morning.cancelled_reason == "The visit moved."
    new_evening = Reminder.objects.get(kind=DAY_BEFORE, status=Status.PENDING)
    new_morning = Reminder.objects.get(kind=MORNING, status=Status.PENDING)
    assert new_evening.due == at_local(in_days(3), 18)
    assert new_morning.due == at_local(in_days(4), 8)
    assert Reminder.objects.get(kind="visits.changed").data == {"sequence": 1}

    claimed = Reminder.objects.select_related("home", "user").get(pk=evening.pk)
    outcome = delivery._deliver_claimed(claimed, token, delivery.Sender(), timezone.now())
    assert outcome == "cancelled"
    claimed.refresh_from_db()
    assert claimed.status == Status.CANCELLED and claimed.cancelled_reason == "The visit moved."
    assert mail.outbox == []


def test_an_old_confirmation_is_not_sent_after_a_change(world):
    visit = book(world)
    booked = rows("visits.booked")[0]
    visit_reschedule(
        home=world.home,
        actor=world.relative.user,
        membership=world.relative,
        visit=visit,
        day=in_days(3),
        start_time=time(16),
        end_time=time(17),
        space=world.space,
    )
    booked.refresh_from_db()
    assert booked.status == Status.CANCELLED
    Reminder.objects.filter(pk=booked.pk).update(status=Status.PENDING)  # a late message
    Reminder.objects.filter(kind="visits.changed").update(status=Status.CANCELLED)
    assert delivery.deliver([booked.pk])["cancelled"] == 1
    booked.refresh_from_db()
    assert booked.cancelled_reason == "A later change was sent."


def test_a_cancelled_visit_sends_the_cancellation_and_no_reminders(world, django_capture_on_commit_callbacks):
    visit = book(world)
    with django_capture_on_commit_callbacks(execute=True):
        visit_cancel(home=world.home, actor=world.relative.user, visit=visit)
    assert [m.subject for m in mail.outbox] == ["Cancelled: Visit to Peggy at Rowan House"]
    calendar = Calendar.from_ical(mail.outbox[0].attachments[0][1])
    assert str(calendar["METHOD"]) == "CANCEL"
    assert {r.status for r in rows(DAY_BEFORE) + rows(MORNING)} == {Status.CANCELLED}
    due_now()
    sweep()
    assert len(mail.outbox) == 1  # the old booking confirmation was cancelled too


@pytest.mark.parametrize(
    ("day", "evening_utc", "morning_utc"),
    [
        # Clocks go back that Sunday: 18:00 BST the day before, 08:00 GMT on the day.
        (
            date(2027, 10, 31),
            datetime(2027, 10, 30, 17, 0, tzinfo=UTC),
            datetime(2027, 10, 31, 8, 0, tzinfo=UTC),
        ),
        # Clocks go forward that Sunday: 18:00 GMT the day before, 08:00 BST on the day.
        (
            date(2027, 3, 28),
            datetime(2027, 3, 27, 18, 0, tzinfo=UTC),
            datetime(2027, 3, 28, 7, 0, tzinfo=UTC),
        ),
    ],
)
def test_reminder_times_are_right_across_the_clock_changes(world, day, evening_utc, morning_utc):
    # Booked a week before, so the fixed dates can be booked whatever today is.
    visit = book(world, day=day, start=time(10), now=at_local(day - timedelta(days=7), 12))
    assert rows(DAY_BEFORE)[0].due == evening_utc
    assert rows(MORNING)[0].due == morning_utc
    assert timezone.localtime(visit.starts_at).time() == time(10)


def test_a_relative_who_chose_text_messages_gets_texts(world, django_capture_on_commit_callbacks):
    MessageSettings.objects.create(home=world.home, quiet_from=time(0), quiet_until=time(0))
    preference_update(user=world.relative.user, channels=["email", "sms"], phone="07700 900123")
    with django_capture_on_commit_callbacks(execute=True):
        book(world)
    assert len(mail.outbox) == 1
    (confirmation,) = sms.outbox
    assert confirmation["to"] == "+447700900123"
    assert confirmation["body"].startswith("Booked: your visit to Peggy at Rowan House")
    due_now()
    sweep()
    texts = [m["body"] for m in sms.outbox[1:]]
    assert len(texts) == 2
    assert all(t.startswith("Reminder: your visit to Peggy at Rowan House is") for t in texts)
    assert all(len(t) <= 300 and "/messages/stop/" in t for t in texts)
    assert len(mail.outbox) == 3


def test_reminders_off_still_gets_the_confirmation_but_no_reminders(
    world, django_capture_on_commit_callbacks
):
    preference_update(user=world.relative.user, channels=["email"], reminders=False)
    with django_capture_on_commit_callbacks(execute=True):
        book(world)
    assert [r.kind for r in Reminder.objects.all()] == ["visits.booked"]
    assert len(mail.outbox) == 1


def test_a_call_gets_the_same_reminders_worded_for_a_call(world):
    SpaceFactory(home=world.home, name="Tablet", kind=Space.Kind.TABLET, capacity=1)
    PersonalPlan.objects.update_or_create(
        resident=world.resident,
        home=world.home,
        defaults={"video_calls": PersonalPlan.VideoCalls.WITH_SUPPORT},
    )
    visit = book(world, kind=Visit.Kind.VIDEO_CALL, space=None, meal=Visit.Meal.NONE)
    assert rows(DAY_BEFORE) and rows(MORNING)
    due_now()
    sweep()
    reminder = next(m for m in mail.outbox if m.subject.startswith("Tomorrow"))
    assert reminder.subject == "Tomorrow: Video call with Peggy at Rowan House at 14:00"
    assert "your video call with Peggy" in reminder.body
    assert "A member of staff will be with Peggy to help with the call." in reminder.body
    assert reminder.extra_headers["List-Unsubscribe"].startswith("<http")
    assert visit.support_needed
