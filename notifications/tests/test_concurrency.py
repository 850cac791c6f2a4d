"""Two workers, or two sweepers, at the same moment on the real PostgreSQL:
each reminder is claimed and sent by exactly one of them."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from notifications import delivery, services
from notifications.models import Reminder
from tests.threads import crossing_thread

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(count, work):
    """Start ``count`` threads at once (each with its own connection); their results."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def body(index):
        try:
            barrier.wait()
            results[index] = work()
        finally:
            connection.close()

    threads = [crossing_thread("workers and sweepers cross homes", body, i) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def make_due(world, count):
    services.reminders_schedule(
        home=world.home,
        kind="notifications.test_message",
        obj=world.home,
        recipients=[f"person{i}@example.org" for i in range(count)],
        due=timezone.now() + timedelta(hours=1),
    )
    Reminder.objects.update(not_before=timezone.now() - timedelta(seconds=1))
    return list(Reminder.objects.order_by("pk").values_list("pk", flat=True))


def test_four_workers_given_the_same_batch_send_each_reminder_once(world):
    ids = make_due(world, 40)
    results = run_together(4, lambda: delivery.deliver(ids))
    assert sum(r["sent"] for r in results) == 40
    assert sum(r["skipped"] for r in results) == 3 * 40
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"person{i}@example.org" for i in range(40))
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}


def test_two_sweepers_at_once_hand_out_different_rows(world):
    make_due(world, 30)
    now = timezone.now()
    handed = run_together(2, lambda: delivery.due_ids(now, 1000))
    first, second = (set(batch) for batch in handed)
    assert not first & second
    assert len(first | second) == 30
