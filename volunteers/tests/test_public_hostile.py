"""Hostile input on the public "Volunteer with us" forms, which the sweep of
tests/test_hostile_forms.py does not reach (they are not under /h/<home>/):
the same hostile values into one to three boxes at a time, through the test
client, with valid values in the rest. Never a server error; every message
next to its box or in the summary. The hidden box only robots fill in is
left empty (filled, the form is not checked at all), and the limit per
address is off so every post reaches the form."""

import pytest
from django.test import Client
from django.urls import reverse

from homes.tests.factories import OrganisationFactory
from tests.html import main_text
from tests.test_hostile_forms import baseline, fuzz, post_forms
from volunteers.forms.public import HONEYPOT
from volunteers.models import Volunteer
from volunteers.tests.factories import VolunteerRoleFactory

pytestmark = [pytest.mark.hostile, pytest.mark.django_db]


VALID = {
    "postcode": "SW1A 1AA",
    "day_1": "1",
    "until_1": "12:00",
    "referee1_name": "Tom Reid",
    "referee1_relationship": "My manager at work",
    "referee1_email": "tom.reid@example.org",
    "referee2_name": "Jane Okafor",
    "referee2_relationship": "Neighbour for ten years",
    "referee2_email": "jane.okafor@example.org",
    "referee2_phone": "01632 960123",
}


class EachPostNew(Client):
    """A browser whose every application is a new person's: the earlier
    applicants are marked as left first, so a valid post is saved (and
    hostile values reach the database) rather than refused as a repeat."""

    def post(self, *args, **kwargs):
        Volunteer.objects.update(status=Volunteer.Status.LEFT, left_reason="Hostile input test")
        return super().post(*args, **kwargs)


def _form_on(client, address):
    """The form as the page shows it, with values that make a valid
    application (so hostile values reach the service too): one weekly time,
    two different referees, a postcode; no one-time token, so each post is new."""
    response = client.get(address)
    assert response.status_code == 200
    (form,) = post_forms(response.content.decode())
    for name in [HONEYPOT, "form_token", *(f"{p}_{n}" for p in ("day", "from", "until") for n in (2, 3, 4))]:
        form.fields.pop(name)
    for name, value in VALID.items():
        form.fields[name].values = [value]
    return form


@pytest.mark.parametrize("page", ["apply", "organisation"])
def test_hostile_input_on_the_public_forms_is_refused_politely(world, settings, page):
    settings.RATELIMIT_ENABLE = False
    VolunteerRoleFactory(home=world.home, name="Befriender")
    if page == "apply":
        address = reverse("volunteer_with_us:apply", args=[world.home.slug])
    else:
        organisation = OrganisationFactory(slug="kindly")
        world.home.organisation = organisation
        world.home.save()
        address = reverse("volunteer_with_us:organisation", args=["kindly"])
    client = EachPostNew(raise_request_exception=False)
    form = _form_on(client, address)
    for _ in range(2):  # the same person twice: both saved
        first = client.post(address, baseline(form))
        assert first.status_code == 302, main_text(first)[:2000]
    failures = fuzz(f"volunteer_with_us:{page}", client, address, form)
    assert not failures, "\n".join(f.line() for f in failures)
