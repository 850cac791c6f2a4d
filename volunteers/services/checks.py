"""Writes for background checks and references.

The check a home records follows its nation (``home.nation``): in Scotland,
PVG scheme membership (a 16-digit membership number and the statement date;
the membership ends five years on); in England and Wales, a DBS check (the
level, the 12-digit certificate number, the certificate date and whether the
volunteer is on the Update Service). Each check stores the date it "counts
until" (``valid_until``), which ``volunteers.rules`` reads: for PVG the
membership end, for DBS the home's recheck date — ``dbs_recheck_months``
(the home's policy) after the later of the certificate date and the last
Update Service check.

Every write runs in one transaction inside ``acting_as`` so the change
history shows who did it; nothing is half-saved.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.lib.phones import phone_problem
from carehome.timeutils import add_months, today
from carehome.versions import version_bump, version_check
from homes.scoping import check_home
from homes.submissions import submission_once
from volunteers import rules
from volunteers.models import BackgroundCheck, CheckLevel, Reference
from volunteers.models.checks import PVG_YEARS

Scheme = BackgroundCheck.Scheme
UpdateService = BackgroundCheck.UpdateService

EARLIEST_RECORD = date(2000, 1, 1)
DBS_DIGITS = 12
PVG_DIGITS = 16

# Words the forms show too (they import them from here).
DATE_IN_FUTURE = "That date is in the future. Enter a date on or before today."
DATE_TOO_EARLY = "Check the year: enter a date from 2000 onwards."
ISSUED_MISSING = "Enter the date printed on the certificate, like 14/03/2025."
STATEMENT_MISSING = "Enter the date printed on the statement, like 14/03/2025."
LEVEL_CHOICE = "Choose the level of the DBS check, as printed on the certificate."
CERTIFICATE_MISSING = "Enter the 12-digit certificate number, like 0012 3456 7890."
MEMBERSHIP_MISSING = "Enter the 16-digit scheme membership number, like 1234 5678 9012 3456."
UPDATE_SERVICE_CHOICE = "Say whether they are on the DBS Update Service."
CHECKED_NOT_SUBSCRIBED = (
    "They are not on the Update Service, so leave this date empty (or choose “Subscribed”)."
)
CHECKED_BEFORE_CERTIFICATE = "The Update Service check cannot be before the certificate date."
LEFT_BEFORE_STATEMENT = "The date you told Disclosure Scotland cannot be before the statement date."
NOTES_TOO_LONG = "Keep the notes under 300 characters."
REFEREE_NAME_TOO_LONG = "Keep the name under 150 characters."
RELATIONSHIP_TOO_LONG = "Keep this under 100 characters."
PHONE_TOO_LONG = "Keep the phone number under 30 characters."

REFEREE_NAME_MISSING = "Enter the referee's name."
RELATIONSHIP_MISSING = "Say how the referee knows the volunteer, like “former employer” or “neighbour”."
CONTACT_MISSING = "Enter an email address or a phone number for the referee (or both)."
EMAIL_INVALID = "Enter an email address like name@example.com."
RECEIVED_BEFORE_ASKED = "The reference cannot arrive before it was asked for. Check both dates."
SATISFACTORY_MISSING = "Say whether the reference is satisfactory."
RECEIVED_MISSING = "Enter the date the reference arrived, or choose “Not received yet”."


def recorded_date_problem(day, *, on=None):
    """Why ``day`` cannot be the date of something that has happened (a
    certificate, a reference, a course), or '': not in the future, not before 2000."""
    if day is None:
        return ""
    if day > (on or today()):
        return DATE_IN_FUTURE
    if day < EARLIEST_RECORD:
        return DATE_TOO_EARLY
    return ""


def _check_date(day, *, field, missing=None, on=None):
    if day is None:
        if missing:
            raise DomainError(missing, field=field)
        return
    if problem := recorded_date_problem(day, on=on):
        raise DomainError(problem, field=field)


def _one_line(value):
    return " ".join((value or "").split())


def _notes(value):
    notes = _one_line(value)
    if len(notes) > 300:
        raise DomainError(NOTES_TOO_LONG, field="notes")
    return notes


def scheme_for(home):
    """The check a volunteer at ``home`` needs: PVG in Scotland, DBS elsewhere."""
    return Scheme.PVG if home.in_scotland else Scheme.DBS


def number_problem(value, digits, what):
    """Why ``value`` is not a ``digits``-digit number (spaces allowed), or ''."""
    compact = "".join((value or "").split())
    if not re.fullmatch(r"[0-9]+", compact):
        return f"Use only the digits 0 to 9 for the {what} (spaces are fine)."
    if len(compact) != digits:
        return f"That is {len(compact)} digits long: the {what} has {digits}."
    return ""


def _number(value, *, digits, what, field, missing):
    if not (value or "").strip():
        raise DomainError(missing, field=field)
    if problem := number_problem(value, digits, what):
        raise DomainError(problem, field=field)
    return "".join(value.split())


def counts_until(*, home, scheme, issued_on, update_service=UpdateService.NO, checked_on=None):
    """The date a check stops counting: for PVG the membership end (five
    years after the statement); for DBS the home's recheck date, counted from
    the later of the certificate date and the last Update Service check."""
    if scheme == Scheme.PVG:
        return add_months(issued_on, PVG_YEARS * 12)
    start = issued_on
    if update_service == UpdateService.YES and checked_on is not None:
        start = max(issued_on, checked_on)
    return add_months(start, rules.settings_for(home).dbs_recheck_months)


def _check_fields(*, home, scheme, fields, on=None):
    """The fields of a check of ``scheme`` from what a person typed, checked,
    with ``valid_until`` worked out; ``DomainError`` for the first problem."""
    on = on or today()
    issued_on = fields.get("issued_on")
    notes = _notes(fields.get("notes"))
    if scheme == Scheme.PVG:
        number = _number(
            fields.get("membership_number"),
            digits=PVG_DIGITS,
            what="scheme membership number",
            field="membership_number",
            missing=MEMBERSHIP_MISSING,
        )
        _check_date(issued_on, field="issued_on", missing=STATEMENT_MISSING, on=on)
        left = fields.get("left_notified_on")
        _check_date(left, field="left_notified_on", on=on)
        if left is not None and left < issued_on:
            raise DomainError(LEFT_BEFORE_STATEMENT, field="left_notified_on")
        cleaned = {
            "membership_number": number,
            "issued_on": issued_on,
            "left_notified_on": left,
            "notes": notes,
        }
        cleaned["valid_until"] = counts_until(home=home, scheme=scheme, issued_on=issued_on)
        return cleaned
    level = fields.get("level")
    if level not in CheckLevel.values or level == CheckLevel.NONE:
        raise DomainError(LEVEL_CHOICE, field="level")
    number = _number(
        fields.get("certificate_number"),
        digits=DBS_DIGITS,
        what="certificate number",
        field="certificate_number",
        missing=CERTIFICATE_MISSING,
    )
    _check_date(issued_on, field="issued_on", missing=ISSUED_MISSING, on=on)
    update_service = fields.get("update_service") or UpdateService.NO
    if update_service not in UpdateService.values:
        raise DomainError(UPDATE_SERVICE_CHOICE, field="update_service")
    checked_on = fields.get("update_service_checked_on")
    if checked_on is not None:
        if update_service != UpdateService.YES:
            raise DomainError(CHECKED_NOT_SUBSCRIBED, field="update_service_checked_on")
        _check_date(checked_on, field="update_service_checked_on", on=on)
        if checked_on < issued_on:
            raise DomainError(CHECKED_BEFORE_CERTIFICATE, field="update_service_checked_on")
    cleaned = {
        "level": level,
        "certificate_number": number,
        "issued_on": issued_on,
        "update_service": update_service,
        "update_service_checked_on": checked_on,
        "notes": notes,
    }
    cleaned["valid_until"] = counts_until(
        home=home, scheme=scheme, issued_on=issued_on, update_service=update_service, checked_on=checked_on
    )
    return cleaned


def _refuse_duplicate(*, volunteer, scheme, cleaned, exclude=None):
    """The same certificate (or the same PVG statement) is recorded once per volunteer."""
    same = BackgroundCheck.objects.for_home(volunteer.home_id).filter(volunteer=volunteer, scheme=scheme)
    if scheme == Scheme.PVG:
        same = same.filter(membership_number=cleaned["membership_number"], issued_on=cleaned["issued_on"])
        field, what = "membership_number", "This PVG statement"
    else:
        same = same.filter(certificate_number=cleaned["certificate_number"])
        field, what = "certificate_number", "This certificate"
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    if same.exists():
        raise DomainError(
            f"{what} is already recorded for {volunteer.full_name}. Change that record instead "
            "(for example, the date of the last Update Service check).",
            field=field,
        )


# Fields a check form sends, by scheme.
CHECK_FIELDS = {
    Scheme.DBS: ("level", "certificate_number", "issued_on", "update_service", "update_service_checked_on"),
    Scheme.PVG: ("membership_number", "issued_on", "left_notified_on"),
}


def check_create(*, home, actor, volunteer, form_token=None, **fields):
    """Record a background check for ``volunteer``, of the scheme the home's
    nation needs (once per ``form_token``). Returns the check, whose
    ``valid_until`` says until when it counts."""
    check_home(home, volunteer)
    scheme = scheme_for(home)
    cleaned = _check_fields(home=home, scheme=scheme, fields=fields)
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        _refuse_duplicate(volunteer=volunteer, scheme=scheme, cleaned=cleaned)
        check = BackgroundCheck.objects.create(
            home=home, volunteer=volunteer, scheme=scheme, recorded_by=actor, **cleaned
        )
        once.created(check)
    return check


def check_update(*, home, actor, check, version=None, **fields):
    """Correct or bring up to date a recorded check (a new Update Service
    check, the date Disclosure Scotland was told they left). The scheme stays
    the one it was recorded under. ``EditConflict`` if someone saved it since
    ``version``."""
    check_home(home, check)
    cleaned = _check_fields(home=home, scheme=check.scheme, fields=fields)
    with transaction.atomic(), acting_as(actor):
        locked = BackgroundCheck.objects.for_home(home).select_for_update().get(pk=check.pk)
        submitted = {name: value for name, value in cleaned.items() if name != "valid_until"}
        version_check(locked, version, submitted=submitted)
        _refuse_duplicate(volunteer=locked.volunteer, scheme=locked.scheme, cleaned=cleaned, exclude=locked)
        changed = [name for name, value in cleaned.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, cleaned[name])
        locked.save(update_fields=[*changed, *version_bump(locked)])
    return locked


# --- References -----------------------------------------------------------------------------

REFERENCE_FIELDS = (
    "name",
    "relationship",
    "email",
    "phone",
    "requested_on",
    "received_on",
    "satisfactory",
    "notes",
)


def _reference_fields(fields, *, on=None):
    on = on or today()
    name = _one_line(fields.get("name"))
    if not name:
        raise DomainError(REFEREE_NAME_MISSING, field="name")
    if len(name) > 150:
        raise DomainError(REFEREE_NAME_TOO_LONG, field="name")
    relationship = _one_line(fields.get("relationship"))
    if not relationship:
        raise DomainError(RELATIONSHIP_MISSING, field="relationship")
    if len(relationship) > 100:
        raise DomainError(RELATIONSHIP_TOO_LONG, field="relationship")
    email = (fields.get("email") or "").strip()
    phone = _one_line(fields.get("phone"))
    if not email and not phone:
        raise DomainError(CONTACT_MISSING, field="email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(EMAIL_INVALID, field="email") from None
    if problem := phone_problem(phone):
        raise DomainError(problem, field="phone")
    if len(phone) > 30:
        raise DomainError(PHONE_TOO_LONG, field="phone")
    requested_on = fields.get("requested_on")
    received_on = fields.get("received_on")
    satisfactory = fields.get("satisfactory")
    _check_date(requested_on, field="requested_on", on=on)
    _check_date(received_on, field="received_on", on=on)
    if received_on is not None and requested_on is not None and received_on < requested_on:
        raise DomainError(RECEIVED_BEFORE_ASKED, field="received_on")
    if received_on is not None and satisfactory is None:
        raise DomainError(SATISFACTORY_MISSING, field="satisfactory")
    if received_on is None and satisfactory is not None:
        raise DomainError(RECEIVED_MISSING, field="received_on")
    return {
        "name": name,
        "relationship": relationship,
        "email": email,
        "phone": phone,
        "requested_on": requested_on,
        "received_on": received_on,
        "satisfactory": satisfactory,
        "notes": _notes(fields.get("notes")),
    }


def reference_create(*, home, actor, volunteer, form_token=None, **fields):
    """Record a referee for ``volunteer``: asked, or already received with
    whether it was satisfactory (once per ``form_token``)."""
    check_home(home, volunteer)
    cleaned = _reference_fields(fields)
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        reference = Reference.objects.create(home=home, volunteer=volunteer, recorded_by=actor, **cleaned)
        once.created(reference)
    return reference


def reference_update(*, home, actor, reference, version=None, **fields):
    """Change a reference: usually to record that it arrived and whether it
    was satisfactory. ``EditConflict`` if someone saved it since ``version``."""
    check_home(home, reference)
    cleaned = _reference_fields(fields)
    with transaction.atomic(), acting_as(actor):
        locked = Reference.objects.for_home(home).select_for_update().get(pk=reference.pk)
        version_check(locked, version, submitted=cleaned)
        changed = [name for name, value in cleaned.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, cleaned[name])
        locked.save(update_fields=[*changed, *version_bump(locked)])
    return locked
