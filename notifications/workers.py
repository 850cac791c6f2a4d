"""What the outbox keeps in Redis, beside the broker: the delivery ledger and
the workers' heartbeats. Both live outside PostgreSQL on purpose: they must
hold while the database blinks.

* **The ledger.** The instant a provider accepts a message the worker writes
  ``kith:outbox:accepted:<reminder id>`` = its claim id (kept two days). The
  row is then marked sent in PostgreSQL — in bulk, and retried on a fresh
  connection if the database went away. If that never happens (the database
  stayed down, the worker was killed), the reaper reads the ledger before it
  returns a "sending" row to the queue and marks it sent instead: a message the
  provider has is never sent again. Without Redis (the demo) there is no
  ledger and each row is recorded as soon as it is sent.
* **Heartbeats.** Every worker writes ``{hostname: {at, queues, pid,
  concurrency}}`` into the hash ``kith:workers`` every
  ``NOTIFY_WORKER_BEAT_SECONDS`` from a thread of its main process; /healthz
  and ``manage.py outbox`` read it. A worker not seen for
  ``NOTIFY_WORKER_DEAD_AFTER`` seconds is reported dead.
"""

import json
import logging
import os
import threading

from celery import bootsteps, current_app
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

LEDGER_PREFIX = "kith:outbox:accepted:"
LEDGER_SECONDS = 2 * 24 * 60 * 60
WORKERS_KEY = "kith:workers"

_clients = {}


def redis_url():
    """The broker's Redis, if the broker is Redis (not in the demo, where tasks
    run in-process)."""
    conf = current_app.conf
    url = conf.broker_url or ""
    if conf.task_always_eager or not url.startswith(("redis://", "rediss://", "unix://")):
        return ""
    return url


def client():
    """A redis client for the broker's Redis (one per process and URL), or None."""
    url = redis_url()
    if not url:
        return None
    key = (os.getpid(), url)
    if key not in _clients:
        import redis  # noqa: PLC0415

        _clients[key] = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
    return _clients[key]


# --- The ledger -------------------------------------------------------------------


def ledger_write(reminder_id, claim):
    """Note that the provider accepted ``reminder_id`` under ``claim``. True if noted."""
    redis = client()
    if redis is None:
        return False
    try:
        redis.set(f"{LEDGER_PREFIX}{reminder_id}", str(claim), ex=LEDGER_SECONDS)
    except Exception as error:  # Redis down: the caller records in PostgreSQL at once
        logger.warning("could not note reminder %s as accepted: %s", reminder_id, error)
        return False
    return True


def ledger_read(ids):
    """{reminder id: claim id (str)} of those of ``ids`` a provider accepted."""
    redis = client()
    ids = list(ids)
    if redis is None or not ids:
        return {}
    try:
        values = redis.mget([f"{LEDGER_PREFIX}{i}" for i in ids])
    except Exception as error:
        logger.warning("could not read the delivery ledger: %s", error)
        raise
    return {i: v.decode() for i, v in zip(ids, values, strict=True) if v is not None}


def ledger_forget(ids):
    """Drop ledger entries once PostgreSQL has the rows as sent."""
    redis = client()
    ids = list(ids)
    if redis is None or not ids:
        return
    try:
        redis.delete(*[f"{LEDGER_PREFIX}{i}" for i in ids])
    except Exception as error:  # they expire on their own
        logger.info("could not clear %s ledger entries: %s", len(ids), error)


# --- Heartbeats -------------------------------------------------------------------


def worker_beat(hostname, *, queues, concurrency, now=None, redis=None):
    redis = redis or client()
    if redis is None:
        return
    now = now or timezone.now()
    value = {"at": now.isoformat(), "queues": sorted(queues), "pid": os.getpid(), "concurrency": concurrency}
    redis.hset(WORKERS_KEY, hostname, json.dumps(value))


def workers_seen(now=None):
    """[{name, at, seconds_ago, queues, concurrency, alive}], newest first.
    Entries older than a day are dropped. Raises if Redis cannot be read."""
    redis = client()
    if redis is None:
        return []
    now = now or timezone.now()
    seen, stale = [], []
    for key, raw in redis.hgetall(WORKERS_KEY).items():
        name = key.decode()
        try:
            value = json.loads(raw)
            at = timezone.datetime.fromisoformat(value["at"])
        except (ValueError, KeyError, TypeError):
            stale.append(name)
            continue
        age = (now - at).total_seconds()
        if age > 24 * 60 * 60:
            stale.append(name)
            continue
        seen.append(
            {
                "name": name,
                "at": at,
                "seconds_ago": int(max(age, 0)),
                "queues": value.get("queues", []),
                "concurrency": value.get("concurrency"),
                "alive": age <= settings.NOTIFY_WORKER_DEAD_AFTER,
            }
        )
    if stale:
        redis.hdel(WORKERS_KEY, *stale)
    return sorted(seen, key=lambda w: w["seconds_ago"])


class Heartbeat(bootsteps.StartStopStep):
    """A worker step: a daemon thread of the worker's main process writes the
    heartbeat every NOTIFY_WORKER_BEAT_SECONDS. It stops with the worker; a
    killed worker simply stops beating."""

    requires = {"celery.worker.components:Pool"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self._stop = threading.Event()
        self._thread = None
        self._redis = None

    def start(self, worker):
        queues = [queue.name for queue in worker.app.amqp.queues.consume_from.values()]
        concurrency = worker.concurrency
        hostname = worker.hostname
        every = settings.NOTIFY_WORKER_BEAT_SECONDS
        redis = client()  # this worker's broker, fixed now: the app's settings may change later (tests)
        if redis is None:
            return
        self._redis = redis

        def run():
            while not self._stop.is_set():
                try:
                    worker_beat(hostname, queues=queues, concurrency=concurrency, redis=redis)
                except Exception as error:  # Redis down: the broker check reports it
                    logger.warning("worker heartbeat not written: %s", error)
                self._stop.wait(every)

        self._thread = threading.Thread(target=run, name="kith-heartbeat", daemon=True)
        self._thread.start()

    def stop(self, worker):
        self._stop.set()
        if self._thread is None:
            return
        self._thread.join(timeout=5)
        self._thread = None
        try:
            self._redis.hdel(WORKERS_KEY, worker.hostname)
        except Exception as error:
            logger.info("could not take %s off the worker list: %s", worker.hostname, error)

    # A worker that is terminated (not stopped) stops beating too.
    terminate = stop
