"""Writes for booking visits and calls: book, reschedule, cancel, and the
relative's calendar feed.

Booking never gates visiting: it reserves a space, a meal, the home's tablet
or a member of staff's time. There is no limit on how many visits anyone
books, per day or per week, anywhere.

A space can never be double-booked. PostgreSQL's exclusion constraints
(migrations homes 0009 and visits 0002) refuse an overlapping hold or visit,
whatever writes it. A new booking only adds a hold, so on PostgreSQL it asks
nothing first: the insert decides, and a booking racing another for the same
time waits for the other's commit, then is refused. There the form's token,
the hold, the visit, its history entry and its outbox rows are one statement
(``homes.together``: one round trip, no BEGIN or COMMIT). (SQLite, the demo's
database, has no such constraint: there a new booking looks first, and writes
through the ORM, as it does behind pgbouncer in transaction mode.) A change
moves a hold, so it locks the space's row (``SELECT … FOR UPDATE``: changes
of one space queue up) and checks the held times first. Every conflict — the check, the constraint
(``IntegrityError``), or a deadlock or serialization failure (retried up to
three times) — becomes the same friendly "taken" message with free times,
never a server error.
"""

import secrets
from datetime import timedelta

from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.prepared import can_prepare
from carehome.timeutils import booking_date_problem, check_date
from carehome.timeutils import local_datetime as _local_datetime
from homes.audit import record_update
from homes.holds import hold_create, hold_move, hold_new, hold_release, is_overlap, lock_space, sqlstate
from homes.models import Role, Space, SpaceHold
from homes.submissions import submission_once
from homes.together import create_together, next_ids
from notifications.services import hand_out_after_commit
from residents.models import PersonalPlan, RelativeLink
from visits import messages
from visits.messages import visit_booked_rows, visit_messages_schedule
from visits.models import CalendarFeed, Visit
from visits.selectors import booking as selectors
from visits.selectors.restrictions import active_restriction, keeps_visiting

MAX_VISITORS = 20
ATTEMPTS = 3
# PostgreSQL error codes retried: deadlock, serialization failure (an overlap: homes.holds.is_overlap).
RETRYABLE = {"40P01", "40001"}

# Words the booking form shows too (it imports them from here).
NOT_LISTED = "Choose one of the people listed."
END_BEFORE_START = "The end time must be after the start time."
TOO_FEW_VISITORS = "Enter how many people are coming: at least 1."
TOO_MANY_VISITORS = (
    f"Up to {MAX_VISITORS} people can be booked at once. For a bigger gathering, ring the home."
)

NOT_FOR_ME = {
    Visit.Kind.VIDEO_CALL: "{name}'s plan says video calls are not for them, so the home does not book them.",
    Visit.Kind.PHONE_CALL: "{name}'s plan says phone calls are not for them, so the home does not book them.",
}


class SpaceTaken(Exception):
    pass


def local_datetime(day, at, *, field="start_time"):
    return _local_datetime(day, at, field=field)


def _format_slots(slots):
    return ", ".join(f"{timezone.localtime(a):%H:%M}–{timezone.localtime(b):%H:%M}" for a, b in slots)


def taken_error(space, starts_at, ends_at, *, exclude_pk=None):
    """The friendly "taken" message, offering up to three free times that day."""
    day = timezone.localtime(starts_at).date()
    slots = selectors.free_slots(space, day, ends_at - starts_at, exclude_pk=exclude_pk, near=starts_at)
    if slots:
        message = f"That space is taken at that time — it is free {_format_slots(slots)}."
    else:
        message = (
            "That space is taken at that time, and it has no other free time that long that day. "
            "Try another day or another space."
        )
    return DomainError(message, field="space")


# --- Checks ------------------------------------------------------------------------


def _check_resident(home, membership, resident, read):
    """``read``: the form's rows for this membership (``selectors.read_to_book``), or None."""
    if read is not None:
        allowed = resident.pk in read
    else:
        allowed = selectors.residents_to_book_for(home, membership).filter(pk=resident.pk).exists()
    if resident.home_id != home.pk or not allowed:
        raise DomainError(NOT_LISTED, field="resident")


def _check_times(starts_at, ends_at, now):
    if ends_at <= starts_at:
        raise DomainError(END_BEFORE_START, field="end_time")
    if starts_at <= now:
        raise DomainError("That time has already passed. Choose a time later than now.", field="date")
    if ends_at - starts_at > timedelta(hours=12):
        raise DomainError("A booking can be up to 12 hours long.", field="end_time")


def _check_visitors(visitors, space, kind):
    if visitors is None or visitors < 1:
        raise DomainError(TOO_FEW_VISITORS, field="visitors")
    if visitors > MAX_VISITORS:
        raise DomainError(TOO_MANY_VISITORS, field="visitors")
    if space is not None and kind == Visit.Kind.VISIT and visitors > space.capacity:
        raise DomainError(
            f"The {space.name.lower()} has room for {space.capacity}. "
            "Choose a bigger space, or fewer visitors.",
            field="visitors",
        )


