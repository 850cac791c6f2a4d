"""Reads for outings and who comes: one date with what its pages show, the
risk assessment, the drivers for a date, residents to invite (suggested, with
why), their families' invitations and replies, attendance, and the dashboard
panel. Each page costs a fixed number of queries however many residents or
drivers there are.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from community import rules
from community.models import Activity, Attendee, Hazard, Occurrence, RiskAssessment
from homes.models import Interest
from residents.models import MEANINGFUL_RESPONSES, Resident
from visits.models import EventInvitation, EventReply
from visits.selectors.events import active_family_links
from volunteers import rules as volunteer_rules
from volunteers.selectors.drivers import drivers_for_trip

# "Little meaningful connection lately": the worklist's meaning of meaningful
# (joined in actively or passively, not struck out), over this many days.
LATELY_DAYS = 14
PANEL_DAYS = 14


def occurrence_for_page(home, pk):
    """One date of ``home`` with its activity, risk assessment, driver and
    what ``community.rules`` reads, or None."""
    return (
        rules.for_confirming(Occurrence.objects.for_home(home).filter(pk=pk))
        .select_related(
            "activity__space",
            "activity__place",
            "activity__partnership__partner",
            "activity__idea",
            "activity__risk_assessment__approved_by",
            "activity__risk_assessment__prepared_by",
            "driver__volunteer",
            "driver__member__user",
            "confirmed_by",
        )
        .first()
    )


def outing_for_risk(home, pk):
    """An outing of ``home`` with its risk assessment and hazards, or None."""
    return (
        Activity.objects.for_home(home)
        .filter(pk=pk, kind=Activity.Kind.OUTING)
        .select_related(
            "risk_assessment", "risk_assessment__approved_by", "risk_assessment__prepared_by", "idea"
        )
        .prefetch_related(
            Prefetch("risk_assessment__hazards", queryset=Hazard.objects.order_by("position", "pk"))
        )
        .first()
    )


def assessment_and_hazards(activity):
    try:
        assessment = activity.risk_assessment
    except RiskAssessment.DoesNotExist:
        return None, []
    return assessment, list(assessment.hazards.all())


def next_dates(home, activity, *, limit=5):
    """The next dates of ``activity`` not cancelled (for links back)."""
    return list(
        Occurrence.objects.for_home(home)
        .filter(activity=activity, ends_at__gte=timezone.now())
        .exclude(status=Occurrence.Status.CANCELLED)
        .order_by("starts_at")[:limit]
    )


def trip_drivers(home, occurrence):
    """``TripDrivers`` for the date in the minibus, with each not-free row's times that day."""
    found = drivers_for_trip(
        home=home, starts_at=occurrence.starts_at, ends_at=occurrence.ends_at, minibus=True
    )
    weekday = timezone.localtime(occurrence.starts_at).weekday()
    for row in found.not_free:
        row.day_times = row.times_on(weekday)
    return found


# --- Residents to invite -----------------------------------------------------------------------


@dataclass
class Suggestion:
    resident: Resident
    attendee: Attendee | None
    shared: list  # interest names the activity and the resident share
    wish: str  # a few words of the plan that mention it, or ''
    lately: int  # meaningful connections in the last LATELY_DAYS days
    reasons: list = field(default_factory=list)

    @property
    def suggested(self):
        return bool(self.shared or self.wish)


def _words(activity, interests):
    """Words that, found in a plan, mean it mentions this activity."""
    words = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", activity.title)}
    for interest in interests:
        words |= {w.lower() for w in re.findall(r"[A-Za-z]{4,}", interest.name)}
    common = {"trip", "with", "from", "activity", "group", "session", "visit", "morning", "afternoon", "club"}
    return words - common


def _mention(plan, words):
    if plan is None or not words:
        return ""
    for text in (plan.what_matters, plan.goals, plan.interests_notes, plan.places):
        for sentence in re.split(r"(?<=[.!?])\s+|\n", text or ""):
            lowered = sentence.lower()
            if any(re.search(rf"\b{re.escape(w)}", lowered) for w in words):
                said = sentence.strip()
                return said if len(said) <= 120 else said[:117].rstrip() + "…"
    return ""


