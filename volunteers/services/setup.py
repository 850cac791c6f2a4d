"""Writes for a home's volunteer roles and volunteering settings.

A role says what its volunteers need before they start (``volunteers.rules``
reads it); the settings say how long a DBS check and a driving licence check
count, whether the public page takes applications, and which connector
charities recruit for the home. Each write runs in one transaction inside
``acting_as``; edits refuse to save over someone else's newer save."""

from django.db import IntegrityError, transaction

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.timeutils import add_months
from carehome.versions import version_bump, version_check
from homes.models import Home, Nation, Organisation
from homes.scoping import check_home
from homes.services import home_nation_set
from homes.submissions import submission_once, submission_seen
from volunteers.models import BackgroundCheck, CheckLevel, TrainingModule, VolunteerRole, VolunteerSettings

# Words the forms show too (they import them from here).
ROLE_NAME_MISSING = "Give the role a name, like “Befriender” or “Activity helper”."
ROLE_NAME_TOO_LONG = "Keep the name under 80 characters."
CHECK_LEVEL_CHOICE = "Choose the background check this role needs."
REFERENCES_RANGE = "Enter a number of references from 0 to 3."
TRAINING_CHOICE = "Choose courses from the list."
DBS_MONTHS_RANGE = "Enter a number of months from 1 to 120 (ten years)."
LICENCE_MONTHS_RANGE = "Enter a number of months from 1 to 60 (five years)."
CHARITY_CHOICE = "Choose charities from the list."
WELCOME_TOO_LONG = "Keep this under 3,000 characters."
DESCRIPTION_TOO_LONG = "Keep the description under 2,000 characters."
ALREADY_HAS_ROLES = "This home already has roles, so no starter roles were added."

ROLE_FLAGS = (
    "needs_identity",
    "needs_interview",
    "needs_induction",
    "meets_residents",
    "drives",
    "is_active",
)


def _name_taken(home, name):
    return f"{home.name} already has a role called “{name}”. Choose another name."


def _role_fields(*, home, fields):
    name = " ".join((fields.get("name") or "").split())
    if not name:
        raise DomainError(ROLE_NAME_MISSING, field="name")
    if len(name) > 80:
        raise DomainError(ROLE_NAME_TOO_LONG, field="name")
    check_level = fields.get("check_level")
    if check_level not in CheckLevel.values:
        raise DomainError(CHECK_LEVEL_CHOICE, field="check_level")
    references = fields.get("references_needed")
    if not isinstance(references, int) or not 0 <= references <= 3:
        raise DomainError(REFERENCES_RANGE, field="references_needed")
    training = list(fields.get("training") or [])
    if any(not isinstance(m, TrainingModule) or not m.for_volunteers for m in training):
        raise DomainError(TRAINING_CHOICE, field="training")
    cleaned = {
        "name": name,
        "description": (fields.get("description") or "").strip(),
        "check_level": check_level,
        "references_needed": references,
        **{flag: bool(fields.get(flag)) for flag in ROLE_FLAGS},
    }
    if len(cleaned["description"]) > 2000:
        raise DomainError(DESCRIPTION_TOO_LONG, field="description")
    return cleaned, training


