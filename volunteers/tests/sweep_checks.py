"""The create forms of the area "checks" for tests/test_saves_once.py (their
ids for the URL sweep are the generic ones in ``sweep_contract``)."""

from django.urls import reverse

from volunteers.tests.factories import VolunteerFactory


def _under_a_volunteer(name):
    def page(w):
        volunteer = VolunteerFactory(home=w.home)
        return w.manager, reverse(name, args=[w.home.slug, volunteer.pk])

    return page


CREATE_VIEWS = {
    "volunteers:check_add": _under_a_volunteer("volunteers:check_add"),
    "volunteers:reference_add": _under_a_volunteer("volunteers:reference_add"),
}
