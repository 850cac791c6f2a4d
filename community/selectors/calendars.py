"""Reads for the calendars people can read: the week's poster, one
resident's week, the .ics feeds and the public programme.

Every function takes the home and owns its joins, so each page costs the
same few queries however many activities, dates, visits and invitations the
home has. Cancelled dates are left out of every page (the feeds keep them,
marked cancelled, so calendars drop them); an activity taken off the
programme is left out from the moment it was taken off.

What a page may say of a date is worked out once, in ``Entry``: the title,
the time, where it is, plain words for what kind of thing it is ("Trip out",
"Young and old together", "Outdoors") and "To be confirmed" for an outing
not confirmed yet. The public pages and feed pass ``public=True``: the place
is a space, a partner or a place by name (never an address, never a person).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import F, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from carehome.timeutils import query_date, today
from community.models import Activity, Attendee, CommunitySettings, Occurrence
from homes.models import Home
from residents.models import Resident
from visits.models import EventInvitation, Visit

Status = Occurrence.Status

# Weeks a poster, a resident's week or the programme can be looked at, either side of this week.
WEEKS_BACK, WEEKS_AHEAD = 52, 78
# The .ics feeds: dates from this many days back to this many ahead.
FEED_DAYS_BACK, FEED_DAYS_AHEAD = 14, 56

OCCURRENCE_RELATED = (
    "activity",
    "activity__space",
    "activity__place",
    "activity__partnership__partner",
)


# --- Weeks and times ----------------------------------------------------------------------------


def monday_of(day):
    return day - timedelta(days=day.weekday())


def week_from_query(value, *, on=None):
    """``(monday, problem)`` for a ``?week=YYYY-MM-DD`` (any day of the week):
    this week, with a message, when it is not a date or is out of range."""
    now = on or today()
    this_monday = monday_of(now)
    day, problem = query_date(value, on=now)
    if problem:
        return this_monday, problem.replace("shows today", "shows this week")
    monday = monday_of(day)
    if not this_monday - timedelta(weeks=WEEKS_BACK) <= monday <= this_monday + timedelta(weeks=WEEKS_AHEAD):
        return (
            this_monday,
            "Choose a week in the last year or the next eighteen months. This shows this week.",
        )
    return monday, ""


def _local_start(day):
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def clock(at):
    """A time as it is said: "10am", "2:30pm", "12 noon", "midnight"."""
    if at.hour == 0 and at.minute == 0:
        return "midnight"
    if at.hour == 12 and at.minute == 0:
        return "12 noon"
    hour = at.hour % 12 or 12
    suffix = "am" if at.hour < 12 else "pm"
    return f"{hour}{suffix}" if at.minute == 0 else f"{hour}:{at.minute:02d}{suffix}"


def clock_range(starts_at, ends_at):
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if start.date() != end.date():
        return f"{clock(start.time())} to {end:%-d %B}, {clock(end.time())}"
    return f"{clock(start.time())} to {clock(end.time())}"


# --- One date, as a page may show it -------------------------------------------------------------


@dataclass
class Entry:
    """One dated activity as the calendars show it."""

    occurrence: Occurrence
    title: str
    starts_at: datetime
    ends_at: datetime
    when: str
    where: str
    marks: list
    to_be_confirmed: bool
    family_invited: bool = False

    @property
    def day(self):
        return timezone.localtime(self.starts_at).date()

    @property
    def start(self):
        return clock(timezone.localtime(self.starts_at).time())

    @property
    def pk(self):
        return self.occurrence.pk


def where_of(activity, *, public=False):
    """Where it happens: a named place, a space in the home, a partner's
    venue or (not on public pages) the address typed in."""
    partner = activity.partnership.partner.name if activity.partnership_id else ""
    if activity.place_id:
        where = activity.place.name
    elif activity.space_id:
        where = activity.space.name
    elif partner:
        where = partner
        partner = ""
    elif activity.address and not public:
        where = activity.address
    elif activity.kind == Activity.Kind.OUTING:
        where = "Out and about"
    else:
        where = ""
    if partner and activity.kind != Activity.Kind.OUTING:
        where = f"{where}, with {partner}" if where else f"With {partner}"
    return where


def marks_of(activity):
    """Plain words for what kind of thing it is (never colour or a symbol alone)."""
    marks = []
    if activity.kind == Activity.Kind.OUTING:
        marks.append("Trip out")
    if activity.kind == Activity.Kind.VENUE:
        marks.append("Local group")
    if activity.intergenerational:
        marks.append("Young and old together")
    if activity.nature:
        marks.append("Outdoors")
    if activity.virtual:
        marks.append("Online")
    return marks


def entry_of(occurrence, *, public=False):
    activity = occurrence.activity
    when = clock_range(occurrence.starts_at, occurrence.ends_at)
    if activity.kind == Activity.Kind.OUTING:
        when = f"Leaves {when.replace(' to ', ', back ', 1)}"
    return Entry(
        occurrence=occurrence,
        title=activity.title,
        starts_at=occurrence.starts_at,
        ends_at=occurrence.ends_at,
        when=when,
        where=where_of(activity, public=public),
        marks=marks_of(activity),
        to_be_confirmed=activity.kind == Activity.Kind.OUTING and occurrence.status == Status.PLANNED,
    )


def _still_on(prefix=""):
    """Dates of activities still on the programme when they happen."""
    return Q(**{f"{prefix}activity__ended_at__isnull": True}) | Q(
        **{f"{prefix}activity__ended_at__gt": F(f"{prefix}starts_at")}
    )


def occurrences_between(home, start, end, *, public=False, with_cancelled=False):
    """The dates starting in [start, end) (aware datetimes), in time order. One query."""
    found = (
        Occurrence.objects.for_home(home)
        .filter(_still_on(), starts_at__gte=start, starts_at__lt=end)
        .select_related(*OCCURRENCE_RELATED)
        .order_by("starts_at", "activity__title", "pk")
    )
    if not with_cancelled:
        found = found.exclude(status=Status.CANCELLED)
    if public:
        found = found.filter(activity__on_public_programme=True)
    return list(found)


# --- The week: the poster and the programme below a resident's week --------------------------------


@dataclass
class Day:
    day: date
    entries: list = field(default_factory=list)
    is_today: bool = False
    mine: list = field(default_factory=list)  # a resident's own: activities, visits and invitations


def days_of(first, count, entries, *, on=None):
    """``count`` days from ``first``, each with its entries (already in time order)."""
    now = on or today()
    days = [
        Day(day=first + timedelta(days=n), is_today=first + timedelta(days=n) == now) for n in range(count)
    ]
    by_day = {d.day: d for d in days}
    for entry in entries:
        if entry.day in by_day:
            by_day[entry.day].entries.append(entry)
    return days


def week_programme(home, monday, *, public=False, on=None):
    """Monday to Sunday of the week starting ``monday``: each day with its
    activities (cancelled dates left out). One query."""
    found = occurrences_between(
        home, _local_start(monday), _local_start(monday + timedelta(days=7)), public=public
    )
    return days_of(monday, 7, [entry_of(o, public=public) for o in found], on=on)


# --- One resident's week ----------------------------------------------------------------------------


@dataclass
class Happening:
    """A visit, a call or an invitation on a resident's week."""

    starts_at: datetime
    when: str
    title: str
    where: str
    marks: list = field(default_factory=list)
    to_be_confirmed: bool = False
    family_invited: bool = False

    @property
    def day(self):
        return timezone.localtime(self.starts_at).date()


