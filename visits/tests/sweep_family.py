"""How the URL sweep fills the ids in this area's URLs (see tests/urls_sweep.py)."""

from homes.models import Role
from homes.tests.factories import MembershipFactory
from residents.tests.factories import RelativeLinkFactory


def _resident(w, own):
    return {"pk": (w.resident if own else w.foreign_resident).pk}


def _link(w, own):
    resident = w.resident if own else w.foreign_resident
    member = MembershipFactory(home=resident.home, role=Role.FAMILY)
    return {"pk": RelativeLinkFactory(resident=resident, membership=member).pk}


OBJECT_KWARGS = {
    "visits:family_links": _resident,
    "visits:family_invite": _resident,
    "visits:update_add": _resident,
    "visits:family_link_status": _link,
}
