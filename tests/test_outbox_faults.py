"""Faults, for real: a worker SIGKILLed mid-batch, and Redis stopped for a while.

Each test runs its own redis-server on a free port (so stopping it disturbs
nothing else), real ``celery -A carehome worker`` and ``beat`` subprocesses
with the production settings module, pointed at this test database, that
Redis and an SMTP sink on loopback. The sink is slow on purpose (it waits in
RCPT, before the message body is sent), so a batch is mid-flight when the
worker dies. The only judge is the sink: one message per reminder, matched by
its X-Kith-Reminder header — none lost, none twice.
"""

import time

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

pytestmark = [pytest.mark.integration, pytest.mark.serial]

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
    # One provider connection per batch, so that at the kill every message in
    # flight is waiting in RCPT. (A kill after the server stored a message but
    # before the worker read its "250" is SMTP's own window: the reminder's
    # Message-ID lets a de-duplicating provider drop that repeat.)
    stack.env.update(NOTIFY_SEND_CONNECTIONS="1")
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


# --- The database blinks ---------------------------------------------------------------


def terminate_other_connections():
    """pg_terminate_backend on every other connection to the test database: the
    workers' (what a failover or a pgbouncer restart does). How many it ended."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_database_connections_cut_five_times_mid_run_send_each_reminder_once_and_on_time(stack):
    recovery = 20  # NOTIFY_SENDING_TIMEOUT and NOTIFY_REQUEUE_AFTER for this run
    stack.env.update(
        CONN_MAX_AGE="600",  # production keeps connections open between tasks
        NOTIFY_SENDING_TIMEOUT=str(recovery),
        NOTIFY_REQUEUE_AFTER=str(recovery),
        NOTIFY_BATCH_SIZE="20",
    )
    stack.sink.rcpt_delay = 0.03
    home = HomeFactory(name="Rowan House", slug="rowan")
    stack.beat()
    stack.worker("steady")
    ids = schedule(home, 300, "relative")

    cuts = 0
    while cuts < 5:
        # Spread the cuts over the run: one after every ~45 messages.
        target = 45 * (cuts + 1)
        assert wait_for(lambda target=target: stack.sink.count >= target, timeout=60, interval=0.01), (
            f"stalled at {stack.sink.count} messages after {cuts} cuts:\n{stack.logs()}"
        )
        if terminate_other_connections():
            cuts += 1
    assert stack.sink.count < len(ids), "the run ended before the fifth cut"

    assert wait_for(lambda: sent_count(ids) == len(ids), timeout=120, interval=0.2), (
        f"{sent_count(ids)} of {len(ids)} recorded sent:\n{stack.logs()}"
    )
    assert_each_sent_once(stack.sink, ids)
    rows = Reminder.objects.filter(pk__in=ids)
    assert not rows.exclude(status=Status.SENT).exists()
    assert not rows.filter(status=Status.FAILED).exists()
    waits = [(row.sent_at - row.due).total_seconds() for row in rows]
    assert max(waits) < recovery, f"the longest wait was {max(waits):.1f} s"
    assert "trying again on a new connection" in stack.logs(), "no cut met the worker mid-batch"


class RowLock:
    """Holds ``SELECT … FOR UPDATE`` on reminder rows from a connection of its
    own (psycopg2, outside Django), as a long transaction elsewhere would."""

    def __init__(self, settings_dict):
        self.settings = settings_dict
        self.connection = None
        self.locked = []

    def take(self, ids):
        import psycopg2  # noqa: PLC0415

        self.connection = psycopg2.connect(
            dbname=self.settings["NAME"],
            host=self.settings.get("HOST") or "127.0.0.1",
            port=self.settings.get("PORT") or 5432,
            user=self.settings.get("USER") or "postgres",
            password=self.settings.get("PASSWORD") or None,
        )
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM notifications_reminder WHERE id = ANY(%s) FOR UPDATE", [sorted(ids)]
            )
            self.locked = [row[0] for row in cursor.fetchall()]

    def release(self):
        if self.connection is not None:
            self.connection.rollback()
            self.connection.close()
            self.connection = None


def test_a_message_whose_recording_fails_after_it_was_accepted_is_never_failed_nor_sent_again(
    stack, client, settings
):
    from homes.tests.factories import MembershipFactory  # noqa: PLC0415

    stack.env.update(
        CONN_MAX_AGE="600",
        NOTIFY_LOCK_TIMEOUT_MS="200",
        NOTIFY_RECORD_RETRY_SECONDS="1",
        NOTIFY_SENDING_TIMEOUT="4",
    )
    settings.NOTIFY_SENDING_TIMEOUT = 4
    home = HomeFactory(name="Rowan House", slug="rowan")
    manager = MembershipFactory(home=home, role="manager")
    lock = RowLock(connection.settings_dict)
    stack.sink.on_data = lambda content: lock.connection or lock.take(ids)
    stack.worker("steady")
    ids = set()
    ids |= schedule(home, 3, "relative")  # handed to the worker at once; beat is not running yet

    try:
        # The provider accepted the first message; the rows are locked before
        # it said so, and stay locked past the worker's recording retries.
        assert wait_for(lambda: stack.sink.count == 3, timeout=30), stack.logs()
        assert wait_for(lambda: "could not be recorded yet" in stack.logs(), timeout=30), stack.logs()
        assert lock.locked == sorted(ids)
        client.force_login(manager.user)
        page = client.get(f"/h/{home.slug}/messages/").content.decode()
        assert "Nothing has failed" in page
        assert "Try again" not in page
    finally:
        lock.release()

    stack.beat()  # the sweeper and reaper now run: the ledger says the provider has them
    assert wait_for(lambda: sent_count(ids) == 3, timeout=60, interval=0.2), stack.logs()
    rows = Reminder.objects.filter(pk__in=ids)
    assert {row.outcome for row in rows} == {"recorded_late"}
    assert_each_sent_once(stack.sink, ids)

    page = client.get(f"/h/{home.slug}/messages/").content.decode()
    assert "Nothing has failed" in page and "Try again" not in page
    assert "recording it here was delayed" in page
    one = min(ids)
    response = client.post(f"/h/{home.slug}/messages/{one}/retry/", follow=True)
    assert "not waiting for a retry" in response.content.decode()
    wait_for(lambda: stack.sink.count > 3, timeout=3)
    assert_each_sent_once(stack.sink, ids)


def worker_queue_length(redis_url, queue):
    import redis  # noqa: PLC0415

    client = redis.Redis.from_url(redis_url)
    try:
        return client.llen(queue)
    finally:
        client.close()


def test_a_backlog_of_5000_does_not_hold_up_the_sweeper_or_the_reaper(stack, settings):
    every = 2
    settings.NOTIFY_BATCH_SIZE = 50  # as the worker's
    stack.env.update(NOTIFY_SWEEP_SECONDS=str(every), NOTIFY_BATCH_SIZE="50", NOTIFY_SENDING_TIMEOUT="120")
    stack.sink.rcpt_delay = 0
    home = HomeFactory(name="Rowan House", slug="rowan")
    ids = schedule(home, 5000, "relative")  # 100 batches queued at once
    assert worker_queue_length(stack.redis.url, "outbox") == 100
    stack.beat()
    stack.worker("all-queues")  # one plain worker, every queue: the hardest case

    from notifications.models import Heartbeat  # noqa: PLC0415

    ages = {"sweeper": [], "reaper": []}
    backlog = []
    while sent_count(ids) < len(ids) * 0.8:
        waiting = worker_queue_length(stack.redis.url, "outbox")
        if waiting < 5:
            break
        backlog.append(waiting)
        now = timezone.now()
        for beat in Heartbeat.objects.filter(name__in=ages):
            ages[beat.name].append((now - beat.at).total_seconds())
        time.sleep(0.25)
    assert len(backlog) >= 8, f"no backlog to speak of: {backlog}"
    for name, seen in ages.items():
        assert seen, f"the {name} never ran during the backlog:\n{stack.logs()}"
        # On time: never more than two beat intervals (and the time one batch takes) late.
        assert max(seen) < 2 * every + 2, f"the {name} waited {max(seen):.1f} s behind delivery"
    assert wait_for(lambda: sent_count(ids) == len(ids), timeout=180, interval=0.5), stack.logs()
    assert_each_sent_once(stack.sink, ids)


def test_healthz_reports_a_dead_worker_within_the_dead_after_interval(stack, client, settings):
    stack.env.update(NOTIFY_WORKER_BEAT_SECONDS="0.5", NOTIFY_SWEEP_SECONDS="1")
    settings.NOTIFY_WORKER_DEAD_AFTER = 3
    stack.beat()
    worker = stack.worker("watched")
    assert wait_for(lambda: client.get("/healthz").status_code == 200, timeout=30), (
        f"{client.get('/healthz').json()}\n{stack.logs()}"
    )
    body = client.get("/healthz").json()
    assert body["workers"]["state"] == "ok" and body["workers"]["alive"] == 1
    assert set(body["workers"]["workers"][0]["queues"]) >= {"outbox", "housekeeping"}

    worker.kill()
    killed_at = time.monotonic()
    assert wait_for(lambda: client.get("/healthz").status_code == 503, timeout=15), stack.logs()
    noticed = time.monotonic() - killed_at
    body = client.get("/healthz").json()
    assert body["workers"]["state"] == "error"
    assert body["workers"]["message"].startswith("No worker seen for"), body
    assert body["database"] == "ok" and body["broker"] == "ok"
    assert noticed < 3 + 2
