"""Writes for stories and their photos.

A story may be about a date of the home's programme that has started (today
or before) and was not cancelled. A photo is stored as a modest JPEG with
its hidden details left behind (``carehome.photos.prepared_photo``: the
upload's type and pixel count are checked from its header before anything
is decoded); it records who is in it. Whether it is shown, and to whom, is
decided when it is read, from the consent register (``community.selectors.stories``).
"""

from django.db import transaction
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.photos import PhotoGuard, delete_file_later, prepared_photo
from carehome.versions import version_bump, version_check
from community.models import Occurrence, Story, StoryPhoto
from homes.scoping import check_home
from homes.submissions import submission_once

PHOTO_MAX_SIDE = 1600

# Words the forms show too (they import them from here).
TITLE_MISSING = "Give the story a title, like “A morning at Loch Ard”."
TITLE_TOO_LONG = "Keep the title under 150 characters."
TEXT_MISSING = "Write the story: what happened, and how people enjoyed it."
TEXT_TOO_LONG = "Keep the story under 5,000 characters."
DATE_NOT_YET = "A story can only be written about a date that has started. Choose one from today or before."
DATE_CANCELLED = "That date was cancelled, so there is no story to tell."
NOT_A_PICTURE = "This file is not a picture we can use. Choose a JPEG, PNG or WebP photo."
PHOTO_MISSING = "Choose the photo to add."
DESCRIPTION_MISSING = (
    "Say what the photo shows, for people who cannot see it, like “Ted holding up a trout by the lake”."
)
DESCRIPTION_TOO_LONG = "Keep this under 300 characters."
OTHERS_TOO_LONG = "Keep this under 300 characters."
RESIDENT_NOT_HERE = "Choose the residents in the photo from the list."
TEXT_MAX = 5000


def _clean(text):
    return " ".join((text or "").split())


def _story_fields(*, title, text, went_well, share_with_families=False):
    title = _clean(title)
    text = (text or "").strip()
    if not title:
        raise DomainError(TITLE_MISSING, field="title")
    if len(title) > 150:
        raise DomainError(TITLE_TOO_LONG, field="title")
    if not text:
        raise DomainError(TEXT_MISSING, field="text")
    if len(text) > TEXT_MAX:
        raise DomainError(TEXT_TOO_LONG, field="text")
    return {
        "title": title,
        "text": text,
        "went_well": bool(went_well),
        "share_with_families": bool(share_with_families),
    }


def _check_occurrence(home, occurrence):
    if occurrence is None:
        return
    check_home(home, occurrence)
    if occurrence.status == Occurrence.Status.CANCELLED:
        raise DomainError(DATE_CANCELLED, field="occurrence")
    if occurrence.starts_at > timezone.now():
        raise DomainError(DATE_NOT_YET, field="occurrence")


def story_create(
    *, home, actor, title, text, went_well=True, share_with_families=False, occurrence=None, form_token=None
):
    """Write a story, about a date of the programme or not (once per ``form_token``).
    Families of the home read it only when ``share_with_families``."""
    _check_occurrence(home, occurrence)
    fields = _story_fields(
        title=title, text=text, went_well=went_well, share_with_families=share_with_families
    )
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        story = Story.objects.create(home=home, occurrence=occurrence, written_by=actor, **fields)
        once.created(story)
    return story


def story_update(*, home, actor, story, title, text, went_well, share_with_families=False, version=None):
    """Change a story's words. ``EditConflict`` if someone saved it since ``version``."""
    check_home(home, story)
    fields = _story_fields(
        title=title, text=text, went_well=went_well, share_with_families=share_with_families
    )
    with transaction.atomic(), acting_as(actor):
        locked = Story.objects.for_home(home).select_for_update().get(pk=story.pk)
        version_check(locked, version, submitted=fields)
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, fields[name])
        if changed:
            locked.save(update_fields=[*changed, *version_bump(locked)])
    return locked, changed


MAX_PHOTO_BYTES = 8 * 1024 * 1024
PHOTO_TOO_BIG = "This photo is too large. Choose one smaller than 8 MB."
WHO_IS_IN_IT = (
    "Tick the residents in the photo, or tick “Nobody who lives here is in it”: "
    "a photo is shown only where everyone in it agreed."
)
NOBODY_BUT_TICKED = "You ticked residents in the photo and “Nobody who lives here is in it”. Untick one."


def _photo_fields(home, *, description, residents, others, nobody_here=False):
    description = _clean(description)
    others = _clean(others)
    if not description:
        raise DomainError(DESCRIPTION_MISSING, field="description")
    if len(description) > 300:
        raise DomainError(DESCRIPTION_TOO_LONG, field="description")
    if len(others) > 300:
        raise DomainError(OTHERS_TOO_LONG, field="others")
    residents = list(residents or [])
    if any(r.home_id != home.pk for r in residents):
        raise DomainError(RESIDENT_NOT_HERE, field="residents")
    # Nobody ticked must be a choice, not a slip: an untagged photo needs no one's consent.
    if not residents and not nobody_here:
        raise DomainError(WHO_IS_IN_IT, field="residents")
    if residents and nobody_here:
        raise DomainError(NOBODY_BUT_TICKED, field="nobody_here")
    return {"description": description, "others": others}, residents


def photo_add(
    *, home, actor, story, image, description, residents=(), others="", nobody_here=False, form_token=None
):
    """Add a photo to ``story``, with who is in it — the residents, or
    ``nobody_here`` said on purpose (once per ``form_token``). The file is
    removed again if the database write fails."""
    check_home(home, story)
    if not image:
        raise DomainError(PHOTO_MISSING, field="image")
    if getattr(image, "size", 0) > MAX_PHOTO_BYTES:
        raise DomainError(PHOTO_TOO_BIG, field="image")
    fields, residents = _photo_fields(
        home, description=description, residents=residents, others=others, nobody_here=nobody_here
    )
    prepared = prepared_photo(image, max_side=PHOTO_MAX_SIDE, message=NOT_A_PICTURE, field="image")
    photo = StoryPhoto(home=home, story=story, added_by=actor, **fields)
    with PhotoGuard(photo.image.storage) as guard:
        photo.image.save(prepared.name, prepared, save=False)
        guard.name = photo.image.name
        with (
            transaction.atomic(),
            acting_as(actor),
            submission_once(home=home, actor=actor, token=form_token) as once,
        ):
            photo.save()
            photo.residents.set(residents)
            once.created(photo)
    return photo


def photo_update(*, home, actor, photo, description, residents=(), others="", nobody_here=False):
    """Change what a photo shows and who is in it."""
    check_home(home, photo)
    fields, residents = _photo_fields(
        home, description=description, residents=residents, others=others, nobody_here=nobody_here
    )
    with transaction.atomic(), acting_as(actor):
        locked = StoryPhoto.objects.for_home(home).select_for_update().get(pk=photo.pk)
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, fields[name])
        if changed:
            locked.save(update_fields=changed)
        locked.residents.set(residents)
    return locked


def photo_delete(*, home, actor, photo):
    """Remove a photo; its file goes once the removal is committed."""
    check_home(home, photo)
    with transaction.atomic(), acting_as(actor):
        locked = StoryPhoto.objects.for_home(home).select_for_update().filter(pk=photo.pk).first()
        if locked is None:
            return False
        name = locked.image.name
        locked.delete()
        delete_file_later(locked.image.storage, name)
    return True
