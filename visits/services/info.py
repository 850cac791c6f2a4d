"""Writes for the home's visiting information and the photos of its spaces.

Each runs in one transaction with the acting person recorded, so the change
history says who changed what; nothing is half-saved.
"""

from io import BytesIO
from uuid import uuid4

from auditlog.context import set_actor
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from carehome.errors import DomainError
from homes.models import Space

# The resident photo helpers: delete a stored file once the change is committed,
# and remove a newly stored file if the database write fails.
from residents.services.residents import _delete_file_later, _PhotoGuard
from visits.models import VisitingInfo

SPACE_PHOTO_MAX_SIDE = 1200
SPACE_PHOTO_FORMATS = {"JPEG", "PNG"}
NOT_A_PICTURE = "This file is not a picture we can use. Choose a JPEG or PNG photo."

INFO_FIELDS = (
    "welcome",
    "front_door",
    "parking",
    "public_transport",
    "what_to_bring",
    "accessibility",
    "who_to_contact",
)


def _clean_text(value):
    """Trim each line and drop runs of blank lines, keeping the paragraphs a person typed."""
    lines = [line.strip() for line in (value or "").strip().splitlines()]
    kept = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip()


def visiting_info_save(*, home, actor, **fields):
    """Create or update the home's visiting information (the public page)."""
    unknown = set(fields) - set(INFO_FIELDS)
    if unknown:
        raise TypeError(f"visiting_info_save() got unexpected fields {sorted(unknown)}")
    cleaned = {name: _clean_text(fields[name]) for name in INFO_FIELDS if name in fields}
    if "welcome" in cleaned and not cleaned["welcome"]:
        raise DomainError(
            "Write a short welcome, for example “Visiting is your right. You do not need to book.”",
            field="welcome",
        )
    with transaction.atomic(), set_actor(actor):
        info, _ = VisitingInfo.objects.select_for_update().get_or_create(home=home)
        changed = [name for name, value in cleaned.items() if getattr(info, name) != value]
        for name in changed:
            setattr(info, name, cleaned[name])
        if changed:
            info.save(update_fields=[*changed, "updated_at"])
    return info


def _prepared_space_photo(upload):
    """The upload as a JPEG no bigger than 1200 pixels a side, turned the right
    way up, its hidden details (camera, place, time) left behind."""
    try:
        upload.seek(0)
        with Image.open(upload) as original:
            if original.format not in SPACE_PHOTO_FORMATS:
                raise DomainError(NOT_A_PICTURE, field="photo")
            picture = ImageOps.exif_transpose(original)
            if picture.mode in ("RGBA", "LA") or (picture.mode == "P" and "transparency" in picture.info):
                picture = picture.convert("RGBA")
                background = Image.new("RGB", picture.size, "white")
                background.paste(picture, mask=picture.getchannel("A"))
                picture = background
            else:
                picture = picture.convert("RGB")
            picture.thumbnail((SPACE_PHOTO_MAX_SIDE, SPACE_PHOTO_MAX_SIDE))
            out = BytesIO()
            picture.save(out, format="JPEG", quality=85)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
        raise DomainError(NOT_A_PICTURE, field="photo") from None
    return ContentFile(out.getvalue(), name=f"{uuid4().hex}.jpg")


def space_photo_save(*, home, actor, space, photo=None, remove=False):
    """Give a space a new photo (``photo``: an uploaded file) or remove its photo."""
    if space.home_id != home.id:
        raise DomainError("Choose a space of this home.")
    if not photo and not remove:
        raise DomainError("Choose a photo of the space, or tick “Remove the photo”.", field="photo")
    prepared = _prepared_space_photo(photo) if photo else None
    with _PhotoGuard(space.photo.storage) as guard, transaction.atomic(), set_actor(actor):
        locked = Space.objects.select_for_update().get(pk=space.pk, home=home)
        old = locked.photo.name
        if prepared is not None:
            locked.photo.save(prepared.name, prepared, save=False)
            guard.name = locked.photo.name
        else:
            locked.photo = ""
        locked.save(update_fields=["photo"])
        if old:
            _delete_file_later(locked.photo.storage, old)
    return locked
