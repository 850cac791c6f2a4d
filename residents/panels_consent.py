"""Dashboard panel: residents never asked about the uses the consent register
gained after photos (news to named relatives, volunteers' visits, evaluation
examples). Until one of those is recorded, their news reaches nobody, no
volunteer is matched to them and no moment of theirs is an example."""

from django.db.models import Exists, OuterRef

from homes.dashboard import Panel, register_panel
from residents.models import PHOTO_PURPOSES, Consent, Resident

SHOWN = 5


def not_asked(home):
    """Residents living here with no consent recorded (live or withdrawn) for
    any use but photos, oldest arrivals first (one query)."""
    other_uses = (
        Consent.objects.for_home(home).filter(resident=OuterRef("pk")).exclude(purpose__in=PHOTO_PURPOSES)
    )
    return list(
        Resident.objects.for_home(home)
        .current()
        .filter(~Exists(other_uses))
        .order_by("admitted_on", "full_name", "pk")
        .only("pk", "home_id", "full_name", "preferred_name", "admitted_on")
    )


def _context(request):
    residents = not_asked(request.home)
    return {"count": len(residents), "residents": residents[:SHOWN]}


register_panel(
    Panel("consent_to_ask", "residents/consent/panel_not_asked.html", "consent.record", _context, order=32)
)
