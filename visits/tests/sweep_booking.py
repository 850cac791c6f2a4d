"""How the URL sweep fills the ids in this area's URLs (see tests/urls_sweep.py)."""

from visits.tests.factories import VisitFactory


def _visit(w, own):
    if own:
        return {"pk": VisitFactory(resident=w.resident, booked_by=w.relative).pk}
    return {"pk": VisitFactory(resident=w.foreign_resident).pk}


OBJECT_KWARGS = {
    "visits:visit_detail": _visit,
    "visits:visit_edit": _visit,
    "visits:visit_cancel": _visit,
    "visits:visit_ics": _visit,
}
