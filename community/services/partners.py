"""Writes for community partners and places.

A ``Partner`` is a row of an organisation's directory (the home's own
provider, or a connector charity whose directory the home uses); each home
keeps its own ``Partnership`` with it: our point of contact, how often we
meet, what we agreed, travel and access notes, and the history of contact.
A ``Place`` is somewhere nearby worth going that is not a partner.

Each rule's words are here once; the forms import them. Creates save once per
form token; edits refuse to save over someone else's newer save (on both the
directory entry and the partnership).
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.timeutils import add_months, today
from carehome.versions import version_bump, version_check
from community.models import Partner, PartnerContact, PartnerKind, Partnership, Place, Rhythm
from homes.models import Interest, Membership, Organisation, Role
from homes.scoping import check_home
from homes.submissions import submission_once, submission_seen

EARLIEST = date(2000, 1, 1)
CONTACT_ROLES = (Role.STAFF, Role.CHAMPION, Role.MANAGER)
SIX_PLACES = Decimal("0.000001")

# --- The words, once --------------------------------------------------------------------------

NAME_MISSING = "Enter the partner's name, like “St Mary's Primary School”."
NAME_TOO_LONG = "Keep the name under 150 characters."
PLACE_NAME_MISSING = "Enter the name of the place, like “Queen's Park”."
KIND_CHOICE = "Choose what kind of partner they are from the list."
PLACE_KIND_CHOICE = "Choose what kind of place it is from the list."
LATITUDE_INVALID = "Enter the latitude as a number between -90 and 90, like 53.4808."
LONGITUDE_INVALID = "Enter the longitude as a number between -180 and 180, like -2.2426."
LATITUDE_MISSING = "Enter the latitude too, or clear the longitude: a place on the map needs both."
LONGITUDE_MISSING = "Enter the longitude too, or clear the latitude: a place on the map needs both."
EMAIL_INVALID = "Enter an email address like name@example.org, or leave it empty."
WEBSITE_INVALID = "Enter a web address like https://www.example.org, or leave it empty."
INTEREST_CHOICE = "Tick interests from the list."
CONTACT_CHOICE = "Choose our point of contact from the staff of this home."
RHYTHM_CHOICE = "Choose how often you usually meet from the list."
STATUS_CHOICE = "Choose active, paused or ended."
STATUS_NEEDS_REASON = "Say in the notes why the partnership is paused or ended, so colleagues know."
STARTED_FUTURE = "That date is in the future. Enter when you started working together, or leave it empty."
TOO_LONG_AGO = "Check the year: enter a date from 2000 onwards."
REVIEW_BEFORE_START = "The review date cannot be before you started working together."
REVIEW_TOO_FAR = "Choose a review date within the next five years."
TEXT_TOO_LONG = "Keep this under 300 characters."
LONG_TEXT_TOO_LONG = "Keep this under 5,000 characters."
PARTNER_NOT_IN_DIRECTORY = (
    "That partner is not in a directory this home uses. Choose one from the partners list."
)
CONTACT_DATE_MISSING = "Enter the date of the contact, like 14/11/2025."
CONTACT_DATE_FUTURE = "That date is in the future. Enter the day the contact happened."
CONTACT_KIND_CHOICE = "Choose how you were in touch from the list."
NOTE_TOO_LONG = "Keep the note under 500 characters."
DIRECTORY_CHOICE = (
    "Choose whose directory the partner goes in: this home's organisation's, or a charity's it uses."
)
DIRECTORY_NOT_OURS = (
    "This partner is kept in another organisation's directory: its details are changed there."
)

PARTNER_TEXT = {
    "about": 5000,
    "address": 500,
    "postcode": 12,
    "contact_name": 150,
    "contact_role": 100,
    "phone": 30,
    "offers_note": 300,
    "would_like_note": 300,
    "venue_access": 300,
}
PARTNERSHIP_TEXT = {"agreement": 5000, "travel_notes": 300, "access_notes": 300, "notes": 5000}
PLACE_TEXT = {"address": 500, "postcode": 12, "travel_notes": 300, "access_notes": 300, "notes": 5000}


def name_taken(organisation, name):
    return (
        f"{organisation.name}'s directory already has a partner called “{name}”. "
        "Find them under “In the directory” on the partners list, or use another name."
    )


def place_name_taken(home, name):
    return f"{home.name} already has a place called “{name}”. Choose another name."


def already_partners(partner):
    return f"This home already works with {partner.name}. Open them from the partners list."


def too_long(limit):
    """What to say when a text is over ``limit`` characters."""
    if limit == 300:
        return TEXT_TOO_LONG
    if limit == 5000:
        return LONG_TEXT_TOO_LONG
    return f"Keep this under {limit} characters."


def started_date_problem(day, *, on=None):
    """Why ``day`` cannot be when a partnership started, or ''."""
    if day < EARLIEST:
        return TOO_LONG_AGO
    if day > (on or today()):
        return STARTED_FUTURE
    return ""


def _clean_text(fields, limits):
    cleaned = {}
    for name, limit in limits.items():
        value = (fields.get(name) or "").strip()
        if len(value) > limit:
            raise DomainError(too_long(limit), field=name)
        cleaned[name] = value
    return cleaned


def _clean_name(value, *, missing):
    name = " ".join((value or "").split())
    if not name:
        raise DomainError(missing, field="name")
    if len(name) > 150:
        raise DomainError(NAME_TOO_LONG, field="name")
    return name


def _coordinate(value, *, limit, message, field):
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(message, field=field) from None
    if not number.is_finite() or not -limit <= number <= limit:
        raise DomainError(message, field=field)
    return number.quantize(SIX_PLACES)


def clean_location(latitude, longitude):
    """(latitude, longitude) as six-place decimals, both or neither, each in range."""
    lat = _coordinate(latitude, limit=90, message=LATITUDE_INVALID, field="latitude")
    lng = _coordinate(longitude, limit=180, message=LONGITUDE_INVALID, field="longitude")
    if lat is None and lng is not None:
        raise DomainError(LATITUDE_MISSING, field="latitude")
    if lng is None and lat is not None:
        raise DomainError(LONGITUDE_MISSING, field="longitude")
    return lat, lng


def _interests(values, field):
    chosen = list(values or [])
    if any(not isinstance(i, Interest) for i in chosen):
        raise DomainError(INTEREST_CHOICE, field=field)
    return chosen


def _partner_fields(fields):
    """The directory entry's fields, cleaned, and its interests (offers, would like)."""
    kind = fields.get("kind")
    if kind not in PartnerKind.values:
        raise DomainError(KIND_CHOICE, field="kind")
    cleaned = {"name": _clean_name(fields.get("name"), missing=NAME_MISSING), "kind": kind}
    cleaned.update(_clean_text(fields, PARTNER_TEXT))
    cleaned["latitude"], cleaned["longitude"] = clean_location(
        fields.get("latitude"), fields.get("longitude")
    )
    email = (fields.get("email") or "").strip()
    if email and ("@" not in email or len(email) > 254 or " " in email):
        raise DomainError(EMAIL_INVALID, field="email")
    website = (fields.get("website") or "").strip()
    if website and (not website.startswith(("http://", "https://")) or len(website) > 200):
        raise DomainError(WEBSITE_INVALID, field="website")
    cleaned["email"], cleaned["website"] = email, website
    offers = _interests(fields.get("offers"), "offers")
    would_like = _interests(fields.get("would_like"), "would_like")
    return cleaned, offers, would_like


