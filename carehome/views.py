"""Operations endpoints and the friendly error pages."""

import logging

from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from carehome.celery import app as celery_app

logger = logging.getLogger(__name__)


def _database_status():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure is the answer, not a crash
        logger.warning("healthz: database check failed: %s", exc)
        return "error"
    return "ok"


def _broker_status():
    if celery_app.conf.task_always_eager:
        return "not used (tasks run in the web process)"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        logger.warning("healthz: broker check failed: %s", exc)
        return "error"
    return "ok"


@never_cache
def healthz(request):
    """The whole service: the database, the broker, the workers (each writes a
    heartbeat), the reminder sweeper and reaper, each reported separately. Any
    of them failing is a 503: reminders are part of the service. (Late
    sweeper or reaper runs say why they are probably late.)"""
    from notifications import health  # noqa: PLC0415

    body = {"database": _database_status(), "broker": _broker_status()}
    body["workers"] = health.workers_status()
    body["sweeper"] = health.housekeeping_status("sweeper")
    body["reaper"] = health.housekeeping_status("reaper")
    failing = [
        name
        for name, value in body.items()
        if value == "error" or (isinstance(value, dict) and health.failing(value))
    ]
    healthy = not failing
    return JsonResponse({"status": "ok" if healthy else "error", **body}, status=200 if healthy else 503)


def favicon(request):
    return redirect(static("img/kith.svg"), permanent=True)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """A form that can no longer be saved (``CSRF_FAILURE_VIEW``): usually open
    in a tab from before signing out and in again. Says so in plain words, with
    a way back to the page when it was on this site."""
    referer = request.META.get("HTTP_REFERER", "")
    same_site = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return render(request, "403_csrf.html", {"back": referer if referer and same_site else ""}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: the failure may be in one of them.

    return HttpResponseServerError(loader.get_template("500.html").render())
