"""Kith's settings with Django's default middleware only (the list
``django-admin startproject`` writes), for the page benchmark: the same
baseline view served through it shows what Kith's own per-request work (the
sign-in lockout, history, CSP, the home's membership, htmx, static files)
costs. Everything else is Kith's: the database, the sessions, the cache.

    DJANGO_SETTINGS_MODULE=bench.settings_plain KITH_BENCH=1 gunicorn carehome.wsgi
"""

from carehome.settings import *  # noqa: F403

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
if KITH_BENCH:  # noqa: F405
    # The same query counter as Kith's own list, so both pay for it alike.
    MIDDLEWARE = ["carehome.bench.QueryCountMiddleware", *MIDDLEWARE]
