"""Writes for the consent register: record a resident's consent to a use
(photos, news to named relatives, volunteers' visits, evaluation examples) by
them or by their attorney, deputy or guardian, and its withdrawal.

One live consent per resident and purpose: the database holds that with a
partial unique index, and a second one (two people recording at once
included) is refused with the same message. Withdrawing stamps the row;
every feature reads the register at the moment of use
(``residents.selectors.consent``), so it takes effect everywhere at once.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.timeutils import long_day, today
from homes.scoping import check_home
from homes.submissions import submission_once
from residents.consent_hooks import consent_given, consent_withdrawn
from residents.models import Consent, ConsentGivenBy, ConsentPurpose, RelativeLink

REPLACED_NOTE = "Replaced by a consent naming other relatives."
REPLACED_MEANWHILE = (
    "This consent was withdrawn or changed by someone else meanwhile: open the register to see it now."
)

# Words the forms show too (they import them from here).
PURPOSES_MISSING = "Choose at least one thing they agreed to."
PURPOSE_CHOICE = "Choose from the list."
RELATIVES_MISSING = "Choose the relatives news may be shared with."
RELATIVE_CHOICE = "Choose relatives from the list: only people linked to this resident."
GIVEN_BY_MISSING = "Choose who gave consent."
NAME_MISSING = "Enter the name of the person who gave consent for them."
POWER_MISSING = (
    "Say which power they hold and how it was checked, for example “Health and welfare LPA "
    "registered 3 May 2021, seen by the manager”."
)
GIVEN_ON_MISSING = "Enter the date consent was given, like 14/11/2026."
GIVEN_ON_FUTURE = "The date consent was given cannot be in the future."
NAME_TOO_LONG = "Keep the name under 150 characters."
POWER_TOO_LONG = "Keep this under 300 characters."
NOTE_TOO_LONG = "Keep this under 300 characters."
WITHDRAWAL_NOTE_MISSING = "Say who withdrew consent, and how, for example “Her son Peter, by phone”."
ALREADY_WITHDRAWN = "This consent was already withdrawn."
# Consent can be recorded from a year before someone came to live here (agreed
# at the first visit or assessment), not before.
EARLIEST_BEFORE_ADMISSION = timedelta(days=365)


def given_on_problem(day, *, resident, on=None):
    """Why ``day`` cannot be the date ``resident``'s consent was given, or ''."""
    if day is None:
        return GIVEN_ON_MISSING
    if day > (on or today()):
        return GIVEN_ON_FUTURE
    earliest = resident.admitted_on - EARLIEST_BEFORE_ADMISSION
    if day < earliest:
        return (
            f"The date is too early: choose a date from {long_day(earliest)}, a year before "
            f"{resident.short_name} came to live here, or later."
        )
    return ""


def already_recorded_message(purpose, resident):
    label = ConsentPurpose(purpose).label.lower()
    return (
        f"{resident.short_name} already has consent recorded for “{label}”. "
        "If it has changed, withdraw that consent first, then record the new one."
    )


def _clean(text):
    return " ".join((text or "").split())


def news_relatives(resident):
    """The relatives news about ``resident`` may be shared with: the accounts
    linked to them, unless that link has ended."""
    return (
        RelativeLink.objects.for_home(resident.home_id)
        .filter(resident=resident)
        .exclude(status=RelativeLink.Status.ENDED)
        .select_related("membership__user")
        .order_by("membership__user__full_name", "pk")
    )


def _relatives_checked(resident, purposes, relatives):
    if ConsentPurpose.NEWS_FAMILY not in purposes:
        return []
    wanted = {getattr(r, "pk", r) for r in relatives or []}
    if not wanted:
        raise DomainError(RELATIVES_MISSING, field="relatives")
    try:
        wanted = {int(pk) for pk in wanted}
    except (TypeError, ValueError):
        raise DomainError(RELATIVE_CHOICE, field="relatives") from None
    found = [link for link in news_relatives(resident) if link.pk in wanted]
    if len(found) != len(wanted):
        raise DomainError(RELATIVE_CHOICE, field="relatives")
    return found