def _refuse_taken_name(home, name, *, exclude=None):
    same = VolunteerRole.objects.for_home(home).filter(name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    if same.exists():
        raise DomainError(_name_taken(home, name), field="name")


def role_create(*, home, actor, form_token=None, **fields):
    """Add a role (once per ``form_token``). Its name is unique in the home,
    whatever the capitals."""
    submission_seen(home=home, token=form_token)
    cleaned, training = _role_fields(home=home, fields=fields)
    _refuse_taken_name(home, cleaned["name"])
    try:
        with (
            transaction.atomic(),
            acting_as(actor),
            submission_once(home=home, actor=actor, token=form_token) as once,
        ):
            role = VolunteerRole.objects.create(home=home, **cleaned)
            role.training.set(training)
            once.created(role)
    except IntegrityError:
        raise DomainError(_name_taken(home, cleaned["name"]), field="name") from None
    return role


def role_update(*, home, actor, role, version=None, **fields):
    """Change what a role is and needs. ``EditConflict`` if someone saved it since ``version``."""
    check_home(home, role)
    cleaned, training = _role_fields(home=home, fields=fields)
    _refuse_taken_name(home, cleaned["name"], exclude=role)
    try:
        with transaction.atomic(), acting_as(actor):
            locked = VolunteerRole.objects.for_home(home).select_for_update().get(pk=role.pk)
            saved_training = list(locked.training.all())
            version_check(
                locked,
                version,
                submitted={**cleaned, "training": training},
                saved={"training": saved_training},
                labels={"training": "Training needed"},
            )
            for name, value in cleaned.items():
                setattr(locked, name, value)
            version_bump(locked)
            locked.save()
            if {m.pk for m in saved_training} != {m.pk for m in training}:
                locked.training.set(training)
    except IntegrityError:
        raise DomainError(_name_taken(home, cleaned["name"]), field="name") from None
    return locked


# The starter roles: name, description, training (besides induction), drives, identity check.
STARTER_ROLES = [
    (
        "Befriender",
        "Visits one or two residents regularly for a chat, a walk or a shared hobby.",
        ["safeguarding-adults", "dementia-awareness"],
        False,
        True,
    ),
    (
        "Activity helper",
        "Helps with group activities, outings and events in the home.",
        ["safeguarding-adults"],
        False,
        True,
    ),
    (
        "Volunteer driver",
        "Drives residents to appointments, outings and to see family, in their own car or the minibus.",
        ["safeguarding-adults"],
        True,
        False,
    ),
]


def roles_starter_set(*, home, actor):
    """Add three common roles (Befriender, Activity helper, Volunteer driver)
    to a home that has none yet, to change as it likes."""
    with transaction.atomic(), acting_as(actor):
        # One at a time: two people pressing the button at once add one set.
        Home.objects.select_for_update().filter(pk=home.pk).first()
        if VolunteerRole.objects.for_home(home).exists():
            raise DomainError(ALREADY_HAS_ROLES)
        modules = {
            m.slug: m
            for m in TrainingModule.objects.filter(slug__in=["safeguarding-adults", "dementia-awareness"])
        }
        roles = []
        for name, description, slugs, drives, needs_identity in STARTER_ROLES:
            role = VolunteerRole.objects.create(
                home=home,
                name=name,
                description=description,
                check_level=CheckLevel.ENHANCED_BARRED,
                references_needed=2,
                needs_identity=needs_identity,
                needs_interview=False,
                needs_induction=True,
                meets_residents=True,
                drives=drives,
                is_active=True,
            )
            role.training.set([modules[slug] for slug in slugs if slug in modules])
            roles.append(role)
    return roles


# --- Settings -------------------------------------------------------------------------------


def _nation_words(value):
    return dict(Nation.choices).get(value, value)


SETTINGS_FIELDS = ("recruiting", "welcome", "dbs_recheck_months", "licence_check_months")


def volunteer_settings_update(
    *,
    home,
    actor,
    recruiting,
    welcome,
    dbs_recheck_months,
    licence_check_months,
    recruit_through=(),
    nation=None,
    version=None,
):
    """Save the home's volunteering settings (made on first save) and, when
    ``nation`` is given, where the home is. ``EditConflict`` if someone saved
    them since ``version`` (0: before they were first saved)."""
    welcome = "\n".join(line.rstrip() for line in (welcome or "").strip().splitlines())
    if len(welcome) > 3000:
        raise DomainError(WELCOME_TOO_LONG, field="welcome")
    if not isinstance(dbs_recheck_months, int) or not 1 <= dbs_recheck_months <= 120:
        raise DomainError(DBS_MONTHS_RANGE, field="dbs_recheck_months")
    if not isinstance(licence_check_months, int) or not 1 <= licence_check_months <= 60:
        raise DomainError(LICENCE_MONTHS_RANGE, field="licence_check_months")
    charities = list(recruit_through)
    if any(not isinstance(o, Organisation) or o.kind != Organisation.Kind.CONNECTOR for o in charities):
        raise DomainError(CHARITY_CHOICE, field="recruit_through")
    cleaned = {
        "recruiting": bool(recruiting),
        "welcome": welcome,
        "dbs_recheck_months": dbs_recheck_months,
        "licence_check_months": licence_check_months,
    }
    with transaction.atomic(), acting_as(actor):
        saved, created = VolunteerSettings.objects.select_for_update().get_or_create(home=home)
        months_before = saved.dbs_recheck_months
        before = [] if created else list(saved.recruit_through.all())
        if not created:
            submitted = {**cleaned, "recruit_through": charities}
            saved_values = {"recruit_through": before}
            labels = {"recruit_through": "Charities that also recruit for the home"}
            if nation is not None:
                submitted["nation"] = _nation_words(nation)
                saved_values["nation"] = _nation_words(home.nation)
                labels["nation"] = "Where the home is"
            version_check(saved, version, submitted=submitted, saved=saved_values, labels=labels)
        for name, value in cleaned.items():
            setattr(saved, name, value)
        version_bump(saved)
        saved.save()
        if {o.pk for o in before} != {o.pk for o in charities}:
            saved.recruit_through.set(charities)
        if nation is not None:
            home_nation_set(home=home, actor=actor, nation=nation)
        if saved.dbs_recheck_months != months_before:
            _dbs_recheck_dates_follow(home=home, months=saved.dbs_recheck_months)
    return saved


def _dbs_recheck_dates_follow(*, home, months):
    """A new recheck policy applies to the checks already recorded, too: each
    DBS check's "counts until" is worked out again (certificate date, or the
    last Update Service check, plus ``months``). Saved one by one, so each
    change is in the check's history."""
    for check in BackgroundCheck.objects.for_home(home).filter(scheme=BackgroundCheck.Scheme.DBS):
        start = check.issued_on
        if check.update_service == BackgroundCheck.UpdateService.YES and check.update_service_checked_on:
            start = max(start, check.update_service_checked_on)
        until = add_months(start, months)
        if until != check.valid_until:
            check.valid_until = until
            check.save(update_fields=["valid_until", *version_bump(check)])
