"""Demo visits: Beryl, who builds model aircraft, visits the resident who
shares the hobby every Tuesday afternoon. Six weeks of visits are logged (each
on the resident's connection log, all but the last hours confirmed) and the
next four are planned; Kwame drives the minibus to the garden centre next week.

Idempotent: nothing is added to a home that already has assignments.
"""

from datetime import time, timedelta

from django.utils import timezone

from carehome.timeutils import local_datetime
from homes.models import Space
from residents.models import Connection, ConsentPurpose, PersonalPlan, Response
from residents.selectors.consent import consented
from residents.services.connections import connection_log
from volunteers.models import Assignment, Shift, Volunteer, VolunteerRole

VISIT_DAY = 1  # Tuesday
VISIT_AT = time(14, 0)
VISIT_MINUTES = 90
WEEKS_LOGGED = 6
WEEKS_AHEAD = 4
NOTES = [
    "Started a Spitfire kit together; he remembered the squadron markings.",
    "Painted the cockpit. Talked about his time in Aden.",
    "Glued the wings on. He held the parts steady — very pleased with it.",
    "Looked at photos of the Red Arrows; planning a Lancaster next.",
    "Finished the Spitfire. It is on his windowsill now.",
    "Opened the Lancaster kit. Two other residents came to watch.",
]


def seed(*, home, residents, staff, today, rng):
    if Assignment.objects.for_home(home).exists():
        return
    volunteers = {
        v.full_name: v for v in Volunteer.objects.for_home(home).select_related("user", "contact__user")
    }
    beryl, kwame = volunteers.get("Beryl Hutchins"), volunteers.get("Kwame Asante")
    if beryl is None:
        return
    befriender = VolunteerRole.objects.for_home(home).filter(name="Befriender").first()
    resident = _modeller(home, beryl)
    if resident is None or befriender is None:
        return
    place = Space.objects.for_home(home).filter(name="Lounge").first()
    coordinator = beryl.contact.user if beryl.contact_id else (staff[0] if staff else None)
    shared = sorted(
        set(beryl.interests.values_list("name", flat=True))
        & set(resident.plan.interests.values_list("name", flat=True))
    )
    shared.sort(key=lambda name: name != "Model making")
    reason = f"Both love {' and '.join(_lower(s) for s in shared[:2])}; Beryl is free on Tuesday afternoons."
    now = timezone.now()
    days_back = (today.weekday() - VISIT_DAY) % 7 or 7
    last_tuesday = today - timedelta(days=days_back)
    first = last_tuesday - timedelta(weeks=WEEKS_LOGGED - 1)
    assignment = Assignment.objects.create(
        home=home,
        volunteer=beryl,
        resident=resident,
        role=befriender,
        weekday=VISIT_DAY,
        starts_at=VISIT_AT,
        minutes=VISIT_MINUTES,
        space=place,
        starts_on=first,
        reason=reason,
        created_by=coordinator,
        created_at=now - timedelta(weeks=WEEKS_LOGGED, days=2),
    )
    shifts = []
    for week in range(WEEKS_LOGGED + WEEKS_AHEAD):
        day = first + timedelta(weeks=week)
        starts_at = local_datetime(day, VISIT_AT)
        done = week < WEEKS_LOGGED
        shifts.append(
            Shift(
                home=home,
                volunteer=beryl,
                assignment=assignment,
                resident=resident,
                role=befriender,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=VISIT_MINUTES),
                status=Shift.Status.DONE
                if done
                else (Shift.Status.CONFIRMED if week == WEEKS_LOGGED else Shift.Status.PLANNED),
                minutes_given=VISIT_MINUTES if done else None,
                response=Response.ACTIVE if done else "",
                log_note=NOTES[week % len(NOTES)] if done else "",
                logged_at=starts_at + timedelta(minutes=VISIT_MINUTES + 10) if done else None,
                logged_by=beryl.user if done else None,
                hours_confirmed_at=starts_at + timedelta(days=1)
                if done and week < WEEKS_LOGGED - 1
                else None,
                hours_confirmed_by=coordinator if done and week < WEEKS_LOGGED - 1 else None,
                created_by=coordinator,
            )
        )
    Shift.objects.bulk_create(shifts)
    # Each visit is on the resident's connection log, as the volunteer logged it.
    for shift in shifts[:WEEKS_LOGGED]:
        if shift.starts_at > now:
            continue
        shift.connection = connection_log(
            home=home,
            actor=beryl.user or coordinator,
            residents_with_responses=[(resident, Response.ACTIVE, "")],
            occurred_at=shift.starts_at,
            with_whom=Connection.WithWhom.VOLUNTEER,
            mode=Connection.Mode.IN_PERSON,
            with_name=beryl.full_name,
            note=shift.log_note,
        )
    Shift.objects.bulk_update(shifts[:WEEKS_LOGGED], ["connection"])

    if kwame is not None:
        driver_role = VolunteerRole.objects.for_home(home).filter(drives=True).first()
        day = today + timedelta(days=(3 - today.weekday()) % 7 or 7)  # next Thursday
        starts_at = local_datetime(day, time(10, 0))
        Shift.objects.create(
            home=home,
            volunteer=kwame,
            role=driver_role,
            title="Minibus to the garden centre",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=3),
            status=Shift.Status.CONFIRMED,
            created_by=coordinator,
        )


def _lower(name):
    return name if name.split()[0].isupper() else name[:1].lower() + name[1:]


def _modeller(home, volunteer):
    """The current resident who shares most of the volunteer's hobbies (model
    making first), among those who agreed to volunteers' visits."""
    hobbies = set(volunteer.interests.values_list("name", flat=True))
    best, best_score = None, 0
    plans = (
        PersonalPlan.objects.for_home(home)
        .filter(resident__status="current")
        .filter(resident_id__in=consented(home, ConsentPurpose.VOLUNTEER_VISITS))
        .select_related("resident")
        .prefetch_related("interests")
        .order_by("resident__full_name")
    )
    for plan in plans:
        names = {i.name for i in plan.interests.all()}
        score = len(names & hobbies) + (2 if "Model making" in names else 0)
        if score > best_score:
            best, best_score = plan.resident, score
    return best
