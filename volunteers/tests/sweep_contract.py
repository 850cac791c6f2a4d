"""Ids for every volunteers page (tests/urls_sweep.py): a record of the home
under test (``own``) or of another home. Each area's own ``sweep_<area>.py``
may give better ones (for example, a volunteer's own shift for the portal);
this module keeps every page covered meanwhile."""

from volunteers.tests.factories import (
    AssignmentFactory,
    DbsCheckFactory,
    DriverFactory,
    ReferenceFactory,
    ShiftFactory,
    TrainingRecordFactory,
    VolunteerFactory,
    VolunteerRoleFactory,
)


def _home(w, own):
    return w.home if own else w.other_home


def _volunteer(w, own):
    return {"pk": VolunteerFactory(home=_home(w, own)).pk}


def _check(w, own):
    check = DbsCheckFactory(volunteer=VolunteerFactory(home=_home(w, own)))
    return {"pk": check.volunteer_id, "check_pk": check.pk}


def _reference(w, own):
    reference = ReferenceFactory(volunteer=VolunteerFactory(home=_home(w, own)))
    return {"pk": reference.volunteer_id, "reference_pk": reference.pk}


def _role(w, own):
    return {"pk": VolunteerRoleFactory(home=_home(w, own)).pk}


def _training(w, own):
    return {"pk": TrainingRecordFactory(volunteer=VolunteerFactory(home=_home(w, own))).pk}


def _resident(w, own):
    return {"pk": (w.resident if own else w.foreign_resident).pk}


def _assignment(w, own):
    resident = w.resident if own else w.foreign_resident
    volunteer = VolunteerFactory(home=resident.home)
    return {"pk": AssignmentFactory(volunteer=volunteer, resident=resident).pk}


def _shift(w, own):
    return {"pk": ShiftFactory(volunteer=VolunteerFactory(home=_home(w, own))).pk}


def _driver(w, own):
    return {"pk": DriverFactory(volunteer=VolunteerFactory(home=_home(w, own))).pk}


OBJECT_KWARGS = {
    **{
        f"volunteers:{name}": _volunteer
        for name in (
            "volunteer_detail",
            "volunteer_edit",
            "volunteer_status",
            "volunteer_screening",
            "volunteer_availability",
            "volunteer_invite",
            "check_add",
            "reference_add",
            "match_volunteer",
        )
    },
    "volunteers:check_edit": _check,
    "volunteers:reference_edit": _reference,
    "volunteers:role_edit": _role,
    "volunteers:training_edit": _training,
    "volunteers:match_resident": _resident,
    "volunteers:portal_resident": _resident,
    **{
        f"volunteers:{name}": _assignment
        for name in ("assignment_detail", "assignment_edit", "assignment_end")
    },
    **{
        f"volunteers:{name}": _shift
        for name in (
            "shift_detail",
            "shift_log",
            "hours_confirm",
            "portal_shift",
            "portal_shift_reply",
            "portal_log",
        )
    },
    **{f"volunteers:{name}": _driver for name in ("driver_edit", "driver_availability")},
}
