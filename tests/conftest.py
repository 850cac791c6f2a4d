"""Fixtures for the tests that run the real thing: a Celery worker (a thread of
this process) on the real Redis, delivering over SMTP to an aiosmtpd sink."""

import os
import threading

import pytest
import redis
from celery.signals import task_postrun
from django.conf import settings as django_settings

from carehome.celery import app as celery_app
from tests.outbox_harness import SmtpSink, in_thread_worker


def broker_url():
    return os.environ.get("REDIS_URL") or django_settings.REDIS_URL or "redis://127.0.0.1:6379/1"


@pytest.fixture
def finished_tasks():
    """{task id: return value} for every task the worker finishes during the test."""
    done = {}
    lock = threading.Lock()

    def record(sender=None, task_id=None, retval=None, **kwargs):
        with lock:
            done[task_id] = retval

    task_postrun.connect(record, weak=False)
    yield done
    task_postrun.disconnect(record)


@pytest.fixture
def sink(settings):
    """An SMTP server on loopback; Django's SMTP backend points at it."""
    with SmtpSink() as running:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = running.host
        settings.EMAIL_PORT = running.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_TIMEOUT = 10
        yield running


@pytest.fixture
def worker(transactional_db, sink):
    """Celery's test worker in a thread, on the real Redis, consuming a queue of
    its own for this test. Fails (never skips) when Redis is not reachable."""
    url = broker_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as error:
        pytest.fail(f"Redis at {url} is not reachable ({error}); the worker test needs it running.")
    with in_thread_worker(celery_app, url) as queue:
        yield queue
    assert celery_app.conf.task_always_eager is True
