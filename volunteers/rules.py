"""What a volunteer (or a driver) must have before they meet residents, in one place.

A role says what it needs (``VolunteerRole``: a background check at a level,
references, identity, interview, induction, training). ``blockers`` lists, in
plain words, everything a volunteer is missing for their roles on a date —
"No enhanced DBS check with the adults' barred list", "Waiting for the second
reference (Jane Smith, asked 3 Nov)", "Safeguarding adults training ran out
on 2 October". The services call ``require_clear`` before they match, assign,
put on a rota or show a resident to a volunteer, so no screen can skip it, and
the screens show the same list.

Everything here reads rows already loaded: ``with_facts(queryset)`` prefetches
what the rules read in a fixed number of queries, so a board of a hundred
volunteers costs the same as one.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Prefetch

from carehome.errors import DomainError
from carehome.timeutils import add_months, day_text, today
from homes.models import Nation
from volunteers.models import (
    BackgroundCheck,
    CheckLevel,
    Reference,
    TrainingRecord,
    Volunteer,
    VolunteerRole,
    VolunteerSettings,
)
from volunteers.models.choices import CHECK_RANK

INDUCTION = "induction"
MINIBUS_TRAINING = "midas"
MINIBUS_CATEGORIES = {"D1", "D1E", "D"}
ORDINALS = ["first", "second", "third"]
DBS_NAMES = {
    CheckLevel.BASIC: "basic DBS check",
    CheckLevel.STANDARD: "standard DBS check",
    CheckLevel.ENHANCED: "enhanced DBS check",
    CheckLevel.ENHANCED_BARRED: "enhanced DBS check with the adults' barred list",
}


def lower_first(name):
    """ "Safeguarding adults" → "safeguarding adults"; "MiDAS" and "DIY" keep their capitals."""
    first = name.split(" ", 1)[0]
    if any(c.isupper() for c in first[1:]):
        return name
    return name[:1].lower() + name[1:]


@dataclass(frozen=True)
class Blocker:
    """One thing missing. ``kind`` groups them (the board filters by it);
    ``message`` is what a person reads."""

    kind: str
    message: str

    def __str__(self):
        return self.message


class NotClear(DomainError):
    """A volunteer or driver may not do this yet; ``blockers`` says why."""

    def __init__(self, message, blockers, *, field=None):
        super().__init__(message, field=field)
        self.blockers = blockers


# --- Loading --------------------------------------------------------------------------------


def with_facts(queryset):
    """``queryset`` of volunteers with everything the rules read, prefetched
    (six queries however many volunteers)."""
    return queryset.select_related("home").prefetch_related(
        Prefetch("checks", queryset=BackgroundCheck.objects.order_by("-valid_until", "-id")),
        Prefetch("references", queryset=Reference.objects.order_by("created_at", "id")),
        Prefetch("training", queryset=TrainingRecord.objects.select_related("module")),
        Prefetch("roles", queryset=VolunteerRole.objects.prefetch_related("training")),
    )


def settings_for(home):
    """The home's volunteering settings (the defaults if none are saved)."""
    return VolunteerSettings.objects.for_home(home).first() or VolunteerSettings(home=home)


def _short(day, on):
    """ "3 November" (with the year when it is not this year)."""
    return day_text(day, "j F", on=on)


# --- A volunteer ----------------------------------------------------------------------------


def check_blocker(volunteer, level, *, nation, on):
    """What is missing of the background check ``level`` needs, or None."""
    if not level or level == CheckLevel.NONE:
        return None
    checks = list(volunteer.checks.all())
    if nation == Nation.SCOTLAND:
        pvg = [c for c in checks if c.scheme == BackgroundCheck.Scheme.PVG]
        if not pvg:
            return Blocker("check", "No PVG scheme membership recorded")
        if all(c.left_notified_on for c in pvg):
            return Blocker("check", "PVG membership ended: Disclosure Scotland was told they left")
        valid = [c for c in pvg if not c.left_notified_on]
        best = max(valid, key=lambda c: c.valid_until)
        if best.valid_until < on:
            return Blocker(
                "check", f"PVG membership ended on {_short(best.valid_until, on)}: it needs renewing"
            )
        return None
    label = DBS_NAMES[level]
    dbs = [
        c
        for c in checks
        if c.scheme == BackgroundCheck.Scheme.DBS and CHECK_RANK.get(c.level, 0) >= CHECK_RANK[level]
    ]
    if not dbs:
        return Blocker("check", f"No {label} recorded")
    best = max(dbs, key=lambda c: c.valid_until)
    if best.valid_until < on:
        return Blocker("check", f"DBS check was due for renewal on {_short(best.valid_until, on)}")
    return None


