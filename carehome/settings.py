"""Kith settings: one module, driven by the environment.

Every value that differs between a laptop demo and production comes from an
environment variable (see the table in README.md). Unset, the defaults give a
safe-but-local setup: SQLite, tasks run eagerly (no Redis), mail printed to the
console. With DEBUG off the site refuses to start without SECRET_KEY.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_bool(name, default=False):
    """An on/off setting. Only the usual spellings count; anything else (a
    typo such as ``ture``) stops Kith from starting rather than reading as off."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not on or off. Use one of 1, true, yes, on (on) or 0, false, no, off (off)."
    )


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (DEBUG is off, so "
            "Kith will not start with a built-in key)."
        )
    SECRET_KEY = "django-insecure-kith-local-demo-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "qsessions",  # sessions know their person: "where you are signed in" (accounts.sessions)
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "auditlog",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "homes",
    "residents",
    "visits",
    "volunteers",
    "community",
    "evaluation",
    "privacy",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "carehome.middleware.NoStoreByDefaultMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "carehome.sessions.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleSessionMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoStepMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "carehome.middleware.CSPMiddleware",
    "carehome.middleware.AdminCSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "carehome.audit.AuditMiddleware",
    "homes.middleware.HomeScopeMiddleware",
    # Axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "carehome.urls"
WSGI_APPLICATION = "carehome.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "homes.context_processors.home_context",
                "accounts.context_processors.two_step_reminder",
                "accounts.context_processors.session_policy",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------
# Persistent connections: each web process (or thread) and each worker
# process keeps one open per database, so size PostgreSQL's max_connections
# for them (README, "Production layout"). Behind pgbouncer in transaction
# mode set DATABASE_DISABLE_SERVER_SIDE_CURSORS=1.
CONN_MAX_AGE = int(env("CONN_MAX_AGE", "600"))
DATABASE_DISABLE_SERVER_SIDE_CURSORS = env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", False)


