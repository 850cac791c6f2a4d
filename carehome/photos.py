"""Photos people upload (residents, spaces): made safe to keep and to show.

``prepared_photo`` turns an upload into a modest JPEG, the right way up, with
its hidden details (camera, place, time) left behind and a file name that says
nothing about who or what is in it. ``PhotoGuard`` and ``delete_file_later``
keep storage and the database in step when a write succeeds or fails.
"""

import warnings
from io import BytesIO
from uuid import uuid4

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from carehome.errors import DomainError

# The kinds of picture our upload pages name ("a JPEG, PNG or WebP picture").
PICTURE_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})


class PictureRefused(Exception):
    """The upload is not a picture we take; ``message`` says why, for a person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def too_large_message(width=None, height=None):
    limit = f"{settings.PHOTO_MAX_PIXELS / 1_000_000:g} megapixels"
    size = f": {width:,} × {height:,} pixels" if width else ""
    return (
        f"This picture is too large{size}. Please use one under {limit}, "
        "for example by taking it on a phone camera's normal setting."
    )


def inspect_picture(upload, *, formats=PICTURE_FORMATS, message):
    """Check an upload from its header alone, before any pixel is decoded.

    Returns ``(format, (width, height))``. Raises ``PictureRefused`` with
    ``message`` when it is not a picture in one of ``formats`` (Pillow names),
    or with a "too large" message when it has more than
    ``settings.PHOTO_MAX_PIXELS`` pixels: a small file can declare a huge
    picture that would take seconds and gigabytes to decode.
    """
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            # Pillow warns about (and past twice its limit refuses) a huge
            # picture; we read its size from the header and refuse it below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as header:  # lazy: reads the header only
                kind, (width, height) = header.format, header.size
    except Image.DecompressionBombError:
        raise PictureRefused(too_large_message()) from None
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError):
        raise PictureRefused(message) from None
    finally:
        upload.seek(0)
    if kind not in formats:
        raise PictureRefused(message)
    if width * height > settings.PHOTO_MAX_PIXELS:
        raise PictureRefused(too_large_message(width, height))
    return kind, (width, height)


class PictureField(forms.ImageField):
    """An upload field for photos: only ``formats`` (Pillow names; JPEG, PNG and
    WebP unless told), and never more than ``settings.PHOTO_MAX_PIXELS`` pixels,
    both checked from the file's header before Pillow decodes anything.
    ``error_messages["invalid_image"]`` is the message for "not a picture we take"."""

    def __init__(self, *, formats=PICTURE_FORMATS, **kwargs):
        self.formats = frozenset(formats)
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        try:
            inspect_picture(upload, formats=self.formats, message=self.error_messages["invalid_image"])
        except PictureRefused as refused:
            raise forms.ValidationError(refused.message, code="invalid_image") from None
        return super().to_python(data)


def prepared_photo(upload, *, max_side, formats=PICTURE_FORMATS, message, field="photo"):
    """The upload as a JPEG no bigger than ``max_side`` pixels a side.

    ``formats`` (Pillow names such as ``{"JPEG", "PNG"}``) limits what is
    accepted. A file that is not such a picture raises
    ``DomainError(message, field=field)``; one with more pixels than
    ``settings.PHOTO_MAX_PIXELS`` is refused before it is decoded.
    """
    try:
        inspect_picture(upload, formats=formats, message=message)
    except PictureRefused as refused:
        raise DomainError(refused.message, field=field) from None
    try:
        upload.seek(0)
        with Image.open(upload) as original:
            picture = ImageOps.exif_transpose(original)
            if picture.mode in ("RGBA", "LA") or (picture.mode == "P" and "transparency" in picture.info):
                picture = picture.convert("RGBA")
                background = Image.new("RGB", picture.size, "white")
                background.paste(picture, mask=picture.getchannel("A"))
                picture = background
            else:
                picture = picture.convert("RGB")
            picture.thumbnail((max_side, max_side))
            out = BytesIO()
            picture.save(out, format="JPEG", quality=85)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
        raise DomainError(message, field=field) from None
    return ContentFile(out.getvalue(), name=f"{uuid4().hex}.jpg")


def delete_file_later(storage, name):
    """Delete a stored file once the current transaction commits (not if it rolls back)."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


class PhotoGuard:
    """Deletes a newly stored photo if the database write around it fails.

    Set ``guard.name`` to the stored name as soon as the file is saved.
    """

    def __init__(self, storage):
        self.storage = storage
        self.name = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and self.name:
            self.storage.delete(self.name)
        return False
