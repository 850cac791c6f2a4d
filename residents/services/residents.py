"""Writes for residents: admit, edit (room, status, photo), change key worker,
record leaving, and the home's connection settings.

Each runs in one transaction with the acting person recorded, so the change
history says who did what and when; each raises ``DomainError`` with words a
person can act on, and leaves nothing half-saved.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.photos import PhotoGuard, delete_file_later, prepared_photo
from carehome.versions import version_bump, version_check
from homes.submissions import submission_once
from residents.leaving import resident_left
from residents.models import HomeConnectionSettings, KeyWorkerAssignment, PersonalPlan, Resident
from residents.selectors.residents import is_key_worker_here
from residents.services.peers import peers_flag_friends_of

PHOTO_MAX_SIDE = 800
NOT_A_PICTURE = "This file is not a picture we can use. Choose a JPEG, PNG or WebP photo."
# People who live here are adults, and nobody is older than this.
ADULT_AGE = 18
OLDEST_AGE = 115
# An admission date this many years back is a typing mistake.
OLDEST_ADMISSION_YEARS = 60

# Messages the forms share (they need them to parse the same field).
FULL_NAME_MISSING = "Enter the person's full name, for example “Margaret Baxter”."
KEY_WORKER_NOT_HERE = "Choose a key worker from the list of staff at this home."
STATUS_CHOICE = (
    "Choose whether they are living here or in hospital. "
    "To record that someone has left, use “Record leaving”."
)
LEAVING_KIND_CHOICE = "Choose whether they moved out or died."
LEAVING_REASONS = {Resident.Status.LEFT: "has moved out", Resident.Status.DIED: "has died"}


# --- Checks shared by the services -------------------------------------------------


def _clean_name(value):
    return " ".join((value or "").split())


def _day_month_year(day):
    return day.strftime("%d/%m/%Y")


def years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _check_details(*, full_name, date_of_birth, today):
    if not full_name:
        raise DomainError(FULL_NAME_MISSING, field="full_name")
    if date_of_birth is None:
        return
    if date_of_birth > today:
        raise DomainError("The date of birth cannot be in the future.", field="date_of_birth")
    if date_of_birth > years_before(today, ADULT_AGE):
        raise DomainError(
            "Check the date of birth: the people who live here are adults.", field="date_of_birth"
        )
    if date_of_birth.year < today.year - OLDEST_AGE:
        raise DomainError(
            f"Check the year of birth: {date_of_birth.year} would make them over {OLDEST_AGE}.",
            field="date_of_birth",
        )


def _check_admission(*, admitted_on, date_of_birth, today):
    if admitted_on > today:
        raise DomainError(
            "The admission date cannot be in the future. Admit them on the day they arrive.",
            field="admitted_on",
        )
    if admitted_on.year < today.year - OLDEST_ADMISSION_YEARS:
        raise DomainError(f"Check the year: {admitted_on.year} is too long ago.", field="admitted_on")
    if date_of_birth and admitted_on < date_of_birth:
        raise DomainError("The admission date cannot be before their date of birth.", field="admitted_on")


def _check_key_worker(home, key_worker):
    if key_worker is not None and not is_key_worker_here(home, key_worker):
        raise DomainError(KEY_WORKER_NOT_HERE, field="key_worker")


def _check_consent(*, new_photo, keeps_photo, consent, note):
    """``new_photo``: a photo was chosen now; ``keeps_photo``: they will have a
    photo after this save (a new one, or the one kept now)."""
    if not keeps_photo:
        return
    if not consent:
        if new_photo:
            raise DomainError(
                "A photo can only be kept with consent. Tick “They agree to a photo being kept here” "
                "and say who gave consent, then choose the photo again. Or leave the photo out.",
                field="photo",
            )
        raise DomainError(
            "Consent is needed to keep their photo. "
            "If consent has been withdrawn, tick “Remove the photo” too.",
            field="photo_consent",
        )
    if not note:
        raise DomainError(
            "Say who gave consent and how, for example “Margaret agreed, 3 March”.",
            field="photo_consent_note",
        )


# --- Photos --------------------------------------------------------------------------


def _store_photo(resident, upload):
    """Save the prepared photo to storage and point ``resident.photo`` at it;
    returns the stored name (to delete if the transaction fails)."""
    prepared = prepared_photo(upload, max_side=PHOTO_MAX_SIDE, message=NOT_A_PICTURE)
    resident.photo.save(prepared.name, prepared, save=False)
    return resident.photo.name


# --- Admit ---------------------------------------------------------------------------


def resident_admit(
    *,
    home,
    actor,
    full_name,
    admitted_on,
    preferred_name="",
    date_of_birth=None,
    room="",
    unit="",
    key_worker=None,
    photo=None,
    photo_consent=False,
    photo_consent_note="",
    form_token=None,
):
    """A new resident, their (empty) personal plan and, if one is chosen,
    their first key worker assignment: all or nothing, once per ``form_token``."""
    today = timezone.localdate()
    full_name = _clean_name(full_name)
    photo_consent_note = _clean_name(photo_consent_note)
    _check_details(full_name=full_name, date_of_birth=date_of_birth, today=today)
    _check_admission(admitted_on=admitted_on, date_of_birth=date_of_birth, today=today)
    _check_key_worker(home, key_worker)
    _check_consent(
        new_photo=bool(photo), keeps_photo=bool(photo), consent=photo_consent, note=photo_consent_note
    )

    resident = Resident(
        home=home,
        full_name=full_name,
        preferred_name=_clean_name(preferred_name),
        date_of_birth=date_of_birth,
        room=(room or "").strip(),
        unit=_clean_name(unit),
        admitted_on=admitted_on,
        key_worker=key_worker,
        status=Resident.Status.CURRENT,
        photo_consent=bool(photo_consent),
        photo_consent_note=photo_consent_note if photo_consent else "",
    )
    with PhotoGuard(resident.photo.storage) as guard:
        if photo:
            guard.name = _store_photo(resident, photo)
        with (
            transaction.atomic(),
            acting_as(actor),
            submission_once(home=home, actor=actor, token=form_token) as once,
        ):
            resident.save()
            once.created(resident)
            PersonalPlan.objects.create(home=home, resident=resident, updated_by=actor)
            if key_worker is not None:
                KeyWorkerAssignment.objects.create(
                    home=home,
                    resident=resident,
                    key_worker=key_worker,
                    started_on=admitted_on,
                    assigned_by=actor,
                )
    return resident


# --- Edit ----------------------------------------------------------------------------

EDITABLE = ["full_name", "preferred_name", "date_of_birth", "room", "unit", "status"]


def resident_update(
    *,
    home,
    actor,
    resident,
    full_name,
    preferred_name="",
    date_of_birth=None,
    room="",
    unit="",
    status=None,
    photo=None,
    remove_photo=False,
    photo_consent=False,
    photo_consent_note="",
    version=None,
):
    """Change a resident's details: names, date of birth, room and unit, living
    here or in hospital, and the photo (with consent). Returns
    ``{field: (before, after)}`` for what changed.

    Leaving has its own service (``resident_leave``) and so does the key
    worker (``resident_change_key_worker``).
    """
    today = timezone.localdate()
    full_name = _clean_name(full_name)
    photo_consent_note = _clean_name(photo_consent_note)
    _check_details(full_name=full_name, date_of_birth=date_of_birth, today=today)
    if status is not None and status not in (Resident.Status.CURRENT, Resident.Status.HOSPITAL):
        raise DomainError(STATUS_CHOICE, field="status")

    with PhotoGuard(resident.photo.storage) as guard, transaction.atomic(), acting_as(actor):
        locked = Resident.objects.for_home(home).select_for_update().get(pk=resident.pk)
        if date_of_birth and date_of_birth > locked.admitted_on:
            raise DomainError(
                "The date of birth cannot be after their admission date.", field="date_of_birth"
            )
        wanted = {
            "full_name": full_name,
            "preferred_name": _clean_name(preferred_name),
            "date_of_birth": date_of_birth,
            "room": (room or "").strip(),
            "unit": _clean_name(unit),
        }
        if status is not None:
            if locked.has_left:
                raise DomainError(
                    f"{locked.short_name} has left the home, so this cannot be changed here.", field="status"
                )
            wanted["status"] = status
        old_photo = locked.photo.name
        keeps_photo = bool(photo) or (bool(old_photo) and not remove_photo)
        _check_consent(
            new_photo=bool(photo), keeps_photo=keeps_photo, consent=photo_consent, note=photo_consent_note
        )
        wanted["photo_consent"] = bool(photo_consent)
        wanted["photo_consent_note"] = photo_consent_note if photo_consent else ""
        version_check(locked, version, submitted=wanted)
        if locked.photo_share_family and not photo_consent:
            # The old “share photos with their family” tick box, carried over to
            # the consent register (migration 0011) and read nowhere now, cannot
            # outlive consent to keep a photo (a database constraint): it goes too.
            wanted["photo_share_family"] = False

        changes = {}
        for field, value in wanted.items():
            before = getattr(locked, field)
            if before != value:
                changes[field] = (before, value)
                setattr(locked, field, value)
        if photo:
            guard.name = _store_photo(locked, photo)
            changes["photo"] = (old_photo, locked.photo.name)
            delete_file_later(locked.photo.storage, old_photo)
        elif remove_photo and old_photo:
            locked.photo = ""
            changes["photo"] = (old_photo, "")
            delete_file_later(locked.photo.storage, old_photo)
        if changes:
            locked.save(update_fields=[*changes, *version_bump(locked)])
    for field in changes:
        setattr(resident, field, getattr(locked, field))
    return changes


# --- Key worker ---------------------------------------------------------------------


def resident_change_key_worker(*, home, actor, resident, key_worker):
    """End the current key worker assignment today and start the new one
    (``key_worker`` None: no key worker for now). The resident's row is locked,
    so two people changing it at once cannot leave two open assignments.

    Returns False if nothing needed changing (the same key worker again).
    """
    _check_key_worker(home, key_worker)
    today = timezone.localdate()
    new_id = key_worker.pk if key_worker is not None else None
    try:
        with transaction.atomic(), acting_as(actor):
            locked = Resident.objects.for_home(home).select_for_update().get(pk=resident.pk)
            if locked.has_left:
                raise DomainError(
                    f"{locked.short_name} has left the home, so their key worker cannot be changed.",
                    field="key_worker",
                )
            current = list(
                KeyWorkerAssignment.objects.for_home(home).filter(resident=locked, ended_on__isnull=True)
            )
            same_open = new_id is None or any(a.key_worker_id == new_id for a in current)
            if locked.key_worker_id == new_id and same_open and len(current) == (0 if new_id is None else 1):
                return False
            for assignment in current:
                assignment.ended_on = max(today, assignment.started_on)
                assignment.save(update_fields=["ended_on"])
            if key_worker is not None:
                KeyWorkerAssignment.objects.create(
                    home=home, resident=locked, key_worker=key_worker, started_on=today, assigned_by=actor
                )
            locked.key_worker = key_worker
            locked.save(update_fields=["key_worker"])
    except IntegrityError:
        raise DomainError(
            "Someone else changed the key worker at the same moment. Check the page and try again.",
            field="key_worker",
        ) from None
    resident.key_worker = key_worker
    return True


# --- Leaving ------------------------------------------------------------------------


def resident_leave(*, home, actor, resident, kind, left_on, reason=""):
    """Record that a resident moved out or died. Their records all stay; the key
    worker assignment and their friendships end, and their friends are flagged
    so staff can offer support; other apps' arrangements follow (``residents.leaving``)."""
    if kind not in LEAVING_REASONS:
        raise DomainError(LEAVING_KIND_CHOICE, field="kind")
    reason = (reason or "").strip()
    if kind == Resident.Status.LEFT and not reason:
        raise DomainError("Say where they moved to, or why they left.", field="reason")
    if left_on > timezone.localdate():
        raise DomainError("The date cannot be in the future. Record it on the day or after.", field="left_on")
    with transaction.atomic(), acting_as(actor):
        locked = Resident.objects.for_home(home).select_for_update().get(pk=resident.pk)
        if locked.has_left:
            verb = "died" if locked.status == Resident.Status.DIED else "moved out"
            when = f"{locked.left_on.day} {locked.left_on:%B %Y}"
            raise DomainError(f"It is already recorded that {locked.short_name} {verb} on {when}.")
        if left_on < locked.admitted_on:
            raise DomainError(
                f"The date cannot be before they came to live here ({_day_month_year(locked.admitted_on)}).",
                field="left_on",
            )
        for assignment in KeyWorkerAssignment.objects.for_home(home).filter(
            resident=locked, ended_on__isnull=True
        ):
            assignment.ended_on = max(left_on, assignment.started_on)
            assignment.save(update_fields=["ended_on"])
        locked.status = kind
        locked.left_on = left_on
        locked.leaving_reason = reason
        locked.key_worker = None
        locked.save(update_fields=["status", "left_on", "leaving_reason", "key_worker"])
        peers_flag_friends_of(resident=locked, actor=actor, when=left_on, reason=LEAVING_REASONS[kind])
        resident_left(home=home, actor=actor, resident=locked, left_on=left_on)
    for field in ("status", "left_on", "leaving_reason", "key_worker"):
        setattr(resident, field, getattr(locked, field))
    return resident