def _check_space(home, space, kind, starts_at, ends_at):
    if space.home_id != home.pk:
        raise DomainError(
            f"That space is not at {home.name}. Choose one of the spaces listed.", field="space"
        )
    if not (space.bookable and space.is_active):
        raise DomainError(f"The {space.name.lower()} cannot be booked at the moment.", field="space")
    wanted = selectors.CALL_SPACE_KINDS.get(kind)
    if wanted and space.kind != wanted:
        device = "the tablet" if wanted == Space.Kind.TABLET else "the phone"
        raise DomainError(f"A call is booked on {device}, not a room. Leave the space empty.", field="space")
    if not wanted and space.kind in selectors.DEVICE_KINDS:
        raise DomainError("For a visit, choose a room, or no particular space.", field="space")
    start_local, end_local = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if (
        start_local.date() != end_local.date()
        or start_local.time() < space.opens_at
        or end_local.time() > space.closes_at
    ):
        raise DomainError(
            f"The {space.name.lower()} can be booked between {space.opens_at:%H:%M} and "
            f"{space.closes_at:%H:%M}. Choose a time within those hours.",
            field="start_time",
        )


def _check_call(resident, kind):
    """A call only if the resident's plan welcomes it. Returns support_needed."""
    wish = selectors.call_wish(resident, kind)
    if wish == PersonalPlan.VideoCalls.NOT_FOR_ME:
        raise DomainError(NOT_FOR_ME[kind].format(name=resident.short_name), field="kind")
    return wish == PersonalPlan.VideoCalls.WITH_SUPPORT


def _check_restriction(resident, membership, day, read):
    if membership.role != Role.FAMILY:
        return  # staff may still book, and the booking page tells them so
    if read is not None and read.get(resident.pk) is False:
        return  # the form's rows say no restriction is open for them
    restriction = active_restriction(resident, on=day)
    if restriction is not None and not keeps_visiting(restriction, membership, resident):
        raise DomainError(
            f"Visits to {resident.short_name} are restricted for a while, for their safety; the home expects "
            f"this to end on {restriction.expected_end_on:%-d %B %Y}. An essential care supporter can still "
            "book. Please ring the home to talk about it.",
            field="date",
        )


def _prepare(*, home, membership, resident, kind, space, day, start_time, end_time, visitors, meal, now):
    """Validate everything but the overlap; return the values to store."""
    if kind not in Visit.Kind.values:
        raise DomainError("Choose a visit, a video call or a phone call.", field="kind")
    if meal not in Visit.Meal.values:
        raise DomainError("Choose a meal from the list, or no meal.", field="meal")
    read = selectors.read_to_book(home, membership)
    _check_resident(home, membership, resident, read)
    # Past times are refused just below, to the minute; here only the horizon.
    check_date(booking_date_problem(day, allow_past=True, on=timezone.localdate(now)), field="date")
    starts_at = local_datetime(day, start_time, field="start_time")
    ends_at = local_datetime(day, end_time, field="end_time")
    _check_times(starts_at, ends_at, now)
    support_needed = False
    if kind != Visit.Kind.VISIT:
        support_needed = _check_call(resident, kind)
        if space is None:
            space = selectors.device_for(home, kind)
            if space is None:
                what = "a tablet for video calls" if kind == Visit.Kind.VIDEO_CALL else "a phone for calls"
                raise DomainError(
                    f"{home.name} has no {what} to book yet. Please ring the home to arrange a call.",
                    field="kind",
                )
    if space is not None:
        _check_space(home, space, kind, starts_at, ends_at)
    _check_visitors(visitors, space, kind)
    _check_restriction(resident, membership, day, read)
    return starts_at, ends_at, space, support_needed


def _held(space, starts_at, ends_at):
    buffer = timedelta(minutes=space.buffer_minutes if space else 0)
    return starts_at - buffer, ends_at + buffer


def _with_retries(work, *, space, starts_at, ends_at, exclude_pk=None, one_statement=False):
    """Run ``work`` in a transaction; turn every space conflict into "taken".
    ``one_statement``: ``work`` writes in one statement, its own transaction
    (in a savepoint inside an outer transaction)."""
    for attempt in range(ATTEMPTS):
        try:
            if one_statement and not transaction.get_connection().in_atomic_block:
                return work()
            with transaction.atomic():
                return work()
        except SpaceTaken:
            break
        except IntegrityError as error:
            if space is not None and is_overlap(error):
                break
            raise
        except OperationalError as error:
            if sqlstate(error) not in RETRYABLE:
                raise
            if attempt == ATTEMPTS - 1 or transaction.get_connection().in_atomic_block:
                break
    raise taken_error(space, starts_at, ends_at, exclude_pk=exclude_pk)


