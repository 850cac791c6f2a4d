"""Celery tasks of the outbox. Tasks take ids; every send is guarded by its row."""

import logging

from celery import shared_task
from django.utils import timezone

from notifications import delivery
from notifications.kinds import all_planners

logger = logging.getLogger(__name__)


@shared_task(
    name="notifications.tasks.deliver",
    # Below NOTIFY_SENDING_TIMEOUT (120 s): a row still "sending" after that
    # belongs to a worker that is dead, never to a batch still running.
    time_limit=100,
    soft_time_limit=90,
    crosses_homes="a batch holds reminders of several homes; each is composed in its own home's scope",
)
def deliver(ids):
    """Send a batch of reminders. A row another worker has (or has sent) is skipped."""
    return delivery.deliver([int(i) for i in ids])


@shared_task(
    name="notifications.tasks.sweep",
    time_limit=120,
    soft_time_limit=100,
    crosses_homes="the sweeper hands out every home's due reminders",
)
def sweep():
    """Every minute (beat, on the housekeeping queue): reap stuck rows, expire
    stale ones, hand due rows out."""
    return delivery.sweep()


@shared_task(
    name="notifications.tasks.plan",
    time_limit=600,
    soft_time_limit=540,
    crosses_homes="planners find the dates that make reminders due in every home",
)
def plan():
    """Every 15 minutes (beat): each feature's planner creates the reminders
    that dates make due (reviews, nudges, weekly summaries). Safe to repeat."""
    now = timezone.now()
    delivery.beat("planner", now)
    created = {}
    for name, planner in all_planners().items():
        try:
            created[name] = planner(now)
        except Exception:  # one broken planner must not stop the others
            logger.exception("planner %s failed", name)
            created[name] = "error"
    return created