def references_blocker(volunteer, needed, *, on):
    if not needed:
        return None
    references = list(volunteer.references.all())
    good = [r for r in references if r.received_on and r.satisfactory]
    if len(good) >= needed:
        return None
    ordinal = ORDINALS[len(good)] if len(good) < len(ORDINALS) else "next"
    waiting = [r for r in references if not r.received_on]
    if waiting:
        ref = waiting[0]
        asked = f", asked {_short(ref.requested_on, on)}" if ref.requested_on else ", not asked yet"
        return Blocker("references", f"Waiting for the {ordinal} reference ({ref.name}{asked})")
    if any(r.received_on and not r.satisfactory for r in references):
        return Blocker("references", f"A reference was not satisfactory: ask for a {ordinal} one")
    return Blocker("references", f"No referee for the {ordinal} reference")


def _current_training(records, slug, on):
    """The newest record of module ``slug`` among ``records``, and whether it is in date."""
    matching = [r for r in records if r.module.slug == slug]
    if not matching:
        return None, False
    newest = max(matching, key=lambda r: (r.completed_on, r.pk or 0))
    return newest, newest.expires_on is None or newest.expires_on >= on


def training_blocker(records, module, *, on):
    record, ok = _current_training(records, module.slug, on)
    if ok:
        return None
    if record is None:
        return Blocker("training", f"No {lower_first(module.name)} training recorded")
    return Blocker("training", f"{module.name} training ran out on {_short(record.expires_on, on)}")


def role_blockers(volunteer, role, *, nation, on):
    """Everything ``volunteer`` is missing for ``role`` on ``on``, in the order they are usually done."""
    found = []
    if role.needs_identity and not volunteer.identity_checked_on:
        found.append(Blocker("identity", "Identity not checked"))
    if role.needs_interview and not volunteer.interviewed_on:
        found.append(Blocker("interview", "No interview recorded"))
    if blocker := references_blocker(volunteer, role.references_needed, on=on):
        found.append(blocker)
    if blocker := check_blocker(volunteer, role.check_level, nation=nation, on=on):
        found.append(blocker)
    records = list(volunteer.training.all())
    if role.needs_induction:
        record, ok = _current_training(records, INDUCTION, on)
        if not ok:
            found.append(
                Blocker("induction", "Induction not done" if record is None else "Induction needs repeating")
            )
    for module in role.training.all():
        if module.slug == INDUCTION and role.needs_induction:
            continue
        if blocker := training_blocker(records, module, on=on):
            found.append(blocker)
    return found


def blockers(volunteer, *, roles=None, on=None, status=True):
    """Everything ``volunteer`` is missing for ``roles`` (default: every role
    they hold) on ``on`` (default today), without repeats. ``status``: count
    not being active as a blocker (off for the board's "what is left to do
    before they can start")."""
    on = on or today()
    nation = volunteer.home.nation
    found = []
    if status and volunteer.status != Volunteer.Status.ACTIVE:
        found.append(Blocker("status", f"Not active: {volunteer.get_status_display().lower()}"))
    chosen = list(volunteer.roles.all()) if roles is None else list(roles)
    if not chosen:
        found.append(Blocker("role", "No role chosen yet"))
    for role in chosen:
        for blocker in role_blockers(volunteer, role, nation=nation, on=on):
            if blocker not in found:
                found.append(blocker)
    return found


def meeting_roles(volunteer):
    """The roles of ``volunteer`` in which they spend time with residents."""
    return [r for r in volunteer.roles.all() if r.meets_residents and r.is_active]


def clear_to_meet_residents(volunteer, *, on=None):
    """(role, []) for the first role in which ``volunteer`` may meet residents
    on ``on``; (None, blockers) otherwise — the blockers of their nearest role."""
    roles = meeting_roles(volunteer)
    if not roles:
        return None, [Blocker("role", "No role that spends time with residents")]
    best = None
    for role in roles:
        found = blockers(volunteer, roles=[role], on=on)
        if not found:
            return role, []
        if best is None or len(found) < len(best):
            best = found
    return None, best


def require_clear(volunteer, *, doing, role=None, on=None, field=None):
    """Raise ``NotClear`` unless ``volunteer`` has everything for ``role``
    (or, with no role, for meeting residents in any of theirs) on ``on``.
    ``doing`` finishes "… cannot be ___ yet": "matched", "assigned",
    "put on the rota", "shown residents"."""
    if role is not None:
        found = blockers(volunteer, roles=[role], on=on)
    else:
        _, found = clear_to_meet_residents(volunteer, on=on)
    if found:
        raise NotClear(
            f"{volunteer.full_name} cannot be {doing} yet: " + "; ".join(b.message for b in found) + ".",
            found,
            field=field,
        )
    return role


# --- A driver -------------------------------------------------------------------------------


