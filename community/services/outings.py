"""Writes for outings: the risk assessment and its approval, booking a driver
for a date in the minibus, and confirming a date.

Whether a date may be confirmed is ``community.rules``' answer (an approved
risk assessment in date; for the minibus an eligible driver not driving
another outing then); ``occurrence_confirm`` asks it inside its transaction,
with the date and the driver locked, so no screen can skip it.

Each rule's words are here once; the forms import them.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.timeutils import horizon_date_problem, today
from carehome.versions import version_bump, version_check
from community import rules
from community.messages import CONFIRMED, programme_messages_schedule
from community.messages.programme import driver_changed_schedule
from community.models import Activity, Hazard, Occurrence, RiskAssessment
from homes.audit import record_created
from homes.scoping import check_home
from volunteers import rules as volunteer_rules
from volunteers.models import Driver

# --- The words, once --------------------------------------------------------------------------

NOT_AN_OUTING = "Only outings have a risk assessment."
SUMMARY_TOO_LONG = "Keep the summary under 2,000 characters."
PLAN_TOO_LONG = "Keep the emergency plan under 2,000 characters."
HAZARD_MISSING = "Write the hazard, like “Uneven ground by the water”."
HAZARD_TOO_LONG = "Keep the hazard under 200 characters."
WHO_TOO_LONG = "Keep “who could be harmed” under 200 characters."
CONTROLS_MISSING = "Write what you will do about this hazard."
CONTROLS_TOO_LONG = "Keep “what we do about it” under 1,000 characters."
LEVEL_MISSING = "Choose the risk with these measures in place: low, medium or high."
TOO_MANY_HAZARDS = "A risk assessment can list up to 30 hazards. Combine some of them."
NO_HAZARDS = "List at least one hazard and what you will do about it before approving."
NO_EMERGENCY_PLAN = "Write what to do if something goes wrong before approving."
ALREADY_APPROVED = "This risk assessment is already approved."
CHANGED_SINCE = "The risk assessment was changed after you opened it. Read it again below, then approve it."
NOT_WRITTEN = "No risk assessment has been written for this outing yet."

NO_MINIBUS = "This outing does not go in the home's minibus, so it needs no driver from the bank."
DATE_CANCELLED = "This date is cancelled."
DATE_PASSED = "This date has already started, so it cannot be changed here."
DRIVER_CHOICE = "Choose a driver from the list, or “No driver yet”."
ALREADY_CONFIRMED = "This date is already confirmed."

SUMMARY_LIMIT = PLAN_LIMIT = 2000
HAZARD_LIMIT = WHO_LIMIT = 200
CONTROLS_LIMIT = 1000
MAX_HAZARDS = 30


def review_date_problem(day, *, on=None):
    """Why ``day`` cannot be a risk assessment's review date, or ''."""
    on = on or today()
    return horizon_date_problem(day, start=on, what="review date", on=on)


@dataclass(frozen=True)
class HazardRow:
    hazard: str
    who_at_risk: str
    controls: str
    level: str

    def key(self):
        return (self.hazard, self.who_at_risk, self.controls, self.level)


def hazard_problems(*, hazard, who_at_risk, controls, level):
    """Every problem with one hazard row, as [(field, message)]."""
    found = []
    if not hazard:
        found.append(("hazard", HAZARD_MISSING))
    elif len(hazard) > HAZARD_LIMIT:
        found.append(("hazard", HAZARD_TOO_LONG))
    if len(who_at_risk) > WHO_LIMIT:
        found.append(("who_at_risk", WHO_TOO_LONG))
    if not controls:
        found.append(("controls", CONTROLS_MISSING))
    elif len(controls) > CONTROLS_LIMIT:
        found.append(("controls", CONTROLS_TOO_LONG))
    if level not in Hazard.Level.values:
        found.append(("level", LEVEL_MISSING))
    return found


def _one_line(text):
    return " ".join((text or "").split())