def _database(url):
    config = dj_database_url.parse(url, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
    if DATABASE_DISABLE_SERVER_SIDE_CURSORS:
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
    return config


DATABASES = {"default": _database(env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}
# A streaming replica of the primary. Only code that asks reads from it (the
# dashboards, through carehome.dbrouter.read_from_replica); writes, and the
# reads of a browser that has just written, always go to the primary.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", "")
# After a browser sends a form, its pages read from the primary this long.
DATABASE_REPLICA_PIN_SECONDS = int(env("DATABASE_REPLICA_PIN_SECONDS", "30"))
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = _database(DATABASE_REPLICA_URL)
    # Tests run against one database: the replica is the primary there.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["carehome.dbrouter.ReplicaRouter"]
    MIDDLEWARE = ["carehome.dbrouter.PrimaryAfterWriteMiddleware", *MIDDLEWARE]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery ------------------------------------------------
REDIS_URL = env("REDIS_URL", "")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)

if REDIS_URL:
    # Sessions are read from Redis, so any web process serves any request
    # with no query, and kept in the database too, so Redis going away signs
    # nobody out (carehome.sessions). They have a cache alias of their own:
    # SESSION_REDIS_URL may point at another Redis database.
    CACHES = {
        "default": {
            "BACKEND": "carehome.cache.RedisCache",
            "LOCATION": REDIS_URL,
        },
        "sessions": {
            "BACKEND": "carehome.cache.RedisCache",
            "LOCATION": env("SESSION_REDIS_URL", REDIS_URL),
        },
    }
    SESSION_ENGINE = "carehome.sessions"
    SESSION_CACHE_ALIAS = "sessions"
else:
    # The demo: one process, sessions in the database.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "carehome.session_db"

# With no broker configured (the demo) tasks run in-process, after commit.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Eager tasks still take a producer: an in-memory broker, named with a host so
# kombu does not warn "No hostname was supplied" on every task.
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://localhost//"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not hang a web request when Redis is down.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "3600")),
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 1,
}
CELERY_TASK_PUBLISH_RETRY = False
# Queues: delivery batches on "outbox"; the sweeper, reaper, planners and door
# codes on "housekeeping", which delivery never blocks. A worker started with
# no -Q takes all three, housekeeping first whenever a process is free
# (queue_order_strategy "priority"); production also runs a one-process
# housekeeping worker (README, "Running it for real").
CELERY_TASK_QUEUES = {
    "housekeeping": {"exchange": "housekeeping", "routing_key": "housekeeping"},
    "outbox": {"exchange": "outbox", "routing_key": "outbox"},
    "celery": {"exchange": "celery", "routing_key": "celery"},
}
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "notifications.tasks.deliver": {"queue": "outbox"},
    "notifications.tasks.sweep": {"queue": "housekeeping"},
    "notifications.tasks.plan": {"queue": "housekeeping"},
    "visits.tasks_access.rotate_due_door_codes": {"queue": "housekeeping"},
    "homes.tasks.prune_data_changes": {"queue": "housekeeping"},
    "evaluation.tasks.refresh_recent_figures": {"queue": "housekeeping"},
    "evaluation.tasks.refresh_quarter_figures": {"queue": "housekeeping"},
}
CELERY_BROKER_TRANSPORT_OPTIONS["queue_order_strategy"] = "priority"
# A worker takes a message only when a process is free to run it.
CELERY_WORKER_DISABLE_PREFETCH = True
CELERY_BEAT_SCHEDULE = {
    # The change notes that key cached page fragments: each home keeps its newest (homes.changes).
    "prune-data-changes": {"task": "homes.tasks.prune_data_changes", "schedule": 10 * 60},
    # The dashboards' weekly figures (evaluation.rollups): this week and last, then the last quarter nightly.
    "refresh-recent-figures": {
        "task": "evaluation.tasks.refresh_recent_figures",
        "schedule": float(env("EVALUATION_REFRESH_SECONDS", str(10 * 60))),
    },
    "refresh-quarter-figures": {
        "task": "evaluation.tasks.refresh_quarter_figures",
        "schedule": crontab(hour=2, minute=30),
    },
    # Door codes older than their home's interval get a new code (visits area "access").
    "rotate-due-door-codes": {"task": "visits.tasks_access.rotate_due_door_codes", "schedule": 60 * 60},
    # Records of people who left, past their retention period, anonymised (privacy.retention).
    "anonymise-due-records": {
        "task": "privacy.tasks.anonymise_due_records",
        "schedule": crontab(hour=3, minute=15),
    },
    # The outbox: hand due reminders to workers and return rows stuck mid-send.
    "notifications-sweep": {
        "task": "notifications.tasks.sweep",
        "schedule": float(env("NOTIFY_SWEEP_SECONDS", "60")),
    },
    # Reminders that come from dates rather than actions (reviews due, nudges, summaries).
    "notifications-plan": {
        "task": "notifications.tasks.plan",
        "schedule": float(env("NOTIFY_PLAN_SECONDS", str(15 * 60))),
    },
}

