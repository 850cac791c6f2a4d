"""How the URL sweep fills the ids of the driver bank's pages (tests/urls_sweep.py),
and its create form for tests/test_saves_once.py."""

from django.urls import reverse

from volunteers.tests.factories import AvailabilityFactory, DriverFactory, VolunteerFactory


def _driver(w, own):
    """A volunteer driver with a usual time, of the home under test or of another."""
    home = w.home if own else w.other_home
    driver = DriverFactory(volunteer=VolunteerFactory(home=home, full_name="Dennis Driver"))
    AvailabilityFactory(volunteer=None, driver=driver)
    return {"pk": driver.pk}


OBJECT_KWARGS = {
    "volunteers:driver_edit": _driver,
    "volunteers:driver_availability": _driver,
}

CREATE_VIEWS = {
    "volunteers:driver_add": lambda w: (w.manager, reverse("volunteers:driver_add", args=[w.home.slug])),
}
