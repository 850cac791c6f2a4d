"""Writes for the rota: the shifts regular visits make (``shifts_plan``),
shifts put on the rota by a co-ordinator, a volunteer's reply, logging what
happened (one service for staff and the volunteer, so a visit reaches the
resident's connection log whoever logs it) and confirming hours.

Every change runs in one transaction inside ``acting_as`` so the change
history shows who did it. A volunteer who is not clear for what they would
do (``volunteers.rules``) is refused with what is missing, in plain words.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.timeutils import booking_date_problem, check_date, day_text, local_datetime
from carehome.versions import version_bump
from homes.audit import record_created, record_update
from homes.scoping import check_home
from homes.submissions import submission_once, submission_seen
from notifications.timing import at_local
from residents.models import Connection, ConsentPurpose, Resident, Response
from residents.selectors.consent import consented
from residents.services.connections import OLDEST_DAYS, choose_how_it_went, connection_log
from volunteers import rules
from volunteers.models import Assignment, Shift, Volunteer

Status = Shift.Status
PLAN_WEEKS = 4  # regular visits are on the rota four weeks ahead
LIVING_HERE = (Resident.Status.CURRENT, Resident.Status.HOSPITAL)
# A tablet's clock may run a little fast.
STARTED_ALLOWANCE = timedelta(minutes=5)
MINUTES_MAX = 720
LOG_NOTE_LIMIT = 2000

# Messages the forms share (they need them to parse the same field).
TITLE_MISSING = "Say what the shift is, like “Tea trolley” or “Garden club”."
TITLE_TOO_LONG = "Keep what the shift is under 150 characters."
CHOOSE_VOLUNTEER = "Choose a volunteer from the list."
CHOOSE_ROLE = "Choose a role from the list."
DATE_MISSING = "Enter the date of the shift, like 14/11/2026."
FROM_MISSING = "Enter when the shift starts, like 10:00."
UNTIL_MISSING = "Enter when the shift ends, like 11:30."
ENDS_BEFORE_STARTS = "The shift must end after it starts, on the same day."
MINUTES_RANGE = f"Enter the time given in minutes, from 1 to {MINUTES_MAX} (12 hours)."
LOG_NOTE_TOO_LONG = f"Keep the note under {LOG_NOTE_LIMIT:,} characters."
REPLY_REASON_TOO_LONG = "Keep the reason under 300 characters."
CHOOSE_REPLY = "Choose “I'll be there” or “I can't make it”."


def _clean(value):
    return " ".join((value or "").split())


def _with_facts(home, volunteer):
    return rules.with_facts(Volunteer.objects.for_home(home).filter(pk=volunteer.pk)).get()


def _their_role(volunteer, role):
    """``role`` as loaded with ``volunteer``'s facts, or None if it is not theirs."""
    return next((r for r in volunteer.roles.all() if r.pk == role.pk), None)


# --- Shifts from regular visits --------------------------------------------------------------