def _lock_and_check(space, blocked_from, blocked_until, *, exclude_pk=None):
    if space is None:
        return
    # Bookings of one space queue up here, one transaction at a time, with
    # every other booking of it (activities, community groups: homes.holds).
    lock_space(space)
    if selectors.overlaps(space, blocked_from, blocked_until, exclude_pk=exclude_pk):
        raise SpaceTaken


def _hold_label(resident):
    return f"Visit with {resident.short_name}"


# --- Services ------------------------------------------------------------------------


def visit_book(
    *,
    home,
    actor,
    membership,
    resident,
    day,
    start_time,
    end_time,
    kind=Visit.Kind.VISIT,
    space=None,
    meal=Visit.Meal.NONE,
    visitors=1,
    visitor_name="",
    accessibility_needs="",
    note="",
    on_behalf_of=None,
    now=None,
    form_token=None,
):
    """Book a visit or call (once per ``form_token``). Staff (visits.book) for any current resident; a
    relative for their own. Staff booking for a family pass ``on_behalf_of``
    (the relative's active link to this resident): the visit is then the
    relative's — on their home page, in their calendar, emailed to them — and
    the history records the staff member who made it. The confirmation and the
    reminders are outbox rows in the same transaction; the confirmation goes
    to a worker on commit."""
    now = now or timezone.now()
    starts_at, ends_at, space, support_needed = _prepare(
        home=home,
        membership=membership,
        resident=resident,
        kind=kind,
        space=space,
        day=day,
        start_time=start_time,
        end_time=end_time,
        visitors=visitors,
        meal=meal,
        now=now,
    )
    booked_by = membership
    if on_behalf_of is not None:
        if membership.role == Role.FAMILY or not membership.has_perm("visits.book"):
            raise DomainError("Only staff can book for someone else.", field="for_relative")
        if on_behalf_of.home_id == home.pk and on_behalf_of.resident_id != resident.pk:
            raise DomainError(
                f"{on_behalf_of.membership.user.full_name} is not linked to {resident.short_name}. "
                "Choose one of their relatives, or nobody.",
                field="for_relative",
            )
        if on_behalf_of.home_id != home.pk or on_behalf_of.status != RelativeLink.Status.ACTIVE:
            raise DomainError(
                f"Choose one of {resident.short_name}'s relatives, or nobody.", field="for_relative"
            )
        booked_by = on_behalf_of.membership
    blocked_from, blocked_until = _held(space, starts_at, ends_at)

    def new_hold(pk=None):
        return hold_new(
            pk=pk,
            home=home,
            space=space,
            held_for=SpaceHold.HeldFor.VISIT,
            label=_hold_label(resident),
            starts_at=starts_at,
            ends_at=ends_at,
        )

    def new_visit(hold, pk=None):
        return Visit(
            pk=pk,
            hold=hold,
            home=home,
            resident=resident,
            booked_by=booked_by,
            visitor_name=(" ".join((visitor_name or "").split()) or booked_by.user.full_name)[:150],
            kind=kind,
            space=space,
            starts_at=starts_at,
            ends_at=ends_at,
            blocked_from=blocked_from,
            blocked_until=blocked_until,
            visitors=visitors,
            meal=meal,
            accessibility_needs=(accessibility_needs or "").strip()[:300],
            note=(note or "").strip(),
            support_needed=support_needed,
        )

    def work():
        # The token first: a double tap waits here for the first and is told
        # it was saved, rather than that the space is taken (by itself).
        with acting_as(actor), submission_once(home=home, actor=actor, token=form_token) as once:
            # SQLite (the demo) has no exclusion constraint, so there the look decides.
            if connection.vendor != "postgresql":
                _lock_and_check(space, blocked_from, blocked_until)
            hold = None
            if space is not None:
                hold = new_hold()
                hold.save(force_insert=True)
            visit = new_visit(hold)
            visit.save(force_insert=True)
            visit_messages_schedule(visit=visit, kind=messages.BOOKED, now=now)
            once.created(visit)
            return visit

    def together():
        # On PostgreSQL: the token, the hold, the visit, its history entry and
        # its outbox rows in one statement (homes.together). No lock and no
        # look first: the exclusion constraint decides (IntegrityError:
        # "taken", with free times); a token sent before inserts nothing.
        with acting_as(actor):
            ids = next_ids(Visit, SpaceHold) if space is not None else next_ids(Visit)
            hold = new_hold(pk=ids[1]) if space is not None else None
            visit = new_visit(hold, pk=ids[0])
            outbox = visit_booked_rows(visit=visit, now=now)
            rows = [visit, *outbox] if hold is None else [hold, visit, *outbox]
            create_together(home=home, actor=actor, token=form_token, rows=rows, created=visit, now=now)
            hand_out_after_commit(home, outbox)
            return visit

    if can_prepare():
        return _with_retries(together, space=space, starts_at=starts_at, ends_at=ends_at, one_statement=True)
    return _with_retries(work, space=space, starts_at=starts_at, ends_at=ends_at)


