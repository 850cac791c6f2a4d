"""A story photo upload takes only the kinds of picture the page names, checks
the pixel count from the header before decoding, and refuses a file that
lies about its type or is too large: a clear message next to the field,
nothing saved, no file left behind. (As tests/test_photo_uploads.py does for
residents' and spaces' photos.)"""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from community.models import StoryPhoto
from community.services.stories import NOT_A_PICTURE, PHOTO_MISSING, PHOTO_TOO_BIG
from community.tests.factories import StoryFactory
from tests.html import field_error
from tests.test_photo_uploads import TOO_LARGE, bomb_png, picture


@pytest.fixture(autouse=True)
def scratch_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored(folder):
    return [p for p in folder.rglob("*") if p.is_file()]


@pytest.fixture
def add(world, client_for):
    story = StoryFactory(home=world.home)
    client = client_for(world.staff)
    url = reverse("community:photo_add", args=[world.home.slug, story.pk])

    def post(image, **fields):
        data = {"description": "The lake", "residents": [], "nobody_here": "on", **fields}
        if image is not None:
            data["image"] = image
        return client.post(url, data)

    return post


def refused(response, scratch_media):
    assert response.status_code == 200
    assert not StoryPhoto.objects.exists()
    assert stored(scratch_media) == []
    return field_error(response, "image")


def test_a_png_is_taken_and_kept_as_a_jpeg(add, scratch_media):
    response = add(picture("PNG", "lake.png"))
    assert response.status_code == 302
    photo = StoryPhoto.objects.get()
    assert photo.image.name.endswith(".jpg") and (photo.width, photo.height) == (30, 20)


def test_not_an_image(add, scratch_media):
    text = SimpleUploadedFile("notes.png", b"Dear all, the trip was lovely.", content_type="image/png")
    assert refused(add(text), scratch_media) == NOT_A_PICTURE


def test_a_png_that_lies_about_its_type(add, scratch_media):
    out = BytesIO()
    Image.new("RGB", (20, 20)).save(out, format="GIF")
    liar = SimpleUploadedFile("lake.png", out.getvalue(), content_type="image/png")
    assert refused(add(liar), scratch_media) == NOT_A_PICTURE


@pytest.mark.parametrize(("fmt", "name"), [("GIF", "a.gif"), ("TIFF", "a.tiff"), ("BMP", "a.bmp")])
def test_kinds_the_page_does_not_name(add, scratch_media, fmt, name):
    assert refused(add(picture(fmt, name)), scratch_media) == NOT_A_PICTURE


def test_too_many_pixels_is_refused_from_the_header(add, scratch_media):
    assert refused(add(bomb_png()), scratch_media) == TOO_LARGE


def test_too_large_a_file(add, scratch_media):
    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (8 * 1024 * 1024 + 1), content_type="image/png")
    message = refused(add(big), scratch_media)
    assert message in (PHOTO_TOO_BIG, NOT_A_PICTURE)
    # An 8 MB+ file that is a real picture header is refused for its size.
    out = BytesIO()
    Image.new("RGB", (30, 20)).save(out, format="PNG")
    padded = SimpleUploadedFile(
        "big.png", out.getvalue() + b"\0" * (8 * 1024 * 1024), content_type="image/png"
    )
    assert refused(add(padded), scratch_media) == PHOTO_TOO_BIG


def test_no_file(add, scratch_media):
    assert refused(add(None), scratch_media) == PHOTO_MISSING


def test_a_photo_says_who_is_in_it_or_that_nobody_who_lives_here_is(add, world, scratch_media):
    from community.services.stories import NOBODY_BUT_TICKED, WHO_IS_IN_IT

    nobody = add(picture("PNG", "lake.png"), nobody_here="")
    refused(nobody, scratch_media)
    assert field_error(nobody, "residents") == WHO_IS_IN_IT
    both = add(picture("PNG", "lake.png"), residents=[world.resident.pk])
    refused(both, scratch_media)
    assert field_error(both, "nobody_here") == NOBODY_BUT_TICKED
