"""Demo data: at each home, one request for personal data being prepared (a
resident's son, holding an LPA, asked ten days ago) and one sent last month;
and three residents who left years ago: one due to be anonymised, one due
within weeks, one held while a complaint is open. Idempotent: a home with a
request is left alone, and one with a hold."""

from datetime import timedelta

from carehome.timeutils import add_months
from homes.models import Membership, Role
from privacy.models import RetentionHold, SubjectAccessRequest
from privacy.retention import find_leaver, hold_place
from privacy.services import request_close, request_record

# (name, preferred, years and months ago they left, how, why)
LEAVERS = [
    ("Harold Pickering", "", (8, 3), "left", "Moved to be near his daughter in Leeds"),
    ("Joan Whitley", "", (7, 11), "died", ""),
    ("Stanley Brook", "Stan", (9, 6), "left", "Moved to a nursing home"),
]


def seed(*, home, residents, today, **_):
    manager = (
        Membership.objects.for_home(home)
        .filter(role=Role.MANAGER, is_active=True)
        .select_related("user")
        .first()
    )
    if manager is None:
        return
    if not RetentionHold.objects.for_home(home).exists():
        _leavers(home, manager.user, today)
    if SubjectAccessRequest.objects.for_home(home).exists() or len(residents) < 2:
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


def _leavers(home, manager, today):
    from residents.services.residents import resident_admit, resident_leave

    made = []
    for name, preferred, (years, months), how, why in LEAVERS:
        left_on = add_months(today, -(12 * years + months))
        resident = resident_admit(
            home=home,
            actor=manager,
            full_name=name,
            preferred_name=preferred,
            admitted_on=add_months(left_on, -30),
        )
        resident_leave(home=home, actor=manager, resident=resident, kind=how, left_on=left_on, reason=why)
        made.append(resident)
    held = find_leaver(home, "resident", made[-1].pk)
    if held is not None:
        hold_place(
            home=home,
            actor=manager,
            leaver=held,
            reason="His family's complaint is with the Ombudsman: keep until it is closed",
        )
