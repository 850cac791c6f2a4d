"""The Celery app and the base class every Kith task uses.

Tasks take ids and scalars, load their rows and call a service. They are
enqueued after the surrounding transaction commits (``enqueue_on_commit``), so
a worker never sees a row that was rolled back. Every task has time limits and
is acknowledged late, so a worker killed mid-task hands its message back.
"""

import gc
import logging
import os

from celery import Celery, Task
from celery.signals import worker_process_init
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carehome.settings")

logger = logging.getLogger(__name__)


class KithTask(Task):
    """Every task runs inside the tenant guard's scope (``homes.scoping``): a task
    that works for one home takes ``home_id`` and runs in that home's scope; a
    task that crosses homes by design says why in ``crosses_homes``. Any other
    task runs with no scope, so a query on a home's rows fails loudly."""

    crosses_homes = ""
    acks_late = True
    reject_on_worker_lost = True
    time_limit = 120
    soft_time_limit = 90
    max_retries = 5
    retry_backoff = True
    retry_backoff_max = 600
    retry_jitter = True

    def __call__(self, *args, **kwargs):
        from homes.scoping import crossing_homes, home_scope

        home_id = kwargs.get("home_id")
        if home_id is not None:
            with home_scope(int(home_id)):
                return super().__call__(*args, **kwargs)
        if self.crosses_homes:
            with crossing_homes(self.crosses_homes):
                return super().__call__(*args, **kwargs)
        return super().__call__(*args, **kwargs)

    def enqueue_on_commit(self, *args, **kwargs):
        """Send this task once the current transaction commits.

        A broker outage is logged, never raised into the request: the row that
        asked for the work is already committed and a sweeper can find it.
        """
        scalars = (int, str, float, bool, type(None))
        for value in list(args) + list(kwargs.values()):
            items = value if isinstance(value, (list, tuple)) else [value]
            if not all(isinstance(item, scalars) for item in items):
                raise TypeError(f"{self.name} takes ids and scalars, not {type(value).__name__}")

        def send():
            try:
                self.apply_async(args=args, kwargs=kwargs)
            except Exception:  # broker down: the stored row is the source of truth
                logger.exception("could not enqueue %s", self.name)

        transaction.on_commit(send)


app = Celery("carehome", task_cls=KithTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _add_worker_steps():
    # Every worker writes a heartbeat /healthz reads (notifications.workers).
    from notifications.workers import Heartbeat  # noqa: PLC0415

    app.steps["worker"].add(Heartbeat)


_add_worker_steps()


@worker_process_init.connect(dispatch_uid="kith-freeze-loaded")
def _freeze_loaded(**kwargs):
    """A pool process starts with Django, the apps and the tasks loaded, for
    as long as it lives: frozen out of the garbage collector's full passes,
    as the web processes' are (carehome.wsgi)."""
    gc.freeze()
