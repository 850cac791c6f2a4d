"""After five wrong passwords the sign-in page pauses the account and says to
reset the password; the new password from that reset works at once."""

import re

from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import PASSWORD

NEW = "sparrows-on-the-hedge-42"


def sign_in(client, email, password):
    return client.post("/login/", {"username": email, "password": password})


def test_a_completed_password_reset_ends_the_pause_at_once(client, world):
    person = world.manager.user
    for attempt in range(5):
        sign_in(client, person.email, f"wrong-guess-{attempt}")
    paused = sign_in(client, person.email, PASSWORD)
    assert paused.status_code == 429
    assert b"reset" in paused.content.lower()

    client.post(reverse("password_reset"), {"email": person.email})
    link = re.search(r"http://testserver(/password-reset/[^/\s]+/[^/\s]+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done.url == reverse("password_reset_complete")

    response = sign_in(client, person.email.upper(), NEW)
    assert response.status_code == 302
    assert int(client.session[SESSION_KEY]) == person.pk


def test_a_reset_ends_the_pause_from_every_address(client, world):
    person = world.manager.user
    for attempt in range(5):
        client.post(
            "/login/", {"username": person.email, "password": f"x{attempt}"}, REMOTE_ADDR="81.2.69.160"
        )
    assert (
        client.post(
            "/login/", {"username": person.email, "password": PASSWORD}, REMOTE_ADDR="81.2.69.160"
        ).status_code
        == 429
    )

    client.post(reverse("password_reset"), {"email": person.email})
    link = re.search(r"http://testserver(/password-reset/[^/\s]+/[^/\s]+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})

    response = client.post("/login/", {"username": person.email, "password": NEW}, REMOTE_ADDR="81.2.69.160")
    assert response.status_code == 302