# --- Reminders (the outbox, notifications/) ---------------------------------------
# A batch stops starting new sends after this many seconds and gives its
# unsent rows back (its task's soft time limit is 90 s, hard 100 s).
NOTIFY_BATCH_SECONDS = int(env("NOTIFY_BATCH_SECONDS", "45"))
# After the provider accepted a message, recording it is retried on a fresh
# connection for this long; the delivery ledger covers anything longer.
NOTIFY_RECORD_RETRY_SECONDS = int(env("NOTIFY_RECORD_RETRY_SECONDS", "30"))
# Claiming, loading and recording unsent outcomes retry this long.
NOTIFY_DATABASE_RETRY_SECONDS = int(env("NOTIFY_DATABASE_RETRY_SECONDS", "20"))
# Recording never waits longer than this behind a lock (then retries).
NOTIFY_LOCK_TIMEOUT_MS = int(env("NOTIFY_LOCK_TIMEOUT_MS", "2000"))
# A row "sending" for longer than this was left by a dead worker (no batch
# lives this long): the reaper marks it sent if the ledger says a provider
# accepted it, and returns it to the queue otherwise.
NOTIFY_SENDING_TIMEOUT = int(env("NOTIFY_SENDING_TIMEOUT", "120"))
# A row handed to the broker but still waiting after this is handed out again
# (the broker lost the message: Redis restarted, a worker died before taking it).
NOTIFY_REQUEUE_AFTER = int(env("NOTIFY_REQUEUE_AFTER", "120"))
# Due and still waiting after this: shown as overdue on the Messages page.
NOTIFY_OVERDUE_AFTER = int(env("NOTIFY_OVERDUE_AFTER", "300"))
# Workers write a heartbeat (Redis) this often; one silent this long is dead.
NOTIFY_WORKER_BEAT_SECONDS = float(env("NOTIFY_WORKER_BEAT_SECONDS", "15"))
NOTIFY_WORKER_DEAD_AFTER = int(env("NOTIFY_WORKER_DEAD_AFTER", "120"))
NOTIFY_BATCH_SIZE = int(env("NOTIFY_BATCH_SIZE", "100"))
# A web process waits this long for other confirmations to hand to a worker
# with one it has (notifications.courier); 0 hands each out at once.
NOTIFY_HAND_OUT_LINGER_MS = int(env("NOTIFY_HAND_OUT_LINGER_MS", "50"))
# Each batch sends over this many provider connections at once (most of a
# send is waiting for the provider's answers). Mind the provider's rate limit.
NOTIFY_SEND_CONNECTIONS = int(env("NOTIFY_SEND_CONNECTIONS", "4"))
NOTIFY_SWEEP_LIMIT = int(env("NOTIFY_SWEEP_LIMIT", "20000"))
NOTIFY_MAX_ATTEMPTS = int(env("NOTIFY_MAX_ATTEMPTS", "6"))
NOTIFY_RETRY_BASE_SECONDS = int(env("NOTIFY_RETRY_BASE_SECONDS", "60"))
NOTIFY_OPTOUT_MAX_AGE_DAYS = int(env("NOTIFY_OPTOUT_MAX_AGE_DAYS", "180"))
# Text messages: console (the demo), file (NOTIFY_SMS_FILE_PATH), locmem (tests) or twilio.
SMS_BACKEND = env("SMS_BACKEND", "notifications.sms.ConsoleBackend")
SMS_FILE_PATH = env("SMS_FILE_PATH", str(BASE_DIR / "var" / "sms"))
SMS_FROM = env("SMS_FROM", "Kith")
SMS_TIMEOUT = int(env("SMS_TIMEOUT", "10"))
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN", "")
TWILIO_API_URL = env("TWILIO_API_URL", "https://api.twilio.com")

# --- Auth --------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
INVITATION_VALID_DAYS = int(env("INVITATION_VALID_DAYS", "14"))
# How long the person who logged a connection can correct or strike it out
# (a manager can at any time).
CONNECTION_CORRECTION_DAYS = int(env("CONNECTION_CORRECTION_DAYS", "7"))

# Two-step verification (accounts.two_step): managers, organisation admins and
# admin-site users must set it up within this many days of the first sign-in
# that needed it; anyone else may.
TWO_STEP_GRACE_DAYS = int(env("TWO_STEP_GRACE_DAYS", "14"))
# The name authenticator apps show beside the code.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Kith")
# The admin site never shows an app's key or the recovery codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Repeated failed sign-ins lock the account-and-address pair for a while.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("AXES_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The sign-in form posts the email as "username" (Django's AuthenticationForm),
# not as the user model's USERNAME_FIELD ("email") that Axes assumes; and
# sign-in ignores case, so the count must too.
AXES_USERNAME_FORM_FIELD = "username"

