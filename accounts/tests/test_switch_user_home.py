"""Signing out and "Switch user" forget the home last opened on the device
(``homes.middleware.HOME_COOKIE``): the next person to sign in is not sent to
the last one's home."""

import pytest
from django.test import Client
from django.urls import reverse

from homes.middleware import HOME_COOKIE
from homes.models import Role
from homes.tests.factories import MembershipFactory

PASSWORD = "a long enough password"


def _sign_in(client, user):
    user.set_password(PASSWORD)
    user.save()
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:2000]
    return response


@pytest.mark.parametrize("leaving", ["switch_user", "logout"])
def test_the_next_person_is_not_sent_to_the_last_ones_home(world, leaving):
    tablet = Client()
    _sign_in(tablet, world.staff.user)
    tablet.get(reverse("homes:dashboard", args=[world.home.slug]))
    assert tablet.cookies[HOME_COOKIE].value == world.home.slug

    response = tablet.post(reverse(leaving))
    deleted = response.cookies[HOME_COOKIE]
    assert deleted.value == "" and deleted["max-age"] == 0 and "1970" in deleted["expires"]

    # A bank carer who works in both homes is asked which, not sent to Rowan House.
    bank = MembershipFactory(home=world.home, role=Role.STAFF).user
    MembershipFactory(home=world.other_home, role=Role.STAFF, user=bank)
    start = tablet.get(_sign_in(tablet, bank).url)
    assert start.status_code == 200
    assert [t.name for t in start.templates][0] == "homes/choose.html"


def test_the_same_device_goes_back_to_its_home_while_nobody_signs_out(world):
    """What the cookie is for: "/" goes straight to the home last opened."""
    tablet = Client()
    bank = MembershipFactory(home=world.home, role=Role.STAFF).user
    MembershipFactory(home=world.other_home, role=Role.STAFF, user=bank)
    _sign_in(tablet, bank)
    tablet.get(reverse("homes:dashboard", args=[world.other_home.slug]))
    response = tablet.get(reverse("start"))
    assert response.status_code == 302
    assert response.url == reverse("homes:dashboard", args=[world.other_home.slug])
