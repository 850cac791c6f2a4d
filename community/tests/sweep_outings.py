"""How the URL sweep fills the ids of the outings area's pages
(tests/urls_sweep.py), and its create form for tests/test_saves_once.py.

Each date is an outing in the minibus, with the world's resident invited (so
the families page has a family to invite); the attendance page's date has
started (so its form is there)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from community.tests.factories import (
    AttendeeFactory,
    HazardFactory,
    OccurrenceFactory,
    RiskAssessmentFactory,
    approved_outing,
)
from community.tests.sweep_contract import home_of


def _outing(w, own):
    return {"pk": approved_outing(home_of(w, own)).pk}


def _to_approve(w, own):
    """An outing whose risk assessment is written, not approved yet."""
    assessment = RiskAssessmentFactory(activity__home=home_of(w, own))
    HazardFactory(assessment=assessment)
    return {"pk": assessment.activity_id}


def _date(w, own, *, started=False):
    home = home_of(w, own)
    occurrence = OccurrenceFactory(activity=approved_outing(home), status="planned")
    if started:
        starts = timezone.now() - timedelta(hours=2)
        occurrence.starts_at, occurrence.ends_at = starts, starts + timedelta(hours=1)
        occurrence.save()
    AttendeeFactory(occurrence=occurrence, resident=w.resident if own else w.foreign_resident)
    return {"pk": occurrence.pk}


OBJECT_KWARGS = {
    "community:risk_assessment": _outing,
    "community:risk_approve": _to_approve,
    "community:occurrence_driver": _date,
    "community:occurrence_confirm": _date,
    "community:occurrence_invite": _date,
    "community:occurrence_families": _date,
    "community:occurrence_attendance": lambda w, own: _date(w, own, started=True),
}

CREATE_VIEWS = {
    "community:occurrence_families": lambda w: (
        w.manager,
        reverse("community:occurrence_families", args=[w.home.slug, _date(w, True)["pk"]]),
    ),
}
