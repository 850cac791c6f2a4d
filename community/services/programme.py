"""Writes for the programme: adding an activity (in the home, an outing, or a
community group using one of the home's spaces), its dates, editing it,
taking it off the programme, and moving or cancelling one date.

Dates (``Occurrence``) are made eight weeks ahead: ``activity_create`` makes
them at once, and a planner (``occurrences_plan``, run by
``community.planners``) keeps every live recurring activity eight weeks ahead.

A date in one of the home's spaces holds it (``homes.holds``), on the same
table as family visits. When adding or changing an activity, a date that
clashes with another hold (a family visit, another activity) refuses the
whole change and names the dates; the planner, extending, leaves a clashing
date out (the activity's page lists it). PostgreSQL's exclusion constraint
decides a race: ``IntegrityError`` with ``is_overlap`` is the same "booked"
message, never a server error (as ``visits.services.booking``).
"""

import calendar
from datetime import date, timedelta

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Max
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.lib.phones import phone_problem
from carehome.timeutils import add_months, day_text, local_datetime, long_day
from carehome.versions import version_bump, version_check
from community import messages as programme_messages
from community.models import Activity, Occurrence, PartnerKind, Partnership
from community.services.outings import dates_recheck
from homes.audit import record_created
from homes.holds import (
    clashes,
    held_range,
    hold_create,
    hold_move,
    hold_release,
    is_overlap,
    lock_space,
    sqlstate,
)
from homes.models import Role, SpaceHold
from homes.scoping import check_home
from homes.submissions import submission_once, submission_seen
from notifications.timing import at_local
from residents.models import Idea
from residents.services.coproduction import idea_status_set
from visits.services.events import event_move, event_withdraw
from volunteers.models import Volunteer

Kind = Activity.Kind
Repeats = Activity.Repeats
Transport = Activity.Transport
Status = Occurrence.Status

PLAN_WEEKS = 8  # dates are made this far ahead
AHEAD_YEARS = 2  # the furthest a first date or "repeat until" may be
CAPACITY_MAX = 200
STAFF_ROLES = (Role.STAFF, Role.CHAMPION, Role.MANAGER)
ATTEMPTS = 3
RETRYABLE = {"40P01", "40001"}  # deadlock, serialization failure
MOST_DATES_NAMED = 4

# Words the forms share (they import them from here).
TITLE_MISSING = "Give the activity a name, like “Chair exercise” or “Fishing trip”."
TITLE_TOO_LONG = "Keep the name under 150 characters."
CHOOSE_KIND = "Choose whether it is in the home, an outing, or a community group using a space."
CAPACITY_RANGE = f"Enter how many residents can take part: a number from 1 to {CAPACITY_MAX}."
CHOOSE_SPACE = "Choose one of the home's spaces from the list."
CHOOSE_PARTNER = "Choose one of this home's partners from the list."
CHOOSE_PLACE = "Choose one of the places on the list."
CHOOSE_IDEA = "Choose one of the residents' ideas from the list, or none."
CHOOSE_STAFF = "Choose staff from the list."
CHOOSE_VOLUNTEERS = "Choose volunteers from the list."
CHOOSE_REPEATS = "Choose how often it happens."
CHOOSE_TRANSPORT = "Choose how everyone gets there."
IN_HOME_NEEDS_SPACE = "Choose the space in the home where it happens."
IN_HOME_NOT_OUT = (
    "An activity in the home happens in one of its spaces. For somewhere else, choose “An outing”."
)
VENUE_NEEDS_PARTNER = "Choose the community group (a partner) using the space."
VENUE_NEEDS_SPACE = "Choose the space the community group will use."
VENUE_NOT_OUT = "A community group uses one of the home's spaces: leave the place and address empty."
OUTING_WHERE_MISSING = "Say where the outing goes: a partner, a place nearby, or an address."
OUTING_ONE_PLACE = "Choose just one of a partner, a place or an address for where the outing goes."
OUTING_NOT_A_SPACE = "An outing leaves the home: leave the space empty, or choose “An activity in the home”."
ADDRESS_TOO_LONG = "Keep the address under 300 characters."
ACCESSIBILITY_TOO_LONG = "Keep the accessibility notes under 300 characters."
DATE_MISSING = "Enter the date it first happens, like 14/11/2026."
STARTS_MISSING = "Enter the time it starts, like 14:00."
ENDS_MISSING = "Enter the time it ends, like 15:30."
ENDS_BEFORE_STARTS = "The end time must be after the start time."
RETURNS_BEFORE_DEPARTS = "The return time must be after the departure time."
UNTIL_BEFORE_FIRST = "“Repeat until” must be on or after the first date."
TRANSPORT_PARTNER_MISSING = "Choose the community transport partner."
CALL_NAME_MISSING = "Say who to call on the day if something goes wrong."
CALL_NAME_TOO_LONG = "Keep the name under 150 characters."
CALL_PHONE_MISSING = "Enter the phone number of the person to call, like 01632 960123."
WHAT_TO_TAKE_TOO_LONG = "Keep what to take under 500 characters."
NOTE_TOO_LONG = "Keep the note under 300 characters."
REASON_MISSING = "Say why this date is cancelled: the people invited are told."
REASON_TOO_LONG = "Keep the reason under 300 characters."
DAY_MISSING = "Enter the new date, like 14/11/2026."
ALREADY_ENDED = "This activity has been taken off the programme already."
DATE_CANCELLED = "This date was cancelled. Add another date instead."
DATE_PASSED = "This date has passed, so it cannot be changed."


