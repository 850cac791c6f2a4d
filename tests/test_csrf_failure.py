"""A form left open in another tab from before signing out and in again
cannot be saved (its CSRF token is old). Kith says so in plain words on its
own page, with a way back to the form, instead of Django's bare
"CSRF verification failed"."""

import re

import pytest
from django.test import Client

from tests.html import main_text

PASSWORD = "a-long-test-password-2026"
SAYS = (
    "This page had been open for a while or you signed in again in another tab, so we could not save it. "
    "Go back, reload the page and try again."
)


def token_on(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


def sign_in(client, email):
    token = token_on(client.get("/login/"))
    response = client.post("/login/", {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


@pytest.fixture
def person(world):
    user = world.staff.user
    user.set_password(PASSWORD)
    user.save()
    return user


def test_a_form_from_before_signing_in_again_gets_a_page_that_says_what_happened(person):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, person.email)
    old_token = token_on(client.get("/account/"))  # the form, left open in a tab

    # In another tab: sign out and in again.
    client.post("/logout/", {"csrfmiddlewaretoken": token_on(client.get("/account/"))})
    sign_in(client, person.email)

    response = client.post(
        "/account/",
        {"full_name": "Someone Else", "csrfmiddlewaretoken": old_token},
        HTTP_REFERER="http://testserver/account/",
    )
    assert response.status_code == 403
    text = main_text(response)
    assert SAYS in text
    assert "CSRF verification failed" not in response.content.decode()
    assert 'href="http://testserver/account/"' in response.content.decode()
    assert '<link rel="stylesheet"' in response.content.decode()  # the site's own page
    person.refresh_from_db()
    assert person.full_name != "Someone Else"


def test_no_link_back_to_another_site(person):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, person.email)
    response = client.post(
        "/account/", {"full_name": "X", "csrfmiddlewaretoken": "x" * 64}, HTTP_REFERER="https://evil.example/"
    )
    assert response.status_code == 403
    assert "evil.example" not in response.content.decode()
    assert "Go to your home page" in main_text(response)