AXES_USERNAME_CALLABLE = "accounts.security.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind a reverse proxy every request comes from the proxy's address, so the
# pause would hit everyone signing in to an account at once. Then the client
# is the address the trusted proxy added: the right-most of X-Forwarded-For
# when there is one proxy (PROXY_COUNT proxies: the PROXY_COUNT-th from the
# right); whatever a client put in front of it themselves is ignored.
BEHIND_PROXY = env_bool("BEHIND_PROXY")
PROXY_COUNT = int(env("PROXY_COUNT", "1" if BEHIND_PROXY else "0"))
if BEHIND_PROXY and PROXY_COUNT > 0:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    # ipware's "left-most" is the usual order, "client, proxy1, proxy2", and
    # with a count it picks the (count + 1)-th address from the right. It
    # counts the proxies listed in the header; the nearest proxy (REMOTE_ADDR)
    # is not listed: it appends the client it saw.
    AXES_IPWARE_PROXY_ORDER = "left-most"
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1
    # More addresses than proxies (some typed by the client) are normal.
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# --- Rate limits (django-ratelimit) ---------------------------------------------
# Forms anyone may send without signing in (the "Volunteer with us"
# application) are limited per client address, read as the sign-in lockout
# reads it (behind a proxy too). The counts live in the cache: Redis when
# REDIS_URL is set; without it, each process counts on its own (the demo).
# Over the limit, the person is given the home's phone number, never a puzzle.
RATELIMIT_USE_CACHE = "default"
VOLUNTEER_APPLY_RATE = env("VOLUNTEER_APPLY_RATE", "5/10m")
# If a count cannot be read, the request goes through (a limit is never the
# reason something real is lost).
RATELIMIT_FAIL_OPEN = True
# The other limits (carehome.throttles), each "count/period" (s, m, h, d):
# reset emails to one typed address, and reset requests from one client;
PASSWORD_RESET_EMAIL_RATE = env("PASSWORD_RESET_EMAIL_RATE", "3/h")
PASSWORD_RESET_CLIENT_RATE = env("PASSWORD_RESET_CLIENT_RATE", "20/h")
# failed sign-ins from one client, whatever the accounts and wherever (a care
# home's staff share one address: well above a busy shift's typing mistakes;
# someone who signed in on this browser before is let through);
SIGN_IN_FAILURES_CLIENT_RATE = env("SIGN_IN_FAILURES_CLIENT_RATE", "30/15m")
# new links sent for one invitation;
INVITATION_RESEND_RATE = env("INVITATION_RESEND_RATE", "3/h")
# invitation and new-password forms sent back with a mistake, from one client.
PUBLIC_FORM_CLIENT_RATE = env("PUBLIC_FORM_CLIENT_RATE", "30/h")
# Door-code changes in an hour whose emails to approved regular visitors go at
# once; past that the change is still made at once, and its email waits
# (visits.services.access).
DOOR_CODE_NOTICES_PER_HOUR = int(env("DOOR_CODE_NOTICES_PER_HOUR", "4"))

# --- Audit trail -------------------------------------------------------------
# Every model is audited by default, so later apps are covered with no effort.
AUDITLOG_INCLUDE_ALL_MODELS = True
# The audit log reads a row's previous state through the base manager: it must
# work whatever the tenant guard's scope (homes.scoping).
AUDITLOG_USE_BASE_MANAGER = True
AUDITLOG_EXCLUDE_TRACKING_MODELS = (
    "qsessions",
    "axes",
    "admin",
    "contenttypes",
    "auth.permission",
    # The outbox is operational (tens of thousands of status changes); who
    # retried what is on the row. People's contact choices are audited.
    "notifications.reminder",
    "notifications.heartbeat",
    # One-time create-form tokens (homes.submissions): what was created is audited.
    "homes.formsubmission",
    # Figures worked out again from the audited records every few minutes.
    "evaluation.weeklyfigures",
    # A room held for a visit, an activity or a group: it moves and ends with
    # that record, whose own history says when and where (and its label would
    # be one more copy of a resident's name to anonymise).
    "homes.spacehold",
)
# Many-to-many changes are recorded where they are personal data.
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {"model": "residents.personalplan", "m2m_fields": ["interests"]},
    {"model": "residents.coproductionsession", "m2m_fields": ["participants"]},
    {"model": "volunteers.volunteer", "m2m_fields": ["roles", "interests"]},
    {"model": "volunteers.volunteerrole", "m2m_fields": ["training"]},
    {"model": "volunteers.volunteersettings", "m2m_fields": ["recruit_through"]},
    {"model": "community.partner", "m2m_fields": ["offers", "would_like"]},
    {"model": "community.place", "m2m_fields": ["interests"]},
    {"model": "community.activity", "m2m_fields": ["interests", "staff", "volunteers"]},
    {"model": "community.occurrence", "m2m_fields": ["family_events"]},
    {"model": "community.storyphoto", "m2m_fields": ["residents"]},
    {"model": "community.communitysettings", "m2m_fields": ["directories"]},
)
# Secrets never enter the history (a manager can read it): passwords, the
# invitation link's nonces, the calendar feed's token and the door code's
# digits. A change to them is still recorded, without the value, through the
# row's other fields. tests/test_audit_fields.py sweeps every model for this.
AUDITLOG_EXCLUDE_TRACKING_FIELDS = (
    "password",
    "token_nonce",
    "sent_nonce",
    "token",
    "code",
    # An authenticator app's shared secret (django-otp's TOTP device).
    "key",
    # Not secret, but noise: every sign-in, every save, every edit's counter.
    "last_login",
    "updated_at",
    "version",
    # An authenticator app's bookkeeping, changed at every sign-in with a code:
    # when it was last used, the clock drift, the wrong-code slowdown.
    "last_t",
    "drift",
    "last_used_at",
    "throttling_failure_timestamp",
    "throttling_failure_count",
)
AUDITLOG_DISABLE_REMOTE_ADDR = False
# Store a foreign key's text (e.g. the key worker's name) with the change, so
# the history reads well and costs no query per entry.
AUDITLOG_USE_FK_STRING_REPRESENTATION = True
# The history shows whole values ("Likes the window seat by the garden"), not
# auditlog's first 140 characters.
AUDITLOG_CHANGE_DISPLAY_TRUNCATE_LENGTH = -1

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", "Europe/London")
CELERY_TIMEZONE = TIME_ZONE  # beat's schedule follows the homes' time
# Kith speaks British English only, and Django's en_GB catalogue says what its
# English does: without the translation machinery, every date filter and
# {% url %} stops asking which language is active (a context-local lookup,
# a tenth of a staff page's own time at provider scale). Dates still take
# the en_GB formats (LANGUAGE_CODE).
USE_I18N = False
USE_TZ = True

