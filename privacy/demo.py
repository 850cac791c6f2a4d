"""Demo data: at each home, one request for personal data being prepared (a
resident's son, holding an LPA, asked ten days ago) and one sent last month.
Idempotent: a home with a request is left alone."""

from datetime import timedelta

from homes.models import Membership, Role
from privacy.models import SubjectAccessRequest
from privacy.services import request_close, request_record


def seed(*, home, residents, today, **_):
    if SubjectAccessRequest.objects.for_home(home).exists() or len(residents) < 2:
        return
    manager = (
        Membership.objects.for_home(home)
        .filter(role=Role.MANAGER, is_active=True)
        .select_related("user")
        .first()
    )
    if manager is None:
        return
    first, second = residents[0], residents[1]
    request_record(
        home=home,
        actor=manager.user,
        kind="resident",
        resident=first,
        received_on=today - timedelta(days=10),
        requested_by=f"{first.short_name}'s son, who holds a health and welfare LPA",
        identity_checked="LPA document seen and copied by the manager",
    )
    earlier = request_record(
        home=home,
        actor=manager.user,
        kind="resident",
        resident=second,
        received_on=today - timedelta(days=45),
        requested_by=f"{second.short_name}, in person",
        identity_checked="Known to staff, asked in person",
    )
    request_close(
        home=home,
        actor=manager.user,
        record=earlier,
        status=SubjectAccessRequest.Status.SENT,
        closed_on=today - timedelta(days=30),
        note="Printed and handed over in person",
        version=earlier.version,
    )
