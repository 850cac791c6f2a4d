"""Sessions in Redis, kept in PostgreSQL too (``SESSION_ENGINE`` when
``REDIS_URL`` is set).

Any web process serves any request, and reading a session costs no database
query (Redis answers). Every change is written to the database as well, so
Redis going away, or being emptied, signs nobody out: the session is read from
the database instead, and Redis is refilled when it is back.

Signing out is the one thing that does not go on without Redis: a session
must leave both places, so ending one while Redis is down is an error rather
than a session that could come back.

The rows are django-qsessions' (``qsessions.models.Session``): each knows its
person, browser and address, so people can see where they are signed in and
end a session elsewhere (accounts.sessions).
"""

import ipaddress
import logging

from django.contrib.sessions.backends import cached_db, db
from qsessions import middleware as qsessions_middleware
from qsessions.backends.cached_db import KEY_PREFIX
from qsessions.backends.db import SessionStore as PersonSessionStore

logger = logging.getLogger("kith.sessions")


class SessionMiddleware(qsessions_middleware.SessionMiddleware):
    """qsessions' middleware, with the client's address read as the sign-in
    lockout reads it (behind the proxy when ``BEHIND_PROXY``)."""

    def process_request(self, request):
        from django.conf import settings

        request.session = self.SessionStore(
            ip=request_address(request),
            user_agent=request.headers.get("User-Agent", ""),
            session_key=request.COOKIES.get(settings.SESSION_COOKIE_NAME),
        )


def request_address(request):
    """The client's address as the sign-in lockout reads it (the right-most
    forwarded address when ``BEHIND_PROXY``, else the connection's own), or
    None if it is not an IP address. The session, the history and the
    throttles' keys (``carehome.throttles.client_address``) all read it here."""
    from axes.helpers import get_client_ip_address
    from django.conf import settings

    if list(getattr(settings, "AXES_IPWARE_META_PRECEDENCE_ORDER", ())) == ["REMOTE_ADDR"]:
        # Not behind a proxy: the connection's own address, without ipware's header parsing.
        address = request.META.get("REMOTE_ADDR")
    else:
        address = get_client_ip_address(request)
    return _valid_address(address)


def _valid_address(address):
    try:
        return str(ipaddress.ip_address(address or ""))
    except ValueError:
        return None


class _RedisTolerantStore(cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.warning("Sessions: Redis did not answer; read from the database.", exc_info=True)
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        except Exception:
            logger.warning("Sessions: Redis did not answer; not refilled.", exc_info=True)
        return data

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            logger.warning("Sessions: Redis did not answer; asked the database.", exc_info=True)
        return db.SessionStore.exists(self, session_key)


class SessionStore(PersonSessionStore, _RedisTolerantStore):
    cache_key_prefix = KEY_PREFIX

    def load(self):
        # Not qsessions' load, which writes the session again whenever the
        # browser's address or name differs from the stored one: they are
        # stored when the session is written anyway (at least once a minute
        # of use, accounts.sessions).
        return _RedisTolerantStore.load(self)


class DatabaseSessionStore(PersonSessionStore):
    """Sessions in the database only (the demo, and the tests): ``carehome.session_db``."""

    def load(self):
        return db.SessionStore.load(self)
