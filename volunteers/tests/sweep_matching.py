"""Ids and create forms of the area "matching" for the URL sweeps
(tests/urls_sweep.py, tests/test_saves_once.py)."""

from django.urls import reverse

from volunteers.tests.factories import AssignmentFactory, VolunteerRoleFactory, cleared_volunteer


def _resident(w, own):
    return {"pk": (w.resident if own else w.foreign_resident).pk}


def _assignment(w, own):
    """Regular visits by a cleared volunteer (so the edit form saves)."""
    home = w.home if own else w.other_home
    resident = w.resident if own else w.foreign_resident
    role = VolunteerRoleFactory(home=home)
    volunteer = cleared_volunteer(home, role=role)
    return {"pk": AssignmentFactory(volunteer=volunteer, resident=resident, role=role).pk}


OBJECT_KWARGS = {
    "volunteers:match_resident": _resident,
    "volunteers:assignment_detail": _assignment,
    "volunteers:assignment_edit": _assignment,
    "volunteers:assignment_end": _assignment,
}

CREATE_VIEWS = {
    "volunteers:assignment_add": lambda w: (
        w.manager,
        reverse("volunteers:assignment_add", args=[w.home.slug]),
    ),
}
