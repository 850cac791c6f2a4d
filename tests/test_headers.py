"""The headers of every page type: no signed-in page is kept by the browser or
a proxy (the door code, plans and wellbeing answers on a shared tablet); every
page refuses the browser's powerful features and runs no inline script."""

import uuid

from django.test import Client
from django.urls import reverse

from homes.models import Role
from homes.tests.factories import MembershipFactory
from tests.test_scoping import ROLES, other_pages, url_for
from tests.urls_sweep import home_urls, may_see

# Pages whose view chooses its own caching, and what it chose.
OWN_CACHING = {
    # Subscribed to by a calendar app with a secret address; it polls every few minutes.
    "visiting:calendar_feed": "private, max-age=300",
}


def assert_safe_headers(response, where):
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy, f"{where}: {policy}"
    csp = response["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, f"{where}: {csp}"
    assert "frame-ancestors 'none'" in csp, where
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert response["X-Frame-Options"] == "DENY", where


def assert_not_stored(response, where):
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control, f"{where}: {cache_control}"


def test_every_home_page_is_never_stored_and_refuses_powerful_features(sweep_world, client_for):
    w = sweep_world
    checked = 0
    clients = {role: client_for(w.member(role)) for role in ROLES}
    # The organisation admin's own pages (the retention periods): one of the home's organisation.
    clients["org_admin"] = client_for(MembershipFactory(home=w.home, role=Role.ORG_ADMIN))
    for name in home_urls():
        url = url_for(name, w, own_objects=True, slug=w.home.slug)
        role = next(r for r in [*ROLES, "org_admin"] if may_see(name, url, r))
        response = clients[role].get(url)
        assert response.status_code in (200, 302, 403, 405), f"{role} GET {url} gave {response.status_code}"
        if response.status_code != 200:
            continue  # POST only, a redirect, or for one person only (an approved visitor's door code)
        where = f"{role} GET {url}"
        assert_safe_headers(response, where)
        assert_not_stored(response, where)
        checked += 1
    assert checked > 100


def test_every_page_outside_a_home_has_the_same_headers(sweep_world, client_for):
    for name, (client, url) in other_pages(sweep_world, client_for).items():
        response = client.get(url)
        assert response.status_code == 200, f"{name} gave {response.status_code}"
        assert_safe_headers(response, name)
        if name in OWN_CACHING:
            assert response["Cache-Control"] == OWN_CACHING[name], name
        elif name == "healthz":
            assert "no-cache" in response["Cache-Control"], name
        else:
            assert_not_stored(response, name)


def test_error_and_refusal_pages_have_the_same_headers(world, client, client_for, settings):
    missing = client_for(world.manager).get("/h/no-such-home/")
    assert missing.status_code == 404
    forbidden = client_for(world.relative).get(f"/h/{world.home.slug}/residents/")
    assert forbidden.status_code == 403
    csrf = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "a@example.org"})
    assert csrf.status_code == 403
    settings.PASSWORD_RESET_EMAIL_RATE = "1/h"
    settings.RATELIMIT_CACHE_PREFIX = f"rl-test-{uuid.uuid4().hex}:"
    client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    limited = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert limited.status_code == 429
    for where, response in (("404", missing), ("403", forbidden), ("CSRF", csrf), ("429", limited)):
        assert_safe_headers(response, where)
        assert_not_stored(response, where)


def test_the_policy_built_once_is_the_one_django_csp_builds_and_follows_the_setting(world, client, settings):
    """Kith's CSP middleware keeps the policy it builds: it must be django-csp's
    own, the admin's pages must still get their change, and a changed setting a
    new policy."""
    from csp.utils import build_policy  # noqa: PLC0415

    page = client.get(reverse("login"))
    assert page["Content-Security-Policy"] == build_policy()
    admin = client.get("/admin/login/")
    assert admin["Content-Security-Policy"] == build_policy(update={"style-src": ["'unsafe-inline'"]})
    assert "'unsafe-inline'" not in page["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY,
        "DIRECTIVES": {
            **settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
            "img-src": ["'self'", "https://tiles.example.org"],
        },
    }
    changed = client.get(reverse("login"))
    assert "https://tiles.example.org" in changed["Content-Security-Policy"]
    assert changed["Content-Security-Policy"] == build_policy()