def _clean_hazards(hazards):
    rows = []
    for number, item in enumerate(hazards, start=1):
        row = HazardRow(
            hazard=_one_line(item.get("hazard")),
            who_at_risk=_one_line(item.get("who_at_risk")),
            controls=(item.get("controls") or "").strip(),
            level=item.get("level") or "",
        )
        for _field, message in hazard_problems(**row.__dict__):
            raise DomainError(f"Hazard {number}: {message}", field="hazards")
        rows.append(row)
    if len(rows) > MAX_HAZARDS:
        raise DomainError(TOO_MANY_HAZARDS, field="hazards")
    return rows


def assessment_of(activity):
    try:
        return activity.risk_assessment
    except Activity.risk_assessment.RelatedObjectDoesNotExist:
        return None


def _content(assessment, hazards):
    return (
        assessment.summary,
        assessment.emergency_plan,
        assessment.review_on,
        [HazardRow(h.hazard, h.who_at_risk, h.controls, h.level).key() for h in hazards],
    )


def risk_assessment_save(*, home, actor, activity, summary, emergency_plan, review_on, hazards, version=None):
    """Write (or rewrite) an outing's risk assessment: its summary, emergency
    plan, review date and hazards (a list of dicts with ``hazard``,
    ``who_at_risk``, ``controls``, ``level``; they replace the ones saved).
    Any change to an approved assessment takes the approval away. Returns
    ``(assessment, approval_removed)``."""
    check_home(home, activity)
    if not activity.is_outing:
        raise DomainError(NOT_AN_OUTING)
    summary = (summary or "").strip()
    emergency_plan = (emergency_plan or "").strip()
    if len(summary) > SUMMARY_LIMIT:
        raise DomainError(SUMMARY_TOO_LONG, field="summary")
    if len(emergency_plan) > PLAN_LIMIT:
        raise DomainError(PLAN_TOO_LONG, field="emergency_plan")
    if review_on is not None and (problem := review_date_problem(review_on)):
        raise DomainError(problem, field="review_on")
    rows = _clean_hazards(hazards)
    with transaction.atomic(), acting_as(actor):
        Activity.objects.for_home(home).select_for_update().get(pk=activity.pk)
        assessment = (
            RiskAssessment.objects.for_home(home).select_for_update().filter(activity=activity).first()
        )
        submitted = {
            "summary": summary,
            "emergency_plan": emergency_plan,
            "review_on": review_on,
            "hazards": [r.hazard for r in rows],
        }
        if assessment is None:
            if version:
                raise DomainError(CHANGED_SINCE)
            assessment = RiskAssessment(home=home, activity=activity, prepared_by=actor)
            old = None
        else:
            saved = list(assessment.hazards.all())
            version_check(
                assessment,
                version,
                submitted=submitted,
                saved={"hazards": [h.hazard for h in saved]},
                labels={"hazards": "Hazards"},
            )
            old = _content(assessment, saved)
        assessment.summary, assessment.emergency_plan, assessment.review_on = (
            summary,
            emergency_plan,
            review_on,
        )
        new = (summary, emergency_plan, review_on, [r.key() for r in rows])
        if old == new:
            return assessment, False
        removed = assessment.is_approved
        assessment.approved_by = None
        assessment.approved_at = None
        assessment.prepared_by = actor
        assessment.updated_at = timezone.now()
        if assessment.pk:
            version_bump(assessment)
        assessment.save()
        Hazard.objects.for_home(home).filter(assessment=assessment).delete()
        created = Hazard.objects.bulk_create(
            [
                Hazard(home=home, assessment=assessment, position=number, **row.__dict__)
                for number, row in enumerate(rows, start=1)
            ]
        )
        record_created(created)
        if removed:
            # Its confirmed dates wait for the assessment to be approved again.
            dates_recheck(activity=activity)
    return assessment, removed


def approval_problems(assessment, hazards):
    """Why this assessment cannot be approved, as a list of messages."""
    found = []
    if not hazards:
        found.append(NO_HAZARDS)
    if not (assessment.emergency_plan or "").strip():
        found.append(NO_EMERGENCY_PLAN)
    return found


