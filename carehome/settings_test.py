"""The thin override the test suite runs with (see pytest.ini)."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "kith-tests-only-not-secret")

from carehome.settings import *  # noqa: E402,F403

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
MEDIA_ROOT = Path(tempfile.gettempdir()) / "kith-test-media"  # noqa: F405
SMS_BACKEND = "notifications.sms.LocmemBackend"
