"""Writes for matching: arranging regular visits (an assignment), changing
them and ending them.

A volunteer is assigned only when they have everything the role needs
(``rules.require_clear``): a missing or expired check, reference or induction
refuses it with what is missing, next to the volunteer. Arranging visits puts
the next four weeks of them on the rota.
"""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.timeutils import BOOKING_AHEAD_MONTHS, add_months, day_text, long_day, today
from carehome.versions import version_bump, version_check
from homes.audit import record_update
from homes.scoping import check_home
from homes.submissions import submission_once, submission_seen
from residents.models import ConsentPurpose
from residents.selectors.consent import consented_now
from volunteers import rules
from volunteers.models import Assignment, Shift, Volunteer
from volunteers.models.choices import Weekday
from volunteers.services.rota import (
    LIVING_HERE,
    PLAN_WEEKS,
    future_shifts_cancel,
    shifts_plan,
    visit_dates,
    visit_starts,
)

EARLIEST = date(2000, 1, 1)

# Messages the forms share (they need them to parse the same field).
CHOOSE_VOLUNTEER = "Choose a volunteer from the list."
CHOOSE_RESIDENT = "Choose a resident who lives here from the list."
CHOOSE_ROLE = "Choose the role they will visit in."
CHOOSE_DAY = "Choose the day of the week they will visit."
TIME_MISSING = "Enter the time they will arrive, like 14:00."
MINUTES_RANGE = "Enter how long each visit lasts in minutes, from 15 to 480 (eight hours)."
CHOOSE_EVERY = "Choose how often they will visit."
CHOOSE_SPACE = "Choose a place from the list, or write where in words."
WHERE_TOO_LONG = "Keep where they meet under 150 characters."
FIRST_MISSING = "Enter the date of the first visit, like 14/11/2026."
REASON_TOO_LONG = "Keep the reason under 300 characters."
END_REASON_MISSING = "Write why the visits are ending, like “Moving away”."
END_REASON_TOO_LONG = "Keep the reason under 300 characters."


def _clean(value):
    return " ".join((value or "").split())


def _ahead_problem(day, what, *, on):
    latest = add_months(on, BOOKING_AHEAD_MONTHS)
    if day > latest:
        return (
            f"The {what} can be at most {BOOKING_AHEAD_MONTHS} months ahead. "
            f"Choose a date on or before {long_day(latest)}."
        )
    return ""


def first_visit_problem(day, *, was=None):
    """Why ``day`` cannot be the first visit, or '': today or later, at most
    18 months ahead (a first visit already saved may stay in the past)."""
    on = today()
    if day.year < EARLIEST.year:
        return "Check the year: that date is a long time ago."
    if day < on and day != was:
        return "That date has passed. Choose today or a later date."
    return _ahead_problem(day, "first visit", on=on)


def last_visit_problem(day):
    """Why ``day`` cannot be the last visit (before checking it is after the first), or ''."""
    if day.year < EARLIEST.year:
        return "Check the year: that date is a long time ago."
    return _ahead_problem(day, "last visit", on=today())


def _check_visits(
    *,
    home,
    volunteer,
    resident,
    role,
    weekday,
    starts_at,
    minutes,
    every,
    space,
    where_note,
    starts_on,
    ends_on,
    reason,
    was_starts_on=None,
):
    """The rules for a regular visit, in the order the form shows them."""
    check_home(home, volunteer, resident, role, space)
    if volunteer is None or volunteer.status == Volunteer.Status.LEFT:
        raise DomainError(CHOOSE_VOLUNTEER, field="volunteer")
    if resident is None or resident.status not in LIVING_HERE:
        raise DomainError(CHOOSE_RESIDENT, field="resident")
    if role is None:
        raise DomainError(CHOOSE_ROLE, field="role")
    if weekday not in Weekday.values:
        raise DomainError(CHOOSE_DAY, field="weekday")
    if starts_at is None:
        raise DomainError(TIME_MISSING, field="starts_at")
    if minutes is None or not 15 <= minutes <= 480:
        raise DomainError(MINUTES_RANGE, field="minutes")
    if every not in Assignment.Every.values:
        raise DomainError(CHOOSE_EVERY, field="every")
    if space is not None and not space.is_active:
        raise DomainError(CHOOSE_SPACE, field="space")
    if len(where_note) > 150:
        raise DomainError(WHERE_TOO_LONG, field="where_note")
    if starts_on is None:
        raise DomainError(FIRST_MISSING, field="starts_on")
    if problem := first_visit_problem(starts_on, was=was_starts_on):
        raise DomainError(problem, field="starts_on")
    if starts_on.weekday() != weekday and starts_on != was_starts_on:
        day_name = Weekday(weekday).label
        nearest = starts_on + timedelta(days=(weekday - starts_on.weekday()) % 7)
        raise DomainError(
            f"{day_text(starts_on, 'l j F')} is not a {day_name}. Choose a {day_name} for the first "
            f"visit, like {day_text(nearest, 'l j F')}, or change the day.",
            field="starts_on",
        )
    if ends_on is not None:
        if problem := last_visit_problem(ends_on):
            raise DomainError(problem, field="ends_on")
        if ends_on <= starts_on:
            raise DomainError(
                f"The last visit must be after the first ({day_text(starts_on, 'l j F')}).", field="ends_on"
            )
    if len(reason) > 300:
        raise DomainError(REASON_TOO_LONG, field="reason")


