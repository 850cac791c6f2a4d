"""Reads for recruitment: the board of everyone by status, one volunteer's
page, and the choices the recruitment forms offer.

Each function takes the home and owns its joins, so every page costs the
same number of queries however many volunteers the home has: the rules
(``volunteers.rules``) read only rows loaded here (``rules.with_facts``).
"""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from carehome.timeutils import today
from homes.models import Interest, Membership
from volunteers import rules
from volunteers.models import (
    Assignment,
    Availability,
    BackgroundCheck,
    Driver,
    Shift,
    StatusChange,
    TrainingRecord,
    Volunteer,
    VolunteerRole,
)
from volunteers.services.recruitment import CONTACT_ROLES, TRAINING_FOR_CONTACTS

Status = Volunteer.Status

# The board's columns, in the order people move through them ("left" is a count).
BOARD_STATUSES = [
    Status.APPLIED,
    Status.REFERENCES,
    Status.CHECKS,
    Status.INDUCTION,
    Status.ACTIVE,
    Status.PAUSED,
]
NEXT_SHIFTS = 5

STATUS_HINTS = {
    Status.APPLIED: "New applications: get in touch and arrange a chat.",
    Status.REFERENCES: "Waiting for references.",
    Status.CHECKS: "Background check and identity under way.",
    Status.INDUCTION: "Checks done: induction and training to finish.",
    Status.ACTIVE: "Volunteering now.",
    Status.PAUSED: "Taking a break.",
    Status.LEFT: "No longer volunteering here.",
}


def status_counts(home):
    """{status: how many} for every status at the home (one query)."""
    counts = dict(Volunteer.objects.for_home(home).order_by().values_list("status").annotate(n=Count("id")))
    return {s: counts.get(s, 0) for s in Status.values}


def board(home, *, status="", blocked_only=False, on=None):
    """Everyone at the home by status, longest waiting first, each with
    ``missing`` (what they still need, ``rules.blockers`` without the status)
    and ``stopped`` (active, yet something now stops them). ``status`` shows
    one status (``left`` too); ``blocked_only`` keeps only people missing
    something. A fixed number of queries however many people."""
    on = on or today()
    people = Volunteer.objects.for_home(home)
    people = people.filter(status=status) if status else people.current()
    statuses = [status] if status else BOARD_STATUSES
    groups = {s: [] for s in statuses}
    for volunteer in rules.with_facts(people.order_by("status_changed_at", "pk")):
        volunteer.missing = (
            [] if volunteer.status == Status.LEFT else rules.blockers(volunteer, status=False, on=on)
        )
        volunteer.stopped = volunteer.status == Status.ACTIVE and bool(volunteer.missing)
        if blocked_only and not volunteer.missing:
            continue
        groups[volunteer.status].append(volunteer)
    return [
        {
            "status": s,
            "label": Status(s).label,
            "hint": STATUS_HINTS[s],
            "people": groups[s],
        }
        for s in statuses
    ]


def volunteer_for_page(home, pk, *, now=None):
    """One volunteer with everything their page shows, or None if they are not this home's."""
    now = now or timezone.now()
    upcoming = (
        Shift.objects.filter(home=home, starts_at__gte=now)
        .exclude(status__in=[Shift.Status.CANCELLED, Shift.Status.DECLINED])
        .select_related("resident", "role")
        .order_by("starts_at", "pk")
    )
    people = rules.with_facts(Volunteer.objects.for_home(home).filter(pk=pk))
    return (
        people.select_related("contact__user", "invitation", "user", "identity_checked_by", "interviewed_by")
        .prefetch_related(
            Prefetch("interests", queryset=Interest.objects.order_by("category", "name")),
            Prefetch("availability", queryset=Availability.objects.order_by("weekday", "starts_at")),
            Prefetch(
                "status_changes",
                queryset=StatusChange.objects.select_related("changed_by").order_by("-changed_at", "-id"),
            ),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(ended_at__isnull=True)
                .select_related("resident", "role")
                .order_by("weekday", "starts_at", "pk"),
                to_attr="current_assignments",
            ),
            Prefetch("shifts", queryset=upcoming[:NEXT_SHIFTS], to_attr="next_shifts"),
            Prefetch("driving", queryset=Driver.objects.order_by("pk"), to_attr="driver_records"),
        )
        .first()
    )


def volunteer_for_edit(home, pk):
    """One volunteer with their roles, skills and hobbies and contact, or None."""
    return (
        Volunteer.objects.for_home(home)
        .filter(pk=pk)
        .select_related("contact__user")
        .prefetch_related("roles", "interests")
        .first()
    )


def volunteer_with_availability(home, pk):
    return (
        Volunteer.objects.for_home(home)
        .filter(pk=pk)
        .prefetch_related(
            Prefetch("availability", queryset=Availability.objects.order_by("weekday", "starts_at"))
        )
        .first()
    )


def volunteer_for_status(home, pk):
    """One volunteer with what the status page shows: the rules' facts and the history."""
    people = rules.with_facts(Volunteer.objects.for_home(home).filter(pk=pk))
    return people.prefetch_related(
        Prefetch(
            "status_changes",
            queryset=StatusChange.objects.select_related("changed_by").order_by("-changed_at", "-id"),
        )
    ).first()


def roles_for(home, volunteer=None):
    """The roles a volunteer may be given: those in use, and any they hold already."""
    held = Q(volunteers=volunteer) if volunteer is not None and volunteer.pk else Q(pk__in=[])
    return VolunteerRole.objects.for_home(home).filter(Q(is_active=True) | held).distinct().order_by("name")


def contact_choices(home):
    """Staff who may be a volunteer's contact, each with ``trained`` (in-date
    volunteer-management training), the trained first. One query."""
    trained = TrainingRecord.objects.filter(
        home=home, member=OuterRef("pk"), module__slug=TRAINING_FOR_CONTACTS
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today()))
    return list(
        Membership.objects.for_home(home)
        .active()
        .filter(role__in=CONTACT_ROLES)
        .select_related("user")
        .annotate(trained=Exists(trained))
        .order_by("-trained", "user__full_name", "pk")
    )


def pvg_to_close(home, volunteer):
    """Whether ``volunteer`` has a PVG membership Disclosure Scotland has not been told has ended."""
    return (
        BackgroundCheck.objects.for_home(home)
        .filter(volunteer=volunteer, scheme=BackgroundCheck.Scheme.PVG, left_notified_on__isnull=True)
        .exists()
    )
