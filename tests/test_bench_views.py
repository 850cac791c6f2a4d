"""The page benchmark's baseline view and query counter (carehome/bench.py):
served only when the setting KITH_BENCH is on."""

import importlib
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import clear_url_caches

import carehome.urls

BASELINE = "/bench/baseline/"


@contextmanager
def bench(on, **more):
    """The URLconf as it is built with KITH_BENCH on or off (it reads the
    setting once, when it is imported)."""
    try:
        with override_settings(KITH_BENCH=on, **more):
            importlib.reload(carehome.urls)
            clear_url_caches()
            yield
    finally:
        importlib.reload(carehome.urls)
        clear_url_caches()


@pytest.mark.parametrize("signed_in", [False, True])
def test_no_baseline_view_when_the_setting_is_off(client, world, signed_in):
    if signed_in:
        client.force_login(world.manager.user)
    with bench(False):
        assert client.get(BASELINE).status_code == 404


def test_baseline_view_answers_the_signed_in(client, world):
    client.force_login(world.manager.user)
    with bench(True):
        response = client.get(BASELINE)
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_baseline_view_sends_others_to_sign_in(client, world):
    with bench(True):
        response = client.get(BASELINE)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_queries_counted_in_a_header(client, world):
    """First in the middleware: the session, the user and the view's query."""
    client.force_login(world.manager.user)
    middleware = ["carehome.bench.QueryCountMiddleware", *settings.MIDDLEWARE]
    with bench(True, MIDDLEWARE=middleware):
        response = client.get(BASELINE)
    assert response.status_code == 200
    assert response["X-Kith-Queries"] == "3"


def test_no_query_header_without_the_bench(client, world):
    client.force_login(world.manager.user)
    response = client.get(f"/h/{world.home.slug}/")
    assert response.status_code == 200
    assert "X-Kith-Queries" not in response
