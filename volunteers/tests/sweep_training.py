"""The training register's create form for tests/test_saves_once.py, and a
staff member's record for the URL sweep's ``training_edit`` (the generic
filler in ``sweep_contract`` gives a volunteer's)."""

from django.urls import reverse

from homes.models import Role
from volunteers.tests.factories import MembershipFactory, TrainingRecordFactory, module


def _staff_record(w, own):
    member = w.staff if own else MembershipFactory(home=w.other_home, role=Role.STAFF)
    record = TrainingRecordFactory(volunteer=None, member=member, module=module("safeguarding-adults"))
    return {"pk": record.pk}


OBJECT_KWARGS = {"volunteers:training_edit": _staff_record}

CREATE_VIEWS = {
    "volunteers:training_add": lambda w: (w.champion, reverse("volunteers:training_add", args=[w.home.slug])),
}
