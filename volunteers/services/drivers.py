"""Writes for the driver bank: adding a volunteer or a member of staff as a
driver, changing their licence, vehicle and paperwork, and their usual times.

Nobody is put "out of the bank" here: ``volunteers.rules.driver_blockers``
decides, on any day, whether a driver may drive (a licence check overdue,
insurance or MOT ended, no MiDAS training for the minibus), so an expired
document takes a driver out with nothing to click. ``is_active`` is only the
co-ordinator's own "take them out for now".

Each rule's words are here once; the forms import them to show every problem
at once (``driver_problems``), and the services check them again.
"""

from dataclasses import dataclass
from datetime import date, time

from django.db import IntegrityError, transaction

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.timeutils import add_months, long_day, today
from carehome.versions import version_bump, version_check
from homes.audit import record_created
from homes.models import Role
from homes.scoping import check_home
from homes.submissions import submission_once, submission_seen
from volunteers.models import LICENCE_CATEGORIES, Availability, Driver, Volunteer
from volunteers.models.choices import Weekday
from volunteers.rules import MINIBUS_CATEGORIES

EARLIEST = date(2000, 1, 1)
DOCUMENT_AHEAD_YEARS = 3
STAFF_ROLES = (Role.STAFF, Role.CHAMPION, Role.MANAGER)
CATEGORY_CODES = [code for code, _ in LICENCE_CATEGORIES]

# --- The words, once --------------------------------------------------------------------------

PERSON_MISSING = "Choose who will drive: a volunteer or a member of staff."
PERSON_CHOICE = "Choose someone from the list: a volunteer or a member of staff here."
CATEGORIES_MISSING = "Tick at least one licence category, like B for a car."
CATEGORY_CHOICE = "Tick licence categories from the list."
MINIBUS_NEEDS_D1 = (
    "To drive the minibus they need D1 (or D1E or D) on their licence. Tick it if their licence "
    "shows it, or untick “The home's minibus” below."
)
DRIVES_MISSING = "Tick what they drive: the home's minibus, their own car, or both."
DRIVES_CHOICE = "Tick what they drive from the list."
LICENCE_DATE_MISSING = "Enter the date you last checked their driving licence, like 14/11/2025."
LICENCE_DATE_FUTURE = "That date is in the future. Enter the day you checked their licence."
TOO_LONG_AGO = "Check the year: enter a date from 2000 onwards."
INSURANCE_DATE = "Enter the date their insurance ends, like 14/11/2026."
INSURANCE_MISSING = (
    "Enter when their business-use car insurance ends: they need it to drive residents in their own car."
)
MOT_DATE = "Enter the date their car's MOT ends, like 14/11/2026."
MOT_MISSING = (
    "Enter when their car's MOT ends: it is needed to drive residents in their own car. "
    "For a car too new for an MOT, enter the date its first MOT is due."
)
NOTES_TOO_LONG = "Keep the notes under 300 characters."

TIME_INVALID = "Enter a time like 13:00."
FROM_MISSING = "Enter the time they are free from, like 13:00, or clear the “until” time."
UNTIL_MISSING = "Enter the time they are free until, like 17:00, or clear the “from” time."
UNTIL_BEFORE_FROM = "The “until” time must be after the “from” time."
TIMES_OVERLAP = "The second time overlaps the first: make it start after the first one ends."
TIMES_ON_A_DAY = 2


def licence_checked_problem(day, *, on=None):
    """Why ``day`` cannot be the date a licence was last checked, or ''."""
    if day < EARLIEST:
        return TOO_LONG_AGO
    if day > (on or today()):
        return LICENCE_DATE_FUTURE
    return ""


def document_date_problem(day, *, on=None):
    """Why ``day`` cannot be the end of someone's insurance or MOT, or ''.
    A date already past is allowed: it is recorded, and the driver is out of
    the bank until it is renewed."""
    if day < EARLIEST:
        return TOO_LONG_AGO
    latest = add_months(on or today(), DOCUMENT_AHEAD_YEARS * 12)
    if day > latest:
        return (
            f"That is more than {DOCUMENT_AHEAD_YEARS} years ahead. "
            f"Enter a date on or before {long_day(latest)}."
        )
    return ""


