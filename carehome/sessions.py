"""Sessions in Redis, kept in PostgreSQL too (``SESSION_ENGINE`` when
``REDIS_URL`` is set).

Any web process serves any request, and reading a session costs no database
query (Redis answers). Every change is written to the database as well, so
Redis going away, or being emptied, signs nobody out: the session is read from
the database instead, and Redis is refilled when it is back.

Signing out is the one thing that does not go on without Redis: a session
must leave both places, so ending one while Redis is down is an error rather
than a session that could come back.
"""

import logging

from django.contrib.sessions.backends import cached_db, db

logger = logging.getLogger("kith.sessions")


class SessionStore(cached_db.SessionStore):
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