def _partnership_fields(*, home, fields, editing=False):
    contact = fields.get("contact")
    if contact is not None:
        if (
            not isinstance(contact, Membership)
            or contact.home_id != home.pk
            or contact.role not in CONTACT_ROLES
            or not contact.is_active
        ):
            raise DomainError(CONTACT_CHOICE, field="contact")
    rhythm = fields.get("rhythm")
    if rhythm not in Rhythm.values:
        raise DomainError(RHYTHM_CHOICE, field="rhythm")
    started_on = fields.get("started_on")
    if started_on is not None and (problem := started_date_problem(started_on)):
        raise DomainError(problem, field="started_on")
    review_on = fields.get("agreement_review_on")
    if review_on is not None:
        if review_on < EARLIEST:
            raise DomainError(TOO_LONG_AGO, field="agreement_review_on")
        if started_on is not None and review_on < started_on:
            raise DomainError(REVIEW_BEFORE_START, field="agreement_review_on")
        if review_on > add_months(today(), 60):
            raise DomainError(REVIEW_TOO_FAR, field="agreement_review_on")
    cleaned = {
        "contact": contact,
        "rhythm": rhythm,
        "started_on": started_on,
        "agreement_review_on": review_on,
        **_clean_text(fields, PARTNERSHIP_TEXT),
    }
    if editing:
        status = fields.get("status")
        if status not in Partnership.Status.values:
            raise DomainError(STATUS_CHOICE, field="status")
        if status != Partnership.Status.ACTIVE and not cleaned["notes"]:
            raise DomainError(STATUS_NEEDS_REASON, field="notes")
        cleaned["status"] = status
    return cleaned