def driver_problems(
    *,
    licence_categories,
    licence_checked_on,
    drives_minibus,
    drives_own_car,
    insurance_expires_on,
    vehicle_check_expires_on,
    notes="",
    on=None,
):
    """Every problem with a driver's details, as [(field, message)], in the
    order of the form. The form shows them all at once; the services raise the first."""
    found = []
    categories = list(licence_categories or [])
    if not categories:
        found.append(("licence_categories", CATEGORIES_MISSING))
    elif any(code not in CATEGORY_CODES for code in categories):
        found.append(("licence_categories", CATEGORY_CHOICE))
    elif drives_minibus and not MINIBUS_CATEGORIES & set(categories):
        found.append(("licence_categories", MINIBUS_NEEDS_D1))
    if licence_checked_on is None:
        found.append(("licence_checked_on", LICENCE_DATE_MISSING))
    elif problem := licence_checked_problem(licence_checked_on, on=on):
        found.append(("licence_checked_on", problem))
    if not drives_minibus and not drives_own_car:
        found.append(("drives", DRIVES_MISSING))
    for name, value, missing in (
        ("insurance_expires_on", insurance_expires_on, INSURANCE_MISSING),
        ("vehicle_check_expires_on", vehicle_check_expires_on, MOT_MISSING),
    ):
        if value is not None:
            if problem := document_date_problem(value, on=on):
                found.append((name, problem))
        elif drives_own_car:
            found.append((name, missing))
    if len(notes or "") > 300:
        found.append(("notes", NOTES_TOO_LONG))
    return found


def _check(fields):
    for field, message in driver_problems(**fields):
        raise DomainError(message, field=field)


def _clean(fields):
    fields = dict(fields)
    given = list(fields["licence_categories"] or [])
    # In the licence's own order; anything unknown is kept for the check to refuse.
    fields["licence_categories"] = [c for c in CATEGORY_CODES if c in given] + [
        c for c in given if c not in CATEGORY_CODES
    ]
    fields["notes"] = " ".join((fields.get("notes") or "").split())
    return fields


def _check_person(home, volunteer, member):
    if (volunteer is None) == (member is None):
        raise DomainError(PERSON_MISSING, field="person")
    check_home(home, volunteer, member)
    if volunteer is not None and volunteer.status == Volunteer.Status.LEFT:
        raise DomainError(
            f"{volunteer.full_name} has left, so they cannot join the driver bank.", field="person"
        )
    if member is not None and (not member.is_active or member.role not in STAFF_ROLES):
        raise DomainError(PERSON_CHOICE, field="person")
    taken = Driver.objects.for_home(home)
    taken = taken.filter(volunteer=volunteer) if volunteer is not None else taken.filter(member=member)
    if taken.exists():
        raise DomainError(_already(volunteer, member), field="person")


def _already(volunteer, member):
    name = volunteer.full_name if volunteer is not None else member.user.full_name
    return f"{name} is already in the driver bank: change their details there."


def driver_add(
    *,
    home,
    actor,
    volunteer=None,
    member=None,
    licence_categories,
    licence_checked_on,
    drives_minibus=False,
    drives_own_car=False,
    insurance_expires_on=None,
    vehicle_check_expires_on=None,
    notes="",
    is_active=True,
    form_token=None,
):
    """Add a volunteer or a member of staff of ``home`` to the driver bank
    (once per ``form_token``). Insurance and MOT are needed only for someone
    who drives their own car (kept if given for anyone else)."""
    submission_seen(home=home, token=form_token)
    fields = _clean(
        {
            "licence_categories": licence_categories,
            "licence_checked_on": licence_checked_on,
            "drives_minibus": bool(drives_minibus),
            "drives_own_car": bool(drives_own_car),
            "insurance_expires_on": insurance_expires_on,
            "vehicle_check_expires_on": vehicle_check_expires_on,
            "notes": notes,
        }
    )
    _check_person(home, volunteer, member)
    _check(fields)
    try:
        with (
            transaction.atomic(),
            acting_as(actor),
            submission_once(home=home, actor=actor, token=form_token) as once,
        ):
            driver = Driver.objects.create(
                home=home,
                volunteer=volunteer,
                member=member,
                is_active=bool(is_active),
                recorded_by=actor,
                **fields,
            )
            once.created(driver)
    except IntegrityError:
        # Someone added the same person a moment ago.
        raise DomainError(_already(volunteer, member), field="person") from None
    return driver


