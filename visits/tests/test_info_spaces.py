"""The photo of a space: JPEG or PNG only, made smaller, hidden details removed;
managers only; another home's space is 404."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from carehome.errors import DomainError
from homes.models import Space
from homes.tests.factories import SpaceFactory
from tests.html import field_error, main_text
from visits.services.info import space_photo_save


@pytest.fixture(autouse=True)
def scratch_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def manager_client(world, client_for):
    return client_for(world.manager)


def picture(size=(30, 30), fmt="PNG", name="room.png", **save):
    out = BytesIO()
    Image.new("RGB", size, (10, 90, 80)).save(out, format=fmt, **save)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def camera_exif():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0132] = "2026:03:01 10:00:00"  # when
    return exif.tobytes()


def url(space):
    return reverse("visits:space_photo_edit", args=[space.home.slug, space.pk])


def test_manager_adds_a_photo_then_replaces_and_removes_it(
    world, manager_client, scratch_media, django_capture_on_commit_callbacks
):
    page = manager_client.get(url(world.space))
    assert page.status_code == 200
    assert "No photos of residents." in main_text(page)

    response = manager_client.post(url(world.space), {"photo": picture()})
    assert response.status_code == 302
    assert response.url == reverse("homes:spaces", args=[world.home.slug])
    assert "The photo of “Garden room” was saved." in main_text(manager_client.get(response.url))
    world.space.refresh_from_db()
    first = scratch_media / world.space.photo.name
    assert first.exists()

    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(url(world.space), {"photo": picture(fmt="JPEG", name="new.jpg")})
    world.space.refresh_from_db()
    assert not first.exists()  # the old file is deleted once the new one is saved

    page = manager_client.get(url(world.space))
    assert "Remove the photo" in main_text(page)
    second = scratch_media / world.space.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(url(world.space), {"remove": "on"})
    assert response.status_code == 302
    world.space.refresh_from_db()
    assert not world.space.photo
    assert not second.exists()


def test_big_photos_are_made_smaller_and_lose_their_hidden_details(world, manager_client, scratch_media):
    manager_client.post(
        url(world.space),
        {"photo": picture(size=(2400, 1600), fmt="JPEG", name="garden-room-camera.jpg", exif=camera_exif())},
    )
    world.space.refresh_from_db()
    with Image.open(scratch_media / world.space.photo.name) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (1200, 800)
        assert dict(stored.getexif()) == {}
    # The stored name says nothing about the upload (a random name, not "garden-room-camera").
    assert "garden" not in world.space.photo.name and "camera" not in world.space.photo.name


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("notes.txt", b"not a picture at all", content_type="text/plain"),
            "not a picture",
        ),
        (picture(fmt="GIF", name="anim.gif"), "not a picture we can use. Choose a JPEG or PNG"),
        (SimpleUploadedFile("empty.png", b"", content_type="image/png"), "This file is empty"),
        (None, "Choose a photo of the space"),
    ],
)
def test_bad_photos_are_refused_with_a_message(world, manager_client, upload, message):
    response = manager_client.post(url(world.space), {"photo": upload} if upload else {})
    assert response.status_code == 200
    assert message in field_error(response, "photo")
    world.space.refresh_from_db()
    assert not world.space.photo


def test_the_service_refuses_a_non_image_and_keeps_nothing(world, scratch_media):
    with pytest.raises(DomainError, match="Choose a JPEG or PNG photo"):
        space_photo_save(
            home=world.home,
            actor=world.manager.user,
            space=world.space,
            photo=SimpleUploadedFile("x.png", b"GIF89a nonsense"),
        )
    assert not any(scratch_media.rglob("*.jpg"))
    with pytest.raises(DomainError):
        space_photo_save(
            home=world.home, actor=world.manager.user, space=world.foreign_space, photo=picture()
        )


@pytest.mark.parametrize(
    ("role", "status"),
    [("staff", 403), ("champion", 403), ("family", 403), ("volunteer", 403), ("outsider", 404)],
)
def test_only_managers_change_photos(world, client_for, role, status):
    client = client_for(world.member(role))
    assert client.get(url(world.space)).status_code == status
    assert client.post(url(world.space), {"photo": picture()}).status_code == status
    world.space.refresh_from_db()
    assert not world.space.photo


def test_another_homes_space_is_404(world, manager_client):
    response = manager_client.post(url(world.foreign_space).replace("birch", "rowan"), {"photo": picture()})
    assert response.status_code == 404
    world.foreign_space.refresh_from_db()
    assert not world.foreign_space.photo


def test_the_spaces_list_shows_hours_buffer_and_photo_links(world, manager_client):
    SpaceFactory(home=world.home, name="Video call tablet", kind=Space.Kind.TABLET, buffer_minutes=10)
    text = main_text(manager_client.get(reverse("homes:spaces", args=[world.home.slug])))
    assert "09:00 to 20:00" in text
    assert "15 minutes" in text and "10 minutes" in text
    assert "Tablet for video calls" in text
    assert "Add a photo of Garden room" in text


def test_the_spaces_list_takes_the_same_queries_for_5_or_50_spaces(world, manager_client):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert manager_client.get(reverse("homes:spaces", args=[world.home.slug])).status_code == 200
        return len(queries)

    SpaceFactory.create_batch(4, home=world.home, photo="spaces/x.jpg")
    few = count()
    SpaceFactory.create_batch(45, home=world.home, photo="spaces/x.jpg")
    assert count() == few
