"""Reads for booking visits and calls: the spaces and residents to choose
from, free times in a space, the day's visits for staff, a relative's own
visits, and calendar feeds. Times are the home's time, ``settings.TIME_ZONE``."""

from datetime import UTC, datetime, time, timedelta

from django.db.models import Case, Exists, OuterRef, When
from django.utils import timezone

from carehome.prepared import Prepared
from homes.models import Role, Space, SpaceHold
from homes.scoping import crossing_homes, home_scope
from residents.models import PersonalPlan, RelativeLink, Resident
from visits.models import CalendarFeed, Visit, VisitRestriction

CALL_SPACE_KINDS = {Visit.Kind.VIDEO_CALL: Space.Kind.TABLET, Visit.Kind.PHONE_CALL: Space.Kind.PHONE}
DEVICE_KINDS = (Space.Kind.TABLET, Space.Kind.PHONE)
# How far back "recent" visits reach in My visits and the calendar feed.
RECENT_DAYS = 60
SLOT_STEP = timedelta(minutes=30)
_SELECTED = ("resident", "space", "booked_by__user")


def day_bounds(day):
    """The first and last instant of a local day, as aware datetimes (a day
    with a clock change is 23 or 25 hours long)."""
    start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone())
    return start, end


def bookable_spaces(home):
    """The spaces of this home a visit or call can hold."""
    return Space.objects.for_home(home).filter(bookable=True, is_active=True).order_by("name")


# Every booking form, shown or posted, lists them: prepared once per connection (carehome.prepared).
_SPACES = Prepared("kith_bookable_spaces", lambda variant, home_id: bookable_spaces(home_id))


def bookable_space_list(home):
    """``bookable_spaces`` as a list."""
    return _SPACES.rows(None, home.pk)


def device_for(home, kind):
    """The home's tablet (video calls) or phone (phone calls), or None."""
    space_kind = CALL_SPACE_KINDS.get(kind)
    if space_kind is None:
        return None
    return bookable_spaces(home).filter(kind=space_kind).first()


def device_kinds_available(home):
    return set(bookable_spaces(home).filter(kind__in=DEVICE_KINDS).values_list("kind", flat=True))


def residents_to_book_for(home, membership):
    """Staff choose any current resident; a relative their own linked residents."""
    return Resident.objects.for_member(membership).filter(home=home).current().order_by("full_name")


# What the booking form read of a member's residents, kept on the membership
# (one request's object) for the booking service to check the chosen person
# against, rather than asking the database again.
_READ = "_kith_read_to_book"


def _to_book(home, membership):
    """``residents_to_book_for``; for a relative each row says whether a
    visiting restriction is open for that person (``restricted``): only then
    does the service read the restriction."""
    if membership.home_id != home.pk:
        return Resident.objects.none()
    return _to_book_of(_shape(membership), home.pk, membership.pk)


def _shape(membership):
    """(sees every resident, is a relative): what shapes the query."""
    return membership.has_perm("residents.view"), membership.role == Role.FAMILY


def _to_book_of(shape, home_id, membership_id):
    sees_all, family = shape
    rows = (
        Resident.objects.for_member_of(home_id, membership_id, sees_all=sees_all, family=family)
        .current()
        .order_by("full_name")
    )
    if family:
        rows = rows.annotate(
            restricted=Exists(
                VisitRestriction.objects.for_home(home_id).filter(
                    resident=OuterRef("pk"), ended_on__isnull=True
                )
            )
        )
    return rows


def _first_two(shape, home_id, membership_id, pk):
    """The member's first two residents to book for, ``pk`` first if it is one."""
    rows = _to_book_of(shape, home_id, membership_id)
    return rows.annotate(chosen=Case(When(pk=pk, then=0), default=1)).order_by("chosen", "full_name")[:2]


# Every posted booking asks it: prepared once per connection (carehome.prepared).
_FIRST_TWO = Prepared("kith_first_two_to_book", _first_two)


def _note(home, membership, residents):
    setattr(membership, _READ, (home.pk, {r.pk: getattr(r, "restricted", True) for r in residents}))


def bookable_residents(home, membership):
    """``residents_to_book_for`` as a list, noted on ``membership`` for the
    booking service in the same request (``read_to_book``)."""
    residents = list(_to_book(home, membership))
    _note(home, membership, residents)
    return residents