# --- Cached page fragments (homes.fragments) -----------------------------------
# Parts of pages are cached until the home's data changes (PostgreSQL triggers
# note every write); off, every page is rendered afresh on every request.
KITH_FRAGMENT_CACHE = env_bool("KITH_FRAGMENT_CACHE", True)
KITH_FRAGMENT_SECONDS = int(env("KITH_FRAGMENT_SECONDS", str(15 * 60)))

# --- Static files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
# Uploaded photos with more pixels than this are refused from their header,
# before they are decoded (a 600 KB file can declare 13,000 × 13,000 pixels).
PHOTO_MAX_PIXELS = 40_000_000
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "carehome.staticstorage.StaticFilesStorage"
        )
    },
}
# Uploaded photos on an S3-compatible object store (AWS S3, MinIO, Ceph,
# Scaleway...) instead of MEDIA_ROOT when KITH_S3_BUCKET is set. They are
# still served only through Kith's permission checks, streamed by the app:
# objects are private, and any address the storage could sign for them
# expires in five minutes. The keys come from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY (or the machine's role, as boto3 finds it).
KITH_S3_BUCKET = env("KITH_S3_BUCKET", "").strip()
if KITH_S3_BUCKET:
    KITH_S3_ENDPOINT_URL = env("KITH_S3_ENDPOINT_URL", "").strip() or None
    # Stores other than AWS's (a KITH_S3_ENDPOINT_URL) want the bucket in the path.
    KITH_S3_ADDRESSING_STYLE = env("KITH_S3_ADDRESSING_STYLE", "path" if KITH_S3_ENDPOINT_URL else "auto")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": KITH_S3_BUCKET,
            "endpoint_url": KITH_S3_ENDPOINT_URL,
            "region_name": env("KITH_S3_REGION", "").strip() or None,
            "location": env("KITH_S3_PREFIX", "").strip().strip("/"),
            "addressing_style": KITH_S3_ADDRESSING_STYLE,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# "Saved" and the like ride in a signed cookie to the next page (the session
# only when they do not fit), so sending a form does not write the session.
MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"