def resident_for_week(home, pk):
    """A resident who lives here (or is in hospital), or None. One query."""
    return Resident.objects.for_home(home).current().filter(pk=pk).first()


def current_residents(home):
    return Resident.objects.for_home(home).current().order_by("full_name", "pk")


def _visit_happening(visit):
    who = visit.visitor_name
    if visit.kind == Visit.Kind.VIDEO_CALL:
        title = f"Video call with {who}"
    elif visit.kind == Visit.Kind.PHONE_CALL:
        title = f"Phone call with {who}"
    else:
        title = f"Visit from {who}"
    if visit.meal != Visit.Meal.NONE:
        title = f"{title}, with {visit.get_meal_display().lower()}"
    where = visit.space.name if visit.space_id else ""
    return Happening(visit.starts_at, clock_range(visit.starts_at, visit.ends_at), title, where)


def _invitation_happening(event):
    return Happening(
        event.starts_at,
        clock_range(event.starts_at, event.ends_at),
        event.title,
        event.place,
        family_invited=True,
    )


@dataclass
class ResidentWeek:
    resident: Resident
    monday: date
    days: list  # Day, with .mine their activities, visits and invitations in time order
    also: list  # Day, the rest of the programme
    count: int

    @property
    def also_count(self):
        return sum(len(d.entries) for d in self.also)


