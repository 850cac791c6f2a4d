"""Who is acting, for the change history.

auditlog's own middleware and ``set_actor`` connect a signal receiver for
every request and every block, and connecting or disconnecting one empties
Django's receiver cache for every model's saves; a nested ``set_actor``
(``feed_create`` calling ``feed_revoke``) also ended the outer one when it
closed, so the writes after it were recorded as "by the system". Kith keeps
who is acting itself, in one context variable: ``AuditMiddleware`` sets it for
a request (the signed-in user and the client's address, read as the sign-in
lockout reads it), ``acting_as`` for a service's writes, and one receiver,
connected once (``fill_in_entry``), gives every history entry its actor and
address, as auditlog's would.

``acting_as`` does nothing when an actor is already set (an outer
``acting_as``, or the request's signed-in user), so the person who started it
all is kept for everything inside.
"""

import contextlib
from contextvars import ContextVar

from auditlog.cid import set_cid
from django.contrib.auth import get_user_model

# {"actor": User or None, "remote_addr": str or None, "remote_port": int or None}
_context = ContextVar("kith_audit_context", default=None)
_acting = ContextVar("kith_acting_as", default=None)


def live_context():
    """Who is acting now and from where (a dict), or None outside a request
    and an ``acting_as`` block."""
    return _context.get()


def current_actor():
    """The user the change history will record for a write made now, or None."""
    context = _context.get()
    return context["actor"] if context else None


@contextlib.contextmanager
def acting_as(actor):
    """Record writes inside the block as made by ``actor``, unless an actor is
    already set by an outer block. Nesting is safe: the outer actor stays."""
    if _acting.get() is not None:
        yield
        return
    outer = _context.get()
    if actor is None or (outer and outer["actor"] is not None):
        token = _acting.set(outer["actor"] if outer else actor)
        try:
            yield
        finally:
            _acting.reset(token)
        return
    token = _acting.set(actor)
    context_token = _context.set(
        {
            "actor": actor,
            "remote_addr": outer["remote_addr"] if outer else None,
            "remote_port": outer["remote_port"] if outer else None,
        }
    )
    try:
        yield
    finally:
        _context.reset(context_token)
        _acting.reset(token)


def fill_in_entry(sender, instance, **kwargs):
    """pre_save of auditlog's LogEntry: the actor (unless the entry names one)
    and the address of whoever is acting now."""
    context = _context.get()
    if context is None:
        return
    actor = context["actor"]
    if isinstance(actor, get_user_model()) and instance.actor_id is None:
        instance.actor = actor
        instance.actor_email = getattr(actor, "email", None)
    instance.remote_addr = context["remote_addr"]
    instance.remote_port = context["remote_port"]


def _request_actor(request):
    user = getattr(request, "user", None)
    if isinstance(user, get_user_model()) and user.is_authenticated:
        return user
    return None


class AuditMiddleware:
    """auditlog's middleware without its per-request receiver: the request's
    correlation id, signed-in user and address, for the history entries its
    writes make. The address is the one the session and the sign-in lockout
    record (``carehome.sessions.request_address``): a forwarded address only
    from the proxy Kith is told it is behind."""

    def __init__(self, get_response):
        # Imported here, once: carehome.sessions needs the apps loaded, and
        # services import this module while they load.
        from carehome.sessions import request_address  # noqa: PLC0415

        self.get_response = get_response
        self.address = request_address

    def __call__(self, request):
        set_cid(request)
        token = _context.set(
            {"actor": _request_actor(request), "remote_addr": self.address(request), "remote_port": None}
        )
        try:
            return self.get_response(request)
        finally:
            _context.reset(token)
