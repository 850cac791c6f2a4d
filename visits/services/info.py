"""Writes for the home's visiting information and the photos of its spaces.

Each runs in one transaction with the acting person recorded, so the change
history says who changed what; nothing is half-saved.
"""

from django.db import transaction

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.photos import PhotoGuard, delete_file_later, prepared_photo
from carehome.versions import version_bump, version_check
from homes.models import Space
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


def visiting_info_save(*, home, actor, version=None, **fields):
    """Create or update the home's visiting information (the public page);
    ``EditConflict`` if it changed since ``version`` (0: before it existed)."""
    unknown = set(fields) - set(INFO_FIELDS)
    if unknown:
        raise TypeError(f"visiting_info_save() got unexpected fields {sorted(unknown)}")
    cleaned = {name: _clean_text(fields[name]) for name in INFO_FIELDS if name in fields}
    if "welcome" in cleaned and not cleaned["welcome"]:
        raise DomainError(
            "Write a short welcome, for example “Visiting is your right. You do not need to book.”",
            field="welcome",
        )
    with transaction.atomic(), acting_as(actor):
        info, created = VisitingInfo.objects.select_for_update().get_or_create(home=home)
        if not created:
            version_check(info, version, submitted=cleaned)
        changed = [name for name, value in cleaned.items() if getattr(info, name) != value]
        for name in changed:
            setattr(info, name, cleaned[name])
        if changed:
            info.save(update_fields=[*changed, "updated_at", *version_bump(info)])
    return info


def space_photo_save(*, home, actor, space, photo=None, remove=False):
    """Give a space a new photo (``photo``: an uploaded file) or remove its photo."""
    if space.home_id != home.id:
        raise DomainError("Choose a space of this home.")
    if not photo and not remove:
        raise DomainError("Choose a photo of the space, or tick “Remove the photo”.", field="photo")
    prepared = None
    if photo:
        prepared = prepared_photo(
            photo, max_side=SPACE_PHOTO_MAX_SIDE, formats=SPACE_PHOTO_FORMATS, message=NOT_A_PICTURE
        )
    with PhotoGuard(space.photo.storage) as guard, transaction.atomic(), acting_as(actor):
        locked = Space.objects.select_for_update().get(pk=space.pk, home=home)
        old = locked.photo.name
        if prepared is not None:
            locked.photo.save(prepared.name, prepared, save=False)
            guard.name = locked.photo.name
        else:
            locked.photo = ""
        locked.save(update_fields=["photo"])
        if old:
            delete_file_later(locked.photo.storage, old)
    return locked
