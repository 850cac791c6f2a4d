"""The home's visiting information: the manager's form, the public page (no
sign-in), its printable version, and the public photos of spaces."""

from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from carehome.errors import DomainError
from homes.models import Space
from homes.tests.factories import SpaceFactory
from tests.html import field_error, main_text, text_of
from visits.models import VisitingInfo
from visits.services.info import space_photo_save, visiting_info_save
from visits.tests.factories import VisitingInfoFactory


@pytest.fixture(autouse=True)
def scratch_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def manager_client(world, client_for):
    return client_for(world.manager)


def picture(size=(30, 30), fmt="PNG", name="room.png", exif=None):
    out = BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, (10, 90, 80)).save(out, format=fmt, **kwargs)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def edit_url(world):
    return reverse("visits:info_edit", args=[world.home.slug])


def public_url(home, name="info"):
    return reverse(f"visiting:{name}", kwargs={"slug": home.slug})


def photo_url(home, space):
    return reverse("visiting:space_photo", kwargs={"slug": home.slug, "pk": space.pk})


def with_photo(space, world):
    return space_photo_save(home=space.home, actor=world.manager.user, space=space, photo=picture())


INFO = {
    "welcome": "Visiting is your right. Come whenever suits you.",
    "front_door": "How to get in: the doorbell is on the left.\nThe door is opened 8am–8pm.",
    "parking": "Free car park at the front.",
    "public_transport": "The 42 bus stops outside (Mill Lane).",
    "what_to_bring": "Photos, music they love, their favourite biscuits.",
    "accessibility": "Hearing loop in the lounge; step-free throughout.",
    "who_to_contact": "The nurse in charge.",
}


# --- The manager's form --------------------------------------------------------------------


def test_manager_writes_the_visiting_information_and_visitors_see_it(world, manager_client, client):
    page = manager_client.get(edit_url(world))
    assert page.status_code == 200
    assert "The doorbell is on the left; the door is opened 8am–8pm" in main_text(page)
    assert "door_code_rotate_days" not in page.content.decode()

    response = manager_client.post(edit_url(world), {**INFO, "parking": "  Free car park at the front.  "})
    assert response.status_code == 302
    info = VisitingInfo.objects.get(home=world.home)
    assert info.parking == "Free car park at the front."
    assert info.front_door == INFO["front_door"]
    assert "The visiting information was saved" in main_text(manager_client.get(response.url))

    text = main_text(client.get(public_url(world.home)))
    for value in ["Visiting is your right", "doorbell is on the left", "The 42 bus", "favourite biscuits"]:
        assert value in text
    assert "Hearing loop in the lounge" in text
    assert "The nurse in charge." in text


def test_saving_records_who_changed_it(world, manager_client):
    manager_client.post(edit_url(world), INFO)
    info = VisitingInfo.objects.get(home=world.home)
    entry = LogEntry.objects.get_for_object(info).latest("timestamp")
    assert entry.actor == world.manager.user
    assert "parking" in entry.changes_dict


def test_the_door_code_schedule_is_left_alone(world, manager_client):
    VisitingInfoFactory(home=world.home, door_code_rotate_days=7)
    manager_client.post(edit_url(world), {**INFO, "door_code_rotate_days": "99"})
    assert VisitingInfo.objects.get(home=world.home).door_code_rotate_days == 7


def test_a_welcome_is_needed(world, manager_client):
    response = manager_client.post(edit_url(world), {**INFO, "welcome": "   "})
    assert response.status_code == 200
    assert field_error(response, "welcome").startswith("Write a short welcome")
    assert not VisitingInfo.objects.filter(home=world.home).exists()


@pytest.mark.parametrize(
    ("role", "status"), [("staff", 403), ("champion", 403), ("family", 403), ("outsider", 404)]
)
def test_only_managers_edit_the_visiting_information(world, client_for, role, status):
    client = client_for(world.member(role))
    assert client.get(edit_url(world)).status_code == status
    assert client.post(edit_url(world), INFO).status_code == status
    assert not VisitingInfo.objects.filter(home=world.home).exists()


def test_the_service_creates_once_then_updates(world):
    visiting_info_save(home=world.home, actor=world.manager.user, **INFO)
    visiting_info_save(home=world.home, actor=world.manager.user, parking="No parking, sorry.")
    info = VisitingInfo.objects.get(home=world.home)
    assert (info.parking, info.welcome) == ("No parking, sorry.", INFO["welcome"])
    with pytest.raises(DomainError):
        visiting_info_save(home=world.home, actor=world.manager.user, welcome="")
    with pytest.raises(TypeError):
        visiting_info_save(home=world.home, actor=world.manager.user, door_code_rotate_days=3)


# --- The public page ------------------------------------------------------------------------


def test_the_public_page_works_signed_out_and_shows_the_home(world, client):
    world.home.address = "1 Rowan Way\nLeeds"
    world.home.phone = "0113 496 0000"
    world.home.email = "hello@rowan.example.org"
    world.home.save()
    VisitingInfoFactory(home=world.home, parking="Two blue-badge bays.")
    response = client.get(public_url(world.home))
    assert response.status_code == 200
    text = main_text(response)
    assert "Visiting Rowan House" in text
    assert "1 Rowan Way Leeds" in text
    assert "0113 496 0000" in text and "hello@rowan.example.org" in text
    assert "Visiting is your right" in text  # the default welcome
    assert "Two blue-badge bays." in text
    page = response.content.decode()
    assert f'href="{public_url(world.home, "info_print")}"' in page
    assert '<button type="button" class="btn btn-outline-primary btn-lg" data-print>' in page


