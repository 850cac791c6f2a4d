"""Confirmations handed to a real Celery worker through the web process's
courier (notifications.courier): each one reaches its person, once, and
bookings made close together share a Celery message. A broker that refuses
them leaves the rows waiting for the sweeper, not lost."""

import time
import uuid
from datetime import time as clock_time
from datetime import timedelta

import pytest
from django.utils import timezone

from homes.scoping import home_scope
from notifications import courier
from notifications.models import Reminder
from notifications.tasks import deliver  # imported before the worker starts, as a worker process does
from tests.outbox_harness import wait_for
from visits.services.booking import visit_book

pytestmark = pytest.mark.integration

WAIT_SECONDS = 20


def book_five(world):
    day = timezone.localdate() + timedelta(days=3)
    with home_scope(world.home):
        return [
            visit_book(
                home=world.home,
                actor=world.relative.user,
                membership=world.relative,
                resident=world.resident,
                day=day,
                start_time=clock_time(10 + hour),
                end_time=clock_time(10 + hour, 30),
                space=world.space,
                form_token=uuid.uuid4(),
            )
            for hour in range(5)
        ]


def test_bookings_close_together_share_a_message_and_each_confirmation_is_sent_once(
    world, worker, sink, finished_tasks, settings
):
    settings.NOTIFY_HAND_OUT_LINGER_MS = 300  # long enough for all five, on a busy machine
    visits = book_five(world)

    assert wait_for(lambda: sink.count >= 5, WAIT_SECONDS), f"{sink.count} of 5 confirmations arrived"
    time.sleep(0.5)  # nothing more comes
    assert sink.count == 5
    assert len({message["X-Kith-Reminder"] for message in sink.received()}) == 5
    assert len(finished_tasks) < 5  # they shared messages
    assert sum(result["sent"] for result in finished_tasks.values()) == 5
    confirmations = Reminder.objects.filter(object_id__in=[v.pk for v in visits], kind="visits.booked")
    assert {r.status for r in confirmations} == {Reminder.Status.SENT}


def test_a_broker_that_refuses_leaves_the_confirmations_for_the_sweeper(world, worker, settings, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("the broker is down")

    settings.NOTIFY_HAND_OUT_LINGER_MS = 50
    monkeypatch.setattr(deliver, "apply_async", refuse)
    visits = book_five(world)
    confirmations = Reminder.objects.filter(object_id__in=[v.pk for v in visits], kind="visits.booked")

    def waiting_for_the_sweeper():
        return all(r.queued_at is None and r.status == Reminder.Status.PENDING for r in confirmations.all())

    assert wait_for(waiting_for_the_sweeper, WAIT_SECONDS)


def test_a_process_that_stops_publishes_what_its_courier_holds(world, settings, monkeypatch):
    sent = []
    monkeypatch.setattr(courier, "publish", lambda items, task: sent.extend(items))
    settings.NOTIFY_HAND_OUT_LINGER_MS = 60_000  # the thread would wait a minute
    held = courier._Courier()
    held.put((world.home.pk, [1, 2], "deliver"))
    held.put((world.home.pk, [3], "deliver"))
    time.sleep(0.1)
    assert sent == []  # still lingering
    held.flush()  # what atexit runs
    assert sorted(pk for _, ids in sent for pk in ids) == [1, 2, 3]
    assert held.queue.empty()
