"""Reads for the personal plan for connection: the plan page, what changed
since the last review, and the reviews that are due.

The plan page costs a fixed number of queries however many people who matter
or interests a plan holds: the resident, the plan (with who last changed it),
its interests, its people and its latest review.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q

from homes.models import Interest
from residents.models import PersonalPlan, PersonWhoMatters, PlanReview, Resident


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    fields: tuple


# The parts of the plan a member of staff edits one at a time, in page order
# (people who matter have their own pages).
SECTIONS = {
    "matters": Section("matters", "What matters to me", ("what_matters",)),
    "story": Section("story", "My story", ("about_me",)),
    "communication": Section(
        "communication",
        "How I like to communicate",
        (
            "hearing",
            "sight",
            "speech",
            "language",
            "best_time_of_day",
            "communication_helps",
            "communication_avoid",
        ),
    ),
    "technology": Section(
        "technology", "Technology", ("video_calls", "phone_calls", "own_devices", "technology_support")
    ),
    "interests": Section(
        "interests",
        "Interests, places and faith",
        ("interests", "interests_notes", "former_occupation", "places", "faith_and_groups"),
    ),
    "goals": Section("goals", "Goals for connection", ("goals", "anxious_going_out")),
}

# How each part of the plan is named on the page, on the edit forms and in
# "what has changed since the last review".
LABELS = {
    "what_matters": "What matters to me",
    "about_me": "My story",
    "hearing": "Hearing",
    "sight": "Sight",
    "speech": "Speech and understanding",
    "language": "Language",
    "best_time_of_day": "Best time of day",
    "communication_helps": "What helps",
    "communication_avoid": "What to avoid",
    "video_calls": "Video calls",
    "phone_calls": "Phone calls",
    "own_devices": "Own devices",
    "technology_support": "Support needed with technology",
    "interests": "Interests",
    "interests_notes": "Hobbies and more about my interests",
    "former_occupation": "Former occupation",
    "places": "Places that matter to me",
    "faith_and_groups": "Faith and community groups",
    "goals": "My goals for connection",
    "anxious_going_out": "What helps when I feel anxious about going out",
}

CHOICE_LABELS = {
    "video_calls": dict(PersonalPlan.VideoCalls.choices),
    "phone_calls": dict(PersonalPlan.PhoneCalls.choices),
}

# How far ahead "review due soon" looks.
DUE_SOON_DAYS = 14


def residents_for_plans(home):
    """The home's residents, as the plan pages fetch them (with the key worker
    the resident header shows)."""
    return Resident.objects.for_home(home).select_related("key_worker")


def people_for_resident(home, resident):
    """Everyone who matters to a resident, still in touch first."""
    return (
        PersonWhoMatters.objects.for_home(home)
        .filter(resident=resident)
        .order_by("-is_active", "-essential_care_supporter", "name", "id")
    )


def plan_for_resident(home, resident):
    """The resident's plan, or None if nobody has written one yet."""
    return (
        PersonalPlan.objects.for_home(home)
        .filter(resident=resident)
        .select_related("updated_by")
        .prefetch_related("interests")
        .first()
    )


def interests_by_category():
    """[(category label, [Interest, …])] in the order the taxonomy lists them."""
    labels = dict(Interest.Category.choices)
    order = list(labels)
    groups = {}
    for interest in Interest.objects.order_by("category", "name"):
        groups.setdefault(interest.category, []).append(interest)
    ranked = sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))
    return [(labels.get(category, category), items) for category, items in ranked]


def plan_snapshot(plan, *, interests, people):
    """What the plan says now, as a review keeps it: the plan's own fields,
    interests by name and the people still in touch as "name (relationship)"."""
    data = {name: getattr(plan, name) for name in PersonalPlan.SNAPSHOT_FIELDS}
    data["interests"] = sorted(i.name for i in interests)
    data["people"] = sorted(str(p) for p in people if p.is_active)
    return data


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class SectionChanges:
    title: str
    slug: str
    fields: list = field(default_factory=list)
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)


def _shown(name, value):
    value = value or ""
    return CHOICE_LABELS.get(name, {}).get(value, value)


def plan_changes(plan, review, *, interests, people):
    """What has changed since ``review``: one ``SectionChanges`` per part of
    the plan that differs from the review's snapshot, in page order.

    Fields the snapshot did not keep are not compared. People who matter are
    compared by the snapshot's list; an older snapshot without one counts
    anyone added after the review date as new."""
    snapshot = review.snapshot or {}
    now = plan_snapshot(plan, interests=interests, people=people)
    changes = []
    for section in SECTIONS.values():
        found = SectionChanges(section.title, section.slug)
        for name in section.fields:
            if name == "interests":
                if "interests" in snapshot:
                    before, after = set(snapshot["interests"]), set(now["interests"])
                    found.added = sorted(after - before)
                    found.removed = sorted(before - after)
                continue
            if name not in snapshot:
                continue
            before, after = (snapshot[name] or "").strip(), (now[name] or "").strip()
            if before != after:
                found.fields.append(FieldChange(LABELS[name], _shown(name, before), _shown(name, after)))
        if found.fields or found.added or found.removed:
            changes.append(found)
    people_changes = SectionChanges("People who matter", "people")
    if "people" in snapshot:
        before, after = set(snapshot["people"]), set(now["people"])
        people_changes.added = sorted(after - before)
        people_changes.removed = sorted(before - after)
    else:
        people_changes.added = sorted(
            str(p) for p in people if p.is_active and p.created_at.date() > review.reviewed_on
        )
    if people_changes.added or people_changes.removed:
        # People come after communication on the page.
        position = next(
            (i for i, c in enumerate(changes) if c.slug in ("technology", "interests", "goals")), None
        )
        changes.insert(len(changes) if position is None else position, people_changes)
    return changes


