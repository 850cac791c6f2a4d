"""Writes for the training register: a volunteer or a member of staff
completed a course. The renew-by date defaults to the course's own period
(three years for safeguarding adults, say); courses that do not expire have
none unless the home gives one. Each write runs in one transaction inside
``acting_as``."""

from django.db import transaction

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.timeutils import add_months, long_day, today
from carehome.versions import version_bump, version_check
from homes.scoping import check_home
from homes.submissions import submission_once
from volunteers.models import TrainingModule, TrainingRecord, Volunteer
from volunteers.selectors.training import STAFF_ROLES
from volunteers.services.checks import recorded_date_problem

RENEW_MAX_YEARS = 10

# Words the forms show too (they import them from here).
PERSON_MISSING = "Choose who did the training."
MODULE_MISSING = "Choose the course from the list."
COMPLETED_MISSING = "Enter the date they completed it, like 14/03/2025."
PROVIDER_TOO_LONG = "Keep this under 150 characters."


def renew_by_problem(day, *, completed_on=None):
    """Why ``day`` cannot be a renew-by date, or '': after the course, and at
    most ten years on (from the course, or from today when that is not known)."""
    if day is None:
        return ""
    start = completed_on or today()
    latest = add_months(start, RENEW_MAX_YEARS * 12)
    if completed_on is not None and day <= completed_on:
        return "The renew-by date must be after the date they completed it."
    if day > latest:
        return f"Choose a renew-by date at most {RENEW_MAX_YEARS} years on, by {long_day(latest)}."
    return ""


def default_renew_by(module, completed_on):
    """The course's own renewal date, or None for a course that does not expire."""
    if module.valid_months:
        return add_months(completed_on, module.valid_months)
    return None


def _person(home, volunteer, member):
    if (volunteer is None) == (member is None):
        raise DomainError(PERSON_MISSING, field="person")
    check_home(home, volunteer, member)
    if volunteer is not None and volunteer.status == Volunteer.Status.LEFT:
        raise DomainError(
            f"{volunteer.full_name} has left, so their training is no longer recorded.", field="person"
        )
    if member is not None and (member.role not in STAFF_ROLES or not member.is_active):
        raise DomainError("Choose someone who works here, from the list.", field="person")


def _fields(*, module, volunteer, member, completed_on, expires_on, provider):
    if not isinstance(module, TrainingModule):
        raise DomainError(MODULE_MISSING, field="module")
    if volunteer is not None and not module.for_volunteers:
        raise DomainError(f"{module.name} is a course for staff. Choose another course.", field="module")
    if member is not None and not module.for_staff:
        raise DomainError(f"{module.name} is a course for volunteers. Choose another course.", field="module")
    if completed_on is None:
        raise DomainError(COMPLETED_MISSING, field="completed_on")
    if problem := recorded_date_problem(completed_on):
        raise DomainError(problem, field="completed_on")
    if expires_on is None:
        expires_on = default_renew_by(module, completed_on)
    elif problem := renew_by_problem(expires_on, completed_on=completed_on):
        raise DomainError(problem, field="expires_on")
    provider = " ".join((provider or "").split())
    if len(provider) > 150:
        raise DomainError(PROVIDER_TOO_LONG, field="provider")
    return {"module": module, "completed_on": completed_on, "expires_on": expires_on, "provider": provider}


def _refuse_duplicate(home, *, volunteer, member, cleaned, exclude=None):
    same = TrainingRecord.objects.for_home(home).filter(
        module=cleaned["module"], completed_on=cleaned["completed_on"]
    )
    same = same.filter(volunteer=volunteer) if volunteer is not None else same.filter(member=member)
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    if same.exists():
        raise DomainError(
            f"{cleaned['module'].name} on {long_day(cleaned['completed_on'])} is already recorded for "
            "this person. Change that record instead.",
            field="completed_on",
        )


def training_record_create(
    *,
    home,
    actor,
    module,
    completed_on,
    volunteer=None,
    member=None,
    expires_on=None,
    provider="",
    form_token=None,
):
    """Record that a volunteer (or a member of staff: ``member``) completed
    ``module`` (once per ``form_token``). With no ``expires_on``, the
    course's own renewal period applies."""
    _person(home, volunteer, member)
    cleaned = _fields(
        module=module,
        volunteer=volunteer,
        member=member,
        completed_on=completed_on,
        expires_on=expires_on,
        provider=provider,
    )
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        _refuse_duplicate(home, volunteer=volunteer, member=member, cleaned=cleaned)
        record = TrainingRecord.objects.create(
            home=home, volunteer=volunteer, member=member, recorded_by=actor, **cleaned
        )
        once.created(record)
    return record


def training_record_update(
    *, home, actor, record, module, completed_on, expires_on=None, provider="", version=None
):
    """Correct a training record (the person stays the same). ``EditConflict``
    if someone saved it since ``version``."""
    check_home(home, record)
    cleaned = _fields(
        module=module,
        volunteer=record.volunteer,
        member=record.member,
        completed_on=completed_on,
        expires_on=expires_on,
        provider=provider,
    )
    with transaction.atomic(), acting_as(actor):
        locked = TrainingRecord.objects.for_home(home).select_for_update().get(pk=record.pk)
        version_check(locked, version, submitted=cleaned)
        _refuse_duplicate(
            home, volunteer=locked.volunteer, member=locked.member, cleaned=cleaned, exclude=locked
        )
        changed = [name for name, value in cleaned.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, cleaned[name])
        locked.save(update_fields=[*changed, *version_bump(locked)])
    return locked
