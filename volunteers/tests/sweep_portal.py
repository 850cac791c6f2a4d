"""Ids and create forms of the volunteer's portal for the URL sweeps
(tests/urls_sweep.py, tests/test_saves_once.py). The world's volunteer
member (``w.volunteer``) is made a cleared Volunteer of the home, visiting
``w.resident`` regularly, so the sweep's volunteer gets their own pages."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from volunteers.models import Assignment, Volunteer
from volunteers.tests.factories import (
    AssignmentFactory,
    ShiftFactory,
    VolunteerFactory,
    VolunteerRoleFactory,
    cleared_volunteer,
)


def portal_volunteer(w):
    """The Volunteer record of ``w.volunteer``'s account: cleared, made once."""
    found = Volunteer.objects.filter(home=w.home, user=w.volunteer.user).first()
    if found is not None:
        return found
    role = VolunteerRoleFactory(home=w.home, name="Portal befriender")
    return cleared_volunteer(w.home, role=role, user=w.volunteer.user, full_name="Val Portal")


def portal_assignment(w):
    """Their regular visits to ``w.resident``, made once."""
    volunteer = portal_volunteer(w)
    found = Assignment.objects.filter(volunteer=volunteer, resident=w.resident, ended_at__isnull=True).first()
    if found is not None:
        return found
    return AssignmentFactory(volunteer=volunteer, resident=w.resident, role=volunteer.roles.get())


def portal_shift(w, *, days=1):
    """A visit of theirs ``days`` from now (negative: in the past)."""
    assignment = portal_assignment(w)
    return ShiftFactory(
        volunteer=assignment.volunteer,
        assignment=assignment,
        resident=w.resident,
        role=assignment.role,
        title="",
        starts_at=timezone.now() + timedelta(days=days),
    )


def _foreign_shift(w):
    return ShiftFactory(volunteer=VolunteerFactory(home=w.other_home), resident=w.foreign_resident)


def _upcoming(w, own):
    return {"pk": (portal_shift(w) if own else _foreign_shift(w)).pk}


def _past(w, own):
    return {"pk": (portal_shift(w, days=-1) if own else _foreign_shift(w)).pk}


def _resident(w, own):
    if own:
        return {"pk": portal_assignment(w).resident_id}
    return {"pk": w.foreign_resident.pk}


OBJECT_KWARGS = {
    "volunteers:portal_shift": _upcoming,
    "volunteers:portal_shift_reply": _upcoming,
    "volunteers:portal_log": _past,
    "volunteers:portal_resident": _resident,
}

CREATE_VIEWS = {
    "volunteers:portal_log": lambda w: (
        w.volunteer,
        reverse("volunteers:portal_log", args=[w.home.slug, portal_shift(w, days=-1).pk]),
    ),
}
