"""Reads for the volunteer's own portal. Everything starts from the signed-in
person's own Volunteer record (``my_volunteer``) and reaches only their own
shifts and the residents they visit; and only while they are clear
(``volunteers.rules``): a volunteer who is not clear sees no resident at all.

What a volunteer may know of a resident is narrow on purpose
(``RESIDENT_PLAN_FIELDS``): their preferred name, how they like to
communicate and the interests they share. Nothing else of the personal
plan, no wellbeing scores, no one else.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone

from carehome.timeutils import today
from homes.models import Interest
from notifications.timing import at_local
from residents.models import ConsentPurpose, PersonalPlan, Resident
from residents.selectors.consent import consented
from volunteers import rules
from volunteers.models import Assignment, Availability, Shift, Volunteer
from volunteers.selectors.rota import OPEN, shift_blockers

Status = Shift.Status
UPCOMING_WEEKS = 8
TO_LOG_DAYS = 30
HISTORY_LIMIT = 60

# The only parts of a personal plan a volunteer is shown: how to communicate.
RESIDENT_PLAN_FIELDS = (
    "language",
    "hearing",
    "sight",
    "speech",
    "best_time_of_day",
    "communication_helps",
    "communication_avoid",
)


def my_volunteer(home, user):
    """The signed-in person's own Volunteer record at ``home`` with the rules'
    facts, or None if the home has not linked their account to one. Six queries."""
    return next(
        iter(
            rules.with_facts(
                Volunteer.objects.for_home(home).filter(user=user).exclude(status=Volunteer.Status.LEFT)
            ).prefetch_related(
                Prefetch("availability", queryset=Availability.objects.order_by("weekday", "starts_at"))
            )
        ),
        None,
    )


def clear_to_meet(volunteer):
    """Whether ``volunteer`` may meet residents today (any of their roles)."""
    role, _ = rules.clear_to_meet_residents(volunteer)
    return role is not None


def with_visit_consent(home, queryset):
    """Only rows about nobody, or about a resident whose live consent to
    volunteers' visits is in the register now (residents.models.Consent): a
    withdrawal takes the resident off the volunteer's pages at once."""
    return queryset.filter(
        Q(resident__isnull=True) | Q(resident_id__in=consented(home, ConsentPurpose.VOLUNTEER_VISITS))
    )


def _mine(home, volunteer):
    return with_visit_consent(
        home,
        Shift.objects.for_home(home)
        .filter(volunteer=volunteer)
        .select_related("resident", "role", "assignment", "assignment__space"),
    )


def _visible(volunteer, shifts):
    """The shifts ``volunteer`` is clear for now (the gate, one shift at a time)."""
    return [s for s in shifts if not shift_blockers(volunteer, s)]


@dataclass
class Overview:
    upcoming: list
    to_log: list
    residents: list
    clear: bool


def portal_overview(home, volunteer, *, now=None):
    """The portal's front page: shifts to come (eight weeks), recent ones to
    log, and the residents they visit, all behind the gate. Three queries."""
    now = now or timezone.now()
    on = timezone.localdate(now)
    window = _mine(home, volunteer).filter(
        starts_at__gte=at_local(on - timedelta(days=TO_LOG_DAYS), 0),
        starts_at__lt=at_local(on + timedelta(weeks=UPCOMING_WEEKS), 0),
    )
    shifts = list(window.exclude(status=Status.CANCELLED).order_by("starts_at", "id"))
    visible = _visible(volunteer, shifts)
    upcoming = [s for s in visible if s.starts_at > now and s.status != Status.DONE]
    to_log = [s for s in visible if s.starts_at <= now and s.logged_at is None and s.status in OPEN]
    to_log.reverse()  # the most recent first
    clear = clear_to_meet(volunteer)
    residents = my_residents(home, volunteer) if clear else []
    return Overview(upcoming, to_log, residents, clear)