def _gate(home, volunteer, role, on):
    """The volunteer with the rules' facts, and their ``role`` as loaded; refuses
    a role that is not theirs, or does not meet residents, or a volunteer who
    is not clear for it on ``on``."""
    loaded = rules.with_facts(Volunteer.objects.for_home(home).filter(pk=volunteer.pk)).get()
    held = next((r for r in rules.meeting_roles(loaded) if r.pk == role.pk), None)
    if held is None:
        raise DomainError(
            f"{volunteer.full_name} does not visit residents as a {role.name.lower()}. "
            "Choose one of their roles that spends time with residents.",
            field="role",
        )
    rules.require_clear(loaded, doing="assigned", role=held, on=max(on, today()), field="volunteer")
    return loaded


NO_VISIT_CONSENT = (
    "{name} has no consent recorded for visits from volunteers. Record it on their Consent page "
    "first (they, or someone who may decide for them, must agree)."
)


def _already(volunteer, resident, weekday, starts_at):
    return (
        f"{volunteer.full_name} already visits {resident.short_name} on "
        f"{Weekday(weekday).label}s at {starts_at:%H:%M}."
    )


def _plan_until():
    return today() + timedelta(weeks=PLAN_WEEKS)


def assignment_create(
    *,
    home,
    actor,
    volunteer,
    resident,
    role,
    weekday,
    starts_at,
    minutes,
    every,
    starts_on,
    ends_on=None,
    space=None,
    where_note="",
    reason="",
    form_token=None,
):
    """Arrange for ``volunteer`` to visit ``resident`` regularly (once per
    ``form_token``), and put the next four weeks of visits on the rota."""
    submission_seen(home=home, token=form_token)
    where_note, reason = _clean(where_note), _clean(reason)
    _check_visits(
        home=home, volunteer=volunteer, resident=resident, role=role, weekday=weekday,
        starts_at=starts_at, minutes=minutes, every=every, space=space, where_note=where_note,
        starts_on=starts_on, ends_on=ends_on, reason=reason,
    )  # fmt: skip
    _gate(home, volunteer, role, starts_on)
    if not consented_now(home, resident.pk, ConsentPurpose.VOLUNTEER_VISITS):
        raise DomainError(NO_VISIT_CONSENT.format(name=resident.short_name), field="resident")
    try:
        with (
            transaction.atomic(),
            acting_as(actor),
            submission_once(home=home, actor=actor, token=form_token) as once,
        ):
            assignment = Assignment.objects.create(
                home=home,
                volunteer=volunteer,
                resident=resident,
                role=role,
                weekday=weekday,
                starts_at=starts_at,
                minutes=minutes,
                every=every,
                space=space,
                where_note=where_note,
                starts_on=starts_on,
                ends_on=ends_on,
                reason=reason,
                created_by=actor,
            )
            shifts_plan(home=home, until=_plan_until(), assignments=[assignment])
            once.created(assignment)
    except IntegrityError:
        # The database decides: the same volunteer, resident, day and time, still current.
        raise DomainError(_already(volunteer, resident, weekday, starts_at), field="weekday") from None
    return assignment


def assignment_update(
    *,
    home,
    actor,
    assignment,
    version,
    role,
    weekday,
    starts_at,
    minutes,
    every,
    starts_on,
    ends_on=None,
    space=None,
    where_note="",
    reason="",
):
    """Change a regular visit (``EditConflict`` if someone saved it since
    ``version``). Visits still to come that no longer fit are cancelled and
    the new ones put on the rota; visits already logged stay as they were."""
    check_home(home, assignment)
    if not assignment.is_current:
        raise DomainError("These visits have ended, so they cannot be changed.")
    where_note, reason = _clean(where_note), _clean(reason)
    _check_visits(
        home=home, volunteer=assignment.volunteer, resident=assignment.resident, role=role,
        weekday=weekday, starts_at=starts_at, minutes=minutes, every=every, space=space,
        where_note=where_note, starts_on=starts_on, ends_on=ends_on, reason=reason,
        was_starts_on=assignment.starts_on,
    )  # fmt: skip
    _gate(home, assignment.volunteer, role, starts_on)
    fields = {
        "role": role,
        "weekday": weekday,
        "starts_at": starts_at,
        "minutes": minutes,
        "every": every,
        "space": space,
        "where_note": where_note,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "reason": reason,
    }
    try:
        with transaction.atomic(), acting_as(actor):
            locked = Assignment.objects.for_home(home).select_for_update().get(pk=assignment.pk)
            version_check(locked, version, submitted=fields)
            for name, value in fields.items():
                setattr(locked, name, value)
            locked.save(update_fields=[*fields, *version_bump(locked)])
            _replan(home, locked)
    except IntegrityError:
        raise DomainError(
            _already(assignment.volunteer, assignment.resident, weekday, starts_at), field="weekday"
        ) from None
    return locked