def chosen_to_book(home, membership, pk):
    """What a posted booking form needs of the member's residents, without
    reading them all: (the resident ``pk`` if it is one of theirs, else None;
    the first two of them, that one first: one row means they have one
    person to book for). The chosen one is noted for the service as
    ``bookable_residents`` notes them all."""
    shape = _shape(membership)
    first_two = []
    if any(shape) and membership.home_id == home.pk:  # else no one to book for, and nothing to ask
        # No resident has id 0: with none posted, the first two by name, none chosen.
        first_two = _FIRST_TWO.rows(shape, home.pk, membership.pk, 0 if pk is None else pk)
    chosen = first_two[0] if first_two and first_two[0].chosen == 0 else None
    _note(home, membership, [chosen] if chosen else [])
    return chosen, first_two


def read_to_book(home, membership):
    """{resident pk: restriction open?} as ``bookable_residents`` read them for
    this membership in this request, once (it is taken), or None."""
    noted = membership.__dict__.pop(_READ, None)
    if noted is None or noted[0] != home.pk:
        return None
    return noted[1]


def plan_of(resident):
    """The resident's personal plan, or None if none is written yet."""
    try:
        return resident.plan
    except PersonalPlan.DoesNotExist:
        return None


def call_wish(resident, kind):
    """What the plan says about this kind of call: "unknown", "welcome",
    "with_support" or "not_for_me" ("welcome" for a visit)."""
    plan = plan_of(resident)
    if kind == Visit.Kind.VIDEO_CALL:
        return plan.video_calls if plan else PersonalPlan.VideoCalls.UNKNOWN
    if kind == Visit.Kind.PHONE_CALL:
        return plan.phone_calls if plan else PersonalPlan.PhoneCalls.UNKNOWN
    return "welcome"


