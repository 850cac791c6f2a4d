"""Reads for the rota: the week's shifts, one shift's page, the hours waiting
for confirmation and the totals; and ``shift_blockers``, what stands between
a volunteer and one shift (the rules of ``volunteers.rules`` applied to it).

Each function takes the home and owns its joins, so a page costs the same
number of queries however many shifts and volunteers the home has.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from carehome.timeutils import add_months, today
from notifications.timing import at_local
from residents.models import Resident
from volunteers import rules
from volunteers.models import Shift, Volunteer

LIVING_HERE = (Resident.Status.CURRENT, Resident.Status.HOSPITAL)

Status = Shift.Status
OPEN = (Status.PLANNED, Status.CONFIRMED)  # still expected
SHOWN = (Status.PLANNED, Status.CONFIRMED, Status.DECLINED, Status.DONE)  # on the rota
SHIFT_RELATED = ("volunteer", "resident", "role", "assignment", "assignment__space", "logged_by")


# --- The gate, for one shift --------------------------------------------------------------------


def shift_blockers(volunteer, shift, *, on=None):
    """What ``volunteer`` (loaded with ``rules.with_facts``) is missing for
    ``shift`` on ``on`` (default: the shift's own day): for a visit to a resident (or a
    shift with no role), everything to meet residents; for a shift in a role,
    everything that role needs. [] when they are clear."""
    on = on or timezone.localdate(shift.starts_at)
    if shift.resident_id is not None and shift.resident.status not in LIVING_HERE:
        return [rules.Blocker("resident", f"{shift.resident.short_name} no longer lives here")]
    if shift.resident_id is not None or shift.role_id is None:
        _, found = rules.clear_to_meet_residents(volunteer, on=on)
        if found:
            return found
    if shift.role_id is None:
        return []
    role = next((r for r in volunteer.roles.all() if r.pk == shift.role_id), None)
    if role is None:
        return [rules.Blocker("role", "No longer in the role this shift is for")]
    return rules.blockers(volunteer, roles=[role], on=on)


def volunteers_with_facts(home, ids):
    """{id: Volunteer} of ``ids`` at ``home``, loaded for the rules (six queries)."""
    if not ids:
        return {}
    return {v.pk: v for v in rules.with_facts(Volunteer.objects.for_home(home).filter(pk__in=set(ids)))}


# --- The week -----------------------------------------------------------------------------------


def monday_of(day):
    return day - timedelta(days=day.weekday())


@dataclass
class RotaDay:
    day: object
    shifts: list

    @property
    def is_today(self):
        return self.day == today()


def week_rota(home, monday):
    """The shifts of the week starting ``monday`` (cancelled ones left out),
    by day, each with ``blockers`` (what its volunteer is missing for it
    now). Seven queries however many shifts."""
    start = at_local(monday, 0)
    end = at_local(monday + timedelta(days=7), 0)
    shifts = list(
        Shift.objects.for_home(home)
        .filter(starts_at__gte=start, starts_at__lt=end, status__in=SHOWN)
        .select_related(*SHIFT_RELATED)
        .order_by("starts_at", "volunteer__full_name", "id")
    )
    facts = volunteers_with_facts(home, [s.volunteer_id for s in shifts])
    now = timezone.now()
    for shift in shifts:
        volunteer = facts.get(shift.volunteer_id)
        shift.blockers = shift_blockers(volunteer, shift) if volunteer and shift.status in OPEN else []
        shift.loggable = can_log(shift, now)
    days = [RotaDay(monday + timedelta(days=n), []) for n in range(7)]
    for shift in shifts:
        local_day = timezone.localdate(shift.starts_at)
        days[(local_day - monday).days].shifts.append(shift)
    return days


def shifts_on(days, day):
    """The shifts of ``day`` among ``days`` (from ``week_rota``) that are still on."""
    for rota_day in days:
        if rota_day.day == day:
            return [s for s in rota_day.shifts if s.status != Status.DECLINED]
    return []


def todays_shifts(home):
    """Who is in today: today's shifts still on, with their blockers. Seven queries."""
    now_day = today()
    start, end = at_local(now_day, 0), at_local(now_day + timedelta(days=1), 0)
    shifts = list(
        Shift.objects.for_home(home)
        .filter(starts_at__gte=start, starts_at__lt=end, status__in=(*OPEN, Status.DONE))
        .select_related(*SHIFT_RELATED)
        .order_by("starts_at", "id")
    )
    facts = volunteers_with_facts(home, [s.volunteer_id for s in shifts])
    for shift in shifts:
        volunteer = facts.get(shift.volunteer_id)
        shift.blockers = shift_blockers(volunteer, shift) if volunteer and shift.status in OPEN else []
    return shifts