# The parts of each section the page lists as "label: value" rows.
DETAIL_FIELDS = {
    "communication": SECTIONS["communication"].fields,
    "technology": SECTIONS["technology"].fields,
    "interests": ("interests_notes", "former_occupation", "places", "faith_and_groups"),
    "goals": SECTIONS["goals"].fields,
}

WAYS = (
    ("by_visit", "visits"),
    ("by_phone", "phone calls"),
    ("by_video", "video calls"),
    ("by_letter", "letters"),
)


def _rows(plan, names):
    filled, missing = [], []
    for name in names:
        value = getattr(plan, name) or ""
        choice = ""
        if name in CHOICE_LABELS:
            if value == PersonalPlan.VideoCalls.UNKNOWN:
                value = ""
            choice, value = value, CHOICE_LABELS[name].get(value, "")
        if value:
            filled.append({"name": name, "label": LABELS[name], "value": value, "choice": choice})
        else:
            label = LABELS[name]
            missing.append(label[0].lower() + label[1:])
    return {"filled": filled, "missing": missing}


def how_long(days):
    """A number of days in words: "5 days", "3 weeks", "4 months", "2 years"."""
    if days < 14:
        unit, count = "day", days
    elif days < 61:
        unit, count = "week", days // 7
    elif days < 730:
        unit, count = "month", days // 30
    else:
        unit, count = "year", days // 365
    return f"{count} {unit}{'' if count == 1 else 's'}"


@dataclass
class PlanPage:
    resident: Resident
    plan: PersonalPlan
    exists: bool
    interests: list
    people: list
    former_people: list
    review: PlanReview | None
    changes: list | None
    due_on: object
    overdue_days: int
    due_soon: bool
    rows: dict = field(default_factory=dict)

    @property
    def overdue_for(self):
        return how_long(self.overdue_days) if self.overdue_days else ""


def plan_page(home, resident, *, today):
    """Everything the plan page shows, in four queries."""
    plan = plan_for_resident(home, resident)
    exists = plan is not None
    if plan is None:
        plan = PersonalPlan(home=home, resident=resident)
        interests = []
        review = None
    else:
        interests = sorted(plan.interests.all(), key=lambda i: i.name)
        review = (
            PlanReview.objects.for_home(home)
            .filter(plan=plan)
            .select_related("reviewed_by")
            .order_by("-reviewed_on", "-id")
            .first()
        )
    everyone = list(people_for_resident(home, resident))
    for person in everyone:
        ways = [label for name, label in WAYS if getattr(person, name)]
        person.keep_in_touch = ", ".join(ways).capitalize()
    people = [p for p in everyone if p.is_active]
    former = [p for p in everyone if not p.is_active]
    changes = plan_changes(plan, review, interests=interests, people=everyone) if review else None
    due_on = plan.review_due_on
    overdue_days = (today - due_on).days if due_on and due_on < today else 0
    due_soon = bool(due_on and not overdue_days and due_on <= today + timedelta(days=DUE_SOON_DAYS))
    return PlanPage(
        resident=resident,
        plan=plan,
        exists=exists,
        interests=interests,
        people=people,
        former_people=former,
        review=review,
        changes=changes,
        due_on=due_on,
        overdue_days=overdue_days,
        due_soon=due_soon,
        rows={slug: _rows(plan, names) for slug, names in DETAIL_FIELDS.items()},
    )


def plan_reviews_due(home, *, today, limit=5):
    """For the dashboard: how many current residents' plan reviews are overdue
    or due soon, how many have no review date (or no plan) yet, and the most
    overdue few. Two queries."""
    soon = today + timedelta(days=DUE_SOON_DAYS)
    current = Resident.objects.for_home(home).current()
    counts = current.aggregate(
        overdue=Count("id", filter=Q(plan__review_due_on__lt=today)),
        soon=Count("id", filter=Q(plan__review_due_on__gte=today, plan__review_due_on__lte=soon)),
        no_date=Count("id", filter=Q(plan__review_due_on__isnull=True)),
    )
    residents = list(
        current.filter(plan__review_due_on__lte=soon)
        .select_related("plan")
        .order_by("plan__review_due_on", "full_name")[:limit]
    )
    return {"counts": counts, "residents": residents, "today": today}
