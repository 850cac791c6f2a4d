"""How the URL sweep fills the ids of the recruitment area's pages (see
tests/urls_sweep.py), and its create forms for tests/test_saves_once.py."""

from django.urls import reverse

from volunteers.tests.factories import VolunteerFactory


def _volunteer(w, own):
    return {"pk": VolunteerFactory(home=w.home if own else w.other_home).pk}


OBJECT_KWARGS = {
    f"volunteers:{name}": _volunteer
    for name in (
        "volunteer_detail",
        "volunteer_edit",
        "volunteer_status",
        "volunteer_screening",
        "volunteer_availability",
        "volunteer_invite",
    )
}

CREATE_VIEWS = {
    "volunteers:volunteer_add": lambda w: (
        w.manager,
        reverse("volunteers:volunteer_add", args=[w.home.slug]),
    ),
}
