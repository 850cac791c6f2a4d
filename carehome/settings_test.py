"""The thin override the test suite runs with (see pytest.ini)."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "kith-tests-only-not-secret")

# Under pytest-xdist (make test runs two processes) each process has its own
# test database (pytest-django names it) and its own Redis database: the
# next numbers after REDIS_URL's, so one process's flushes, queues, workers'
# heartbeats and cached parts never meet the other's. Set in the environment,
# so the workers and servers tests start use it too.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
_offset = int(_worker[2:]) if _worker.startswith("gw") and _worker[2:].isdigit() else 0
if _offset:
    for _name in ("REDIS_URL", "CELERY_BROKER_URL", "SESSION_REDIS_URL"):
        _url = os.environ.get(_name, "")
        _base, _, _number = _url.rpartition("/")
        if _url and _number.isdigit():
            os.environ[_name] = f"{_base}/{(int(_number) + _offset) % 16}"

# With DEBUG off the base settings refuse the console email and SMS backends;
# the suite replaces both just below. Allowed for this import only, so the
# processes tests start (manage.py, celery) see the environment as it was.
_console_allowed = os.environ.get("ALLOW_CONSOLE_MESSAGES")
os.environ["ALLOW_CONSOLE_MESSAGES"] = "1"

from carehome.settings import *  # noqa: E402,F403

if _console_allowed is None:
    del os.environ["ALLOW_CONSOLE_MESSAGES"]
else:
    os.environ["ALLOW_CONSOLE_MESSAGES"] = _console_allowed

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
LOG_FORMAT = "text"
LOGGING["handlers"]["console"]["formatter"] = "text"  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Unit tests run tasks in-process; the integration tests that start a real
# worker switch this off for themselves.
CELERY_TASK_ALWAYS_EAGER = True
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Uploaded files (residents' photos) go to a scratch folder, never the repo.
MEDIA_ROOT = Path(tempfile.gettempdir()) / "-".join(filter(None, ["kith-test-media", _worker]))  # noqa: F405
SMS_BACKEND = "notifications.sms.LocmemBackend"
# The tenant guard is strict in tests: a query inside a home's scope must also
# name its home (for_home / for_member / a related manager), so a view that
# forgets its filter fails here instead of leaning on the safety net.
KITH_STRICT_SCOPES = True

# One provider connection per batch in-process: mail.outbox keeps the order
# messages were composed in. The worker tests (production settings) send over several.
NOTIFY_SEND_CONNECTIONS = 1

# Sessions in the database, whatever REDIS_URL says (production keeps them in
# Redis): tests that point the cache at a Redis that is down still sign in.
# tests/test_scale_out.py runs the production settings, sessions in Redis.
SESSION_ENGINE = "carehome.session_db"
# Tests move the clock on by hours and days with a client signed in: sessions
# here last (accounts/tests/test_shared_devices.py and the shared-tablet
# journey set the real limits for themselves).
SESSION_IDLE_MINUTES_STAFF = SESSION_IDLE_MINUTES_FAMILY = 400 * 24 * 60
SESSION_LONGEST_HOURS_STAFF = SESSION_LONGEST_HOURS_FAMILY = 400 * 24
# A second alias on the test database, as a replica would be: the router's
# tests (tests/test_scale_out.py) install carehome.dbrouter.ReplicaRouter for
# themselves; no other test reads from it.
DATABASES.setdefault("replica", {**DATABASES["default"], "TEST": {"MIRROR": "default"}})  # noqa: F405

# The whole suite signs in, fails to, asks for reset links and changes door
# codes from one address: the limits (carehome.throttles) are out of its way,
# and tests/test_throttles.py sets each one it exercises. The rate is part of
# each count's key, so those counts start afresh.
PASSWORD_RESET_EMAIL_RATE = "10000/h"  # noqa: S105 (a rate, not a password)
PASSWORD_RESET_CLIENT_RATE = "10000/h"  # noqa: S105
SIGN_IN_FAILURES_CLIENT_RATE = "10000/h"
INVITATION_RESEND_RATE = "10000/h"
PUBLIC_FORM_CLIENT_RATE = "10000/h"
