"""A real Celery worker on the real Redis sends a reminder exactly once, to a real SMTP server.

The worker runs in this process (a thread, the solo pool) and consumes a queue
of its own for this run, so another worker on the same Redis cannot take the
messages. Mail goes over SMTP to an aiosmtpd sink on loopback. Redis must be
up: these tests fail rather than skip without it.
"""

import pytest
from django.utils import timezone

from homes.models import Role
from homes.tests.factories import HomeFactory, MembershipFactory
from notifications import services
from notifications.models import Reminder
from notifications.tasks import deliver
from tests.outbox_harness import wait_for

pytestmark = pytest.mark.integration

WAIT_SECONDS = 20


def test_a_worker_sends_a_reminder_once_even_if_the_message_comes_twice(worker, sink, finished_tasks):
    home = HomeFactory(name="Rowan House", slug="rowan")
    manager = MembershipFactory(home=home, role=Role.MANAGER, user__full_name="Ruth Adeyemi")

    created = services.test_message_send(home=home, actor=manager.user)

    assert created == 1
    assert wait_for(lambda: sink.count >= 1, WAIT_SECONDS), "the worker sent no email"
    assert wait_for(lambda: len(finished_tasks) == 1, WAIT_SECONDS)
    reminder = Reminder.objects.get()
    assert list(finished_tasks.values())[0]["sent"] == 1
    message = sink.received()[0]
    assert message["To"] == manager.user.email
    assert message["X-Kith-Reminder"] == str(reminder.pk)
    assert message.is_multipart()  # plain text and HTML
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    assert reminder.attempts == 1
    assert reminder.sent_at is not None

    # The broker delivers the same message again (a retry, a redelivery).
    duplicate = deliver.delay([reminder.pk])
    assert wait_for(lambda: duplicate.id in finished_tasks, WAIT_SECONDS), "the worker did not take it"
    assert finished_tasks[duplicate.id]["skipped"] == 1
    assert finished_tasks[duplicate.id]["sent"] == 0
    assert sink.count == 1
    reminder.refresh_from_db()
    assert reminder.attempts == 1


def test_the_sweeper_hands_out_a_reminder_whose_time_has_come(worker, sink, finished_tasks):
    from notifications.tasks import sweep

    home = HomeFactory(name="Rowan House", slug="rowan")
    later = timezone.now() + timezone.timedelta(hours=2)
    services.reminders_schedule(
        home=home, kind="notifications.test_message", obj=home, recipients=["claire@example.org"], due=later
    )
    reminder = Reminder.objects.get()

    # Nothing is due yet: a sweep hands out nothing.
    first = sweep.delay()
    assert wait_for(lambda: first.id in finished_tasks, WAIT_SECONDS)
    assert finished_tasks[first.id]["handed_out"] == 0
    assert sink.count == 0

    Reminder.objects.filter(pk=reminder.pk).update(
        due=timezone.now() - timezone.timedelta(minutes=1),
        not_before=timezone.now() - timezone.timedelta(minutes=1),
    )
    second = sweep.delay()
    assert wait_for(lambda: second.id in finished_tasks, WAIT_SECONDS)
    assert finished_tasks[second.id]["handed_out"] == 1
    assert wait_for(lambda: sink.count == 1, WAIT_SECONDS), "the swept reminder was not sent"
    assert sink.received()[0]["To"] == "claire@example.org"
    # The worker records the send just after the server accepts it.
    assert wait_for(lambda: Reminder.objects.filter(pk=reminder.pk, status="sent").exists(), WAIT_SECONDS)
