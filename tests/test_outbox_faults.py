"""Faults, for real: a worker SIGKILLed mid-batch, and Redis stopped for a while.

Each test runs its own redis-server on a free port (so stopping it disturbs
nothing else), real ``celery -A carehome worker`` and ``beat`` subprocesses
with the production settings module, pointed at this test database, that
Redis and an SMTP sink on loopback. The sink is slow on purpose (it waits in
RCPT, before the message body is sent), so a batch is mid-flight when the
worker dies. The only judge is the sink: one message per reminder, matched by
its X-Kith-Reminder header — none lost, none twice.
"""

import pytest
from django.db import connection
from django.utils import timezone

from carehome.celery import app as celery_app
from homes.tests.factories import HomeFactory
from notifications import services
from notifications.models import Reminder
from tests.outbox_harness import (
    PrivateRedis,
    SmtpSink,
    celery_env,
    database_url,
    publishing_to,
    start_beat_process,
    start_worker_process,
    wait_for,
)

pytestmark = pytest.mark.integration

Status = Reminder.Status
KIND = "notifications.test_message"


class Stack:
    """A private Redis, an SMTP sink, and the Celery processes started on them."""

    def __init__(self, tmp_path, sink, redis):
        self.tmp_path = tmp_path
        self.sink = sink
        self.redis = redis
        self.processes = []
        self.env = celery_env(
            database=database_url(connection.settings_dict),
            redis_url=redis.url,
            smtp_port=sink.port,
            NOTIFY_SENDING_TIMEOUT=3,
            NOTIFY_REQUEUE_AFTER=3,
            NOTIFY_BATCH_SIZE=10,
            NOTIFY_SWEEP_SECONDS=1,
            CELERY_VISIBILITY_TIMEOUT=5,
        )

    def worker(self, name, concurrency=2):
        process = start_worker_process(
            self.env, self.tmp_path / f"{name}.log", concurrency=concurrency, name=f"{name}@%h"
        )
        self.processes.append(process)
        return process

    def beat(self):
        process = start_beat_process(self.env, self.tmp_path / "beat.log", self.tmp_path)
        self.processes.append(process)
        return process

    def logs(self):
        return "\n".join(f"--- {p.log.name}\n{p.output()[-4000:]}" for p in self.processes)

    def stop(self):
        for process in self.processes:
            process.stop()


@pytest.fixture
def stack(transactional_db, tmp_path):
    sink = SmtpSink(rcpt_delay=0.2).start()
    redis = PrivateRedis(workdir=tmp_path).start()
    running = Stack(tmp_path, sink, redis)
    try:
        with publishing_to(celery_app, redis.url):
            yield running
    finally:
        running.stop()
        redis.stop()
        sink.stop()


def schedule(home, count, prefix):
    """``count`` reminders due now, each to its own address; returns their ids."""
    created = services.reminders_schedule(
        home=home,
        kind=KIND,
        obj=home,
        recipients=[f"{prefix}{n}@example.org" for n in range(count)],
        due=timezone.now(),
    )
    assert created == count
    return set(Reminder.objects.filter(recipient__startswith=f"email:{prefix}").values_list("pk", flat=True))


def sent_count(ids):
    return Reminder.objects.filter(pk__in=ids, status=Status.SENT).count()


def assert_each_sent_once(sink, ids):
    per_reminder = sink.per_reminder()
    lost = ids - set(per_reminder)
    twice = {pk: n for pk, n in per_reminder.items() if n > 1}
    assert not lost, f"{len(lost)} reminders never reached the mail server"
    assert not twice, f"reminders received more than once: {twice}"
    assert set(per_reminder) == ids
    assert sink.count == len(ids)
    assert sent_count(ids) == len(ids)


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(stack):
    home = HomeFactory(name="Rowan House", slug="rowan")
    stack.beat()
    first = stack.worker("first")

    ids = schedule(home, 60, "relative")

    # Kill it while both pool processes are waiting on the mail server mid-message.
    killed = wait_for(lambda: stack.sink.count >= 5 and stack.sink.in_rcpt >= 2, timeout=60, interval=0.005)
    assert killed, f"the worker never got going:\n{stack.logs()}"
    first.kill()
    before = stack.sink.count
    assert 5 <= before < len(ids)
    assert Reminder.objects.filter(pk__in=ids, status=Status.SENDING).count() >= 1
    assert sent_count(ids) < len(ids)

    stack.worker("second")
    assert wait_for(lambda: sent_count(ids) == len(ids), timeout=90, interval=0.2), (
        f"{sent_count(ids)} of {len(ids)} sent:\n{stack.logs()}"
    )
    assert_each_sent_once(stack.sink, ids)
    returned = Reminder.objects.filter(pk__in=ids, attempts=2)
    assert returned.exists(), "no reminder was taken back from the killed worker"


def test_reminders_made_while_redis_is_down_are_sent_once_when_it_returns(stack, caplog):
    home = HomeFactory(name="Rowan House", slug="rowan")
    stack.sink.rcpt_delay = 0.02
    running = {"beat": stack.beat(), "worker": stack.worker("steady")}

    stack.redis.stop()
    ids = schedule(home, 30, "visitor")  # the booking's own call: must not fail
    assert "could not hand reminders" in caplog.text  # the hand-off failed; the rows wait
    assert Reminder.objects.filter(pk__in=ids, status=Status.PENDING).count() == len(ids)

    # The outage lasts until both worker and beat have met it (each logs its
    # failed reconnection, or has exited): until then nothing can go out.
    signs = ("Cannot connect to", "Connection error", "ConnectionError", "Connection refused")

    def met_it(process):
        return not process.alive() or any(sign in process.output() for sign in signs)

    def outage_noticed():
        return met_it(running["worker"]) and met_it(running["beat"])

    assert wait_for(outage_noticed, timeout=90, interval=0.2), f"the outage went unnoticed:\n{stack.logs()}"
    assert stack.sink.count == 0

    stack.redis.start()

    def all_sent_under_a_supervisor():
        # Celery 5.7/kombu 5.7 can exit ("Unrecoverable error: AttributeError ...
        # 'hostname'") when Redis drops while it holds an unacknowledged message;
        # in production systemd (Restart=always) starts it again, and so do we.
        if not running["worker"].alive():
            running["worker"] = stack.worker(f"restarted{len(stack.processes)}")
        if not running["beat"].alive():
            running["beat"] = stack.beat()
        return sent_count(ids) == len(ids)

    assert wait_for(all_sent_under_a_supervisor, timeout=90, interval=0.2), (
        f"{sent_count(ids)} of {len(ids)} sent after Redis came back:\n{stack.logs()}"
    )
    assert_each_sent_once(stack.sink, ids)