# --- Email -------------------------------------------------------------------
EMAIL_HOST = env("EMAIL_HOST", "")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "20"))
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Kith <kith@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The console backends print invitation links, reset links and personal
# messages to stdout (the logs, in production): the demo only, unless asked.
ALLOW_CONSOLE_MESSAGES = env_bool("ALLOW_CONSOLE_MESSAGES", False)
if not DEBUG and not ALLOW_CONSOLE_MESSAGES:
    for _name, _backend in (("EMAIL_BACKEND", EMAIL_BACKEND), ("SMS_BACKEND", SMS_BACKEND)):
        if _backend.rsplit(".", 1)[-1] == "ConsoleBackend" or _backend.endswith(".console.EmailBackend"):
            raise ImproperlyConfigured(
                f"{_name} is {_backend}, which prints messages (with their links) to the console, and "
                "DEBUG is off. Set EMAIL_HOST (or EMAIL_BACKEND) and SMS_BACKEND for production, or "
                "ALLOW_CONSOLE_MESSAGES=1 if printing them is really what you want."
            )

# --- Security ----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12  # a shift and a bit: shared tablets
# How long a session lasts without use, and at most (accounts.sessions). Staff,
# volunteers and charity staff share the home's tablets: 15 minutes without use
# ends their session, with a warning a minute before. A relative on their own
# phone stays signed in for a week without use, a month at most.
SESSION_IDLE_MINUTES_STAFF = int(env("SESSION_IDLE_MINUTES_STAFF", "15"))
SESSION_LONGEST_HOURS_STAFF = int(env("SESSION_LONGEST_HOURS_STAFF", "12"))
SESSION_IDLE_MINUTES_FAMILY = int(env("SESSION_IDLE_MINUTES_FAMILY", str(7 * 24 * 60)))
SESSION_LONGEST_HOURS_FAMILY = int(env("SESSION_LONGEST_HOURS_FAMILY", str(30 * 24)))
SESSION_IDLE_WARNING_SECONDS = 60
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A form open from before signing in again gets Kith's own page, not Django's.
CSRF_FAILURE_VIEW = "carehome.views.csrf_failure"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# Powerful browser features no page of Kith uses, refused to every page and to
# anything a page might embed. Only features Chromium knows: it warns of an
# unknown name on every page, and the browser journeys fail on that warning.
# (A photo is taken through the file picker, which needs no camera permission.)
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
}

# --- The local area map (community) ---------------------------------------------
# A map tile server, like "https://tile.example.org/{z}/{x}/{y}.png" (Leaflet's
# placeholders; "{s}" for subdomains). Empty (the default): no map, and pages
# make no third-party request. The attribution the tile provider asks for is
# shown on the map.
KITH_MAP_TILE_URL = env("KITH_MAP_TILE_URL", "").strip()
KITH_MAP_ATTRIBUTION = env("KITH_MAP_ATTRIBUTION", "").strip()


def _tile_origin(url):
    """The origin images come from for CSP: "https://{s}.tile.x.org/…" → "https://*.tile.x.org"."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}.", "SUBDOMAIN."))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc.replace('SUBDOMAIN.', '*.')}"


MAP_TILE_ORIGIN = _tile_origin(KITH_MAP_TILE_URL) if KITH_MAP_TILE_URL else None

# No third-party origins anywhere (but a configured map's tiles): everything is served by the app itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([MAP_TILE_ORIGIN] if MAP_TILE_ORIGIN else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Logging -----------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOG_FORMAT = env("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    # 4xx answers (django.request, django.security) log one line, no traceback.
    "filters": {"client_errors": {"()": "carehome.logfilters.ClientErrorsOnOneLine"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["client_errors"]}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Only our handler: Django's own (console when DEBUG, mail_admins, and
        # no ADMINS here) printed every 4xx a second time with its traceback.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        # The evidence pack's PDF: WeasyPrint logs each step at INFO, and fontTools each font it subsets.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Bench -------------------------------------------------------------------
# The page benchmark (make bench, bench/pages.py) serves the app with
# KITH_BENCH=1: a baseline page at /bench/baseline/ that every page is
# compared with, and the header X-Kith-Queries (the queries each request
# made). Never on in production.
KITH_BENCH = env_bool("KITH_BENCH", False)
if KITH_BENCH:
    MIDDLEWARE = ["carehome.bench.QueryCountMiddleware", *MIDDLEWARE]
