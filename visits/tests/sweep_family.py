"""How the URL sweep fills the ids in this area's URLs (see tests/urls_sweep.py)."""

from homes.models import Role
from homes.tests.factories import MembershipFactory
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
    return {"pk": SharedUpdateFactory(resident=resident, text="Peggy sang.", photo=SWEEP_PHOTO).pk}


OBJECT_KWARGS = {
    "visits:family_links": _resident,
    "visits:family_invite": _resident,
    "visits:update_add": _resident,
    "visits:update_photo": _update_photo,
    "visits:family_link_status": _link,
}