# --- End of life or significant deterioration (Anne's Law) ----------------------------

PRIORITY_CHOICE = "Choose end of life, significant deterioration, or no."


def resident_visiting_priority_set(*, home, actor, resident, priority, since=None, note="", version=None):
    """Mark (or unmark) a resident as at the end of life or significantly
    deteriorated: their essential care supporters and named relatives then
    keep visiting whatever restriction is in force. History is automatic.
    Returns the resident (``EditConflict`` if it changed since ``version``)."""
    if priority not in Resident.VisitingPriority.values:
        raise DomainError(PRIORITY_CHOICE, field="visiting_priority")
    note = (note or "").strip()
    today = timezone.localdate()
    if priority:
        since = since or today
        if since > today:
            raise DomainError("The date cannot be in the future.", field="visiting_priority_since")
    else:
        since, note = None, ""
    with transaction.atomic(), acting_as(actor):
        locked = Resident.objects.for_home(home).select_for_update().get(pk=resident.pk)
        if locked.has_left and priority:
            raise DomainError(f"{locked.short_name} no longer lives here.", field="visiting_priority")
        version_check(
            locked,
            version,
            submitted={
                "visiting_priority": priority,
                "visiting_priority_since": since,
                "visiting_priority_note": note,
            },
        )
        locked.visiting_priority = priority
        locked.visiting_priority_since = since
        locked.visiting_priority_note = note
        locked.save(
            update_fields=[
                "visiting_priority",
                "visiting_priority_since",
                "visiting_priority_note",
                *version_bump(locked),
            ]
        )
    for field in ("visiting_priority", "visiting_priority_since", "visiting_priority_note", "version"):
        setattr(resident, field, getattr(locked, field))
    return resident


# --- The home's connection settings ---------------------------------------------------


SETTING_RANGES = {
    "quiet_days": (1, 90, "Days without a meaningful connection must be from 1 to 90."),
    "no_visitor_days": (7, 365, "Days without a visit must be from 7 to 365."),
    "lonely_threshold": (3, 9, "The loneliness score must be from 3 to 9."),
    "loneliness_every_days": (14, 365, "Days between loneliness checks must be from 14 to 365."),
}


def connection_settings_create(*, home):
    """A new home's settings row, with the defaults (``homes.setup``: run where
    the home is created, so reading the settings never writes)."""
    settings, _ = HomeConnectionSettings.objects.get_or_create(home=home)
    return settings


def connection_settings_update(*, home, actor, **values):
    for field, value in values.items():
        low, high, message = SETTING_RANGES[field]
        if value is None or not low <= value <= high:
            raise DomainError(message, field=field)
    with transaction.atomic(), acting_as(actor):
        settings, _ = HomeConnectionSettings.objects.select_for_update().get_or_create(home=home)
        changed = [field for field, value in values.items() if getattr(settings, field) != value]
        for field in changed:
            setattr(settings, field, values[field])
        if changed:
            settings.save(update_fields=changed)
    return settings
