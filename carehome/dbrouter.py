"""Reads from a PostgreSQL replica, only where the code asks for it.

With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` database, this
router and ``PrimaryAfterWriteMiddleware``. The rules:

- Every write goes to the primary (``default``), and migrations run only there.
- Reads go to the primary too, unless the code opts in: a view decorated with
  ``@read_from_replica`` (the dashboards), or a block inside
  ``with replica_reads():`` (a report in a task, say).
- Even then the primary answers while a transaction is open on it (a
  transaction sees its own writes); once the block has written anything (it
  reads its own writes, and so does the audit log's "before"); and for
  ``DATABASE_REPLICA_PIN_SECONDS`` after the same browser sent a form: the
  middleware marks the answer to every POST (PUT, PATCH, DELETE) with a
  short-lived cookie, and ``read_from_replica`` reads from the primary while
  it is there. "Saved", then the dashboard, never shows the page from before
  the save while the replica lags less than that.

A page that must show a write just made by someone else does not opt in.
If the replica cannot be reached, a ``read_from_replica`` view is answered
from the primary (and the problem logged), not with an error page.
"""

import logging
import math
import time
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.template.response import SimpleTemplateResponse

REPLICA = "replica"
PIN_COOKIE = "kith_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

logger = logging.getLogger("kith.replica")


class _ReplicaBlock:
    wrote = False  # something was written: read the primary from now on
    asked_replica = False  # some read was sent to the replica


_block = ContextVar("kith_replica_block", default=None)


class ReplicaRouter:
    """Writes and migrations: the primary. Reads: the primary, but the
    replica inside ``replica_reads()`` while no transaction is open and
    nothing was written in the block."""

    def db_for_read(self, model, **hints):
        block = _block.get()
        if block is None or block.wrote or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        block.asked_replica = True
        return REPLICA

    def db_for_write(self, model, **hints):
        block = _block.get()
        if block is not None:
            # Django asks before it writes (and before pre_save signals read
            # the row as it was): from now on this block reads the primary.
            block.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


@contextmanager
def replica_reads():
    """Reads inside the block may come from the replica (when one is set up)."""
    block = _block.get()
    if block is not None:
        yield block  # already inside one
        return
    block = _ReplicaBlock()
    token = _block.set(block)
    try:
        yield block
    finally:
        _block.reset(token)


def reading_replica():
    """True inside a ``replica_reads()`` block that still reads the replica
    (one is set up, and this router sends reads there)."""
    block = _block.get()
    return (
        block is not None
        and not block.wrote
        and REPLICA in settings.DATABASES
        and "carehome.dbrouter.ReplicaRouter" in settings.DATABASE_ROUTERS
    )


def reading_from_replica_directly():
    """Code about to query the replica's connection itself (not through the
    router) says so, so that a replica found down is answered from the primary."""
    block = _block.get()
    if block is not None:
        block.asked_replica = True


def wrote_recently(request):
    """True while the browser's last form was sent less than
    ``DATABASE_REPLICA_PIN_SECONDS`` ago (the cookie says when)."""
    value = request.COOKIES.get(PIN_COOKIE)
    if not value:
        return False
    try:
        sent = int(value)
    except ValueError:
        return True  # not ours to read: the primary is always right
    return time.time() - sent < settings.DATABASE_REPLICA_PIN_SECONDS


def read_from_replica(view_func):
    """A view whose reads may come from the replica: a dashboard, a summary.
    Its template is rendered inside too. Not for a page that must show a write
    just made; the browser that made one reads from the primary for a while."""

    @wraps(view_func)
    def view(request, *args, **kwargs):
        if wrote_recently(request):
            return view_func(request, *args, **kwargs)
        try:
            with replica_reads() as block:
                response = view_func(request, *args, **kwargs)
                if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                    response.render()
        except (OperationalError, InterfaceError):
            if block.wrote or not _replica_broken(block):
                raise
            logger.warning("The replica could not be reached: %s read from the primary.", request.path)
            connections[REPLICA].close()
            return view_func(request, *args, **kwargs)
        return response

    return view


def _replica_broken(block):
    """After a database error: was it the replica's connection that failed?"""
    if not block.asked_replica:
        return False
    replica = connections[REPLICA]
    return replica.connection is None or not replica.is_usable()


class PrimaryAfterWriteMiddleware:
    """Marks the answer to every request that may have written (any method
    but GET, HEAD, OPTIONS, TRACE) with a cookie saying when, so that browser's
    next pages read from the primary for ``DATABASE_REPLICA_PIN_SECONDS``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in SAFE_METHODS:
            response.set_cookie(
                PIN_COOKIE,
                str(math.ceil(time.time())),
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