def invite_suggestions(home, occurrence, *, now=None):
    """Residents living here, suggestions first: those who share the
    activity's interests or whose plan mentions it, people with the least
    meaningful connection lately first; then everyone else, also quietest
    first. Each with the reasons shown. Five queries."""
    now = now or timezone.now()
    activity = occurrence.activity
    interests = list(Interest.objects.filter(activities=activity).order_by("name"))
    wanted = {i.pk for i in interests}
    words = _words(activity, interests)
    since = now - timedelta(days=LATELY_DAYS)
    residents = (
        Resident.objects.for_home(home)
        .current()
        .select_related("plan")
        .prefetch_related(Prefetch("plan__interests", queryset=Interest.objects.order_by("name")))
        .annotate(
            lately=Count(
                "connections",
                filter=Q(
                    connections__response__in=MEANINGFUL_RESPONSES,
                    connections__connection__struck_out_at__isnull=True,
                    connections__occurred_at__gte=since,
                    connections__occurred_at__lte=now,
                ),
            )
        )
        .order_by("full_name", "pk")
    )
    attendees = {a.resident_id: a for a in Attendee.objects.for_home(home).filter(occurrence=occurrence)}
    rows = []
    for resident in residents:
        try:
            plan = resident.plan
        except Resident.plan.RelatedObjectDoesNotExist:
            plan = None
        shared = [i.name for i in plan.interests.all() if i.pk in wanted] if plan else []
        wish = _mention(plan, words)
        row = Suggestion(resident, attendees.get(resident.pk), shared, wish, resident.lately)
        if shared:
            row.reasons.append("Interested in " + ", ".join(shared).lower())
        if wish:
            row.reasons.append(f"Their plan says: “{wish}”")
        if resident.lately == 0:
            row.reasons.append(f"No meaningful connection logged in the last {LATELY_DAYS} days")
        elif resident.lately <= 2:
            row.reasons.append(
                f"Only {resident.lately} meaningful connection{'' if resident.lately == 1 else 's'} "
                f"in the last {LATELY_DAYS} days"
            )
        rows.append(row)
    rows.sort(key=lambda r: (not r.suggested, r.lately, -len(r.shared), r.resident.full_name.lower()))
    return rows


def places_taken(occurrence):
    return Attendee.objects.filter(occurrence=occurrence).exclude(answer=Attendee.Answer.NOT_COMING).count()


# --- Families ----------------------------------------------------------------------------------


@dataclass
class FamilyRow:
    attendee: Attendee
    links: list  # active family links (people an invitation reaches)
    replies: list  # EventReply rows of this date's invitations for this resident

    @property
    def invited(self):
        return bool(self.replies)


def family_rows(home, occurrence):
    """Each invited resident (not "would rather not") with their family
    accounts and the replies to this date's invitations. Four queries."""
    attendees = list(
        Attendee.objects.for_home(home)
        .filter(occurrence=occurrence)
        .exclude(answer=Attendee.Answer.NOT_COMING)
        .select_related("resident")
        .order_by("resident__full_name", "pk")
    )
    ids = [a.resident_id for a in attendees]
    links = {}
    for link in active_family_links(home).filter(resident_id__in=ids):
        links.setdefault(link.resident_id, []).append(link)
    events = (
        EventInvitation.objects.for_home(home)
        .filter(occurrences=occurrence, cancelled_at__isnull=True)
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=EventReply.objects.select_related("membership__user").order_by(
                    "membership__user__full_name", "pk"
                ),
            )
        )
    )
    replies = {}
    for event in events:
        replies.setdefault(event.resident_id, []).extend(event.replies.all())
    return [FamilyRow(a, links.get(a.resident_id, []), replies.get(a.resident_id, [])) for a in attendees]


# --- Attendance --------------------------------------------------------------------------------


def attendance_rows(home, occurrence):
    """(attendees, others): the people invited (not "would rather not", or
    already recorded) and the other residents living here who could be
    added. Three queries."""
    attendees = list(
        Attendee.objects.for_home(home)
        .filter(occurrence=occurrence)
        .filter(~Q(answer=Attendee.Answer.NOT_COMING) | ~Q(response=""))
        .select_related("resident")
        .order_by("resident__full_name", "pk")
    )
    taken = {a.resident_id for a in attendees}
    others = [
        r for r in Resident.objects.for_home(home).current().order_by("full_name", "pk") if r.pk not in taken
    ]
    return attendees, others


# --- Dashboard panel ---------------------------------------------------------------------------


def outings_not_confirmed(home, *, now=None):
    """Outing dates in the next ``PANEL_DAYS`` days not confirmed yet, each
    with ``blockers`` (what is missing). A fixed number of queries."""
    now = now or timezone.now()
    dates = list(
        rules.for_confirming(
            Occurrence.objects.for_home(home).filter(
                activity__kind=Activity.Kind.OUTING,
                status=Occurrence.Status.PLANNED,
                starts_at__gte=now,
                starts_at__lt=now + timedelta(days=PANEL_DAYS),
            )
        )
        .select_related("driver__volunteer", "driver__member__user")
        .order_by("starts_at", "pk")[:20]
    )
    settings = volunteer_rules.settings_for(home)
    facts = rules.facts_for(dates)
    for occurrence in dates:
        occurrence.blockers = rules.confirm_blockers(occurrence, settings=settings, facts=facts)
        if not occurrence.blockers:
            occurrence.blockers = [rules.Blocker("ready", "Ready to confirm")]
    return dates


def assessments_to_approve(home):
    """Outings' risk assessments written but not approved, with hazards listed."""
    return list(
        RiskAssessment.objects.for_home(home)
        .filter(approved_at__isnull=True, activity__ended_at__isnull=True)
        .annotate(hazard_count=Count("hazards"))
        .filter(hazard_count__gt=0)
        .select_related("activity", "prepared_by")
        .order_by("updated_at", "pk")[:20]
    )
