"""``SESSION_ENGINE`` for sessions in the database only (the demo and the
tests): django-qsessions' rows, as in production (carehome.sessions)."""

from carehome.sessions import DatabaseSessionStore as SessionStore

__all__ = ["SessionStore"]