def driver_update(
    *,
    home,
    actor,
    driver,
    version=None,
    licence_categories,
    licence_checked_on,
    drives_minibus=False,
    drives_own_car=False,
    insurance_expires_on=None,
    vehicle_check_expires_on=None,
    notes="",
    is_active=True,
):
    """Change a driver's licence, what they drive, their paperwork and
    whether they are in the bank (``EditConflict`` if it changed since ``version``)."""
    check_home(home, driver)
    fields = _clean(
        {
            "licence_categories": licence_categories,
            "licence_checked_on": licence_checked_on,
            "drives_minibus": bool(drives_minibus),
            "drives_own_car": bool(drives_own_car),
            "insurance_expires_on": insurance_expires_on,
            "vehicle_check_expires_on": vehicle_check_expires_on,
            "notes": notes,
        }
    )
    _check(fields)
    fields["is_active"] = bool(is_active)
    with transaction.atomic(), acting_as(actor):
        locked = Driver.objects.for_home(home).select_for_update().get(pk=driver.pk)
        version_check(locked, version, submitted=fields)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*fields, *version_bump(locked)])
    return locked


# --- Usual times -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A time in the week a driver is usually free."""

    weekday: int
    starts_at: time
    ends_at: time

    def __str__(self):
        return f"{Weekday(self.weekday).label} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


def check_slots(slots):
    """Raise ``DomainError`` for a slot that ends before it starts, or two on
    one day that overlap (the form checks the same, field by field)."""
    by_day = {}
    for slot in slots:
        if slot.weekday not in Weekday.values or slot.starts_at is None or slot.ends_at is None:
            raise DomainError(TIME_INVALID)
        if slot.ends_at <= slot.starts_at:
            raise DomainError(f"{Weekday(slot.weekday).label}: {UNTIL_BEFORE_FROM}")
        by_day.setdefault(slot.weekday, []).append(slot)
    for weekday, day_slots in by_day.items():
        day_slots.sort(key=lambda s: s.starts_at)
        for first, second in zip(day_slots, day_slots[1:], strict=False):
            if second.starts_at < first.ends_at:
                raise DomainError(f"{Weekday(weekday).label}: {TIMES_OVERLAP}")


def driver_times_set(*, home, actor, driver, slots, version=None):
    """Replace the times ``driver`` is usually free with ``slots`` (Slot), in
    one transaction: all of them or none. ``version`` is the driver's, as the
    form was opened (``EditConflict`` if someone changed their times since)."""
    check_home(home, driver)
    slots = sorted(set(slots), key=lambda s: (s.weekday, s.starts_at))
    check_slots(slots)
    with transaction.atomic(), acting_as(actor):
        locked = Driver.objects.for_home(home).select_for_update().get(pk=driver.pk)
        current = Availability.objects.for_home(home).filter(driver=locked)
        version_check(
            locked,
            version,
            submitted={"times": [str(s) for s in slots]},
            saved={"times": [str(Slot(a.weekday, a.starts_at, a.ends_at)) for a in current]},
            labels={"times": "Usual times"},
        )
        current.delete()
        rows = Availability.objects.bulk_create(
            [
                Availability(
                    home=home, driver=locked, weekday=s.weekday, starts_at=s.starts_at, ends_at=s.ends_at
                )
                for s in slots
            ]
        )
        record_created(rows)
        locked.save(update_fields=version_bump(locked))
    return rows
