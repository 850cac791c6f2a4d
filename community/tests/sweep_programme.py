"""Ids and create forms of the area "programme" for the URL sweeps
(tests/urls_sweep.py, tests/test_saves_once.py): an activity in a space of
the home under test (or of another home) with one date to come, and a
resident invited to it."""

from datetime import time, timedelta

from django.urls import reverse
from django.utils import timezone

from community.models import Activity
from community.tests.factories import ActivityFactory, AttendeeFactory, OccurrenceFactory


def activity_of(w, own=True):
    home = w.home if own else w.other_home
    activity = ActivityFactory(
        home=home,
        title="Chair exercise",
        kind=Activity.Kind.IN_HOME,
        space=w.space if own else w.foreign_space,
        first_day=timezone.localdate() + timedelta(days=3),
        starts=time(10, 30),
        ends=time(11, 30),
    )
    occurrence = OccurrenceFactory(activity=activity)
    AttendeeFactory(occurrence=occurrence, resident=w.resident if own else w.foreign_resident)
    return activity


def _activity(w, own):
    return {"pk": activity_of(w, own).pk}


def _occurrence(w, own):
    return {"pk": activity_of(w, own).occurrences.get().pk}


OBJECT_KWARGS = {
    "community:activity": _activity,
    "community:activity_edit": _activity,
    "community:activity_end": _activity,
    "community:occurrence": _occurrence,
    "community:occurrence_edit": _occurrence,
    "community:occurrence_cancel": _occurrence,
}

CREATE_VIEWS = {
    "community:activity_add": lambda w: (w.manager, reverse("community:activity_add", args=[w.home.slug])),
}
