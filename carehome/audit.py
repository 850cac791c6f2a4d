"""Who is acting, for the change history.

Services wrap their writes in ``acting_as(actor)`` rather than auditlog's raw
``set_actor``. auditlog keeps one actor per context, and a nested
``set_actor`` (``feed_create`` calling ``feed_revoke``) ends the outer one when
it closes, so the writes after it were recorded as "by the system".
``acting_as`` does nothing when an actor is already set (an outer
``acting_as``, or the request's signed-in user set by auditlog's middleware),
so the person who started it all is kept for everything inside.
"""

import contextlib
from contextvars import ContextVar

from auditlog.context import auditlog_value, set_actor
from django.db.models.signals import pre_save

_acting = ContextVar("kith_acting_as", default=None)


def live_context():
    """auditlog's current context if its block is still open, else None.

    auditlog never resets its context variable, so a value left by an earlier
    request or block may still be there: it is open only while its signal
    receiver is connected."""
    try:
        context = auditlog_value.get()
    except LookupError:
        return None
    duid = context.get("signal_duid")
    if any(key[0] == duid for key, _, _ in pre_save.receivers):
        return context
    return None


def current_actor():
    """The user the change history will record for a write made now, or None."""
    context = live_context()
    return context.get("actor") if context else None


@contextlib.contextmanager
def acting_as(actor):
    """Record writes inside the block as made by ``actor``, unless an actor is
    already set by an outer block. Nesting is safe: the outer actor stays."""
    if _acting.get() is not None:
        yield
        return
    outer = live_context()
    if actor is None or (outer and outer.get("actor") is not None):
        token = _acting.set(outer.get("actor") if outer else actor)
        try:
            yield
        finally:
            _acting.reset(token)
        return
    token = _acting.set(actor)
    try:
        with set_actor(
            actor,
            remote_addr=outer.get("remote_addr") if outer else None,
            remote_port=outer.get("remote_port") if outer else None,
        ):
            yield
    finally:
        _acting.reset(token)
        if outer is not None:
            # Give the request's own context back (its remote address).
            auditlog_value.set(outer)