def assignment_clear(volunteer, assignment, *, on=None):
    """Whether ``volunteer`` still holds the assignment's role and has all it
    needs today: a lapsed check for that role hides the resident, whatever
    their other roles allow."""
    role = next((r for r in volunteer.roles.all() if r.pk == assignment.role_id), None)
    return role is not None and role.is_active and not rules.blockers(volunteer, roles=[role], on=on)


def my_residents(home, volunteer):
    """The residents ``volunteer`` visits now (current assignments in a role
    they are clear for). One query."""
    found = {}
    for assignment in (
        with_visit_consent(home, Assignment.objects.for_home(home))
        .filter(volunteer=volunteer, ended_at__isnull=True)
        .filter(resident__status__in=(Resident.Status.CURRENT, Resident.Status.HOSPITAL))
        .select_related("resident", "space")
        .order_by("weekday", "starts_at")
    ):
        if assignment_clear(volunteer, assignment):
            found.setdefault(assignment.resident_id, assignment)
    return list(found.values())


def my_shift(home, volunteer, pk):
    """One of ``volunteer``'s own shifts that they are clear for, or None
    (someone else's shift, another home's, or one the gate keeps back)."""
    shift = _mine(home, volunteer).filter(pk=pk).first()
    if shift is None or shift_blockers(volunteer, shift):
        return None
    return shift


def next_shift(home, volunteer, *, now=None):
    """The volunteer's next shift still on that they are clear for, or None."""
    now = now or timezone.now()
    for shift in _mine(home, volunteer).filter(starts_at__gt=now, status__in=OPEN).order_by("starts_at")[:10]:
        if not shift_blockers(volunteer, shift):
            return shift
    return None


@dataclass
class ResidentCard:
    resident: object
    plan: object  # only RESIDENT_PLAN_FIELDS are loaded
    shared: list
    assignment: object


def my_resident(home, volunteer, pk):
    """What ``volunteer`` may know of resident ``pk``: only while they visit
    them now (a current assignment) in a role they are clear for; otherwise
    None. Four queries."""
    if not clear_to_meet(volunteer):
        return None
    assignments = (
        with_visit_consent(home, Assignment.objects.for_home(home))
        .filter(volunteer=volunteer, resident_id=pk, ended_at__isnull=True)
        .filter(resident__status__in=(Resident.Status.CURRENT, Resident.Status.HOSPITAL))
        .select_related("resident", "space")
        .order_by("weekday", "starts_at")
    )
    assignment = next((a for a in assignments if assignment_clear(volunteer, a)), None)
    if assignment is None:
        return None
    resident = assignment.resident
    plan = (
        PersonalPlan.objects.for_home(home)
        .filter(resident=resident)
        .only("pk", "home_id", "resident_id", *RESIDENT_PLAN_FIELDS)
        .first()
    )
    shared = []
    if plan is not None:
        mine = {i.pk for i in volunteer_interests(home, volunteer)}
        shared = [i for i in Interest.objects.filter(plans=plan).order_by("name") if i.pk in mine]
    return ResidentCard(resident, plan, shared, assignment)


def volunteer_interests(home, volunteer):
    return list(Interest.objects.filter(volunteers=volunteer).order_by("name"))


def my_hours(home, volunteer, *, on=None):
    """Their logged visits (newest first, the last ``HISTORY_LIMIT``) and the
    time they gave this year and in all. Three queries."""
    on = on or today()
    done = Shift.objects.for_home(home).filter(volunteer=volunteer, status=Status.DONE)
    history = list(done.select_related("resident", "role").order_by("-starts_at", "-id")[:HISTORY_LIMIT])
    year = done.filter(starts_at__gte=at_local(on.replace(month=1, day=1), 0)).aggregate(
        minutes=Sum("minutes_given", default=0), visits=Count("id")
    )
    ever = done.aggregate(minutes=Sum("minutes_given", default=0), visits=Count("id"))
    return {"history": history, "year": year, "ever": ever}
