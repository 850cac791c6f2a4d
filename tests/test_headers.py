"""The headers of every page type: no signed-in page is kept by the browser or
a proxy (the door code, plans and wellbeing answers on a shared tablet); every
page refuses the browser's powerful features and runs no inline script."""

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
    for name in home_urls():
        url = url_for(name, w, own_objects=True, slug=w.home.slug)
        role = next((r for r in ROLES if may_see(name, url, r)), None)
        response = clients[role].get(url)
        if response.status_code != 200:
            continue  # a POST-only address, or a redirect to the page itself
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


def test_error_pages_and_the_sign_in_page_are_never_stored(world, client, client_for):
    missing = client_for(world.manager).get("/h/no-such-home/")
    assert missing.status_code == 404
    assert_not_stored(missing, "404")
    forbidden = client_for(world.relative).get(f"/h/{world.home.slug}/residents/")
    assert forbidden.status_code == 403
    assert_not_stored(forbidden, "403")
    assert_safe_headers(forbidden, "403")