def test_the_public_page_works_without_visiting_information_yet(world, client):
    response = client.get(public_url(world.home))
    assert response.status_code == 200
    assert "Visiting is your right" in main_text(response)
    assert not VisitingInfo.objects.filter(home=world.home).exists()


def test_the_public_page_shows_only_this_homes_active_places(world, client):
    SpaceFactory(home=world.home, name="Café corner", kind=Space.Kind.CAFE, description="Tea and cake.")
    SpaceFactory(home=world.home, name="Old conservatory", is_active=False)
    SpaceFactory(home=world.home, name="Video call tablet", kind=Space.Kind.TABLET, capacity=1)
    SpaceFactory(home=world.home, name="Office phone", kind=Space.Kind.PHONE, capacity=1)
    world.space.opens_at, world.space.closes_at = "10:00", "19:00"
    world.space.save()
    SpaceFactory(home=world.home, name="Quiet room", bookable=False, capacity=1)
    text = main_text(client.get(public_url(world.home)))
    assert "Places to spend time together" in text
    assert "Garden room" in text and "Open 10:00 to 19:00" in text and "Room for 6 people" in text
    assert "Café corner" in text and "Tea and cake." in text
    assert "Quiet room" in text and "Room for 1 person" in text and "No need to reserve" in text
    assert "You can reserve it, but you do not have to" in text
    for hidden in ["Old conservatory", "Video call tablet", "Office phone", "Other lounge"]:
        assert hidden not in text


def test_the_public_page_has_no_personal_data(world, client):
    text = main_text(client.get(public_url(world.home)))
    for name in ["Margaret", "Peggy", "Arthur", "Linda", "Ruth", "Aisha"]:
        assert name not in text
    # Signed out, there is no navigation to the home's private pages.
    assert "Residents" not in text_of(client.get(public_url(world.home)).content.decode())


def test_an_unknown_home_is_404(db, client):
    assert client.get("/visit/no-such-home/").status_code == 404
    assert client.get("/visit/no-such-home/print/").status_code == 404


def test_a_signed_in_member_of_any_home_can_read_it(world, client_for):
    assert client_for(world.outsider).get(public_url(world.home)).status_code == 200
    assert client_for(world.relative).get(public_url(world.home)).status_code == 200


def test_the_printable_version(world, client):
    VisitingInfoFactory(home=world.home, what_to_bring="Their favourite biscuits.")
    response = client.get(public_url(world.home, "info_print"))
    assert response.status_code == 200
    page = response.content.decode()
    text = main_text(response)
    assert "Visiting Rowan House" in text
    assert "Their favourite biscuits." in text and "Garden room" in text
    assert 'aria-label="Main"' not in page  # no navigation
    assert "css/info.css" in page and "data-print" in page


def test_photos_are_shown_on_the_public_page(world, client):
    with_photo(world.space, world)
    page = client.get(public_url(world.home)).content.decode()
    assert f'src="{photo_url(world.home, world.space)}"' in page


def test_the_public_page_takes_the_same_queries_for_5_or_50_spaces(world, client):
    VisitingInfoFactory(home=world.home)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(public_url(world.home)).status_code == 200
        return len(queries)

    SpaceFactory.create_batch(4, home=world.home, photo="spaces/x.jpg")
    few = count()
    SpaceFactory.create_batch(45, home=world.home, photo="spaces/x.jpg")
    assert count() == few
    assert few <= 4


# --- The public photo of a space ---------------------------------------------------------------


def test_a_space_photo_is_public(world, client):
    with_photo(world.space, world)
    response = client.get(photo_url(world.home, world.space))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_no_photo_for_inactive_spaces_devices_or_spaces_without_one(world, client):
    assert client.get(photo_url(world.home, world.space)).status_code == 404  # no photo
    inactive = with_photo(SpaceFactory(home=world.home, is_active=False), world)
    assert client.get(photo_url(world.home, inactive)).status_code == 404
    tablet = with_photo(SpaceFactory(home=world.home, kind=Space.Kind.TABLET), world)
    assert client.get(photo_url(world.home, tablet)).status_code == 404


def test_no_photo_of_another_homes_space_through_this_home(world, client):
    foreign = with_photo(world.foreign_space, world)
    assert client.get(photo_url(world.home, foreign)).status_code == 404
    assert client.get(photo_url(world.other_home, foreign)).status_code == 200
    assert client.get(f"/visit/nowhere/spaces/{foreign.pk}/photo").status_code == 404


# --- The dashboard panel ---------------------------------------------------------------------


@pytest.mark.parametrize(("role", "can_edit"), [("manager", True), ("staff", False), ("family", False)])
def test_the_dashboard_links_to_the_public_page(world, client_for, role, can_edit):
    response = client_for(world.member(role)).get(reverse("homes:dashboard", args=[world.home.slug]))
    text = main_text(response)
    assert "Visiting information" in text
    assert "http://testserver/visit/rowan/" in text
    assert ("Edit the visiting information" in text) is can_edit
