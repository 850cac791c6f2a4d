"""Reads for the training register: volunteers and staff, each with where
they stand on each course, in a fixed number of queries however many people.

A person's standing on a course is their newest record of it (the rule
``volunteers.rules`` applies): in date, due within 60 days, expired, or
missing — a course one of a volunteer's roles needs that they have not done.
Staff show what they have done (the home decides what staff need).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q

from carehome.timeutils import today
from homes.models import Membership, Role
from volunteers.models import TrainingModule, TrainingRecord, Volunteer, VolunteerRole
from volunteers.rules import INDUCTION

STAFF_ROLES = (Role.STAFF, Role.CHAMPION, Role.MANAGER)
VOLUNTEER_MANAGEMENT = "volunteer-management"
DUE_DAYS = 60

IN_DATE, DUE, EXPIRED, MISSING = "in_date", "due", "expired", "missing"
ATTENTION = {DUE, EXPIRED, MISSING}


@dataclass
class Standing:
    """Where one person stands on one course."""

    module: TrainingModule
    status: str
    record: TrainingRecord | None = None
    needed: bool = False

    @property
    def needs_attention(self):
        return self.status in ATTENTION


@dataclass
class Person:
    kind: str  # "volunteer" or "staff"
    pk: int
    name: str
    about: str  # their roles, or their job
    standings: list = field(default_factory=list)
    # The query string that preselects them on "Record training".
    choice: str = ""

    @property
    def attention(self):
        return [s for s in self.standings if s.needs_attention]


def modules():
    return list(TrainingModule.objects.order_by("order", "name"))


def standing(module, records, *, needed, on):
    """``module``'s standing among a person's ``records`` (any modules) on ``on``, or
    None when they have not done it and do not need it."""
    done = [r for r in records if r.module_id == module.pk]
    if not done:
        return Standing(module, MISSING, needed=True) if needed else None
    newest = max(done, key=lambda r: (r.completed_on, r.pk or 0))
    if newest.expires_on is None or newest.expires_on > on + timedelta(days=DUE_DAYS):
        status = IN_DATE
    elif newest.expires_on >= on:
        status = DUE
    else:
        status = EXPIRED
    return Standing(module, status, record=newest, needed=needed)


def _standings(all_modules, records, needed_ids, on):
    found = []
    for module in all_modules:
        if (s := standing(module, records, needed=module.pk in needed_ids, on=on)) is not None:
            found.append(s)
    return found


def volunteer_needs(volunteer, all_modules):
    """The module ids ``volunteer``'s roles need: each role's training, and
    induction when a role asks for it (roles prefetched with their training)."""
    ids = set()
    induction = next((m.pk for m in all_modules if m.slug == INDUCTION), None)
    for role in volunteer.roles.all():
        ids.update(m.pk for m in role.training.all())
        if role.needs_induction and induction is not None:
            ids.add(induction)
    return ids


def register_volunteers(home):
    """Active volunteers with their roles (and the roles' training) and training records."""
    return (
        Volunteer.objects.for_home(home)
        .filter(status=Volunteer.Status.ACTIVE)
        .prefetch_related(
            Prefetch(
                "roles",
                queryset=VolunteerRole.objects.order_by("name").prefetch_related(
                    Prefetch("training", queryset=TrainingModule.objects.order_by("order"))
                ),
            ),
            Prefetch("training", queryset=TrainingRecord.objects.order_by("-completed_on", "-id")),
        )
        .order_by("full_name", "id")
    )


def staff_members(home):
    """Everyone who works here (care staff, champions, the manager), by name."""
    return (
        Membership.objects.for_home(home)
        .active()
        .filter(role__in=STAFF_ROLES)
        .select_related("user")
        .order_by("user__full_name", "id")
    )


def register_staff(home):
    return staff_members(home).prefetch_related(
        Prefetch("training", queryset=TrainingRecord.objects.order_by("-completed_on", "-id"))
    )


def staff_about(member):
    return member.job_title or member.get_role_display()


def register(home, *, people="", module=None, attention=False, on=None):
    """The register: ``{"volunteers": [Person], "staff": [Person]}``.

    ``people`` "volunteers" or "staff" shows only those; ``module`` (a
    TrainingModule) only that course; ``attention`` only what has expired,
    is due within 60 days or is missing. A person with nothing left to show
    is left out when a filter is on."""
    on = on or today()
    all_modules = modules()
    shown_modules = [m for m in all_modules if module is None or m.pk == module.pk]
    filtered = module is not None or attention
    found = {"volunteers": [], "staff": []}

    def keep(person):
        if attention:
            person.standings = person.attention
        if person.standings or not filtered:
            return person
        return None

    if people in ("", "volunteers"):
        for volunteer in register_volunteers(home):
            needed = volunteer_needs(volunteer, all_modules)
            person = Person(
                kind="volunteer",
                pk=volunteer.pk,
                name=volunteer.full_name,
                about=", ".join(r.name for r in volunteer.roles.all()) or "No role yet",
                standings=_standings(shown_modules, list(volunteer.training.all()), needed, on),
                choice=f"volunteer={volunteer.pk}",
            )
            if keep(person):
                found["volunteers"].append(person)
    if people in ("", "staff"):
        for member in register_staff(home):
            person = Person(
                kind="staff",
                pk=member.pk,
                name=member.user.full_name or str(member.user),
                about=staff_about(member),
                standings=_standings(shown_modules, list(member.training.all()), set(), on),
                choice=f"member={member.pk}",
            )
            if keep(person):
                found["staff"].append(person)
    return found


def register_counts(found):
    """How many courses of the people shown have expired, are due or are missing."""
    counts = {EXPIRED: 0, DUE: 0, MISSING: 0}
    for people in found.values():
        for person in people:
            for s in person.standings:
                if s.status in counts:
                    counts[s.status] += 1
    return counts


def trained_in_volunteer_management(home, *, on=None):
    """The staff (memberships) who hold in-date volunteer management
    training: the people who can be a volunteer's contact in the home."""
    on = on or today()
    in_date = TrainingRecord.objects.filter(
        home=home,
        member=OuterRef("pk"),
        module__slug=VOLUNTEER_MANAGEMENT,
        completed_on__lte=on,
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
    return staff_members(home).filter(Exists(in_date))


def volunteer_management_holders(home, *, on=None):
    """``[(membership, renew by)]`` for the register's panel: who holds it, until when."""
    on = on or today()
    records = Prefetch(
        "training",
        queryset=TrainingRecord.objects.filter(module__slug=VOLUNTEER_MANAGEMENT).order_by(
            "-completed_on", "-id"
        ),
        to_attr="management_records",
    )
    found = []
    for member in trained_in_volunteer_management(home, on=on).prefetch_related(records):
        newest = max(member.management_records, key=lambda r: r.expires_on or date.max)
        found.append((member, newest.expires_on))
    return found


def people_to_choose(home):
    """Who training can be recorded for: volunteers who have not left, and staff."""
    volunteers = list(
        Volunteer.objects.for_home(home)
        .current()
        .only("id", "full_name", "status")
        .order_by("full_name", "id")
    )
    return volunteers, list(staff_members(home))


def record_for_page(home, pk):
    return (
        TrainingRecord.objects.for_home(home)
        .filter(pk=pk)
        .select_related("module", "volunteer", "member__user", "recorded_by")
        .first()
    )
