"""Ids and create forms of the area "rota" for the URL sweeps
(tests/urls_sweep.py, tests/test_saves_once.py): a visit that has happened
(so its log form shows) and one logged (so its hours can be confirmed)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from volunteers.models import Shift
from volunteers.tests.factories import ShiftFactory, VolunteerFactory


def past_visit(w, own=True, **fields):
    """A visit to a resident two days ago, not logged yet."""
    home = w.home if own else w.other_home
    resident = w.resident if own else w.foreign_resident
    starts = timezone.now() - timedelta(days=2)
    return ShiftFactory(
        volunteer=VolunteerFactory(home=home), resident=resident, title="", starts_at=starts, **fields
    )


def _past(w, own):
    return {"pk": past_visit(w, own).pk}


def _logged(w, own):
    shift = past_visit(w, own, status=Shift.Status.DONE, minutes_given=60, logged_at=timezone.now())
    return {"pk": shift.pk}


OBJECT_KWARGS = {
    "volunteers:shift_detail": _past,
    "volunteers:shift_log": _past,
    "volunteers:hours_confirm": _logged,
}

CREATE_VIEWS = {
    "volunteers:shift_add": lambda w: (w.manager, reverse("volunteers:shift_add", args=[w.home.slug])),
    "volunteers:shift_log": lambda w: (
        w.manager,
        reverse("volunteers:shift_log", args=[w.home.slug, past_visit(w).pk]),
    ),
}