def resident_week(home, resident, monday, *, on=None):
    """``resident``'s week: their visits and calls, their families'
    invitations, the activities they are down for (not "would rather not"),
    and the rest of the programme. Five queries."""
    start, end = _local_start(monday), _local_start(monday + timedelta(days=7))
    visits = (
        Visit.objects.for_home(home)
        .filter(resident=resident, status=Visit.Status.BOOKED, starts_at__gte=start, starts_at__lt=end)
        .select_related("space")
        .order_by("starts_at", "pk")
    )
    places = (
        Attendee.objects.for_home(home)
        .filter(resident=resident, occurrence__starts_at__gte=start, occurrence__starts_at__lt=end)
        .filter(_still_on("occurrence__"))
        .exclude(answer=Attendee.Answer.NOT_COMING)
        .exclude(occurrence__status=Status.CANCELLED)
        .select_related(*(f"occurrence__{name}" for name in OCCURRENCE_RELATED))
        .prefetch_related(
            Prefetch(
                "occurrence__family_events",
                queryset=EventInvitation.objects.for_home(home).filter(cancelled_at__isnull=True),
            )
        )
        .order_by("occurrence__starts_at", "pk")
    )
    mine, invited_with = [], set()
    for place in places:
        entry = entry_of(place.occurrence)
        events = [e for e in place.occurrence.family_events.all() if e.resident_id in (None, resident.pk)]
        entry.family_invited = bool(events)
        invited_with.update(e.pk for e in events)
        mine.append(entry)
    invitations = (
        EventInvitation.objects.for_home(home)
        .filter(Q(resident=resident) | Q(resident__isnull=True))
        .filter(cancelled_at__isnull=True, starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at", "pk")
    )
    happenings = [_visit_happening(v) for v in visits]
    happenings += [_invitation_happening(e) for e in invitations if e.pk not in invited_with]
    days = days_of(monday, 7, [], on=on)
    by_day = {d.day: d for d in days}
    for item in sorted([*mine, *happenings], key=lambda h: h.starts_at):
        if item.day in by_day:
            by_day[item.day].mine.append(item)
    taken = {entry.pk for entry in mine}
    rest = [entry_of(o) for o in occurrences_between(home, start, end) if o.pk not in taken]
    return ResidentWeek(
        resident=resident,
        monday=monday,
        days=days,
        also=days_of(monday, 7, rest, on=on),
        count=len(mine) + len(happenings),
    )


# --- The feeds -------------------------------------------------------------------------------------


def feed_occurrences(home, *, public=False, now=None):
    """Dates for a feed: the last two weeks and the next eight, cancelled ones
    included (a calendar that has them drops them). One query."""
    now = now or timezone.now()
    return occurrences_between(
        home,
        now - timedelta(days=FEED_DAYS_BACK),
        now + timedelta(days=FEED_DAYS_AHEAD),
        public=public,
        with_cancelled=True,
    )


# --- The public programme ---------------------------------------------------------------------------


def public_home(slug):
    """The home a public programme page is about, or 404 (one query).
    Call ``published`` inside the home's scope before showing anything."""
    return get_object_or_404(
        Home.objects.only("id", "name", "slug", "address", "postcode", "phone"), slug=slug
    )


def published(home):
    """Whether ``home`` publishes its programme (one query)."""
    return CommunitySettings.objects.for_home(home).filter(publish_programme=True).exists()


def public_weeks(home, *, on=None):
    """This week (from today) and next week of the public programme, by day. One query."""
    now = on or today()
    next_monday = monday_of(now) + timedelta(weeks=1)
    found = occurrences_between(
        home, _local_start(now), _local_start(next_monday + timedelta(days=7)), public=True
    )
    entries = [entry_of(o, public=True) for o in found]
    this_week = days_of(now, (next_monday - now).days, entries, on=now)
    next_week = days_of(next_monday, 7, entries, on=now)
    return this_week, next_week


def screen_days(home, *, at=None):
    """The rest of today and tomorrow of the public programme, for a screen in
    the foyer: what has finished already is left out. One query."""
    at = at or timezone.now()
    now = timezone.localdate(at)
    found = occurrences_between(home, _local_start(now), _local_start(now + timedelta(days=2)), public=True)
    return days_of(now, 2, [entry_of(o, public=True) for o in found if o.ends_at > at], on=now)
