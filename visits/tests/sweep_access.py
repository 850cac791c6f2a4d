"""How the URL sweep fills the ids in this area's URLs (see tests/urls_sweep.py)."""

from visits.tests.factories import VisitRestrictionFactory


def _resident(w, own):
    return {"pk": (w.resident if own else w.foreign_resident).pk}


def _restriction(w, own):
    return {"pk": VisitRestrictionFactory(resident=w.resident if own else w.foreign_resident).pk}


OBJECT_KWARGS = {
    "visits:restriction_add": _resident,
    "visits:restriction_detail": _restriction,
    "visits:restriction_review": _restriction,
    "visits:restriction_end": _restriction,
}
