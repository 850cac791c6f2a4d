"""How the URL sweep fills the ids in this area's URLs (see tests/urls_sweep.py)."""

from django.utils import timezone

from homes.models import Role
from homes.tests.factories import MembershipFactory
from residents.models import Consent, ConsentGivenBy, ConsentPurpose
from residents.tests.factories import RelativeLinkFactory
from residents.tests.sweep_residents import SWEEP_PHOTO, resident_with_photo
from visits.tests.factories import SharedUpdateFactory


def _resident(w, own):
    return {"pk": (w.resident if own else w.foreign_resident).pk}


def _link(w, own):
    resident = w.resident if own else w.foreign_resident
    member = MembershipFactory(home=resident.home, role=Role.FAMILY)
    return {"pk": RelativeLinkFactory(resident=resident, membership=member).pk}


def _update_photo(w, own):
    """A shared update with a photo about the relative's own resident (or one of another home)."""
    resident_with_photo(w.home)  # makes sure the shared sweep photo file exists
    resident = w.resident if own else w.foreign_resident
    # Families see a news photo while the resident's consent to photos for families is live.
    given = set(resident.consents.filter(withdrawn_at__isnull=True).values_list("purpose", flat=True))
    for purpose in (ConsentPurpose.PHOTOS_HOME, ConsentPurpose.PHOTOS_FAMILY):
        if purpose not in given:
            Consent.objects.create(
                home=resident.home,
                resident=resident,
                purpose=purpose,
                given_by=ConsentGivenBy.RESIDENT,
                given_on=timezone.localdate(),
            )
    return {"pk": SharedUpdateFactory(resident=resident, text="Peggy sang.", photo=SWEEP_PHOTO).pk}


OBJECT_KWARGS = {
    "visits:family_links": _resident,
    "visits:family_invite": _resident,
    "visits:update_add": _resident,
    "visits:update_photo": _update_photo,
    "visits:family_link_status": _link,
}
