"""Photos people upload (residents, spaces): made safe to keep and to show.

``prepared_photo`` turns an upload into a modest JPEG, the right way up, with
its hidden details (camera, place, time) left behind and a file name that says
nothing about who or what is in it. ``PhotoGuard`` and ``delete_file_later``
keep storage and the database in step when a write succeeds or fails.
"""

from io import BytesIO
from uuid import uuid4

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from carehome.errors import DomainError


def prepared_photo(upload, *, max_side, formats=None, message, field="photo"):
    """The upload as a JPEG no bigger than ``max_side`` pixels a side.

    ``formats`` (Pillow names such as ``{"JPEG", "PNG"}``) limits what is
    accepted; ``None`` takes any picture Pillow can read. A file that is not
    such a picture raises ``DomainError(message, field=field)``.
    """
    try:
        upload.seek(0)
        with Image.open(upload) as original:
            if formats is not None and original.format not in formats:
                raise DomainError(message, field=field)
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
