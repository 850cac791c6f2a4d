"""Sessions in Redis, kept in PostgreSQL too (carehome.sessions): Redis going
away signs nobody out."""

from django.core.cache import caches
from django.test import override_settings

from carehome.sessions import SessionStore

DEAD = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}


def _caches(sessions):
    return {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "sessions": sessions,
    }


def test_a_session_is_read_from_redis_and_kept_in_the_database(db, django_assert_num_queries, settings):
    location = settings.REDIS_URL or "redis://127.0.0.1:6379/1"
    alive = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}
    with override_settings(CACHES=_caches(alive), SESSION_CACHE_ALIAS="sessions"):
        store = SessionStore()
        store["who"] = "Linda"
        store.save()
        with django_assert_num_queries(0):
            assert SessionStore(store.session_key).load()["who"] == "Linda"
        caches["sessions"].clear()  # Redis restarted empty
        assert SessionStore(store.session_key).load()["who"] == "Linda"  # from the database


def test_with_redis_down_a_session_is_saved_and_read_from_the_database(db):
    with override_settings(CACHES=_caches(DEAD), SESSION_CACHE_ALIAS="sessions"):
        store = SessionStore()
        store["who"] = "Linda"
        store.save()
        again = SessionStore(store.session_key)
        assert again.load()["who"] == "Linda"
        assert again.exists(store.session_key)
        assert not again.exists("no-such-session-key-at-all")