def _checked(*, resident, purposes, given_by, given_by_name, power, given_on, note):
    purposes = list(dict.fromkeys(purposes or []))
    if not purposes:
        raise DomainError(PURPOSES_MISSING, field="purposes")
    if any(p not in ConsentPurpose.values for p in purposes):
        raise DomainError(PURPOSE_CHOICE, field="purposes")
    if given_by not in ConsentGivenBy.values:
        raise DomainError(GIVEN_BY_MISSING, field="given_by")
    given_by_name, power, note = _clean(given_by_name), _clean(power), _clean(note)
    if given_by == ConsentGivenBy.RESIDENT:
        given_by_name, power = "", ""
    else:
        if not given_by_name:
            raise DomainError(NAME_MISSING, field="given_by_name")
        if not power:
            raise DomainError(POWER_MISSING, field="power")
    if len(given_by_name) > 150:
        raise DomainError(NAME_TOO_LONG, field="given_by_name")
    if len(power) > 300:
        raise DomainError(POWER_TOO_LONG, field="power")
    if len(note) > 300:
        raise DomainError(NOTE_TOO_LONG, field="note")
    if problem := given_on_problem(given_on, resident=resident):
        raise DomainError(problem, field="given_on")
    order = list(ConsentPurpose.values)
    return {
        "purposes": sorted(purposes, key=order.index),
        "given_by": given_by,
        "given_by_name": given_by_name,
        "power": power,
        "given_on": given_on,
        "note": note,
    }


def consent_give(
    *,
    home,
    actor,
    resident,
    purposes,
    given_by,
    given_on,
    given_by_name="",
    power="",
    note="",
    relatives=(),
    form_token=None,
    replacing=None,
):
    """Record consent for each of ``purposes`` (once per ``form_token``);
    returns the new rows. Refused when a purpose already has a live consent.
    Consent to news names the ``relatives`` it may go to (links to this
    resident).

    ``replacing``: the live consent to news this one replaces, when who it
    goes to changes. Who agreed to the change, and when, is a decision of its
    own: the old consent is withdrawn ("replaced") and the new one recorded,
    in one transaction, so the register shows what was agreed when."""
    check_home(home, resident)
    if replacing is not None:
        check_home(home, replacing)
        if replacing.resident_id != resident.pk or replacing.purpose != ConsentPurpose.NEWS_FAMILY:
            raise DomainError("Only who news is shared with can be changed this way.")
        if list(purposes) != [ConsentPurpose.NEWS_FAMILY]:
            raise DomainError(PURPOSE_CHOICE, field="purposes")
    if resident.has_left:
        raise DomainError(f"{resident.short_name} no longer lives here, so consent cannot be recorded now.")
    cleaned = _checked(
        resident=resident,
        purposes=purposes,
        given_by=given_by,
        given_by_name=given_by_name,
        power=power,
        given_on=given_on,
        note=note,
    )
    purposes = cleaned.pop("purposes")
    named = _relatives_checked(resident, purposes, relatives)
    live = set(
        Consent.objects.for_home(home)
        .filter(resident=resident, withdrawn_at__isnull=True, purpose__in=purposes)
        .exclude(pk=getattr(replacing, "pk", None))
        .values_list("purpose", flat=True)
    )
    if live:
        first = next(p for p in purposes if p in live)
        raise DomainError(already_recorded_message(first, resident), field="purposes")
    now = timezone.now()
    try:
        with (
            transaction.atomic(),
            acting_as(actor),
            submission_once(home=home, actor=actor, token=form_token) as once,
        ):
            if replacing is not None:
                _replace(home, actor, replacing, now)
            created = []
            for purpose in purposes:
                consent = Consent.objects.create(
                    home=home,
                    resident=resident,
                    purpose=purpose,
                    recorded_by=actor,
                    recorded_at=now,
                    **cleaned,
                )
                if purpose == ConsentPurpose.NEWS_FAMILY:
                    consent.relatives.set(named)
                consent_given(home=home, actor=actor, consent=consent)
                created.append(consent)
            once.created(created[0])
    except IntegrityError:
        # Someone recorded the same consent a moment ago (the partial unique index).
        raise DomainError(already_recorded_message(purposes[0], resident), field="purposes") from None
    return created


def _replace(home, actor, consent, now):
    locked = Consent.objects.for_home(home).select_for_update().get(pk=consent.pk)
    if locked.withdrawn_at is not None:
        raise DomainError(REPLACED_MEANWHILE)
    locked.withdrawn_at, locked.withdrawn_by, locked.withdrawal_note = now, actor, REPLACED_NOTE
    locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
    consent_withdrawn(home=home, actor=actor, consent=locked)


def consent_withdraw(*, home, actor, consent, note):
    """Withdraw a live consent now: the row is stamped with when, by whom and how."""
    check_home(home, consent)
    note = _clean(note)
    if not note:
        raise DomainError(WITHDRAWAL_NOTE_MISSING, field="note")
    if len(note) > 300:
        raise DomainError(NOTE_TOO_LONG, field="note")
    with transaction.atomic(), acting_as(actor):
        locked = Consent.objects.for_home(home).select_for_update().get(pk=consent.pk)
        if locked.withdrawn_at is not None:
            raise DomainError(ALREADY_WITHDRAWN)
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = actor
        locked.withdrawal_note = note
        locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
        consent_withdrawn(home=home, actor=actor, consent=locked)
    return locked