def held_ranges(space, start, end, *, exclude_pk=None):
    """(blocked_from, blocked_until) of the booked visits holding ``space``
    between two instants."""
    qs = Visit.objects.filter(
        space=space, status=Visit.Status.BOOKED, blocked_until__gt=start, blocked_from__lt=end
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    # Activities and community groups hold spaces too (homes.SpaceHold); a
    # visit's own hold is already counted above.
    others = SpaceHold.objects.filter(
        space=space, released_at__isnull=True, blocked_until__gt=start, blocked_from__lt=end
    ).exclude(held_for=SpaceHold.HeldFor.VISIT)
    return list(qs.values_list("blocked_from", "blocked_until")) + list(
        others.values_list("blocked_from", "blocked_until")
    )


def overlaps(space, blocked_from, blocked_until, *, exclude_pk=None):
    return bool(held_ranges(space, blocked_from, blocked_until, exclude_pk=exclude_pk))


def free_slots(space, day, length, *, count=3, exclude_pk=None, now=None, near=None):
    """Up to ``count`` free times of ``length`` in ``space`` on a local day,
    on the half hour, within its opening hours and not already passed, each
    with the space's buffer kept free either side; the ones closest to
    ``near`` (an aware datetime) if given. [(start, end)] aware, in order."""
    now = now or timezone.now()
    buffer = timedelta(minutes=space.buffer_minutes)
    start_of_day, end_of_day = day_bounds(day)
    held = held_ranges(space, start_of_day - buffer, end_of_day + buffer, exclude_pk=exclude_pk)
    opens = _local(day, space.opens_at)
    closes = _local(day, space.closes_at)
    found = []
    start = opens
    while start + length <= closes:
        end = start + length
        if start > now and _is_free(start, end, held, buffer):
            found.append((start, end))
        start = _later(start, SLOT_STEP)
    if near is not None:
        found = sorted(found, key=lambda slot: abs(slot[0] - near))
    return sorted(found[:count])


def free_times(space, day, length, *, exclude_pk=None, now=None):
    """Every free time of ``length`` in ``space`` on a local day, for a person
    to tap: none overlapping another (the next one starts where the last one
    ends, or on a later half hour when a booking is in the way), within its
    opening hours, not already passed, each with the space's buffer kept free
    from other bookings. One query. [(start, end)] aware, in order."""
    now = now or timezone.now()
    buffer = timedelta(minutes=space.buffer_minutes)
    start_of_day, end_of_day = day_bounds(day)
    held = held_ranges(space, start_of_day - buffer, end_of_day + buffer, exclude_pk=exclude_pk)
    closes = _local(day, space.closes_at)
    found = []
    start = _local(day, space.opens_at)
    while start + length <= closes:
        end = start + length
        if start > now and _is_free(start, end, held, buffer):
            found.append((start, end))
            start = _later(start, max(length, SLOT_STEP))
        else:
            start = _later(start, SLOT_STEP)
    return found


def _is_free(start, end, held, buffer):
    """Whether start–end, with ``buffer`` either side, misses every held range."""
    return all(not (start - buffer < until and held_from < end + buffer) for held_from, until in held)


def _later(moment, step):
    """``moment + step`` in real time (right across a clock change), as local time."""
    return (moment.astimezone(UTC) + step).astimezone(timezone.get_current_timezone())


def _local(day, at):
    return datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


def visits_on_day(home, day):
    """The day's visits and calls for staff, in time order, cancelled ones too."""
    start, end = day_bounds(day)
    return list(
        Visit.objects.for_home(home)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .select_related(*_SELECTED, "resident__plan", "supporter")
        .order_by("starts_at", "pk")
    )


def spaces_held_on_day(home, day):
    """The spaces activities and community groups hold on a day (homes.SpaceHold):
    the rest of the spaces' calendar, beside the visits. One query."""
    start, end = day_bounds(day)
    return list(
        SpaceHold.objects.for_home(home)
        .filter(starts_at__gte=start, starts_at__lt=end, released_at__isnull=True)
        .exclude(held_for=SpaceHold.HeldFor.VISIT)
        .select_related("space")
        .order_by("starts_at", "pk")
    )


def today_summary(home):
    """For the staff dashboard: today's booked visits (one query)."""
    start, end = day_bounds(timezone.localdate())
    return list(
        Visit.objects.for_home(home)
        .filter(starts_at__gte=start, starts_at__lt=end, status=Visit.Status.BOOKED)
        .select_related("resident", "space")
        .order_by("starts_at")[:6]
    )


def visible_visits(home, membership):
    """The visits this membership may open: every visit of the home for
    staff; for a relative, the ones they booked for residents they are still
    actively linked to (an ended or paused link hides them at once)."""
    qs = Visit.objects.for_home(home)
    if membership.has_perm("visits.view"):
        return qs
    if membership.role == Role.FAMILY:
        return qs.filter(
            booked_by=membership, resident__in=Resident.objects.for_member(membership).values("pk")
        )
    return qs.none()


def visit_for(home, membership, pk):
    return visible_visits(home, membership).select_related(*_SELECTED, "home").filter(pk=pk).first()


def my_visits(home, membership, *, now=None):
    """A relative's (or a booker's) own visits: (upcoming, past)."""
    now = now or timezone.now()
    mine = (
        visible_visits(home, membership)
        .filter(booked_by=membership, ends_at__gte=now - timedelta(days=RECENT_DAYS))
        .select_related(*_SELECTED)
    )
    upcoming = list(mine.filter(ends_at__gte=now).order_by("starts_at", "pk"))
    past = list(mine.filter(ends_at__lt=now).order_by("-starts_at", "-pk"))
    return upcoming, past


def upcoming_for_panel(home, membership, *, limit=5):
    now = timezone.now()
    return list(
        visible_visits(home, membership)
        .filter(booked_by=membership, ends_at__gte=now, status=Visit.Status.BOOKED)
        .select_related("resident", "space")
        .order_by("starts_at")[:limit]
    )


def live_feed(membership):
    return (
        CalendarFeed.objects.for_home(membership.home_id)
        .filter(membership=membership, revoked_at__isnull=True)
        .first()
    )


def feed_visits(token):
    """(feed, visits) for a live calendar feed token, or (None, []) when the
    token is unknown, revoked, or its account no longer has access."""
    with crossing_homes("a calendar feed's secret token is what finds its home"):
        feed = (
            CalendarFeed.objects.select_related("membership__user", "home")
            .filter(token=token, revoked_at__isnull=True)
            .first()
        )
    if feed is None:
        return None, []
    membership = feed.membership
    if not (membership.is_active and membership.user.is_active):
        return None, []
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    with home_scope(feed.home):
        visits = list(
            visible_visits(feed.home, membership)
            .filter(booked_by=membership, ends_at__gte=since)
            .select_related("resident", "space", "home")
            .order_by("starts_at")
        )
    return feed, visits


def relatives_to_book_for(home):
    """Every active relative link of the home's current residents, for staff
    booking on a family's behalf."""
    return (
        RelativeLink.objects.for_home(home)
        .filter(status=RelativeLink.Status.ACTIVE, resident__status__in=["current", "hospital"])
        .select_related("membership__user", "resident")
        .order_by("resident__full_name", "membership__user__full_name")
    )