class SpaceBooked(DomainError):
    pass


def _clean(value):
    return " ".join((value or "").split())


def date_problem(day, *, on=None, allow_past=False):
    """Why ``day`` cannot be an activity's date, or '': not in the past (for a
    new date) and at most two years ahead."""
    now = on or timezone.localdate()
    latest = add_months(now, 12 * AHEAD_YEARS)
    if not allow_past and day < now:
        return "That date has passed. Choose today or a later date."
    if day > latest:
        return f"Plan up to two years ahead: choose a date on or before {long_day(latest)}."
    return ""


# --- Dates -----------------------------------------------------------------------------------


def _nth_weekday(year, month, weekday, nth):
    """The ``nth`` (1–5) ``weekday`` of a month; a fifth that does not exist is the last."""
    days = [d for d in calendar.Calendar().itermonthdates(year, month) if d.month == month]
    matching = [d for d in days if d.weekday() == weekday]
    return matching[min(nth, len(matching)) - 1]


def activity_dates(activity, start, until):
    """The days ``activity`` happens from ``start`` to ``until`` (both
    included), following its pattern from its first date, none after its
    "repeat until". Monthly: the same week and weekday (the second Tuesday)."""
    first, repeats = activity.first_day, activity.repeats
    last = min(until, activity.last_day) if activity.last_day else until
    if repeats == Repeats.ONCE:
        return [first] if start <= first <= last else []
    found = []
    if repeats == Repeats.MONTHLY:
        nth = (first.day - 1) // 7 + 1
        year, month = first.year, first.month
        while True:
            day = _nth_weekday(year, month, first.weekday(), nth)
            if day > last:
                break
            if day >= start and day >= first:
                found.append(day)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found
    step = 14 if repeats == Repeats.FORTNIGHTLY else 7
    day = first
    if start > first:
        day = first + timedelta(days=-(-(start - first).days // step) * step)
    while day <= last:
        found.append(day)
        day += timedelta(days=step)
    return found


def planned_until(on):
    return on + timedelta(weeks=PLAN_WEEKS)


def occurrence_times(activity, day):
    """(starts_at, ends_at) of ``activity`` on ``day``, home time (a time the
    clocks skip moves on an hour, as ``at_local``)."""
    starts = at_local(day, activity.starts.hour, activity.starts.minute)
    ends = at_local(day, activity.ends.hour, activity.ends.minute)
    return starts, ends


def hold_label(activity):
    if activity.partnership_id:
        return f"{activity.title} ({activity.partnership.partner.name})"
    return activity.title


def _held_for(activity):
    return SpaceHold.HeldFor.VENUE if activity.kind == Kind.VENUE else SpaceHold.HeldFor.ACTIVITY


def _booked_text(space, hold):
    start, end = timezone.localtime(hold.starts_at), timezone.localtime(hold.ends_at)
    return f"{day_text(start, 'l j F')}, {start:%H:%M}–{end:%H:%M} ({hold.label})"


def booked_message(space, found):
    """“The Lounge is booked on Tuesday 8 December, 14:00–15:00 (Visit with Peggy).”"""
    named = [_booked_text(space, hold) for hold in found[:MOST_DATES_NAMED]]
    more = len(found) - len(named)
    listed = "; ".join(named) + (f"; and {more} more" if more > 0 else "")
    return (
        f"The {space.name} is booked on {listed}. Choose another time or another space, "
        "or move what is booked first."
    )


def _clashing(space, times, *, exclude=()):
    """The live holds of ``space`` in the way of any of ``times`` [(starts_at,
    ends_at)]: one query over the whole span, then compared date by date."""
    if not times:
        return {}
    ranges = [held_range(space, s, e) for s, e in times]
    holds = [
        h for h in clashes(space, min(r[0] for r in ranges), max(r[1] for r in ranges)) if h.pk not in exclude
    ]
    found = {}
    for (starts_at, _), (blocked_from, blocked_until) in zip(times, ranges, strict=True):
        # Two holds clash when either's held range (with its buffer) meets the other's.
        hits = [h for h in holds if h.blocked_from < blocked_until and h.blocked_until > blocked_from]
        if hits:
            found[starts_at] = hits
    return found


def _refuse_clashes(space, found):
    if found:
        holds = sorted({h.pk: h for hits in found.values() for h in hits}.values(), key=lambda h: h.starts_at)
        raise SpaceBooked(booked_message(space, holds), field="space")


def _with_retries(work, *, space, times, exclude=()):
    """Run ``work`` in a transaction; a space clash found by the database (a
    racing family visit) becomes the same "booked" message as the check's."""
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return work()
        except IntegrityError as error:
            if space is None or not is_overlap(error):
                raise
            break
        except OperationalError as error:
            if sqlstate(error) not in RETRYABLE:
                raise
            if attempt == ATTEMPTS - 1 or transaction.get_connection().in_atomic_block:
                break
    found = _clashing(space, times, exclude=exclude)
    if found:
        _refuse_clashes(space, found)
    raise SpaceBooked(
        f"The {space.name} was booked by someone else just now, at one of these times. "
        "Nothing has been saved: look at the space's calendar and try again.",
        field="space",
    )


def _make_dates(activity, days, *, now, skip_clashes=False):
    """Occurrences of ``activity`` on ``days`` (with their holds when it is in a
    space). A clash refuses everything, or with ``skip_clashes`` leaves that
    date out. Call inside the transaction, after ``lock_space``. Returns them."""
    times = {day: occurrence_times(activity, day) for day in days}
    if activity.space_id:
        found = _clashing(activity.space, list(times.values()))
        if skip_clashes:
            times = {day: t for day, t in times.items() if t[0] not in found}
        else:
            _refuse_clashes(activity.space, found)
    status = Status.PLANNED if activity.kind == Kind.OUTING else Status.CONFIRMED
    made = []
    for starts_at, ends_at in times.values():
        hold = None
        if activity.space_id:
            hold = hold_create(
                space=activity.space,
                held_for=_held_for(activity),
                label=hold_label(activity),
                starts_at=starts_at,
                ends_at=ends_at,
            )
        made.append(
            Occurrence(
                home_id=activity.home_id,
                activity=activity,
                starts_at=starts_at,
                ends_at=ends_at,
                status=status,
                confirmed_at=now if status == Status.CONFIRMED else None,
                hold=hold,
            )
        )
    if made:
        made = Occurrence.objects.bulk_create(made)
        record_created(made)
    return made


# --- Checking what was typed -------------------------------------------------------------------


def _check_where(home, values):
    kind, space, partnership = values["kind"], values["space"], values["partnership"]
    place, address = values["place"], values["address"]
    check_home(home, space, partnership, place)
    if space is not None and not (space.bookable and space.is_active):
        raise DomainError(f"The {space.name} cannot be booked at the moment.", field="space")
    if partnership is not None and partnership.status != Partnership.Status.ACTIVE:
        raise DomainError(CHOOSE_PARTNER, field="partnership")
    if place is not None and not place.is_active:
        raise DomainError(CHOOSE_PLACE, field="place")
    if len(address) > 300:
        raise DomainError(ADDRESS_TOO_LONG, field="address")
    if kind == Kind.VENUE:
        if partnership is None:
            raise DomainError(VENUE_NEEDS_PARTNER, field="partnership")
        if space is None:
            raise DomainError(VENUE_NEEDS_SPACE, field="space")
        if place is not None or address:
            raise DomainError(VENUE_NOT_OUT, field="place" if place is not None else "address")
    elif kind == Kind.IN_HOME:
        if place is not None or address:
            raise DomainError(IN_HOME_NOT_OUT, field="place" if place is not None else "address")
        if space is None:
            raise DomainError(IN_HOME_NEEDS_SPACE, field="space")
    else:
        if space is not None:
            raise DomainError(OUTING_NOT_A_SPACE, field="space")
        chosen = [partnership is not None, place is not None, bool(address)]
        if not any(chosen):
            raise DomainError(OUTING_WHERE_MISSING, field="partnership")
        if sum(chosen) > 1:
            raise DomainError(OUTING_ONE_PLACE, field="address" if address else "place")


def _check_people(home, staff, volunteers):
    for member in staff:
        if member.home_id != home.pk or member.role not in STAFF_ROLES or not member.is_active:
            raise DomainError(CHOOSE_STAFF, field="staff")
    for volunteer in volunteers:
        if volunteer.home_id != home.pk or volunteer.status != Volunteer.Status.ACTIVE:
            raise DomainError(CHOOSE_VOLUNTEERS, field="volunteers")


def _check_outing(home, values):
    if values["kind"] != Kind.OUTING:
        values.update(transport="", transport_partnership=None, what_to_take="", call_name="", call_phone="")
        return
    if values["transport"] not in Transport.values or not values["transport"]:
        raise DomainError(CHOOSE_TRANSPORT, field="transport")
    partner = values["transport_partnership"]
    if values["transport"] == Transport.COMMUNITY:
        if partner is None:
            raise DomainError(TRANSPORT_PARTNER_MISSING, field="transport_partnership")
        check_home(home, partner)
        if (
            partner.status != Partnership.Status.ACTIVE
            or partner.partner.kind != PartnerKind.COMMUNITY_TRANSPORT
        ):
            raise DomainError(CHOOSE_PARTNER, field="transport_partnership")
    else:
        values["transport_partnership"] = None
    if len(values["what_to_take"]) > 500:
        raise DomainError(WHAT_TO_TAKE_TOO_LONG, field="what_to_take")
    if not values["call_name"]:
        raise DomainError(CALL_NAME_MISSING, field="call_name")
    if len(values["call_name"]) > 150:
        raise DomainError(CALL_NAME_TOO_LONG, field="call_name")
    if not values["call_phone"]:
        raise DomainError(CALL_PHONE_MISSING, field="call_phone")
    if problem := phone_problem(values["call_phone"]):
        raise DomainError(problem, field="call_phone")
    if len(values["call_phone"]) > 30:
        raise DomainError(CALL_PHONE_MISSING, field="call_phone")


def _check_times(kind, first_day, starts, ends, field="ends"):
    if starts is None:
        raise DomainError(STARTS_MISSING, field="starts")
    if ends is None:
        raise DomainError(ENDS_MISSING, field="ends")
    local_datetime(first_day, starts, field="starts")
    local_datetime(first_day, ends, field="ends")
    if ends <= starts:
        raise DomainError(RETURNS_BEFORE_DEPARTS if kind == Kind.OUTING else ENDS_BEFORE_STARTS, field=field)


def _check_dates(values, *, existing, on):
    if values.get("repeats") not in Repeats.values:
        raise DomainError(CHOOSE_REPEATS, field="repeats")
    first_day = values.get("first_day")
    if first_day is None:
        raise DomainError(DATE_MISSING, field="first_day")
    keeps_first = existing is not None and first_day == existing.first_day
    if problem := date_problem(first_day, on=on, allow_past=keeps_first):
        raise DomainError(problem, field="first_day")
    last_day = values.get("last_day")
    if values["repeats"] == Repeats.ONCE:
        last_day = None
    elif last_day is not None:
        if last_day < first_day:
            raise DomainError(UNTIL_BEFORE_FIRST, field="last_day")
        if problem := date_problem(last_day, on=on, allow_past=True):
            raise DomainError(problem, field="last_day")
    values["last_day"] = last_day
    _check_times(values["kind"], first_day, values.get("starts"), values.get("ends"))


def _prepare(*, home, fields, existing=None, now):
    """Check everything typed; return the values to store (and m2m lists)."""
    values = {name: fields.get(name) for name in FIELDS}
    values["title"] = _clean(values.get("title"))
    if not values["title"]:
        raise DomainError(TITLE_MISSING, field="title")
    if len(values["title"]) > 150:
        raise DomainError(TITLE_TOO_LONG, field="title")
    values["description"] = (values.get("description") or "").strip()
    if existing is not None:
        values["kind"] = existing.kind
    if values.get("kind") not in Kind.values:
        raise DomainError(CHOOSE_KIND, field="kind")
    values["address"] = _clean(values.get("address"))
    values["accessibility"] = _clean(values.get("accessibility"))
    if len(values["accessibility"]) > 300:
        raise DomainError(ACCESSIBILITY_TOO_LONG, field="accessibility")
    _check_where(home, values)
    capacity = values.get("capacity")
    if capacity is None or not 1 <= capacity <= CAPACITY_MAX:
        raise DomainError(CAPACITY_RANGE, field="capacity")
    idea = values["idea"]
    if idea is not None:
        check_home(home, idea)
        allowed = (Idea.Status.NEW, Idea.Status.PLANNED)
        if idea.status not in allowed and (existing is None or existing.idea_id != idea.pk):
            raise DomainError(CHOOSE_IDEA, field="idea")
    _check_dates(values, existing=existing, on=timezone.localdate(now))
    for name in ("transport", "what_to_take", "call_name", "call_phone"):
        values[name] = _clean(values.get(name))
    _check_outing(home, values)
    staff = list(fields.get("staff") or [])
    volunteers = list(fields.get("volunteers") or [])
    interests = list(fields.get("interests") or [])
    _check_people(home, staff, volunteers)
    for flag in ("intergenerational", "nature", "wider_community", "virtual", "on_public_programme"):
        values[flag] = bool(values.get(flag))
    return values, {"staff": staff, "volunteers": volunteers, "interests": interests}


FIELDS = (
    "title description kind space partnership place address capacity accessibility intergenerational "
    "nature wider_community virtual idea repeats first_day last_day starts ends transport "
    "transport_partnership what_to_take call_name call_phone on_public_programme"
).split()


def _first_dates(activity, on):
    until = max(planned_until(on), activity.first_day)
    return activity_dates(activity, max(on, activity.first_day), until)


# --- Adding an activity ----------------------------------------------------------------------


def activity_create(*, home, actor, form_token=None, now=None, **fields):
    """Add an activity to the programme with its dates for the next eight
    weeks (its one date, for a one-off), once per ``form_token``. In the
    home and community groups are confirmed; outings are planned until the
    outings area confirms them. Dates in a space hold it: a clash refuses
    it all, naming the dates. From a resident's idea that is new, the idea
    moves to "planned"."""
    now = now or timezone.now()
    submission_seen(home=home, token=form_token)
    values, related = _prepare(home=home, fields=fields, now=now)
    space = values["space"]
    probe = Activity(home=home, **values)
    days = _first_dates(probe, timezone.localdate(now))
    times = [occurrence_times(probe, day) for day in days]

    def work():
        with acting_as(actor), submission_once(home=home, actor=actor, token=form_token) as once:
            if space is not None:
                lock_space(space)
            activity = Activity.objects.create(home=home, created_by=actor, created_at=now, **values)
            activity.staff.set(related["staff"])
            activity.volunteers.set(related["volunteers"])
            activity.interests.set(related["interests"])
            _make_dates(activity, days, now=now)
            idea = values["idea"]
            if idea is not None and idea.status == Idea.Status.NEW:
                idea_status_set(home=home, idea=idea, actor=actor, status=Idea.Status.PLANNED)
            once.created(activity)
            return activity

    return _with_retries(work, space=space, times=times)


# --- Changing an activity --------------------------------------------------------------------


def _days_with_dates(activity):
    """The local days ``activity`` has a date on, cancelled or not."""
    starts = Occurrence.objects.for_home(activity.home_id).filter(activity=activity)
    return {timezone.localdate(s) for s in starts.values_list("starts_at", flat=True)}


def _coming(activity, now):
    return list(
        Occurrence.objects.for_home(activity.home_id)
        .filter(activity=activity, starts_at__gt=now)
        .exclude(status=Status.CANCELLED)
        .select_related("hold")
        .order_by("starts_at")
    )


def _families_follow(occurrence, *, now):
    """The families' invitations (visits' events) follow their date: moved to
    its new time, or withdrawn when it is cancelled. The families hear about it
    once, from the programme's own change or cancellation message."""
    home = occurrence.home
    for event in occurrence.family_events.all():
        if occurrence.status == Status.CANCELLED:
            event_withdraw(home=home, event=event, now=now)
        else:
            event_move(
                home=home, event=event, starts_at=occurrence.starts_at, ends_at=occurrence.ends_at, now=now
            )


def _cancel(occurrence, *, reason, now):
    occurrence.status = Status.CANCELLED
    occurrence.cancelled_at = now
    occurrence.cancelled_reason = reason[:300]
    hold_release(occurrence.hold, now=now)
    occurrence.sequence += 1
    occurrence.save(
        update_fields=["status", "cancelled_at", "cancelled_reason", "sequence", *version_bump(occurrence)]
    )
    programme_messages.programme_messages_schedule(
        occurrence=occurrence, kind=programme_messages.CANCELLED, now=now
    )
    # After the message: it is sent to the families invited while their invitations still stand.
    _families_follow(occurrence, now=now)


def _retime(activity, occurrence, *, now):
    """Give ``occurrence`` the activity's times and space on its own day."""
    day = timezone.localdate(occurrence.starts_at)
    starts_at, ends_at = occurrence_times(activity, day)
    space = activity.space
    hold = occurrence.hold if occurrence.hold_id and occurrence.hold.released_at is None else None
    if space is None:
        hold_release(hold, now=now)
        occurrence.hold = None
    elif hold is not None:
        hold_move(hold, space=space, starts_at=starts_at, ends_at=ends_at, label=hold_label(activity))
    else:
        occurrence.hold = hold_create(
            space=space,
            held_for=_held_for(activity),
            label=hold_label(activity),
            starts_at=starts_at,
            ends_at=ends_at,
        )
    occurrence.starts_at, occurrence.ends_at = starts_at, ends_at
    occurrence.sequence += 1
    occurrence.save(update_fields=["starts_at", "ends_at", "hold", "sequence", *version_bump(occurrence)])
    programme_messages.programme_messages_schedule(
        occurrence=occurrence, kind=programme_messages.CHANGED, now=now
    )
    _families_follow(occurrence, now=now)


def _follow(activity, keep, *, times_changed, label_changed, now):
    """The dates to come follow the activity's new times, space or name."""
    space = activity.space
    if times_changed:
        if space is not None:
            found = _clashing(
                space,
                [occurrence_times(activity, timezone.localdate(o.starts_at)) for o in keep],
                exclude={o.hold_id for o in keep if o.hold_id},
            )
            _refuse_clashes(space, found)
        for occurrence in keep:
            _retime(activity, occurrence, now=now)
    elif label_changed:
        for occurrence in keep:
            if occurrence.hold_id and occurrence.hold.released_at is None:
                occurrence.hold.label = hold_label(activity)[:200]
                occurrence.hold.save(update_fields=["label"])


def activity_update(*, home, actor, activity, version=None, now=None, **fields):
    """Change an activity. New times or another space apply to its dates to
    come (their holds move; a clash refuses the change, naming the dates); a
    new pattern (how often, first date, until) cancels the dates to come that
    no longer fit and adds the ones that now do. Its kind stays what it is."""
    now = now or timezone.now()
    check_home(home, activity)
    if activity.ended_at is not None:
        raise DomainError(ALREADY_ENDED)
    values, related = _prepare(home=home, fields=fields, existing=activity, now=now)
    space = values["space"]
    on = timezone.localdate(now)
    probe = Activity(home=home, **values)
    wanted = set(_first_dates(probe, on))

    def plan(locked):
        """(to move, to cancel, days to add) for the dates to come."""
        coming = _coming(locked, now)
        pattern_same = all(getattr(locked, f) == values[f] for f in ("repeats", "first_day", "last_day"))
        if pattern_same:
            return coming, [], []
        keep = [o for o in coming if timezone.localdate(o.starts_at) in wanted]
        drop = [o for o in coming if timezone.localdate(o.starts_at) not in wanted]
        have = _days_with_dates(locked)
        add = [d for d in sorted(wanted) if d not in have and occurrence_times(probe, d)[0] > now]
        return keep, drop, add

    def work():
        with acting_as(actor):
            if space is not None:
                lock_space(space)
            locked = (
                Activity.objects.for_home(home)
                .select_for_update(of=("self",))
                .select_related("partnership__partner", "space")
                .get(pk=activity.pk)
            )
            if locked.ended_at is not None:
                raise DomainError(ALREADY_ENDED)
            version_check(
                locked,
                version,
                submitted={k: v for k, v in values.items() if k in FIELDS} | related,
                saved={
                    "staff": list(locked.staff.all()),
                    "volunteers": list(locked.volunteers.all()),
                    "interests": list(locked.interests.all()),
                },
            )
            times_changed = any(getattr(locked, f) != values[f] for f in ("starts", "ends", "space"))
            label_changed = locked.title != values["title"] or locked.partnership != values["partnership"]
            keep, drop, add = plan(locked)
            idea_before = locked.idea_id
            for name, value in values.items():
                setattr(locked, name, value)
            locked.save(update_fields=[*values.keys(), *version_bump(locked)])
            locked.staff.set(related["staff"])
            locked.volunteers.set(related["volunteers"])
            locked.interests.set(related["interests"])
            for occurrence in drop:
                _cancel(occurrence, reason="The activity's dates changed.", now=now)
            _follow(locked, keep, times_changed=times_changed, label_changed=label_changed, now=now)
            _make_dates(locked, add, now=now)
            # A new transport or time may leave a confirmed outing short of the gate.
            dates_recheck(activity=locked, now=now)
            idea = values["idea"]
            if idea is not None and idea.pk != idea_before and idea.status == Idea.Status.NEW:
                idea_status_set(home=home, idea=idea, actor=actor, status=Idea.Status.PLANNED)
            return locked

    times = [occurrence_times(probe, day) for day in sorted(wanted)]
    exclude = {o.hold_id for o in _coming(activity, now) if o.hold_id}
    return _with_retries(work, space=space, times=times, exclude=exclude)


def activity_end(*, home, actor, activity, now=None):
    """Take an activity off the programme: its dates to come are cancelled and
    their spaces freed. Past dates and their attendance stay. Twice changes nothing."""
    now = now or timezone.now()
    check_home(home, activity)
    with transaction.atomic(), acting_as(actor):
        locked = Activity.objects.for_home(home).select_for_update().get(pk=activity.pk)
        if locked.ended_at is not None:
            return locked
        for occurrence in _coming(locked, now):
            _cancel(occurrence, reason="Taken off the programme.", now=now)
        locked.ended_at = now
        locked.save(update_fields=["ended_at", *version_bump(locked)])
    return locked


# --- One date ------------------------------------------------------------------------------


def _lock_occurrence(home, occurrence):
    return (
        Occurrence.objects.for_home(home)
        .select_for_update(of=("self",))
        .select_related("activity", "activity__space", "activity__partnership__partner", "hold")
        .get(pk=occurrence.pk)
    )


def occurrence_move(*, home, actor, occurrence, day, starts, ends, note="", version=None, now=None):
    """Move one date to another day or time (its hold moves with it; a clash
    refuses it, naming what is booked). The people told about it are told
    again (``programme_messages_schedule``, CHANGED)."""
    now = now or timezone.now()
    check_home(home, occurrence)
    activity = occurrence.activity
    if day is None:
        raise DomainError(DAY_MISSING, field="day")
    if problem := date_problem(day, on=timezone.localdate(now)):
        raise DomainError(problem, field="day")
    _check_times(activity.kind, day, starts, ends)
    note = _clean(note)
    if len(note) > 300:
        raise DomainError(NOTE_TOO_LONG, field="note")
    starts_at = local_datetime(day, starts, field="starts")
    ends_at = local_datetime(day, ends, field="ends")
    if starts_at <= now:
        raise DomainError("That time has already passed. Choose a later time.", field="starts")
    space = activity.space

    def work():
        with acting_as(actor):
            if space is not None:
                lock_space(space)
            locked = _lock_occurrence(home, occurrence)
            if locked.status == Status.CANCELLED:
                raise DomainError(DATE_CANCELLED)
            if locked.starts_at <= now:
                raise DomainError(DATE_PASSED)
            version_check(
                locked, version, submitted={"starts_at": starts_at, "ends_at": ends_at, "note": note}
            )
            taken = (
                Occurrence.objects.for_home(home)
                .filter(activity=locked.activity, starts_at=starts_at)
                .exclude(pk=locked.pk)
                .exists()
            )
            if taken:
                raise DomainError(
                    "This activity already has a date at that time. Choose another time.", field="day"
                )
            hold = locked.hold if locked.hold_id and locked.hold.released_at is None else None
            if space is not None:
                _refuse_clashes(space, _clashing(space, [(starts_at, ends_at)], exclude={locked.hold_id}))
                if hold is not None:
                    hold_move(hold, space=space, starts_at=starts_at, ends_at=ends_at)
                else:
                    locked.hold = hold_create(
                        space=space,
                        held_for=_held_for(locked.activity),
                        label=hold_label(locked.activity),
                        starts_at=starts_at,
                        ends_at=ends_at,
                    )
            locked.starts_at, locked.ends_at = starts_at, ends_at
            locked.note = note
            locked.sequence += 1
            locked.save(
                update_fields=["starts_at", "ends_at", "note", "hold", "sequence", *version_bump(locked)]
            )
            programme_messages.programme_messages_schedule(
                occurrence=locked, kind=programme_messages.CHANGED, now=now
            )
            _families_follow(locked, now=now)
            # Its driver may be driving elsewhere then, or its assessment due for review.
            dates_recheck(activity=locked.activity, now=now, only=[locked])
            return locked

    exclude = {occurrence.hold_id} if occurrence.hold_id else set()
    return _with_retries(work, space=space, times=[(starts_at, ends_at)], exclude=exclude)


def occurrence_cancel(*, home, actor, occurrence, reason, now=None):
    """Cancel one date, with a reason the people invited are told; its space is
    free again at once. Cancelling twice changes nothing."""
    now = now or timezone.now()
    check_home(home, occurrence)
    reason = _clean(reason)
    if not reason:
        raise DomainError(REASON_MISSING, field="reason")
    if len(reason) > 300:
        raise DomainError(REASON_TOO_LONG, field="reason")
    with transaction.atomic(), acting_as(actor):
        locked = _lock_occurrence(home, occurrence)
        if locked.status == Status.CANCELLED:
            return locked
        if locked.ends_at <= now:
            raise DomainError(DATE_PASSED)
        _cancel(locked, reason=reason, now=now)
    return locked


# --- The planner -----------------------------------------------------------------------------


def dates_extend(activity, on, until, now):
    """Add ``activity``'s missing dates up to ``until``, leaving out a date
    whose space is booked. One transaction; returns how many were made."""
    with transaction.atomic():
        if activity.space_id:
            lock_space(activity.space)
        locked = (
            Activity.objects.for_home(activity.home_id)
            .select_for_update(of=("self",))
            .select_related("space", "partnership__partner")
            .filter(pk=activity.pk, ended_at__isnull=True)
            .first()
        )
        if locked is None:
            return 0
        have = _days_with_dates(locked)
        latest = max(have, default=on - timedelta(days=1))
        after = max(on, latest + timedelta(days=1))
        days = [d for d in activity_dates(locked, after, until) if d not in have]
        made = 0
        for day in days:
            try:
                with transaction.atomic():
                    made += len(_make_dates(locked, [day], now=now, skip_clashes=True))
            except IntegrityError as error:
                if not is_overlap(error):
                    raise
        return made


def occurrences_plan(*, home, now=None):
    """Keep every live recurring activity of ``home`` eight weeks ahead. Safe
    to run any number of times: only dates after an activity's latest one are
    added, under a lock on the activity, and (activity, starts_at) is unique.
    A date whose space is booked is left out (``dates_left_out``)."""
    now = now or timezone.now()
    on = timezone.localdate(now)
    until = planned_until(on)
    live = (
        Activity.objects.for_home(home)
        .filter(ended_at__isnull=True)
        .exclude(repeats=Repeats.ONCE)
        .exclude(last_day__lt=on)
        .filter(first_day__lte=until)
        .select_related("space", "partnership__partner")
        .annotate(latest=Max("occurrences__starts_at"))
    )
    made = 0
    for activity in live:
        after = timezone.localdate(activity.latest) + timedelta(days=1) if activity.latest else on
        if activity_dates(activity, max(on, after), until):
            made += dates_extend(activity, on, until, now)
    return made


def dates_left_out(activity, occurrences, *, on=None):
    """The days ``activity`` should have had a date but has none (the planner
    left them out because the space was booked): from the day it was added to
    its latest date, compared with its ``occurrences`` (already loaded)."""
    if not activity.space_id or activity.repeats == Repeats.ONCE or not occurrences:
        return []
    have = {timezone.localdate(o.starts_at) for o in occurrences}
    start = max(activity.first_day, timezone.localdate(activity.created_at))
    end = max(have)
    on = on or timezone.localdate()
    return [d for d in activity_dates(activity, start, end) if d not in have and d >= on]


def monday_of(day: date):
    return day - timedelta(days=day.weekday())
