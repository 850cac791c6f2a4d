"""When an outing may be confirmed, in one place.

An outing date (an ``Occurrence`` of an ``Activity`` of kind OUTING) is
confirmed only when:

- its activity has a risk assessment that has been approved, since its last
  change, by someone allowed to approve (``outings.approve``), and whose
  review date is not before the outing;
- when it goes in the home's minibus: a driver is booked who may drive the
  minibus on that day (``volunteers.rules.driver_blockers``: licence checked,
  D1, MiDAS in date, a volunteer driver's role and checks) and who is not
  driving another outing at the same time.

``confirm_blockers`` lists what is missing in plain words; the confirming
service calls ``require_confirmable`` inside its transaction, so no screen
can skip it, and the outing's page shows the same list.

Load the occurrence with ``for_confirming(queryset)`` so this reads rows
already fetched.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import timezone

from carehome.errors import DomainError
from carehome.timeutils import day_text
from community.models import Activity, Hazard, Occurrence
from volunteers import rules as volunteer_rules
from volunteers.models import Driver


@dataclass(frozen=True)
class Blocker:
    kind: str  # "risk" or "driver"
    message: str

    def __str__(self):
        return self.message


class NotConfirmable(DomainError):
    """An outing may not be confirmed yet; ``blockers`` says why."""

    def __init__(self, message, blockers, *, field=None):
        super().__init__(message, field=field)
        self.blockers = blockers


def for_confirming(queryset):
    """Occurrences with what ``confirm_blockers`` reads."""
    return queryset.select_related(
        "activity", "activity__risk_assessment", "activity__home", "driver"
    ).prefetch_related(Prefetch("activity__risk_assessment__hazards", queryset=Hazard.objects.all()))


def _risk_assessment(activity):
    try:
        return activity.risk_assessment
    except Activity.risk_assessment.RelatedObjectDoesNotExist:
        return None


def risk_blockers(occurrence):
    activity = occurrence.activity
    if not activity.is_outing:
        return []
    assessment = _risk_assessment(activity)
    if assessment is None:
        return [Blocker("risk", "No risk assessment has been written for this outing")]
    found = []
    if not list(assessment.hazards.all()):
        found.append(Blocker("risk", "The risk assessment lists no hazards"))
    if not assessment.is_approved:
        found.append(Blocker("risk", "The risk assessment has not been approved"))
    elif assessment.review_on and assessment.review_on < timezone.localdate(occurrence.starts_at):
        found.append(
            Blocker(
                "risk",
                f"The risk assessment was due for review on {day_text(assessment.review_on)}, "
                "before this outing: review and approve it again",
            )
        )
    return found


def _overlapping(occurrence, others):
    for other in others:
        if (
            other.pk != occurrence.pk
            and other.driver_id == occurrence.driver_id
            and other.starts_at < occurrence.ends_at
            and other.ends_at > occurrence.starts_at
        ):
            return other
    return None


def _driving_elsewhere(occurrence):
    """Another live outing the same driver is booked on at an overlapping time."""
    return (
        Occurrence.objects.filter(home_id=occurrence.home_id, driver_id=occurrence.driver_id)
        .exclude(pk=occurrence.pk)
        .exclude(status=Occurrence.Status.CANCELLED)
        .filter(Q(starts_at__lt=occurrence.ends_at) & Q(ends_at__gt=occurrence.starts_at))
        .select_related("activity")
        .first()
    )


def facts_for(occurrences):
    """What ``confirm_blockers`` reads for many dates of one home, in a fixed
    number of queries: {"drivers": {id: Driver}, "busy": [Occurrence]}."""
    occurrences = list(occurrences)
    ids = {o.driver_id for o in occurrences if o.driver_id}
    if not ids:
        return {"drivers": {}, "busy": []}
    home_id = occurrences[0].home_id
    drivers = volunteer_rules.drivers_with_facts(Driver.objects.filter(home_id=home_id, pk__in=ids))
    start = min(o.starts_at for o in occurrences)
    end = max(o.ends_at for o in occurrences)
    busy = (
        Occurrence.objects.filter(home_id=home_id, driver_id__in=ids, starts_at__lt=end, ends_at__gt=start)
        .exclude(status=Occurrence.Status.CANCELLED)
        .select_related("activity")
    )
    return {"drivers": {d.pk: d for d in drivers}, "busy": list(busy)}


def driver_blockers(occurrence, *, settings=None, facts=None):
    activity = occurrence.activity
    if not activity.needs_minibus:
        return []
    if occurrence.driver_id is None:
        return [Blocker("driver", "No driver is booked for the minibus")]
    if facts is not None:
        driver = facts["drivers"].get(occurrence.driver_id)
        other = _overlapping(occurrence, facts["busy"])
    else:
        driver = volunteer_rules.drivers_with_facts(
            Driver.objects.filter(home_id=occurrence.home_id, pk=occurrence.driver_id)
        ).first()
        other = _driving_elsewhere(occurrence)
    settings = settings or volunteer_rules.settings_for(activity.home)
    on = timezone.localdate(occurrence.starts_at)
    found = [
        Blocker("driver", f"{driver.name} cannot drive the minibus that day: {b.message.lower()}")
        for b in volunteer_rules.driver_blockers(driver, settings=settings, on=on, minibus=True)
    ]
    if other is not None:
        found.append(Blocker("driver", f"{driver.name} is already driving “{other.activity.title}” then"))
    return found


def confirm_blockers(occurrence, *, settings=None, facts=None):
    """Everything stopping this date from being confirmed, or []. For many dates,
    pass ``settings`` and ``facts_for(dates)`` to keep the queries fixed."""
    return risk_blockers(occurrence) + driver_blockers(occurrence, settings=settings, facts=facts)


def require_confirmable(occurrence, *, settings=None):
    found = confirm_blockers(occurrence, settings=settings)
    if found:
        raise NotConfirmable(
            f"“{occurrence.activity.title}” cannot be confirmed yet: "
            + "; ".join(b.message for b in found)
            + ".",
            found,
        )