def _refuse_taken_name(organisation, name, *, exclude=None):
    same = Partner.objects.filter(organisation=organisation, name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    if same.exists():
        raise DomainError(name_taken(organisation, name), field="name")


# --- Partners ---------------------------------------------------------------------------------


def directories_for(home):
    """The directories a partner added at ``home`` may go in: its own
    organisation's, then each connector charity's the home uses."""
    from community.models import CommunitySettings

    used = CommunitySettings.objects.filter(home=home).values("directories")
    charities = list(Organisation.objects.filter(pk__in=used).order_by("name"))
    return [home.organisation, *charities]


def partner_add(*, home, actor, directory=None, form_token=None, **fields):
    """Add a partner to a directory (the home's organisation's, or a connector
    charity's the home uses: ``directories_for``) and start this home's
    partnership with them, together (once per ``form_token``)."""
    submission_seen(home=home, token=form_token)
    partner_fields, offers, would_like = _partner_fields(fields)
    partnership_fields = _partnership_fields(home=home, fields=fields)
    organisation = home.organisation
    if directory is not None:
        if directory not in directories_for(home):
            raise DomainError(DIRECTORY_CHOICE, field="directory")
        organisation = directory
    _refuse_taken_name(organisation, partner_fields["name"])
    try:
        with (
            transaction.atomic(),
            acting_as(actor),
            submission_once(home=home, actor=actor, token=form_token) as once,
        ):
            partner = Partner.objects.create(organisation=organisation, created_by=actor, **partner_fields)
            partner.offers.set(offers)
            partner.would_like.set(would_like)
            partnership = Partnership.objects.create(
                home=home, partner=partner, created_by=actor, **partnership_fields
            )
            once.created(partnership)
    except IntegrityError:
        raise DomainError(name_taken(organisation, partner_fields["name"]), field="name") from None
    return partnership


def partnership_start(*, home, actor, partner, form_token=None, **fields):
    """Start working with a partner already in a directory this home uses."""
    submission_seen(home=home, token=form_token)
    if not isinstance(partner, Partner) or not Partner.objects.for_home(home).filter(pk=partner.pk).exists():
        raise DomainError(PARTNER_NOT_IN_DIRECTORY, field="partner")
    cleaned = _partnership_fields(home=home, fields=fields)
    if Partnership.objects.for_home(home).filter(partner=partner).exists():
        raise DomainError(already_partners(partner), field="partner")
    try:
        with (
            transaction.atomic(),
            acting_as(actor),
            submission_once(home=home, actor=actor, token=form_token) as once,
        ):
            partnership = Partnership.objects.create(home=home, partner=partner, created_by=actor, **cleaned)
            once.created(partnership)
    except IntegrityError:
        raise DomainError(already_partners(partner), field="partner") from None
    return partnership


def directory_editable(home, partner):
    """Whether this home keeps ``partner``'s directory entry (its own organisation's)."""
    return partner.organisation_id == home.organisation_id


def partnership_update(*, home, actor, partnership, version=None, partner_version=None, **fields):
    """Change the partnership and, when the directory is the home's own
    organisation's, the partner's entry too. ``EditConflict`` if either was
    saved by someone else since the form was opened."""
    check_home(home, partnership)
    editable = directory_editable(home, partnership.partner)
    if editable:
        partner_fields, offers, would_like = _partner_fields(fields)
        _refuse_taken_name(
            partnership.partner.organisation, partner_fields["name"], exclude=partnership.partner
        )
    cleaned = _partnership_fields(home=home, fields=fields, editing=True)
    try:
        with transaction.atomic(), acting_as(actor):
            locked = Partnership.objects.for_home(home).select_for_update().get(pk=partnership.pk)
            version_check(
                locked,
                version,
                submitted=cleaned,
                labels={"contact": "Our point of contact", "rhythm": "How often we meet"},
            )
            if editable:
                partner = Partner.objects.select_for_update().get(pk=locked.partner_id)
                saved_offers, saved_wants = list(partner.offers.all()), list(partner.would_like.all())
                version_check(
                    partner,
                    partner_version,
                    submitted={**partner_fields, "offers": offers, "would_like": would_like},
                    saved={"offers": saved_offers, "would_like": saved_wants},
                )
                for name, value in partner_fields.items():
                    setattr(partner, name, value)
                version_bump(partner)
                partner.save()
                if {i.pk for i in saved_offers} != {i.pk for i in offers}:
                    partner.offers.set(offers)
                if {i.pk for i in saved_wants} != {i.pk for i in would_like}:
                    partner.would_like.set(would_like)
            for name, value in cleaned.items():
                setattr(locked, name, value)
            version_bump(locked)
            locked.save()
    except IntegrityError:
        raise DomainError(
            name_taken(partnership.partner.organisation, fields.get("name")), field="name"
        ) from None
    return locked


def contact_date_problem(day, *, on=None):
    """Why ``day`` cannot be the date of a contact with a partner, or ''."""
    if day < EARLIEST:
        return TOO_LONG_AGO
    if day > (on or today()):
        return CONTACT_DATE_FUTURE
    return ""


def partner_contact_add(*, home, actor, partnership, on, kind, note="", form_token=None):
    """Record a meeting, call, email or visit with a partner (once per ``form_token``)."""
    check_home(home, partnership)
    if on is None:
        raise DomainError(CONTACT_DATE_MISSING, field="on")
    if problem := contact_date_problem(on):
        raise DomainError(problem, field="on")
    if kind not in PartnerContact.Kind.values:
        raise DomainError(CONTACT_KIND_CHOICE, field="kind")
    note = (note or "").strip()
    if len(note) > 500:
        raise DomainError(NOTE_TOO_LONG, field="note")
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        contact = PartnerContact.objects.create(
            home=home, partnership=partnership, on=on, kind=kind, note=note, recorded_by=actor
        )
        once.created(contact)
    return contact


# --- Places -----------------------------------------------------------------------------------


def _place_fields(fields):
    kind = fields.get("kind")
    if kind not in Place.Kind.values:
        raise DomainError(PLACE_KIND_CHOICE, field="kind")
    cleaned = {"name": _clean_name(fields.get("name"), missing=PLACE_NAME_MISSING), "kind": kind}
    cleaned.update(_clean_text(fields, PLACE_TEXT))
    cleaned["latitude"], cleaned["longitude"] = clean_location(
        fields.get("latitude"), fields.get("longitude")
    )
    cleaned["is_active"] = bool(fields.get("is_active", True))
    return cleaned, _interests(fields.get("interests"), "interests")


def _refuse_taken_place(home, name, *, exclude=None):
    same = Place.objects.for_home(home).filter(name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    if same.exists():
        raise DomainError(place_name_taken(home, name), field="name")


def place_create(*, home, actor, form_token=None, **fields):
    """Add a place near the home (once per ``form_token``)."""
    submission_seen(home=home, token=form_token)
    cleaned, interests = _place_fields(fields)
    _refuse_taken_place(home, cleaned["name"])
    try:
        with (
            transaction.atomic(),
            acting_as(actor),
            submission_once(home=home, actor=actor, token=form_token) as once,
        ):
            place = Place.objects.create(home=home, created_by=actor, **cleaned)
            place.interests.set(interests)
            once.created(place)
    except IntegrityError:
        raise DomainError(place_name_taken(home, cleaned["name"]), field="name") from None
    return place


def place_update(*, home, actor, place, version=None, **fields):
    """Change a place. ``EditConflict`` if someone saved it since ``version``."""
    check_home(home, place)
    cleaned, interests = _place_fields(fields)
    _refuse_taken_place(home, cleaned["name"], exclude=place)
    try:
        with transaction.atomic(), acting_as(actor):
            locked = Place.objects.for_home(home).select_for_update().get(pk=place.pk)
            saved = list(locked.interests.all())
            version_check(
                locked,
                version,
                submitted={**cleaned, "interests": interests},
                saved={"interests": saved},
            )
            for name, value in cleaned.items():
                setattr(locked, name, value)
            version_bump(locked)
            locked.save()
            if {i.pk for i in saved} != {i.pk for i in interests}:
                locked.interests.set(interests)
    except IntegrityError:
        raise DomainError(place_name_taken(home, cleaned["name"]), field="name") from None
    return locked
