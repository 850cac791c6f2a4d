"""A real Celery worker on the real Redis sends an invitation exactly once.

The worker runs in this process (a thread, the solo pool), so the locmem
email backend's outbox is the one the test reads. Redis must be up: this test
fails rather than skips without it. The task is routed to a queue of its own
for this run, so another worker on the same Redis cannot take the message.
"""

import logging
import os
import threading
import time
import uuid

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.core import mail

from carehome.celery import app as celery_app
from homes import services
from homes.models import Invitation, Role
from homes.tasks import send_invitation
from homes.tests.factories import HomeFactory, MembershipFactory

pytestmark = pytest.mark.integration

WAIT_SECONDS = 20


def broker_url():
    return os.environ.get("REDIS_URL") or settings.REDIS_URL or "redis://127.0.0.1:6379/1"


def wait_for(condition, timeout=WAIT_SECONDS):
    """Poll until ``condition()`` is true or ``timeout`` passes; return the last answer."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


@pytest.fixture
def finished_tasks():
    """{task id: return value} for every task the worker finishes during the test."""
    done = {}
    lock = threading.Lock()

    def record(sender=None, task_id=None, retval=None, **kwargs):
        with lock:
            done[task_id] = retval

    task_postrun.connect(record, weak=False)
    yield done
    task_postrun.disconnect(record)


@pytest.fixture
def worker(transactional_db):
    """A Celery worker thread consuming a fresh queue on the real Redis."""
    url = broker_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as error:
        pytest.fail(f"Redis at {url} is not reachable ({error}); the worker test needs it running.")

    queue = f"kith-test-{uuid.uuid4().hex[:12]}"
    conf = celery_app.conf
    saved = {
        "task_always_eager": conf.task_always_eager,
        "broker_url": conf.broker_url,
        "task_routes": conf.task_routes,
        "worker_hijack_root_logger": conf.worker_hijack_root_logger,
    }
    root = logging.getLogger()
    saved_logging = (list(root.handlers), root.level)
    conf.update(
        task_always_eager=False,
        broker_url=url,
        task_routes={send_invitation.name: {"queue": queue}},
        worker_hijack_root_logger=False,
    )
    celery_app.close()  # drop any connection pool made for the old broker
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[queue]) as running:
            yield running
    finally:
        # The queue and its kombu binding records, so repeated runs leave nothing behind.
        redis.Redis.from_url(url).delete(
            queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
        )
        conf.update(**saved)
        celery_app.close()
        root.handlers[:], root.level = saved_logging
    assert celery_app.conf.task_always_eager is True


def test_a_worker_sends_the_invitation_once_even_if_the_message_comes_twice(worker, finished_tasks):
    home = HomeFactory(name="Rowan House", slug="rowan")
    manager = MembershipFactory(home=home, role=Role.MANAGER, user__full_name="Ruth Adeyemi")

    invitation = services.invitation_create(
        home=home, actor=manager.user, email="claire@example.org", full_name="Claire Baxter", role=Role.FAMILY
    )

    assert wait_for(lambda: len(mail.outbox) >= 1), "the worker sent no email"
    assert wait_for(lambda: len(finished_tasks) == 1)
    assert list(finished_tasks.values()) == ["sent"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["claire@example.org"]
    assert "/invitations/" in message.body
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert invitation.send_count == 1

    # The broker delivers the same message again (a retry, a redelivery).
    duplicate = send_invitation.delay(invitation.pk, invitation.token_nonce)
    assert wait_for(lambda: duplicate.id in finished_tasks), "the worker did not take the second message"
    assert finished_tasks[duplicate.id] == "skipped"
    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert invitation.send_count == 1

    # A re-send makes a new link, and that one does go out.
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=None)
    services.invitation_resend(invitation=invitation, actor=manager.user)
    assert wait_for(lambda: len(mail.outbox) == 2), "the re-sent invitation was not emailed"
    assert wait_for(lambda: len(finished_tasks) == 3)
    assert mail.outbox[1].body != mail.outbox[0].body
