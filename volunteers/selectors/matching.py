"""Reads for matching volunteers with residents: who shares a resident's
interests and is free at their best time of day, best first, each with the
reason in plain words ("Both love gardening; free Tuesday afternoons").

The gate is applied here, not only in the template: only a volunteer who is
clear to meet residents (``volunteers.rules``) is ever suggested; the others
come back separately, with what they are missing. Each function takes the
home and costs a fixed number of queries however many people there are.
"""

from dataclasses import dataclass, field
from datetime import time

from django.db.models import Count, Prefetch, Q

from homes.models import Interest
from residents.models import PersonalPlan, Resident
from volunteers import rules
from volunteers.models import Assignment, Availability, Volunteer
from volunteers.models.choices import Weekday

# --- Parts of the day ---------------------------------------------------------------------------

MORNING, AFTERNOON, EVENING = "morning", "afternoon", "evening"
PARTS = (MORNING, AFTERNOON, EVENING)
PART_LABELS = {MORNING: "Morning", AFTERNOON: "Afternoon", EVENING: "Evening"}
# Where each part of the day begins and ends, for reading availability.
PART_BOUNDS = {
    MORNING: (time(0, 0), time(12, 0)),
    AFTERNOON: (time(12, 0), time(17, 0)),
    EVENING: (time(17, 0), time(23, 59, 59)),
}
# The times a part stands for when a volunteer ticks it on their availability.
PART_TIMES = {
    MORNING: (time(9, 0), time(12, 0)),
    AFTERNOON: (time(12, 0), time(17, 0)),
    EVENING: (time(17, 0), time(20, 0)),
}
# Words in a plan's "best time of day" that name a part of the day.
PART_WORDS = {
    MORNING: ("morning", "breakfast", "before lunch", "early"),
    AFTERNOON: ("afternoon", "after lunch", "midday", "lunchtime"),
    EVENING: ("evening", "after tea", "after dinner", "night"),
}
DAY_NAMES = dict(Weekday.choices)


def parts_of(starts_at, ends_at):
    """The parts of the day a time from ``starts_at`` to ``ends_at`` touches."""
    return [part for part, (begin, end) in PART_BOUNDS.items() if starts_at < end and ends_at > begin]


def free_parts(slots):
    """{weekday: [parts]} from availability rows, in order."""
    found = {}
    for slot in slots:
        day = found.setdefault(slot.weekday, [])
        for part in parts_of(slot.starts_at, slot.ends_at):
            if part not in day:
                day.append(part)
    return {day: sorted(parts, key=PARTS.index) for day, parts in sorted(found.items())}


def best_parts(plan):
    """The parts of the day a resident's plan names as their best time, or []."""
    text = (getattr(plan, "best_time_of_day", "") or "").lower()
    return [part for part in PARTS if any(word in text for word in PART_WORDS[part])]


def _join(words):
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def free_words(free, only=()):
    """ "Tuesday afternoons and Thursday mornings" for ``free`` ({weekday:
    [parts]}), keeping only the parts in ``only`` if given."""
    phrases = []
    for day, parts in free.items():
        kept = [p for p in parts if not only or p in only]
        if kept:
            phrases.append(f"{DAY_NAMES[day]} {_join(p + 's' for p in kept)}")
    return _join(phrases)


def _lower_first(name):
    """ "Gardening" → "gardening", but "DIY and woodwork" stays as it is."""
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]


def reason_for(shared, free, resident_parts):
    """Why a volunteer and a resident were matched, in plain words (under 300
    characters): what they both love, and when the volunteer is free
    (at the resident's best time of day, if the plan says one)."""
    parts = []
    if shared:
        parts.append("Both love " + _join(_lower_first(i.name) for i in shared))
    fitting = free_words(free, resident_parts) if resident_parts else ""
    if fitting:
        parts.append(f"free {fitting}")
    elif free:
        parts.append(f"free {free_words(free)}")
    else:
        parts.append("no free times recorded yet")
    reason = "; ".join(parts)
    return reason if len(reason) <= 300 else reason[:297].rstrip() + "…"


# --- Suggestions --------------------------------------------------------------------------------


@dataclass
class Suggestion:
    """A volunteer and a resident who might spend time together."""

    volunteer: object
    resident: object
    shared: list
    free: dict
    fits_time: bool
    reason: str
    role: object = None  # the volunteer's role that meets residents
    visits: int = 0  # how many regular volunteers the resident has now

    @property
    def rank(self):
        return (
            not self.fits_time,
            -len(self.shared),
            not self.free,
            self.visits,
            self.volunteer.full_name.lower(),
            self.resident.full_name.lower(),
        )


@dataclass
class NotReady:
    volunteer: object
    blockers: list
    shared: list = field(default_factory=list)


def _volunteers(home):
    """The home's volunteers who have not left, with the rules' facts, their
    interests and availability (eight queries)."""
    return list(
        rules.with_facts(Volunteer.objects.for_home(home).current()).prefetch_related(
            Prefetch("interests", queryset=Interest.objects.order_by("name")),
            Prefetch("availability", queryset=Availability.objects.order_by("weekday", "starts_at")),
        )
    )


def _plan_of(home, resident):
    return (
        PersonalPlan.objects.for_home(home)
        .filter(resident=resident)
        .prefetch_related(Prefetch("interests", queryset=Interest.objects.order_by("name")))
        .first()
    )