def risk_approve(*, home, actor, activity, version=None):
    """Approve an outing's risk assessment as it is now (``version`` is the
    one the approver read): who and when are recorded."""
    check_home(home, activity)
    if not activity.is_outing:
        raise DomainError(NOT_AN_OUTING)
    with transaction.atomic(), acting_as(actor):
        assessment = (
            RiskAssessment.objects.for_home(home).select_for_update().filter(activity=activity).first()
        )
        if assessment is None:
            raise DomainError(NOT_WRITTEN)
        if version is not None and int(version) != assessment.version:
            raise DomainError(CHANGED_SINCE)
        if assessment.is_approved:
            raise DomainError(ALREADY_APPROVED)
        if found := approval_problems(assessment, list(assessment.hazards.all())):
            raise DomainError(" ".join(found))
        assessment.approved_by = actor
        assessment.approved_at = timezone.now()
        assessment.save(update_fields=["approved_by", "approved_at", *version_bump(assessment)])
    return assessment


# --- A date's driver ---------------------------------------------------------------------------


def _open_date(home, occurrence):
    locked = Occurrence.objects.for_home(home).select_for_update().filter(pk=occurrence.pk).first()
    if locked is None:
        raise DomainError("That date is not on this home's programme.")
    if locked.status == Occurrence.Status.CANCELLED:
        raise DomainError(DATE_CANCELLED)
    if locked.starts_at <= timezone.now():
        raise DomainError(DATE_PASSED)
    return locked


def driving_elsewhere(occurrence, driver):
    """Another live outing ``driver`` is booked on that overlaps ``occurrence``, or None."""
    return (
        Occurrence.objects.filter(home_id=occurrence.home_id, driver=driver)
        .exclude(pk=occurrence.pk)
        .exclude(status=Occurrence.Status.CANCELLED)
        .filter(Q(starts_at__lt=occurrence.ends_at) & Q(ends_at__gt=occurrence.starts_at))
        .select_related("activity")
        .first()
    )


def occurrence_driver_set(*, home, actor, occurrence, driver, now=None):
    """Book ``driver`` (or nobody: ``None``) for an outing date in the minibus.
    The driver must be of ``home``, allowed to drive the minibus that day and
    not driving another outing then. A confirmed date whose driver changes
    tells the old and the new driver; one left without a driver goes back to
    "planned". Returns ``(occurrence, unconfirmed)``."""
    check_home(home, occurrence, driver)
    now = now or timezone.now()
    activity = occurrence.activity
    if not activity.needs_minibus:
        raise DomainError(NO_MINIBUS)
    with transaction.atomic(), acting_as(actor):
        locked = _open_date(home, occurrence)
        if driver is not None:
            driver = (
                volunteer_rules.drivers_with_facts(Driver.objects.for_home(home).filter(pk=driver.pk))
                .select_for_update(of=("self",))
                .first()
            )
            if driver is None:
                raise DomainError(DRIVER_CHOICE, field="driver")
            found = volunteer_rules.driver_blockers(
                driver,
                settings=volunteer_rules.settings_for(home),
                on=timezone.localdate(locked.starts_at),
                minibus=True,
            )
            if found:
                raise DomainError(
                    f"{driver.name} cannot drive the minibus that day: "
                    + "; ".join(b.message[:1].lower() + b.message[1:] for b in found)
                    + ".",
                    field="driver",
                )
            other = driving_elsewhere(locked, driver)
            if other is not None:
                raise DomainError(
                    f"{driver.name} is already driving “{other.activity.title}” then.", field="driver"
                )
        if locked.driver_id == (driver.pk if driver else None):
            return locked, False
        old_driver = locked.driver
        locked.driver = driver
        locked.sequence += 1
        fields = ["driver", "sequence", *version_bump(locked)]
        unconfirmed = False
        if locked.status == Occurrence.Status.CONFIRMED:
            if driver is None:
                locked.status = Occurrence.Status.PLANNED
                locked.confirmed_at = None
                locked.confirmed_by = None
                fields += ["status", "confirmed_at", "confirmed_by"]
                unconfirmed = True
            driver_changed_schedule(occurrence=locked, old_driver=old_driver, new_driver=driver, now=now)
        locked.save(update_fields=fields)
        if locked.status == Occurrence.Status.CONFIRMED or unconfirmed:
            # Reminders follow the new driver (the old one's are cancelled); a date
            # no longer confirmed has its waiting reminders cancelled.
            programme_messages_schedule(occurrence=locked, kind=CONFIRMED, now=now)
    return locked, unconfirmed


