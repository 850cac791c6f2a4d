"""Requests for personal data, made through the service as a manager would."""

from django.utils import timezone

from homes.models import Membership, Role
from homes.scoping import home_scope
from privacy.services import request_record


def request_for(home, *, resident=None, membership=None, volunteer=None, received_on=None, actor=None):
    with home_scope(home):
        if actor is None:
            actor = Membership.objects.for_home(home).filter(role=Role.MANAGER).first()
            actor = actor.user if actor else None
        kind = "resident" if resident else "relative" if membership else "volunteer"
        return request_record(
            home=home,
            actor=actor,
            kind=kind,
            resident=resident,
            membership=membership,
            volunteer=volunteer,
            received_on=received_on or timezone.localdate(),
            requested_by="The person themselves",
            identity_checked="Known to staff, asked in person",
        )


def leaver_in(home, *, years_ago=10, name="Edna Former"):
    """A resident who left ``years_ago`` years ago: past the default eight."""
    from datetime import timedelta

    from residents.models import Resident
    from residents.tests.factories import ResidentFactory

    left_on = timezone.localdate() - timedelta(days=365 * years_ago + 3)
    with home_scope(home):
        return ResidentFactory(
            home=home,
            full_name=name,
            status=Resident.Status.LEFT,
            left_on=left_on,
            admitted_on=left_on - timedelta(days=400),
        )


def hold_on(home, resident):
    from privacy.models import RetentionHold

    with home_scope(home):
        return RetentionHold.objects.create(
            home=home, kind="resident", resident=resident, reason="Complaint open"
        )
