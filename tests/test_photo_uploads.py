"""Every photo upload (a resident's, a space's) takes only the kinds of picture
its page names, and refuses a picture with too many pixels from its header,
before decoding it: a file of a few hundred KB can declare 13,000 × 13,000
pixels and cost seconds and gigabytes to open."""

import struct
import zlib
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from residents.models import Resident
from tests.html import field_error

TOO_LARGE = (
    "This picture is too large: 13,000 × 13,000 pixels. Please use one under 40 megapixels, "
    "for example by taking it on a phone camera's normal setting."
)


def bomb_png(width=13_000, height=13_000):
    """A tiny PNG whose header declares ``width`` × ``height`` pixels."""
    out = BytesIO()
    Image.new("L", (1, 1)).save(out, format="PNG")
    data = bytearray(out.getvalue())
    # The IHDR chunk follows the 8-byte signature: length (4), type (4), data (13), CRC (4).
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return SimpleUploadedFile("holiday.png", bytes(data), content_type="image/png")


def picture(fmt, name):
    out = BytesIO()
    Image.new("RGB", (30, 20), (200, 120, 40)).save(out, format=fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


@pytest.fixture(autouse=True)
def scratch_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(folder):
    return [path for path in folder.rglob("*") if path.is_file()]


def test_the_bomb_declares_its_size_in_a_tiny_file():
    bomb = bomb_png()
    assert bomb.size < 1000
    with pytest.warns(Image.DecompressionBombWarning), Image.open(BytesIO(bomb.read())) as header:
        assert header.size == (13_000, 13_000)


def test_a_resident_photo_with_too_many_pixels_is_refused_next_to_the_photo(world, client_for, scratch_media):
    response = client_for(world.manager).post(
        reverse("residents:admit", args=[world.home.slug]),
        {
            "full_name": "Winifred Clarke",
            "date_of_birth": "1936-04-12",
            "room": "14",
            "admitted_on": "2026-11-02",
            "photo": bomb_png(),
            "photo_consent": "on",
            "photo_consent_note": "She agreed, 3 March",
        },
    )
    assert response.status_code == 200
    assert field_error(response, "photo") == TOO_LARGE
    assert not Resident.objects.filter(full_name="Winifred Clarke").exists()
    assert stored_files(scratch_media) == []


def test_a_space_photo_with_too_many_pixels_is_refused_next_to_the_photo(world, client_for, scratch_media):
    response = client_for(world.manager).post(
        reverse("visits:space_photo_edit", args=[world.home.slug, world.space.pk]), {"photo": bomb_png()}
    )
    assert response.status_code == 200
    assert field_error(response, "photo") == TOO_LARGE
    world.space.refresh_from_db()
    assert not world.space.photo
    assert stored_files(scratch_media) == []


def test_the_limit_is_one_setting(world, client_for, settings):
    settings.PHOTO_MAX_PIXELS = 500
    response = client_for(world.manager).post(
        reverse("visits:space_photo_edit", args=[world.home.slug, world.space.pk]),
        {"photo": picture("PNG", "room.png")},  # 30 × 20 = 600 pixels
    )
    message = field_error(response, "photo")
    assert "too large: 30 × 20 pixels. Please use one under 0.0005 megapixels" in message


@pytest.mark.parametrize(
    ("fmt", "name"), [("GIF", "a.gif"), ("TIFF", "a.tiff"), ("BMP", "a.bmp"), ("ICO", "a.ico")]
)
def test_a_resident_photo_must_be_a_kind_the_page_names(world, client_for, scratch_media, fmt, name):
    response = client_for(world.manager).post(
        reverse("residents:edit", args=[world.home.slug, world.resident.pk]),
        {
            "full_name": world.resident.full_name,
            "room": world.resident.room or "1",
            "status": "current",
            "photo": picture(fmt, name),
            "photo_consent": "on",
            "photo_consent_note": "She agreed, 3 March",
        },
    )
    assert response.status_code == 200
    assert "Choose a JPEG, PNG or WebP photo" in field_error(response, "photo")
    world.resident.refresh_from_db()
    assert not world.resident.photo
    assert stored_files(scratch_media) == []


def test_a_webp_resident_photo_is_taken(world, client_for, scratch_media):
    response = client_for(world.manager).post(
        reverse("residents:edit", args=[world.home.slug, world.resident.pk]),
        {
            "full_name": world.resident.full_name,
            "room": world.resident.room or "1",
            "status": "current",
            "photo": picture("WEBP", "a.webp"),
            "photo_consent": "on",
            "photo_consent_note": "She agreed, 3 March",
        },
    )
    assert response.status_code == 302, field_error(response, "photo")
    world.resident.refresh_from_db()
    assert world.resident.photo.name.endswith(".jpg")


def test_a_picture_past_pillows_own_limit_is_refused_the_same_way(world, client_for, scratch_media):
    response = client_for(world.manager).post(
        reverse("visits:space_photo_edit", args=[world.home.slug, world.space.pk]),
        {"photo": bomb_png(20_000, 20_000)},  # Pillow itself refuses past ~179 megapixels
    )
    assert field_error(response, "photo") == (
        "This picture is too large. Please use one under 40 megapixels, "
        "for example by taking it on a phone camera's normal setting."
    )
    world.space.refresh_from_db()
    assert not world.space.photo