# --- Confirming --------------------------------------------------------------------------------


def occurrence_confirm(*, home, actor, occurrence, now=None):
    """Confirm a date: for an outing, only with an approved risk assessment in
    date and, for the minibus, an eligible driver not driving another outing
    then (``community.rules.require_confirmable`` raises ``NotConfirmable``
    with the reasons). Schedules the reminders."""
    check_home(home, occurrence)
    now = now or timezone.now()
    with transaction.atomic(), acting_as(actor):
        locked = _open_date(home, occurrence)
        if locked.status == Occurrence.Status.CONFIRMED:
            raise DomainError(ALREADY_CONFIRMED)
        if locked.driver_id:
            # Two dates confirming with the same driver at once are checked in turn.
            Driver.objects.for_home(home).select_for_update().filter(pk=locked.driver_id).first()
        loaded = rules.for_confirming(Occurrence.objects.for_home(home).filter(pk=locked.pk)).get()
        rules.require_confirmable(loaded)
        locked.status = Occurrence.Status.CONFIRMED
        locked.confirmed_at = now
        locked.confirmed_by = actor
        locked.sequence += 1  # calendars show it confirmed, not tentative
        locked.save(
            update_fields=["status", "confirmed_at", "confirmed_by", "sequence", *version_bump(locked)]
        )
        programme_messages_schedule(occurrence=locked, kind=CONFIRMED, now=now)
    return locked


def dates_recheck(*, activity, now=None, only=None):
    """After a change to an outing (its risk assessment, its transport, a date's
    time): each date to come that is confirmed but no longer passes the gate
    (``community.rules``) goes back to "planned" and its reminders are
    cancelled, and a date no longer in the minibus lets its driver go. Call
    inside the transaction that made the change. Returns the dates sent back."""
    now = now or timezone.now()
    if activity.kind != Activity.Kind.OUTING:
        return []
    dates = Occurrence.objects.for_home(activity.home_id).filter(activity=activity, starts_at__gt=now)
    if only is not None:
        dates = dates.filter(pk__in=[o.pk for o in only])
    dates = list(
        rules.for_confirming(dates.exclude(status=Occurrence.Status.CANCELLED)).select_for_update(
            of=("self",)
        )
    )
    if not dates:
        return []
    settings = volunteer_rules.settings_for(activity.home)
    facts = rules.facts_for(dates)
    sent_back = []
    for occurrence in dates:
        changed = []
        if occurrence.driver_id and not occurrence.activity.needs_minibus:
            occurrence.driver = None
            changed.append("driver")
        if occurrence.status == Occurrence.Status.CONFIRMED and rules.confirm_blockers(
            occurrence, settings=settings, facts=facts
        ):
            occurrence.status = Occurrence.Status.PLANNED
            occurrence.confirmed_at = None
            occurrence.confirmed_by = None
            occurrence.sequence += 1
            changed += ["status", "confirmed_at", "confirmed_by", "sequence"]
            sent_back.append(occurrence)
        if changed:
            occurrence.save(update_fields=[*changed, *version_bump(occurrence)])
            # Not confirmed any more: its waiting reminders are cancelled.
            programme_messages_schedule(occurrence=occurrence, kind=CONFIRMED, now=now)
    return sent_back
