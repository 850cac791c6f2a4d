"""Is the outbox working? Workers, the sweeper and the reaper, each said
separately and with the likely cause, for /healthz and ``manage.py outbox``."""

import logging

from django.conf import settings
from django.utils import timezone

from notifications import workers
from notifications.models import Heartbeat

logger = logging.getLogger(__name__)

HOUSEKEEPING = "housekeeping"
OUTBOX = "outbox"


def _minutes(seconds):
    minutes = int(seconds // 60)
    if minutes < 1:
        return f"{int(seconds)} seconds"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _queue_length(name):
    redis = workers.client()
    if redis is None:
        return 0
    try:
        return int(redis.llen(name))
    except Exception as error:
        logger.warning("could not read the length of queue %s: %s", name, error)
        return 0


def workers_status(now=None):
    """{"state": ok | error | not used, "message", "alive", "workers": [...]}."""
    if not workers.redis_url():
        return {"state": "not used (tasks run in the web process)", "alive": 0, "workers": []}
    now = now or timezone.now()
    try:
        seen = workers.workers_seen(now)
    except Exception as error:
        logger.warning("healthz: worker heartbeats unreadable: %s", error)
        return {
            "state": "error",
            "message": "The worker heartbeats cannot be read.",
            "alive": 0,
            "workers": [],
        }
    alive = [w for w in seen if w["alive"]]
    listed = [
        {"name": w["name"], "seconds_ago": w["seconds_ago"], "queues": w["queues"], "alive": w["alive"]}
        for w in seen
    ]
    body = {"alive": len(alive), "workers": listed}
    if not seen:
        return {"state": "error", "message": "No worker has been seen: reminders are not being sent.", **body}
    if not alive:
        last = min(w["seconds_ago"] for w in seen)
        return {
            "state": "error",
            "message": f"No worker seen for {_minutes(last)}: reminders are not being sent.",
            **body,
        }
    missing = [q for q in (OUTBOX, HOUSEKEEPING) if not any(q in w["queues"] for w in alive)]
    if missing:
        names = " and ".join(f'"{q}"' for q in missing)
        return {"state": "error", "message": f"No running worker takes the {names} queue.", **body}
    dead = [w["name"] for w in seen if not w["alive"]]
    message = f"{len(alive)} running" + (f"; not seen lately: {', '.join(dead)}" if dead else "")
    return {"state": "ok", "message": message, **body}


def housekeeping_status(name, now=None):
    """The sweeper's or the reaper's last run, and if it is late, the likely cause."""
    now = now or timezone.now()
    try:
        beat = Heartbeat.objects.filter(name=name).first()
    except Exception as error:
        logger.warning("healthz: %s heartbeat unreadable: %s", name, error)
        return {"state": "unknown", "last_run": None}
    every = settings.CELERY_BEAT_SCHEDULE["notifications-sweep"]["schedule"]
    if beat is None:
        return {"state": "never run", "last_run": None, "message": _late_cause(name)}
    age = (now - beat.at).total_seconds()
    body = {"last_run": beat.at.isoformat(), "seconds_ago": int(age)}
    if age > max(3 * every, 180):
        return {"state": "late", **body, "message": _late_cause(name)}
    return {"state": "ok", **body}


def failing(status):
    """Whether a status from this module means reminders are not going out."""
    state = status.get("state")
    if state in ("error", "late"):
        return True
    # Production (a real broker) with a sweeper that never ran: beat is not running.
    return state == "never run" and bool(workers.redis_url())


def _late_cause(name):
    if not workers.redis_url():
        return f"The {name} runs beside the web server in the demo (manage.py deliver_reminders)."
    waiting = _queue_length(HOUSEKEEPING)
    if waiting:
        return (
            f"{waiting} housekeeping tasks are waiting in the queue: no free worker takes the "
            '"housekeeping" queue (start one: celery -A carehome worker -Q housekeeping -c 2).'
        )
    return f"Nothing asked the {name} to run: is celery beat running?"
