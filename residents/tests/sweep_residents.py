"""How the URL sweep fills the ids in this area's URLs (see tests/urls_sweep.py)."""

from django.core.files.storage import default_storage

from residents.tests.factories import ResidentFactory

# A tiny real PNG (1×1 pixel). Tests store uploads under the scratch MEDIA_ROOT
# of carehome.settings_test, never in the repository.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63f8cfc0f01f00050001ff89993d1d0000000049454e44ae426082"
)
SWEEP_PHOTO = "residents/photos/sweep/sweep-photo.png"


def resident_with_photo(home):
    """A resident of ``home`` whose photo file really exists (one shared file,
    written once, so repeated sweeps leave nothing behind)."""
    if not default_storage.exists(SWEEP_PHOTO):
        from django.core.files.base import ContentFile

        default_storage.save(SWEEP_PHOTO, ContentFile(TINY_PNG))
    return ResidentFactory(
        home=home, photo=SWEEP_PHOTO, photo_consent=True, photo_consent_note="Agreed, for the sweep"
    )


def _resident(w, own):
    return {"pk": (w.resident if own else w.foreign_resident).pk}


OBJECT_KWARGS = {
    "residents:detail": _resident,
    "residents:edit": _resident,
    "residents:key_worker": _resident,
    "residents:leave": _resident,
    "residents:visiting_priority": _resident,
    "residents:photo": lambda w, own: {"pk": resident_with_photo(w.home if own else w.other_home).pk},
}
