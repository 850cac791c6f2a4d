"""Places and the local area: adding and changing a place; the list nearest
first with distance, travel and access notes; filters; the map only when a
tile server is set and the home shows it (and no third-party host otherwise);
and the page's cost with 10 or 500 partners."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import CommunitySettings, Partner, Place
from community.services import partners as services
from community.tests.factories import PartnerFactory, PartnershipFactory, PlaceFactory
from homes.models import Home, Interest
from tests.html import field_error, main_text

pytestmark = pytest.mark.django_db

TILES = "https://{s}.tiles.example.net/{z}/{x}/{y}.png"


def url(name, world, *args):
    return reverse(f"community:{name}", args=[world.home.slug, *args])


@pytest.fixture
def staff(world, client_for):
    return client_for(world.staff)


@pytest.fixture
def located(world):
    Home.objects.filter(pk=world.home.pk).update(
        latitude=Decimal("53.615800"), longitude=Decimal("-2.156100")
    )
    world.home.refresh_from_db()
    return world


def token(client, page):
    return re.search(r'name="form_token" value="([^"]+)"', client.get(page).content.decode()).group(1)


def test_adding_and_changing_a_place(world, staff):
    page = url("place_add", world)
    walking = Interest.objects.get(name="Walking")
    data = {
        "name": "Queen's Park",
        "kind": "park",
        "latitude": "53.6230",
        "longitude": "-2.1490",
        "interests": [walking.pk],
        "travel_notes": "A 10-minute wheel",
        "access_notes": "Level paths",
    }
    response = staff.post(page, {**data, "form_token": token(staff, page)})
    assert response.url == url("local_area", world)
    place = Place.objects.get(home=world.home)
    assert list(place.interests.all()) == [walking]
    edit = url("place_edit", world, place.pk)
    assert (
        staff.post(
            edit, {**data, "name": "Queen's Park (bandstand)", "is_active": "on", "version": 1}
        ).status_code
        == 302
    )
    place.refresh_from_db()
    assert place.name == "Queen's Park (bandstand)" and place.version == 2
    late = staff.post(edit, {**data, "name": "Park", "is_active": "on", "version": 1})
    assert "after you opened it" in main_text(late)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", services.PLACE_NAME_MISSING),
        ({"kind": "moon"}, "kind", services.PLACE_KIND_CHOICE),
        ({"latitude": "-90.5"}, "latitude", services.LATITUDE_INVALID),
        ({"longitude": ""}, "longitude", services.LONGITUDE_MISSING),
    ],
)
def test_a_bad_place_saves_nothing(world, staff, fields, field, message):
    page = url("place_add", world)
    data = {"name": "Canal", "kind": "waterside", "latitude": "53.6", "longitude": "-2.1", **fields}
    response = staff.post(page, {**data, "form_token": token(staff, page)})
    assert field_error(response, field) == message
    assert not Place.objects.exists()


def test_a_place_name_is_unique_in_the_home(world, staff):
    PlaceFactory(home=world.home, name="The canal")
    page = url("place_add", world)
    response = staff.post(page, {"name": "THE CANAL", "kind": "waterside", "form_token": token(staff, page)})
    assert field_error(response, "name") == services.place_name_taken(world.home, "THE CANAL")


def test_another_homes_place_is_404(world, staff):
    foreign = PlaceFactory(home=world.other_home)
    assert staff.get(url("place_edit", world, foreign.pk)).status_code == 404
    assert staff.post(url("place_edit", world, foreign.pk)).status_code == 404


def test_the_local_area_is_nearest_first_in_miles(located, staff):
    w = located
    PlaceFactory(
        home=w.home,
        name="Queen's Park",
        latitude=Decimal("53.6230"),
        longitude=Decimal("-2.1490"),
        travel_notes="A 10-minute wheel",
        access_notes="Level paths",
    )
    PartnershipFactory(
        home=w.home,
        partner__name="Hollingworth Anglers",
        partner__latitude=Decimal("53.6400"),
        partner__longitude=Decimal("-2.0700"),
        travel_notes="20 minutes in the minibus",
    )
    PartnerFactory(organisation=w.home.organisation, name="Ring and Ride")  # no coordinates
    PlaceFactory(home=w.other_home, name="Foreign Park")

    text = main_text(staff.get(url("local_area", w)))

    assert "Nearby (3)" in text
    assert text.index("Queen's Park") < text.index("Hollingworth Anglers") < text.index("Ring and Ride")
    assert re.search(r"Queen's Park 0\.6 miles Park or green space", text)
    assert re.search(r"Hollingworth Anglers 3\.9 miles School We work with them", text)
    assert "Ring and Ride Distance not known" in text
    assert "Getting there A 10-minute wheel Accessibility Level paths" in text
    assert "Foreign Park" not in text


def test_the_local_area_filters_by_kind_and_interest(world, staff):
    walking = Interest.objects.get(name="Walking")
    park = PlaceFactory(home=world.home, name="Queen's Park")
    park.interests.add(walking)
    PlaceFactory(home=world.home, name="Bluebell Tea Rooms", kind="cafe")
    PartnershipFactory(home=world.home, partner__name="St Mary's")
    parks = main_text(staff.get(url("local_area", world), {"kind": "place:park"}))
    assert "Queen's Park" in parks and "Bluebell" not in parks and "St Mary's" not in parks
    schools = main_text(staff.get(url("local_area", world), {"kind": "partner:school"}))
    assert "St Mary's" in schools and "Queen's Park" not in schools
    walks = main_text(staff.get(url("local_area", world), {"interest": walking.pk}))
    assert "Nearby (1)" in walks


def test_without_the_home_located_distances_are_not_known(world, staff):
    PlaceFactory(home=world.home, name="Queen's Park", latitude=Decimal("53.6"), longitude=Decimal("-2.1"))
    text = main_text(staff.get(url("local_area", world)))
    assert "Queen's Park Distance not known" in text
    assert "the home's own location is not set" in text


def test_no_map_and_no_third_party_host_without_a_tile_server(located, staff, settings):
    settings.KITH_MAP_TILE_URL = ""
    PlaceFactory(home=located.home, latitude=Decimal("53.6"), longitude=Decimal("-2.1"))
    page = staff.get(url("local_area", located)).content.decode()
    assert "community-map" not in page and "leaflet" not in page
    assert "tiles.example.net" not in page and "openstreetmap" not in page
    assert not re.search(r'(src|href)="https?://', page)


def test_the_map_when_a_tile_server_is_set_and_the_home_shows_it(located, staff, settings):
    settings.KITH_MAP_TILE_URL = TILES
    settings.KITH_MAP_ATTRIBUTION = "© Example tiles"
    PlaceFactory(
        home=located.home, name="Queen's Park", latitude=Decimal("53.6230"), longitude=Decimal("-2.1490")
    )
    PlaceFactory(home=located.home, name="Nowhere")
    page = staff.get(url("local_area", located)).content.decode()
    assert 'id="community-map"' in page and f'data-tiles="{TILES}"' in page
    assert "vendor/leaflet/leaflet.js" in page and "js/community-map.js" in page
    assert page.index("Nearby (2)") < page.index('id="community-map"')  # the list comes first
    island = re.search(r'<script id="community-map-data" type="application/json">(.*?)</script>', page, re.S)
    assert '"name": "Queen\'s Park"' in island.group(1) and "Nowhere" not in island.group(1)
    CommunitySettings.objects.create(home=located.home, map_enabled=False)
    assert 'id="community-map"' not in staff.get(url("local_area", located)).content.decode()


def test_the_tile_host_is_allowed_for_images_only_when_set():
    from carehome.settings import _tile_origin

    assert _tile_origin(TILES) == "https://*.tiles.example.net"
    assert _tile_origin("https://tile.example.org/{z}/{x}/{y}.png") == "https://tile.example.org"
    assert _tile_origin("javascript:alert(1)") is None


def test_the_local_area_costs_the_same_with_10_or_500_partners(located, client_for):
    w = located
    client = client_for(w.connector)
    client.get(url("local_area", w))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("local_area", w)).status_code == 200
        return len(ctx.captured_queries)

    def add(n):
        start = Partner.objects.count()
        partners = Partner.objects.bulk_create(
            [
                Partner(
                    organisation=w.home.organisation,
                    name=f"P{start + i}",
                    kind="school",
                    latitude=Decimal("53.6"),
                    longitude=Decimal("-2.1"),
                )  # fmt: skip
                for i in range(n)
            ]
        )
        for p in partners[: n // 2]:
            PartnershipFactory.build(home=w.home, partner=p, contact=w.champion).save()
        Place.objects.bulk_create(
            [Place(home=w.home, name=f"Place {start + i}", kind="park") for i in range(n // 10)]
        )

    add(10)
    few = count()
    add(490)
    assert count() == few
    assert few <= 25
