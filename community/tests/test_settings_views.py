"""Community settings: publish the programme, the connector charities whose
directory the home uses, the map, and where the home is; a manager's page."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from community.models import CommunitySettings, Partner
from community.services import partners as services
from community.services.settings import DIRECTORY_CHOICE
from community.tests.factories import PartnerFactory
from homes.models import Organisation
from homes.tests.factories import OrganisationFactory
from tests.html import field_error, main_text

pytestmark = pytest.mark.django_db


def url(world):
    return reverse("community:settings", args=[world.home.slug])


@pytest.fixture
def manager(world, client_for):
    return client_for(world.manager)


def test_saving_the_settings_and_the_homes_location(world, manager):
    charity = OrganisationFactory(name="Linking Lives", kind=Organisation.Kind.CONNECTOR)
    OrganisationFactory(name="Another provider")  # not a connector: not offered
    page = manager.get(url(world))
    assert "Linking Lives" in main_text(page) and "Another provider" not in main_text(page)
    data = {
        "publish_programme": "on",
        "directories": [charity.pk],
        "map_enabled": "on",
        "latitude": "53.6158",
        "longitude": "-2.1561",
        "version": 0,
    }
    assert manager.post(url(world), data).status_code == 302
    saved = CommunitySettings.objects.get(home=world.home)
    assert saved.publish_programme and saved.map_enabled and list(saved.directories.all()) == [charity]
    world.home.refresh_from_db()
    assert (world.home.latitude, world.home.longitude) == (Decimal("53.615800"), Decimal("-2.156100"))
    shed = PartnerFactory(organisation=charity)
    assert Partner.objects.for_home(world.home).filter(pk=shed.pk).exists()


def test_a_conflict_is_shown_and_nothing_saved(world, client_for):
    first, second = client_for(world.manager), client_for(world.manager)
    data = {"map_enabled": "on", "version": 0}
    assert first.post(url(world), {**data, "publish_programme": "on"}).status_code == 302
    late = second.post(url(world), {**data, "latitude": "53.6", "longitude": "-2.1"})
    assert late.status_code == 200 and "after you opened it" in main_text(late)
    world.home.refresh_from_db()
    assert world.home.latitude is None


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"latitude": "91", "longitude": "0"}, "latitude", services.LATITUDE_INVALID),
        ({"latitude": "53.6"}, "longitude", services.LONGITUDE_MISSING),
        ({"directories": ["999999"]}, "directories", DIRECTORY_CHOICE),
    ],
)
def test_bad_settings_save_nothing(world, manager, fields, field, message):
    OrganisationFactory(kind=Organisation.Kind.CONNECTOR)
    response = manager.post(url(world), {"version": 0, **fields})
    assert message in (field_error(response, field) or main_text(response))
    assert not CommunitySettings.objects.filter(home=world.home).exists()


def test_a_provider_organisation_cannot_be_used_as_a_directory(world):
    from carehome.errors import DomainError
    from community.services.settings import community_settings_update

    with pytest.raises(DomainError):
        community_settings_update(
            home=world.home,
            actor=world.manager.user,
            publish_programme=False,
            map_enabled=True,
            directories=[world.other_home.organisation],
        )


@pytest.mark.parametrize("role", ["staff", "champion", "connector", "family", "volunteer"])
def test_only_managers(world, client_for, role):
    assert client_for(world.member(role)).get(url(world)).status_code == 403


def test_connector_staff_can_be_invited_and_accept(
    world, client, client_for, django_capture_on_commit_callbacks
):
    from django.core import mail

    from homes.models import Membership, Role
    from homes.tests.test_invitations import NEW_PASSWORD, link_path

    invite = reverse("homes:invite", args=[world.home.slug])
    form = client_for(world.manager).get(invite).content.decode()
    assert '<option value="connector">Connector charity staff</option>' in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.manager).post(
            invite,
            {
                "full_name": "Cara Mitchell",
                "email": "cara@linkinglives.example.org",
                "role": "connector",
                "form_token": re.search(r'name="form_token" value="([^"]+)"', form).group(1),
            },
        )
    assert response.status_code == 302
    path = link_path(mail.outbox[-1])
    accepted = client.post(
        path, {"full_name": "Cara Mitchell", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert accepted.status_code == 302
    member = Membership.objects.get(home=world.home, user__email="cara@linkinglives.example.org")
    assert member.role == Role.CONNECTOR
    assert client.get(reverse("community:partners", args=[world.home.slug])).status_code == 200
    nav = main_text(client.get(reverse("homes:dashboard", args=[world.home.slug])))
    assert "Margaret Baxter" not in nav
