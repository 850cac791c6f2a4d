"""A staff session that idles out sends the person to sign in with the page
they were on (``next``), only ever a page of this site, and signing in again
takes them back there (accounts.middleware.IdleSessionMiddleware)."""

from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from accounts import sessions

PASSWORD = "a long enough password"


@pytest.fixture(autouse=True)
def _real_limits(settings):
    """The tests' settings keep sessions for longer (carehome.settings_test)."""
    settings.SESSION_IDLE_MINUTES_STAFF = 15
    settings.SESSION_LONGEST_HOURS_STAFF = 12


@pytest.fixture
def idle(world):
    """A staff member's browser, signed in, unused for 20 minutes."""
    user = world.staff.user
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    assert client.post(reverse("login"), {"username": user.email, "password": PASSWORD}).status_code == 302
    session = client.session
    session[sessions.SEEN_KEY] = sessions.now() - 20 * 60
    session.save()
    return client


def _login_back_to(page):
    return reverse("login") + "?" + urlencode({"next": page})


def test_signing_in_again_goes_back_to_the_page(world, idle):
    page = reverse("residents:list", args=[world.home.slug]) + "?q=bax"
    response = idle.get(page)
    assert response.status_code == 302 and response.url == _login_back_to(page)
    signed_in = idle.post(
        response.url, {"username": world.staff.user.email, "password": PASSWORD, "next": page}
    )
    assert signed_in.status_code == 302 and signed_in.url == page


def test_a_fragment_or_a_post_comes_back_to_the_page_it_was_sent_from(world, idle):
    page = reverse("residents:list", args=[world.home.slug]) + "?q=bax"
    fragment = idle.post(
        reverse("residents:list", args=[world.home.slug]),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver" + page},
    )
    assert fragment["HX-Redirect"] == _login_back_to(page)


def test_the_count_down_asking_to_stay_too_late_comes_back_to_the_page(world, idle):
    """static/js/idle.js says which page it is on when it tells the server of use."""
    page = reverse("homes:dashboard", args=[world.home.slug])
    response = idle.post(reverse("session_stay"), headers={"HX-Current-URL": "http://testserver" + page})
    assert response.status_code == 302 and response.url == _login_back_to(page)


@pytest.mark.parametrize(
    "current",
    [
        "https://example.net/h/rowan/",  # another site
        "http://testserver.example.net/h/rowan/",  # a look-alike
        "http://testserver//example.net/h/rowan/",  # a path that is another site
        "",
    ],
)
def test_only_a_page_of_this_site_is_come_back_to(world, idle, current):
    htmx = idle.get(
        reverse("residents:list", args=[world.home.slug]),
        headers={"HX-Request": "true", "HX-Current-URL": current},
    )
    assert htmx["HX-Redirect"] == reverse("login")


def test_a_form_posted_without_its_page_comes_back_to_nothing(world, idle):
    response = idle.post(reverse("account"), {"full_name": "Someone Else"})
    assert response.status_code == 302 and response.url == reverse("login")
