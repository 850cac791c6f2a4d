"""What the volunteers app holds about a person who left, anonymised when
their organisation's retention period is over (``homes.retention``). Shifts
and matches stay (hours, and the residents' histories, need them)."""

from homes.retention import REMOVED, forget_rows, register_anonymiser, replace_names, scrub
from residents.models import Connection
from volunteers.models import (
    Assignment,
    Availability,
    BackgroundCheck,
    Driver,
    Reference,
    Shift,
    StatusChange,
    TrainingRecord,
    Volunteer,
)


def anonymise_resident(home, resident):
    changed = scrub(Assignment.objects.for_home(home).filter(resident=resident))
    changed += scrub(Shift.objects.for_home(home).filter(resident=resident))
    return changed


def anonymise_volunteer(home, volunteer):
    changed = scrub(Assignment.objects.for_home(home).filter(volunteer=volunteer))
    changed += scrub(Shift.objects.for_home(home).filter(volunteer=volunteer))
    changed += scrub(StatusChange.objects.for_home(home).filter(volunteer=volunteer))
    checks = BackgroundCheck.objects.for_home(home).filter(volunteer=volunteer)
    # The scheme's number keeps its shape (a database rule), without the person's digits.
    changed += scrub(checks.filter(scheme="pvg"), membership_number="0" * 16)
    changed += scrub(checks.filter(scheme="dbs"), certificate_number="0" * 12)
    changed += scrub(Reference.objects.for_home(home).filter(volunteer=volunteer))
    changed += scrub(TrainingRecord.objects.for_home(home).filter(volunteer=volunteer))
    changed += scrub(Driver.objects.for_home(home).filter(volunteer=volunteer))
    changed += forget_rows(Availability.objects.for_home(home).filter(volunteer=volunteer))
    # Residents' connections with them stay in the residents' records, without their name.
    changed += replace_names(
        Connection.objects.for_home(home).filter(with_whom=Connection.WithWhom.VOLUNTEER),
        ["with_name", "note"],
        [volunteer.full_name, volunteer.preferred_name, volunteer.full_name.split(" ")[0]],
        "a former volunteer",
    )
    changed += scrub(
        Volunteer.objects.for_home(home).filter(pk=volunteer.pk),
        full_name=f"Former volunteer {volunteer.pk}",
        left_reason=REMOVED,
        identity_checked_on=None,
        interviewed_on=None,
        over_16=False,
        consent_to_checks=False,
    )
    return changed


def register():
    register_anonymiser("resident", "volunteers", anonymise_resident)
    register_anonymiser("volunteer", "volunteers", anonymise_volunteer)