# --- One shift ----------------------------------------------------------------------------------


def shift_for_page(home, pk):
    """One shift of ``home`` with what its page shows, or None."""
    shift = (
        Shift.objects.for_home(home)
        .select_related(*SHIFT_RELATED, "hours_confirmed_by", "connection")
        .filter(pk=pk)
        .first()
    )
    if shift is None:
        return None
    volunteer = volunteers_with_facts(home, [shift.volunteer_id]).get(shift.volunteer_id)
    shift.blockers = shift_blockers(volunteer, shift) if shift.status in OPEN else []
    return shift


def can_log(shift, now=None):
    """Whether a shift can be logged now: not logged, not cancelled, started."""
    now = now or timezone.now()
    return shift.logged_at is None and shift.status != Status.CANCELLED and shift.starts_at <= now


# --- Hours --------------------------------------------------------------------------------------

HOURS_MONTHS = 12
WAITING_LIMIT = 100


def hours_waiting(home, limit=WAITING_LIMIT):
    """Logged shifts whose hours are not confirmed yet, oldest first, and how many in all."""
    waiting = (
        Shift.objects.for_home(home)
        .filter(status=Status.DONE, hours_confirmed_at__isnull=True)
        .select_related("volunteer", "resident", "role", "logged_by")
        .order_by("starts_at", "id")
    )
    shown = list(waiting[:limit])
    total = len(shown) if len(shown) < limit else waiting.count()
    return shown, total


def _months(on):
    """The first day of each of the last ``HOURS_MONTHS`` months, newest first."""
    first = on.replace(day=1)
    return [add_months(first, -n) for n in range(HOURS_MONTHS)]


def _month_of(moment):
    return timezone.localdate(moment).replace(day=1)


def hours_totals(home, *, on=None):
    """Confirmed hours: by month for the last twelve months (newest first),
    and by volunteer (over those months, this year, and month by month),
    each with the time in words. Three queries."""
    on = on or today()
    months = _months(on)
    since = at_local(months[-1], 0)
    year_start = on.replace(month=1, day=1)
    confirmed = Shift.objects.for_home(home).filter(
        status=Status.DONE, hours_confirmed_at__isnull=False, starts_at__gte=since
    )
    monthly = confirmed.annotate(month=TruncMonth("starts_at", tzinfo=timezone.get_current_timezone()))
    by_month = {
        _month_of(row["month"]): row
        for row in monthly.values("month")
        .annotate(minutes=Sum("minutes_given"), visits=Count("id"))
        .order_by()
    }
    month_rows = []
    for month in months:
        row = by_month.get(month) or {}
        minutes = row.get("minutes") or 0
        month_rows.append(
            {
                "month": month,
                "minutes": minutes,
                "words": hours_in_words(minutes),
                "visits": row.get("visits") or 0,
            }
        )
    person_months = {}
    for row in monthly.values("volunteer_id", "month").annotate(minutes=Sum("minutes_given")).order_by():
        person_months.setdefault(row["volunteer_id"], {})[_month_of(row["month"])] = row["minutes"]
    people = list(
        confirmed.values("volunteer_id", "volunteer__full_name")
        .annotate(
            minutes=Sum("minutes_given"),
            visits=Count("id"),
            this_year=Sum("minutes_given", filter=Q(starts_at__gte=at_local(year_start, 0)), default=0),
        )
        .order_by("-minutes", "volunteer__full_name")
    )
    for person in people:
        person["words"] = hours_in_words(person["minutes"])
        person["year_words"] = hours_in_words(person["this_year"])
        given = person_months.get(person["volunteer_id"], {})
        person["by_month"] = [(month, hours_in_words(given[month])) for month in months if given.get(month)]
    total = sum(r["minutes"] for r in month_rows)
    return {
        "months": month_rows,
        "people": people,
        "total_minutes": total,
        "total_words": hours_in_words(total),
    }


def hours_in_words(minutes):
    """ "14 hours", "1 hour 30 minutes", "45 minutes"."""
    minutes = int(minutes or 0)
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)