def licence_check_due_on(driver, settings):
    return add_months(driver.licence_checked_on, settings.licence_check_months)


def driver_blockers(driver, *, settings, on=None, minibus=None):
    """Why ``driver`` is out of the bank on ``on`` (default today), or [].

    ``minibus`` True: for a minibus trip (D1 and MiDAS needed); False: in
    their own car (insurance and MOT needed); None: either will do, as the
    driver is set up. Load with ``volunteer`` (``with_facts``) or
    ``member__user`` and ``member__training__module``.
    """
    on = on or today()
    found = []
    if not driver.is_active:
        found.append(Blocker("bank", "Taken out of the driver bank"))
    if driver.volunteer_id:
        person = driver.volunteer
        if person.status != Volunteer.Status.ACTIVE:
            found.append(Blocker("status", f"Not an active volunteer: {person.get_status_display().lower()}"))
        driving_roles = [r for r in person.roles.all() if r.drives and r.is_active]
        if not driving_roles:
            # The role that drives says which checks a volunteer driver needs.
            found.append(Blocker("role", "No volunteer role that drives"))
        for role in driving_roles:
            for blocker in role_blockers(person, role, nation=person.home.nation, on=on):
                if blocker not in found:
                    found.append(blocker)
        records = list(person.training.all())
    else:
        member = driver.member
        if not member.is_active:
            found.append(Blocker("status", "No longer works here"))
        records = list(member.training.all())
    due = licence_check_due_on(driver, settings)
    if due < on:
        found.append(Blocker("licence", f"Licence check was due on {_short(due, on)}"))
    wants_minibus = driver.drives_minibus if minibus is None else minibus
    wants_car = driver.drives_own_car if minibus is None else not minibus
    if wants_minibus:
        if not MINIBUS_CATEGORIES & set(driver.licence_categories or []):
            found.append(Blocker("minibus", "No D1 (minibus) entitlement on their licence"))
        record, ok = _current_training(records, MINIBUS_TRAINING, on)
        if not ok:
            found.append(
                Blocker(
                    "minibus",
                    "No minibus driving (MiDAS) training recorded"
                    if record is None
                    else f"Minibus driving (MiDAS) training ran out on {_short(record.expires_on, on)}",
                )
            )
        if minibus and not driver.drives_minibus:
            found.append(Blocker("minibus", "Does not drive the minibus"))
    if wants_car:
        if minibus is False and not driver.drives_own_car:
            found.append(Blocker("car", "Does not drive their own car for the home"))
        if driver.insurance_expires_on is None:
            found.append(Blocker("insurance", "No business-use insurance recorded"))
        elif driver.insurance_expires_on < on:
            found.append(
                Blocker("insurance", f"Insurance ended on {_short(driver.insurance_expires_on, on)}")
            )
        if driver.vehicle_check_expires_on is None:
            found.append(Blocker("vehicle", "No MOT recorded"))
        elif driver.vehicle_check_expires_on < on:
            found.append(Blocker("vehicle", f"MOT ended on {_short(driver.vehicle_check_expires_on, on)}"))
    return found


def drivers_with_facts(queryset):
    """``queryset`` of drivers with what ``driver_blockers`` reads."""
    return queryset.select_related("volunteer", "volunteer__home", "member", "member__user").prefetch_related(
        Prefetch("volunteer__checks", queryset=BackgroundCheck.objects.order_by("-valid_until", "-id")),
        Prefetch("volunteer__references", queryset=Reference.objects.order_by("created_at", "id")),
        Prefetch("volunteer__training", queryset=TrainingRecord.objects.select_related("module")),
        Prefetch("volunteer__roles", queryset=VolunteerRole.objects.prefetch_related("training")),
        Prefetch("member__training", queryset=TrainingRecord.objects.select_related("module")),
        "availability",
    )


def require_driver(driver, *, settings, on=None, minibus=None):
    """Raise ``NotClear`` unless ``driver`` may drive on ``on``."""
    found = driver_blockers(driver, settings=settings, on=on, minibus=minibus)
    if found:
        raise NotClear(f"{driver.name} cannot drive yet: " + "; ".join(b.message for b in found) + ".", found)


# --- Expiry ----------------------------------------------------------------------------------

WARN_DAYS = (60, 30, 7)


def warning_days(expires_on, on):
    """Which of 60, 30 and 7 days' notice ``expires_on`` is now within (the
    nearest), or None if it is further off or already past."""
    left = (expires_on - on).days
    if left < 0:
        return None
    within = [d for d in WARN_DAYS if left <= d]
    return min(within) if within else None


def expires_soon(expires_on, on, days=WARN_DAYS[0]):
    return expires_on is not None and on <= expires_on <= on + timedelta(days=days)
