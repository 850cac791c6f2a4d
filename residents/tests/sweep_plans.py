"""How the URL sweep fills the ids in this area's URLs (see tests/urls_sweep.py)."""

from residents.tests.factories import PersonWhoMattersFactory


def _resident(w, own):
    return w.resident if own else w.foreign_resident


def _person(w, own):
    resident = _resident(w, own)
    return {"pk": resident.pk, "person_pk": PersonWhoMattersFactory(resident=resident).pk}


OBJECT_KWARGS = {
    "residents:plan": lambda w, own: {"pk": _resident(w, own).pk},
    "residents:plan_edit": lambda w, own: {"pk": _resident(w, own).pk, "section": "interests"},
    "residents:person_add": lambda w, own: {"pk": _resident(w, own).pk},
    "residents:person_edit": _person,
    "residents:plan_review": lambda w, own: {"pk": _resident(w, own).pk},
}
