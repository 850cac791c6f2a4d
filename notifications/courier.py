"""Handing rows due now to a worker, a few at a time, off the request.

A booking's confirmation goes to a Celery worker as soon as the booking
commits. Publishing a Celery message costs the web process about a tenth of a
booking (its producer, a Redis client and a round trip). So a web process
hands the ids to its courier, a thread of its own, which waits
``NOTIFY_HAND_OUT_LINGER_MS`` (50 ms) for others and publishes them together,
in the sweeper's batches: at a provider's busiest, one message for several
bookings, and the email leaves a few milliseconds later.

Never lost: the rows are marked handed out (``queued_at``) in the booking's
own statement. If the broker refuses them, the courier marks them waiting
again and the sweeper sends them within its minute; if the process dies
before they were published, the sweeper hands them out again after
``NOTIFY_REQUEUE_AFTER``. A process stopping normally publishes what it holds
first (``atexit``).

With Celery eager (the tests, the demo) or the linger at 0, ids are published
at once, in the request.
"""

import atexit
import logging
import os
import queue
import threading
import time

from django.conf import settings
from django.db import connection

from homes.scoping import home_scope

logger = logging.getLogger(__name__)

_couriers = {}  # process id -> _Courier
_lock = threading.Lock()


def hand_out(home_id, ids):
    """Publish ``ids`` (rows already marked handed out) to a worker: through
    this process's courier, or at once."""
    if not ids:
        return
    from notifications.tasks import deliver  # noqa: PLC0415

    # The task object as the caller's thread finds it, handed to the courier with the ids.
    task = deliver._get_current_object()
    if settings.NOTIFY_HAND_OUT_LINGER_MS <= 0 or task.app.conf.task_always_eager:
        publish([(home_id, ids)], task)
        return
    _courier().put((home_id, ids, task))


def publish(items, task):
    """One Celery message of ``task`` per ``NOTIFY_BATCH_SIZE`` ids; what the
    broker does not take is marked waiting again, for the sweeper."""
    from notifications.models import Reminder  # noqa: PLC0415

    ids = [pk for _, batch in items for pk in batch]
    size = settings.NOTIFY_BATCH_SIZE
    for start in range(0, len(ids), size):
        try:
            task.apply_async(args=[ids[start : start + size]])
        except Exception:  # broker down: the rows are pending; the sweeper sends them
            logger.exception("could not hand reminders %s to a worker", ids[start:])
            left = set(ids[start:])
            for home_id, batch in items:
                waiting = [pk for pk in batch if pk in left]
                if waiting:
                    with home_scope(home_id):
                        Reminder.objects.for_home(home_id).filter(
                            pk__in=waiting, status=Reminder.Status.PENDING
                        ).update(queued_at=None)
            return


def _courier():
    pid = os.getpid()
    courier = _couriers.get(pid)
    if courier is None:
        with _lock:
            courier = _couriers.get(pid)
            if courier is None:  # the first in this process (after a fork, a new one)
                courier = _couriers[pid] = _Courier()
    return courier


class _Courier:
    """A queue and the thread that empties it. Ids stay in the queue while
    the thread lingers, so a process stopping (``flush``) sends them all."""

    def __init__(self):
        self.queue = queue.SimpleQueue()
        self.wake = threading.Event()
        self.sending = threading.Lock()
        self.thread = threading.Thread(target=self.run, name="kith-courier", daemon=True)
        self.thread.start()
        atexit.register(self.flush)

    def put(self, item):
        self.queue.put(item)
        self.wake.set()

    def run(self):
        while True:
            self.wake.wait()
            time.sleep(settings.NOTIFY_HAND_OUT_LINGER_MS / 1000)
            self.wake.clear()  # before taking them: one put meanwhile wakes the next round
            try:
                self.flush()
            except Exception:  # never let the thread die: the sweeper covers what was missed
                logger.exception("the courier could not hand reminders to a worker")
            finally:
                if connection.connection is not None:  # opened only when the broker refused
                    connection.close()

    def flush(self):
        """Publish everything waiting now."""
        with self.sending:
            items = []
            while True:
                try:
                    items.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            by_task = {}
            for home_id, ids, task in items:
                by_task.setdefault(task, []).append((home_id, ids))
            for task, batches in by_task.items():
                publish(batches, task)
