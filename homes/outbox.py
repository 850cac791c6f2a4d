"""The core's one door to the outbox: a tiny "send" interface.

The tenancy core imports no feature app and not ``notifications`` (which is
built on the core). It still has one thing to send — the invitation email —
so it declares what it needs here and ``notifications`` plugs itself in from
its ``AppConfig.ready()``::

    connect(schedule=reminders_schedule, cancel=reminders_cancel)

``schedule(*, home, kind, obj, recipients, due, expires_at=None, data=None)``
puts a message in the outbox inside the caller's transaction;
``cancel(*, obj, kinds, reason)`` withdraws waiting ones. Without an outbox
connected the core refuses to send rather than drop an invitation silently.
"""

from django.core.exceptions import ImproperlyConfigured

_outbox = {}


def connect(*, schedule, cancel):
    _outbox["schedule"] = schedule
    _outbox["cancel"] = cancel


def _get(name):
    try:
        return _outbox[name]
    except KeyError:
        raise ImproperlyConfigured(
            "No outbox is connected to homes.outbox: add 'notifications' to INSTALLED_APPS."
        ) from None


def schedule(**kwargs):
    return _get("schedule")(**kwargs)


def cancel(**kwargs):
    return _get("cancel")(**kwargs)