def visit_reschedule(
    *,
    home,
    actor,
    membership,
    visit,
    day,
    start_time,
    end_time,
    kind=None,
    space=None,
    meal=Visit.Meal.NONE,
    visitors=1,
    visitor_name="",
    accessibility_needs="",
    note="",
    resident=None,
    now=None,
):
    """Change a booked visit: the same checks as booking; the calendar
    sequence goes up, an updated invitation is sent and the reminders move."""
    if visit.home_id != home.pk:
        raise DomainError("That visit is not at this home.")
    if visit.status != Visit.Status.BOOKED:
        raise DomainError("This visit was cancelled. Book a new one instead.")
    kind = kind or visit.kind
    resident = resident or visit.resident
    now = now or timezone.now()
    starts_at, ends_at, space, support_needed = _prepare(
        home=home,
        membership=membership,
        resident=resident,
        kind=kind,
        space=space,
        day=day,
        start_time=start_time,
        end_time=end_time,
        visitors=visitors,
        meal=meal,
        now=now,
    )
    blocked_from, blocked_until = _held(space, starts_at, ends_at)
    visitor_name = " ".join((visitor_name or "").split()) or visit.visitor_name

    def work():
        with acting_as(actor):
            _lock_and_check(space, blocked_from, blocked_until, exclude_pk=visit.pk)
            locked = Visit.objects.for_home(visit.home_id).select_for_update().get(pk=visit.pk)
            if locked.status != Visit.Status.BOOKED:
                raise DomainError("This visit was cancelled. Book a new one instead.")
            locked.resident = resident
            locked.kind = kind
            locked.space = space
            locked.starts_at, locked.ends_at = starts_at, ends_at
            locked.blocked_from, locked.blocked_until = blocked_from, blocked_until
            locked.visitors = visitors
            locked.meal = meal
            locked.visitor_name = visitor_name[:150]
            locked.accessibility_needs = (accessibility_needs or "").strip()[:300]
            locked.note = (note or "").strip()
            locked.support_needed = support_needed
            if space is None:
                hold_release(locked.hold)
                locked.hold = None
            elif locked.hold is not None and locked.hold.released_at is None:
                hold_move(
                    locked.hold,
                    space=space,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    label=_hold_label(resident),
                )
            else:
                locked.hold = hold_create(
                    space=space,
                    held_for=SpaceHold.HeldFor.VISIT,
                    label=_hold_label(resident),
                    starts_at=starts_at,
                    ends_at=ends_at,
                )
            locked.sequence = locked.sequence + 1
            # A new revision: its confirmation has not been sent yet (visits.messages).
            locked.confirmation_sent_at = None
            locked.save()
            visit_messages_schedule(visit=locked, kind=messages.CHANGED, now=now)
            return locked

    return _with_retries(work, space=space, starts_at=starts_at, ends_at=ends_at, exclude_pk=visit.pk)


def visit_cancel(*, home, actor, visit, now=None):
    """Cancel a booking (the space is free again at once), send the calendar
    cancellation and drop its reminders. Cancelling twice changes nothing."""
    now = now or timezone.now()
    if visit.home_id != home.pk:
        raise DomainError("That visit is not at this home.")
    with transaction.atomic(), acting_as(actor):
        locked = Visit.objects.for_home(visit.home_id).select_for_update().get(pk=visit.pk)
        if locked.status == Visit.Status.CANCELLED:
            return locked
        locked.status = Visit.Status.CANCELLED
        locked.cancelled_at = now
        hold_release(locked.hold, now=now)
        locked.sequence = F("sequence") + 1
        locked.confirmation_sent_at = None
        locked.save(
            update_fields=["status", "cancelled_at", "sequence", "confirmation_sent_at", "updated_at"]
        )
        locked.refresh_from_db()
        visit_messages_schedule(visit=locked, kind=messages.CANCELLED, now=now)
        return locked


# --- Calendar feed -------------------------------------------------------------------


def feed_create(*, home, actor, membership):
    """A new secret feed address for this relative; any old one stops working."""
    with transaction.atomic(), acting_as(actor):
        feed_revoke(home=home, actor=actor, membership=membership)
        return CalendarFeed.objects.create(home=home, membership=membership, token=secrets.token_urlsafe(32))


def feed_revoke(*, home, actor, membership):
    with transaction.atomic(), acting_as(actor):
        return record_update(
            CalendarFeed.objects.for_home(home).filter(membership=membership, revoked_at__isnull=True),
            revoked_at=timezone.now(),
        )