def _replan(home, assignment):
    """After a change: cancel the visits to come that no longer fit, bring
    back ones cancelled by an earlier change that fit again, make the rest."""
    now = timezone.now()
    until = _plan_until()
    wanted = {
        visit_starts(day, assignment.starts_at)
        for day in visit_dates(assignment, timezone.localdate(now), until)
    }
    future_shifts_cancel(
        home=home, assignment=assignment, reason="The regular visits changed.", keep=wanted, now=now
    )
    open_again = Shift.objects.for_home(home).filter(
        assignment=assignment,
        status=Shift.Status.CANCELLED,
        starts_at__in=wanted,
        starts_at__gt=now,
        logged_at__isnull=True,
    )
    record_update(open_again, status=Shift.Status.PLANNED, status_note="")
    length = timedelta(minutes=assignment.minutes)
    for shift in Shift.objects.for_home(home).filter(
        assignment=assignment, starts_at__in=wanted, starts_at__gt=now, logged_at__isnull=True
    ):
        if shift.ends_at != shift.starts_at + length:
            shift.ends_at = shift.starts_at + length
            shift.save(update_fields=["ends_at", *version_bump(shift)])
    shifts_plan(home=home, until=until, assignments=[assignment])


def assignment_end(*, home, actor, assignment, reason):
    """End regular visits, with why. Visits still to come are cancelled."""
    check_home(home, assignment)
    reason = _clean(reason)
    if not reason:
        raise DomainError(END_REASON_MISSING, field="reason")
    if len(reason) > 300:
        raise DomainError(END_REASON_TOO_LONG, field="reason")
    with transaction.atomic(), acting_as(actor):
        locked = Assignment.objects.for_home(home).select_for_update().get(pk=assignment.pk)
        if locked.ended_at is not None:
            raise DomainError(f"These visits already ended on {day_text(locked.ended_at, 'l j F')}.")
        now = timezone.now()
        locked.ended_at = now
        locked.ended_by = actor
        locked.end_reason = reason
        locked.save(update_fields=["ended_at", "ended_by", "end_reason", *version_bump(locked)])
        future_shifts_cancel(home=home, assignment=locked, reason="The regular visits ended.", now=now)
    return locked


def visits_end_for_resident(*, home, actor, resident, left_on):
    """A resident moved out or died (``residents.leaving``): their regular
    visits from volunteers end and the visits still to come come off the rota,
    in the same transaction."""
    reason = f"{resident.short_name} {'died' if resident.status == 'died' else 'moved out'}."
    for assignment in Assignment.objects.for_home(home).filter(resident=resident, ended_at__isnull=True):
        assignment.ended_at = timezone.now()
        assignment.ended_by = actor
        assignment.end_reason = reason
        assignment.save(update_fields=["ended_at", "ended_by", "end_reason", *version_bump(assignment)])
        future_shifts_cancel(home=home, assignment=assignment, reason=reason)


def _withdrawn_reason(resident):
    return f"{resident.short_name}'s consent to volunteers' visits was withdrawn."[:300]


def visits_off_the_rota(*, home, actor, consent):
    """A resident's consent to volunteers' visits was withdrawn
    (``residents.consent_hooks``): the visits with them still to come come
    off the rota, in the same transaction. Their regular visits stay
    arranged, for when consent is recorded again."""
    if consent.purpose != ConsentPurpose.VOLUNTEER_VISITS:
        return 0
    shifts = Shift.objects.for_home(home).filter(
        resident_id=consent.resident_id,
        starts_at__gt=timezone.now(),
        status__in=(Shift.Status.PLANNED, Shift.Status.CONFIRMED),
    )
    return record_update(
        shifts, status=Shift.Status.CANCELLED, status_note=_withdrawn_reason(consent.resident)
    )


def visits_back_on_the_rota(*, home, actor, consent):
    """Consent to volunteers' visits recorded again: the visits still to
    come that the withdrawal took off go back on the rota as planned (not
    those cancelled for another reason), and the regular visits are planned
    on from there."""
    if consent.purpose != ConsentPurpose.VOLUNTEER_VISITS:
        return 0
    back = Shift.objects.for_home(home).filter(
        resident_id=consent.resident_id,
        status=Shift.Status.CANCELLED,
        status_note=_withdrawn_reason(consent.resident),
        starts_at__gt=timezone.now(),
        logged_at__isnull=True,
    )
    changed = record_update(back, status=Shift.Status.PLANNED, status_note="")
    arranged = Assignment.objects.for_home(home).filter(
        resident_id=consent.resident_id, ended_at__isnull=True
    )
    return changed + shifts_plan(home=home, until=_plan_until(), assignments=list(arranged))
