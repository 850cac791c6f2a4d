"""A booking's messages, end to end: the booking service, the outbox rows, a
real Celery worker on the real Redis, and a real SMTP server.

The worker is Celery's test worker in a thread of this process, consuming a
queue of its own; mail goes over SMTP to an aiosmtpd sink on loopback, and
every assertion counts what that sink received (matched to outbox rows by the
X-Kith-Reminder header). Reminders that fall due later are brought forward by
moving their ``not_before`` into the past, then the sweeper task runs through
the broker as beat would run it.
"""

from datetime import time, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from notifications.models import Reminder
from notifications.tasks import deliver, sweep
from tests.outbox_harness import wait_for
from visits.models import Visit
from visits.services.booking import visit_book, visit_cancel, visit_reschedule

pytestmark = pytest.mark.integration

WAIT_SECONDS = 20
Status = Reminder.Status
BOOKED = "visits.booked"
CHANGED = "visits.changed"
CANCELLED = "visits.cancelled"
DAY_BEFORE = "visits.reminder_day_before"
MORNING = "visits.reminder_morning"


# --- Helpers -------------------------------------------------------------------------


def rows(visit, *kinds):
    found = Reminder.objects.filter(
        object_type=ContentType.objects.get_for_model(Visit), object_id=visit.pk
    ).order_by("pk")
    return found.filter(kind__in=kinds) if kinds else found


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


def wait_until_sent(queryset, what):
    """Wait until the rows are sent; stop early, saying why, if one fails or is cancelled."""
    wanted = ids(queryset)
    settled = Reminder.objects.filter(
        pk__in=wanted, status__in=[Status.SENT, Status.FAILED, Status.CANCELLED]
    )
    wait_for(lambda: bool(wanted) and settled.count() == len(wanted), WAIT_SECONDS)
    problems = list(
        Reminder.objects.filter(pk__in=wanted)
        .exclude(status=Status.SENT)
        .values_list("kind", "status", "last_error", "cancelled_reason")
    )
    assert wanted, f"there is no {what}"
    assert not problems, f"the {what} was not sent: {problems}"


def book(world, day, start=time(14), end=time(15)):
    return visit_book(
        home=world.home,
        actor=world.relative.user,
        membership=world.relative,
        resident=world.resident,
        day=day,
        start_time=start,
        end_time=end,
        space=world.space,
    )


def run_task(task, finished_tasks, *args):
    """Send ``task`` through the broker and wait for the worker to finish it."""
    result = task.apply_async(args=args)
    assert wait_for(lambda: result.id in finished_tasks, WAIT_SECONDS), f"{task.name} did not run"
    return finished_tasks[result.id]


def bring_forward(queryset):
    """Make reminders due now, as if the clock had reached their time."""
    Reminder.objects.filter(pk__in=ids(queryset)).update(not_before=timezone.now() - timedelta(minutes=1))


def confirmation_delivered(visit, kind, sink):
    confirmations = rows(visit, kind)
    wait_until_sent(confirmations, f"{kind} email")
    assert len(sink.for_reminders(ids(confirmations))) == confirmations.count()
    return confirmations


# --- Tests ---------------------------------------------------------------------------


def test_a_booking_sends_its_confirmation_and_reminder_once(world, worker, sink, finished_tasks):
    day = timezone.localdate() + timedelta(days=3)

    visit = book(world, day)

    assert set(rows(visit).values_list("kind", flat=True)) == {BOOKED, DAY_BEFORE, MORNING}
    confirmation = confirmation_delivered(visit, BOOKED, sink)
    message = sink.for_reminders(ids(confirmation))[0]
    assert message["To"] == world.relative.user.email
    reminders = rows(visit, DAY_BEFORE, MORNING)
    assert set(reminders.values_list("status", flat=True)) == {Status.PENDING}
    assert not sink.for_reminders(ids(reminders))

    # The evening before: the sweeper, through the broker, hands the reminder to the worker.
    day_before = rows(visit, DAY_BEFORE)
    bring_forward(day_before)
    assert run_task(sweep, finished_tasks)["handed_out"] == day_before.count()
    wait_until_sent(day_before, "day-before reminder")
    delivered = sink.for_reminders(ids(day_before))
    assert len(delivered) == day_before.count() == 1
    assert delivered[0]["To"] == world.relative.user.email
    assert rows(visit, MORNING).get().status == Status.PENDING

    # The same "deliver" message again (a redelivery, a second sweeper): nothing more is sent.
    before = sink.count
    again = run_task(deliver, finished_tasks, sorted(ids(confirmation) | ids(day_before)))
    assert again["sent"] == 0
    assert again["skipped"] == len(ids(confirmation) | ids(day_before))
    assert sink.count == before
    assert len(sink.for_reminders(ids(confirmation))) == 1


def test_a_cancelled_bookings_reminders_are_not_sent(world, worker, sink, finished_tasks):
    day = timezone.localdate() + timedelta(days=3)
    visit = book(world, day)
    confirmation_delivered(visit, BOOKED, sink)
    reminders = rows(visit, DAY_BEFORE, MORNING)
    reminder_ids = ids(reminders)
    assert len(reminder_ids) == 2

    visit_cancel(home=world.home, actor=world.relative.user, visit=visit)

    confirmation_delivered(visit, CANCELLED, sink)
    assert set(Reminder.objects.filter(pk__in=reminder_ids).values_list("status", flat=True)) == {
        Status.CANCELLED
    }
    # Their time comes: the sweeper finds nothing to send.
    bring_forward(Reminder.objects.filter(pk__in=reminder_ids))
    run_task(sweep, finished_tasks)
    # A worker that had the reminder before the cancellation (put back to
    # pending here) checks the visit again and does not send it.
    Reminder.objects.filter(pk__in=reminder_ids).update(status=Status.PENDING, cancelled_reason="")
    outcome = run_task(deliver, finished_tasks, sorted(reminder_ids))
    assert outcome["cancelled"] == 2
    assert outcome["sent"] == 0
    assert not sink.for_reminders(reminder_ids)
    assert set(Reminder.objects.filter(pk__in=reminder_ids).values_list("cancelled_reason", flat=True)) == {
        "The visit was cancelled."
    }


def test_a_rescheduled_bookings_reminder_moves(world, worker, sink, finished_tasks):
    day = timezone.localdate() + timedelta(days=3)
    visit = book(world, day)
    confirmation_delivered(visit, BOOKED, sink)
    old = rows(visit, DAY_BEFORE).get()

    new_day = day + timedelta(days=2)
    visit_reschedule(
        home=world.home,
        actor=world.relative.user,
        membership=world.relative,
        visit=visit,
        day=new_day,
        start_time=time(11),
        end_time=time(12),
        space=world.space,
    )

    confirmation_delivered(visit, CHANGED, sink)
    old.refresh_from_db()
    assert old.status == Status.CANCELLED
    new = rows(visit, DAY_BEFORE).filter(status=Status.PENDING).get()
    assert new.pk != old.pk
    assert timezone.localtime(new.due).date() == new_day - timedelta(days=1)
    assert timezone.localtime(old.due).date() == day - timedelta(days=1)

    bring_forward(Reminder.objects.filter(pk__in=[old.pk, new.pk]))
    run_task(sweep, finished_tasks)
    wait_until_sent(Reminder.objects.filter(pk=new.pk), "moved reminder")
    assert len(sink.for_reminders([new.pk])) == 1
    assert not sink.for_reminders([old.pk])
    old.refresh_from_db()
    assert old.status == Status.CANCELLED