def visit_dates(assignment, start, until):
    """The dates of ``assignment``'s visits from ``start`` to ``until``
    (both included): its day, every one, two or four weeks from the first
    visit, none after its last visit."""
    first = assignment.starts_on + timedelta(days=(assignment.weekday - assignment.starts_on.weekday()) % 7)
    step = 7 * assignment.every
    last = min(until, assignment.ends_on) if assignment.ends_on else until
    if start > first:
        first += timedelta(days=-(-(start - first).days // step) * step)
    dates = []
    day = first
    while day <= last:
        dates.append(day)
        day += timedelta(days=step)
    return dates


def visit_starts(day, at):
    """The moment a visit at ``at`` (home time) starts on ``day``. A time the
    clocks skip in March is the same wall time an hour later."""
    return at_local(day, at.hour, at.minute)


def _assignments_to_plan(home, on):
    """Current regular visits to plan: no new visit is put on the rota for a
    resident whose consent to volunteers' visits is not in the register now."""
    return (
        Assignment.objects.for_home(home)
        .filter(ended_at__isnull=True, volunteer__status=Volunteer.Status.ACTIVE)
        .filter(resident__status__in=LIVING_HERE)
        .filter(resident_id__in=consented(home, ConsentPurpose.VOLUNTEER_VISITS))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    )


def shifts_plan(*, home, until, now=None, assignments=None):
    """Put every current regular visit of ``home`` on the rota up to
    ``until``: one Shift per visit, from today. Safe to run any number of
    times (a visit already there is left alone: the database's unique
    (assignment, starts) decides). Visits are made in home time, so 14:00
    stays 14:00 across the clock changes. ``assignments`` narrows it to
    some of them. Only days the volunteer is clear for the visit's role are
    planned. Returns how many shifts were made. Ten queries."""
    now = now or timezone.now()
    on = timezone.localdate(now)
    found = _assignments_to_plan(home, on).filter(starts_on__lte=until)
    if assignments is not None:
        found = found.filter(pk__in=[a.pk for a in assignments])
    found = list(found)
    if not found:
        return 0
    stamp = timezone.now()
    wanted = {}
    # The gate, day by day: no visit goes on the rota for a day the volunteer
    # will not be clear for its role (a check that runs out before then, a role
    # they no longer hold); renewing it puts the visits back at the next run.
    facts = {
        v.pk: v
        for v in rules.with_facts(
            Volunteer.objects.for_home(home).filter(pk__in={a.volunteer_id for a in found})
        )
    }
    for assignment in found:
        volunteer = facts[assignment.volunteer_id]
        role = next((r for r in volunteer.roles.all() if r.pk == assignment.role_id and r.is_active), None)
        if role is None:
            continue
        for day in visit_dates(assignment, on, until):
            if rules.blockers(volunteer, roles=[role], on=day):
                continue
            starts = visit_starts(day, assignment.starts_at)
            wanted[(assignment.pk, starts)] = Shift(
                home=home,
                volunteer_id=assignment.volunteer_id,
                assignment=assignment,
                resident_id=assignment.resident_id,
                role_id=assignment.role_id,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=assignment.minutes),
                created_at=stamp,
            )
    if not wanted:
        return 0
    there = set(
        Shift.objects.for_home(home)
        .filter(assignment__in=found, starts_at__in={starts for _, starts in wanted})
        .values_list("assignment_id", "starts_at")
    )
    new = [shift for key, shift in wanted.items() if key not in there]
    if not new:
        return 0
    # Two planners at once: ON CONFLICT DO NOTHING against the unique constraint.
    Shift.objects.bulk_create(new, ignore_conflicts=True)
    made = list(
        Shift.objects.for_home(home)
        .filter(assignment__in=found, created_at=stamp)
        .select_related("volunteer")
    )
    record_created(made)
    return len(made)


def future_shifts_cancel(*, home, assignment, reason, keep=(), now=None):
    """Cancel ``assignment``'s shifts still to come that nobody has logged,
    except those starting at one of ``keep``. Returns how many."""
    now = now or timezone.now()
    shifts = Shift.objects.for_home(home).filter(
        assignment=assignment, starts_at__gt=now, status__in=(Status.PLANNED, Status.CONFIRMED)
    )
    if keep:
        shifts = shifts.exclude(starts_at__in=list(keep))
    return record_update(shifts, status=Status.CANCELLED, status_note=reason[:300])


# --- Rota shifts ----------------------------------------------------------------------------


def _overlapping(home, volunteer, starts_at, ends_at):
    return (
        Shift.objects.for_home(home)
        .filter(volunteer=volunteer, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(status__in=(Status.CANCELLED, Status.DECLINED))
        .select_related("resident", "role")
        .first()
    )


def _what(shift):
    if shift.resident_id:
        return f"a visit to {shift.resident.short_name}"
    return shift.title or (shift.role.name if shift.role_id else "a shift")


def shift_create(*, home, actor, volunteer, role, title, day, starts, ends, form_token=None):
    """Put ``volunteer`` on the rota in ``role`` on ``day`` from ``starts``
    to ``ends`` (home time), once per ``form_token``. They must hold the
    role and have everything it needs on that day; a volunteer already on
    the rota at that time is refused."""
    submission_seen(home=home, token=form_token)
    check_home(home, volunteer, role)
    title = _clean(title)
    if not title:
        raise DomainError(TITLE_MISSING, field="title")
    if len(title) > 150:
        raise DomainError(TITLE_TOO_LONG, field="title")
    if volunteer.status == Volunteer.Status.LEFT:
        raise DomainError(CHOOSE_VOLUNTEER, field="volunteer")
    if day is None:
        raise DomainError(DATE_MISSING, field="day")
    check_date(booking_date_problem(day), field="day")
    if starts is None:
        raise DomainError(FROM_MISSING, field="starts")
    if ends is None:
        raise DomainError(UNTIL_MISSING, field="ends")
    starts_at = local_datetime(day, starts, field="starts")
    ends_at = local_datetime(day, ends, field="ends")
    if ends_at <= starts_at:
        raise DomainError(ENDS_BEFORE_STARTS, field="ends")
    loaded = _with_facts(home, volunteer)
    held = _their_role(loaded, role)
    if held is None:
        raise DomainError(
            f"{volunteer.full_name} is not a {role.name.lower()}. Choose one of their roles, "
            "or add the role on their page first.",
            field="role",
        )
    rules.require_clear(loaded, doing="put on the rota", role=held, on=day, field="volunteer")
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        # One co-ordinator at a time puts this volunteer on the rota, so two
        # at once cannot both find the time free.
        Volunteer.objects.for_home(home).select_for_update().filter(pk=volunteer.pk).first()
        clash = _overlapping(home, volunteer, starts_at, ends_at)
        if clash is not None:
            when = timezone.localtime(clash.starts_at)
            raise DomainError(
                f"{volunteer.full_name} is already on the rota then: {_what(clash)}, "
                f"{day_text(when, 'l j F')} {when:%H:%M}–{timezone.localtime(clash.ends_at):%H:%M}.",
                field="starts",
            )
        shift = Shift.objects.create(
            home=home,
            volunteer=volunteer,
            role=role,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=actor,
        )
        once.created(shift)
    return shift


# --- A volunteer's reply ----------------------------------------------------------------------


def shift_reply(*, home, actor, volunteer, shift, coming, reason="", now=None):
    """``volunteer`` says they will be there (``coming``) or cannot make it
    (with an optional ``reason`` the co-ordinators see on the rota). They may
    change their mind until the shift starts."""
    check_home(home, volunteer, shift)
    if shift.volunteer_id != volunteer.pk:
        raise DomainError("That shift is someone else's.")
    if coming not in (True, False):
        raise DomainError(CHOOSE_REPLY, field="answer")
    reason = _clean(reason)
    if len(reason) > 300:
        raise DomainError(REPLY_REASON_TOO_LONG, field="reason")
    now = now or timezone.now()
    with transaction.atomic(), acting_as(actor):
        locked = Shift.objects.for_home(home).select_for_update().get(pk=shift.pk)
        if locked.status == Status.CANCELLED:
            raise DomainError("This shift was cancelled, so there is nothing to reply to.")
        if locked.status == Status.DONE:
            raise DomainError("This visit has been logged already.")
        if locked.starts_at <= now:
            raise DomainError("This shift has started. If something is wrong, please ring the home.")
        locked.status = Status.CONFIRMED if coming else Status.DECLINED
        locked.status_note = "" if coming else reason
        locked.save(update_fields=["status", "status_note", *version_bump(locked)])
    return locked


# --- Logging what happened --------------------------------------------------------------------

# Where a message of the connection log belongs on the shift's log form.
_LOG_FIELDS = {"response": "response", "note": "note"}


def already_logged(shift):
    who = shift.logged_by.full_name if shift.logged_by_id and shift.logged_by else "someone"
    when = day_text(shift.logged_at, "l j F")
    return f"This visit was already logged by {who} on {when}. It cannot be logged twice."


def shift_log(*, home, actor, shift, minutes, response="", note="", form_token=None, now=None):
    """Record that ``shift`` happened: the time given, how it went for the
    resident and a note. A visit to a resident also goes on their connection
    log (a volunteer, in person), so it is on their timeline. Staff and the
    volunteer both log through here, once per shift (and per ``form_token``).
    The hours then wait for a co-ordinator to confirm them."""
    check_home(home, shift)
    submission_seen(home=home, token=form_token)
    now = now or timezone.now()
    if minutes is None or not 1 <= minutes <= MINUTES_MAX:
        raise DomainError(MINUTES_RANGE, field="minutes")
    note = (note or "").strip()
    if len(note) > LOG_NOTE_LIMIT:
        raise DomainError(LOG_NOTE_TOO_LONG, field="note")
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        locked = (
            Shift.objects.for_home(home)
            .select_for_update(of=("self",))
            .select_related("volunteer", "resident", "logged_by")
            .get(pk=shift.pk)
        )
        if locked.logged_at is not None:
            raise DomainError(already_logged(locked))
        if locked.status == Status.CANCELLED:
            raise DomainError("This shift was cancelled, so it cannot be logged.")
        if locked.starts_at > now + STARTED_ALLOWANCE:
            when = timezone.localtime(locked.starts_at)
            raise DomainError(
                f"This has not happened yet: it starts {day_text(when, 'l j F')} at {when:%H:%M}. "
                "Log it once it has started."
            )
        connection = None
        if locked.resident_id is not None:
            resident = locked.resident
            if response not in Response.values:
                raise DomainError(choose_how_it_went(resident), field="response")
            if locked.starts_at < now - timedelta(days=OLDEST_DAYS):
                raise DomainError(
                    f"This visit was more than {OLDEST_DAYS} days ago, so it can no longer go on "
                    f"{resident.short_name}'s connection log."
                )
            try:
                connection = connection_log(
                    home=home,
                    actor=actor,
                    residents_with_responses=[(resident, response, "")],
                    occurred_at=locked.starts_at,
                    with_whom=Connection.WithWhom.VOLUNTEER,
                    mode=Connection.Mode.IN_PERSON,
                    with_name=locked.volunteer.full_name,
                    note=note,
                )
            except DomainError as error:
                raise DomainError(error.message, field=_LOG_FIELDS.get(error.field)) from error
        else:
            response = ""
        locked.status = Status.DONE
        locked.minutes_given = minutes
        locked.response = response
        locked.log_note = note
        locked.logged_at = timezone.now()
        locked.logged_by = actor
        locked.connection = connection
        locked.save(
            update_fields=[
                "status",
                "minutes_given",
                "response",
                "log_note",
                "logged_at",
                "logged_by",
                "connection",
                *version_bump(locked),
            ]
        )
        once.created(locked)
    return locked


# --- Hours ------------------------------------------------------------------------------------


def hours_confirm(*, home, actor, shift):
    """A co-ordinator confirms the hours of a logged shift (they count in the totals from now)."""
    check_home(home, shift)
    with transaction.atomic(), acting_as(actor):
        locked = (
            Shift.objects.for_home(home)
            .select_for_update(of=("self",))
            .select_related("hours_confirmed_by")
            .get(pk=shift.pk)
        )
        if locked.status != Status.DONE:
            raise DomainError("Only hours that have been logged can be confirmed. Log the visit first.")
        if locked.hours_confirmed_at is not None:
            who = locked.hours_confirmed_by.full_name if locked.hours_confirmed_by else "someone"
            raise DomainError(
                f"These hours were already confirmed by {who} on "
                f"{day_text(locked.hours_confirmed_at, 'l j F')}."
            )
        locked.hours_confirmed_at = timezone.now()
        locked.hours_confirmed_by = actor
        locked.save(update_fields=["hours_confirmed_at", "hours_confirmed_by", *version_bump(locked)])
    return locked