def _match(volunteer, resident, plan_interests, resident_parts, *, role, visits=0):
    mine = {i.pk for i in volunteer.interests.all()}
    shared = [i for i in plan_interests if i.pk in mine]
    free = free_parts(volunteer.availability.all())
    fits = bool(free) and (
        not resident_parts or any(set(parts) & set(resident_parts) for parts in free.values())
    )
    return Suggestion(
        volunteer=volunteer,
        resident=resident,
        shared=shared,
        free=free,
        fits_time=fits,
        reason=reason_for(shared, free, resident_parts),
        role=role,
        visits=visits,
    )


def residents_to_match(home):
    """The residents living here, with how many interests their plan records
    and how many regular volunteers they have. One query."""
    return (
        Resident.objects.for_home(home)
        .current()
        .annotate(
            interest_count=Count("plan__interests", distinct=True),
            volunteer_count=Count(
                "volunteer_assignments",
                filter=Q(volunteer_assignments__ended_at__isnull=True),
                distinct=True,
            ),
        )
        .order_by("full_name", "pk")
    )


def volunteers_to_match(home):
    """([(volunteer, role)] clear to meet residents, [NotReady]) of the home's
    volunteers who have not left. Eight queries."""
    ready, not_ready = [], []
    for volunteer in _volunteers(home):
        role, found = rules.clear_to_meet_residents(volunteer)
        if role is not None:
            ready.append((volunteer, role))
        else:
            not_ready.append(NotReady(volunteer, found))
    return ready, not_ready


def resident_for_matching(home, pk):
    """A resident living here, or None."""
    return Resident.objects.for_home(home).current().filter(pk=pk).first()


def matches_for_resident(home, resident):
    """What the co-ordinator sees for ``resident``: the plan's interests and
    best time, suggestions (clear volunteers who share an interest, not
    already visiting, best first), volunteers who would match but are not
    ready yet (with their blockers), and who visits now. Eleven queries."""
    plan = _plan_of(home, resident)
    interests = list(plan.interests.all()) if plan else []
    resident_parts = best_parts(plan)
    current = list(
        Assignment.objects.for_home(home)
        .filter(resident=resident, ended_at__isnull=True)
        .select_related("volunteer", "role")
        .order_by("weekday", "starts_at")
    )
    visiting = {a.volunteer_id for a in current}
    suggestions, not_ready = [], []
    for volunteer in _volunteers(home):
        role, found = rules.clear_to_meet_residents(volunteer)
        match = _match(volunteer, resident, interests, resident_parts, role=role)
        if not match.shared:
            continue
        if role is None:
            # The gate: someone not clear is never suggested, only listed with why.
            not_ready.append(NotReady(volunteer, found, match.shared))
        elif volunteer.pk not in visiting:
            suggestions.append(match)
    suggestions.sort(key=lambda s: s.rank)
    return {
        "plan": plan,
        "interests": interests,
        "best_time": plan.best_time_of_day if plan else "",
        "suggestions": suggestions,
        "not_ready": not_ready,
        "current": current,
    }


def volunteer_for_matching(home, pk):
    """A volunteer who has not left, with the rules' facts, interests and availability; or None."""
    return next(
        iter(
            rules.with_facts(Volunteer.objects.for_home(home).current().filter(pk=pk)).prefetch_related(
                Prefetch("interests", queryset=Interest.objects.order_by("name")),
                Prefetch("availability", queryset=Availability.objects.order_by("weekday", "starts_at")),
            )
        ),
        None,
    )


def matches_for_volunteer(home, volunteer):
    """What the co-ordinator sees for ``volunteer`` (from
    ``volunteer_for_matching``): if they are not clear to meet residents,
    only what they are missing (no residents at all); otherwise residents
    whose plans share an interest with them, not already visited by them,
    best first (fewest regular volunteers first among equals). Five queries."""
    role, found = rules.clear_to_meet_residents(volunteer)
    current = list(
        Assignment.objects.for_home(home)
        .filter(volunteer=volunteer, ended_at__isnull=True)
        .select_related("resident", "role")
        .order_by("weekday", "starts_at")
    )
    result = {"role": role, "blockers": found, "suggestions": [], "current": current}
    if role is None:
        return result
    visited = {a.resident_id for a in current}
    plans = (
        PersonalPlan.objects.for_home(home)
        .filter(resident__status__in=(Resident.Status.CURRENT, Resident.Status.HOSPITAL))
        .select_related("resident")
        .prefetch_related(Prefetch("interests", queryset=Interest.objects.order_by("name")))
    )
    counts = dict(
        Assignment.objects.for_home(home)
        .filter(ended_at__isnull=True)
        .values("resident_id")
        .annotate(n=Count("id"))
        .values_list("resident_id", "n")
    )
    suggestions = []
    for plan in plans:
        if plan.resident_id in visited:
            continue
        match = _match(
            volunteer,
            plan.resident,
            list(plan.interests.all()),
            best_parts(plan),
            role=role,
            visits=counts.get(plan.resident_id, 0),
        )
        if match.shared:
            suggestions.append(match)
    suggestions.sort(key=lambda s: s.rank)
    result["suggestions"] = suggestions
    return result


def match_reason(home, volunteer, resident):
    """The reason to prefill when arranging visits for this pair, and the
    first time the volunteer is free at the resident's best time of day
    ((weekday, time) or None). ``volunteer`` from ``volunteer_for_matching``.
    Two queries."""
    plan = _plan_of(home, resident)
    interests = list(plan.interests.all()) if plan else []
    resident_parts = best_parts(plan)
    match = _match(volunteer, resident, interests, resident_parts, role=None)
    first = None
    for slot in volunteer.availability.all():
        parts = parts_of(slot.starts_at, slot.ends_at)
        if not resident_parts or set(parts) & set(resident_parts):
            first = (slot.weekday, slot.starts_at)
            break
    return match.reason, first
