"""Writes for recruitment: adding a volunteer (staff), changing their details,
moving them through the pipeline, screening (identity check and interview),
their weekly availability and the invitation to the volunteers' portal.

The public application ("Volunteer with us", ``volunteers.services.public``)
shares the rules here: who a person is and how to reach them, their
availability, their referees. Every write runs in one transaction inside
``acting_as`` so the change history records who did it, and raises
``DomainError`` with a message a person can act on; nothing is half-saved.
Other areas call these by name (``volunteer_status_set``…).
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.lib.phones import phone_problem
from carehome.lib.text import text_problem
from carehome.timeutils import today
from carehome.versions import version_bump, version_check
from homes.audit import record_created, record_update
from homes.models import Invitation, Membership, Role
from homes.scoping import check_home
from homes.services import invitation_create, invitation_resend, invitation_revoke, membership_update
from homes.submissions import submission_once, submission_seen
from volunteers import rules
from volunteers.models import Assignment, Availability, Reference, Shift, StatusChange, Volunteer
from volunteers.models.choices import Weekday

Status = Volunteer.Status

EARLIEST = date(2000, 1, 1)
ONE_OPEN_PER_EMAIL = "volunteers_volunteer_one_open_per_email"
TEXT_LIMIT = 2000  # "what they would like to do", "more about their skills and hobbies"
NOTES_LIMIT = 5000  # interview notes
MAX_AVAILABILITY_ROWS = 21  # three times a day, every day
REFEREE_FIELDS = ("name", "relationship", "email", "phone")
# Staff who may be a volunteer's contact in the home.
CONTACT_ROLES = (Role.STAFF, Role.CHAMPION, Role.MANAGER)
# Statuses a volunteer can be added in (active comes after the checks, on the status page).
ADD_STATUSES = (Status.APPLIED, Status.REFERENCES, Status.CHECKS, Status.INDUCTION)
TRAINING_FOR_CONTACTS = "volunteer-management"

# Words the forms show too (they import them from here).
NAME_MISSING = "Enter the person's full name, like “Ann Smith”."
NAME_TOO_LONG = "Keep the name under 150 characters."
PREFERRED_TOO_LONG = "Keep this under 80 characters."
EMAIL_INVALID = "Enter an email address like name@example.com."
EMAIL_TOO_LONG = "That email address is too long. Check it and type it again."
CONTACT_MISSING = "Give an email address or a phone number, so the home can get in touch."
PHONE_TOO_LONG = "Keep the phone number under 30 characters."
POSTCODE_INVALID = "Enter a UK postcode like SW1A 1AA, or leave it empty."
ROLE_CHOICE = "Choose from the list of things volunteers do here."
INTEREST_CHOICE = "Choose skills and hobbies from the list. Anything else can go in the box below."
TEXT_TOO_LONG = f"Keep this under {TEXT_LIMIT:,} characters."
DAY_MISSING = "Choose the day for this time."
FROM_MISSING = "Enter the time you can start, like 10:00."
UNTIL_MISSING = "Enter the time you need to leave by, like 12:00."
UNTIL_BEFORE_FROM = "The “until” time must be after the “from” time."
DAY_CHOICE = "Choose a day of the week from the list."
TOO_MANY_TIMES = f"Give at most {MAX_AVAILABILITY_ROWS} times in the week."
REFEREE_NAME_MISSING = "Enter the referee's name."
REFEREE_NAME_TOO_LONG = "Keep the referee's name under 150 characters."
REFEREE_RELATIONSHIP_MISSING = "Say how they know the volunteer, like “my manager at work”."
REFEREE_RELATIONSHIP_TOO_LONG = "Keep this under 100 characters."
REFEREE_CONTACT_MISSING = "Give the referee's email address or phone number."
REFEREE_SELF = "A referee must be someone else: this is the volunteer's own email address."
REFEREES_SAME = "The two referees must be different people."
REFEREES_NEEDED = "Give two referees: people who know you well and are not family."
OVER_16_NEEDED = "Volunteers here need to be 16 or over. Tick the box to say you are."
CONSENT_NEEDED = "Tick the box to agree to a background check. Every volunteer here needs one."
STATUS_CHOICE = "Choose a status from the list."
ADD_STATUS_CHOICE = "Choose where they are now: applied, references, checks or induction."
REASON_NEEDED = "Say why, in a few words. It is kept with their record."
REASON_TOO_LONG = "Keep the reason under 300 characters."
CONTACT_CHOICE = "Choose a member of staff from the list."
DOCUMENTS_MISSING = "Say which documents you saw, like “Passport and a council tax bill”."
DOCUMENTS_TOO_LONG = "Keep this under 200 characters."
IDENTITY_DATE_MISSING = "Enter the date you checked their identity, like 12/11/2026."
INTERVIEW_DATE_MISSING = "Enter the date of the interview, like 12/11/2026."
DATE_IN_FUTURE = "That date is in the future. Record it once it has happened."
DATE_TOO_EARLY = "Check the year: enter a date from 2000 onwards."
INVITE_NEEDS_EMAIL = "Add their email address first: the invitation is sent by email."
INVITE_HAS_ACCOUNT = "They already have a Kith account for volunteering here."

POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


# --- Small rules the forms use too --------------------------------------------------------


def clean_text(value, *, field, limit, required_message=None, multiline=False, too_long=None):
    """``value`` stripped (one line unless ``multiline``), or a DomainError for ``field``."""
    value = "" if value is None else str(value)
    value = value.strip() if multiline else " ".join(value.split())
    problem = text_problem(value, multiline=multiline, required=bool(required_message))
    if problem:
        raise DomainError(problem, field=field)
    if required_message and not value:
        raise DomainError(required_message, field=field)
    if len(value) > limit:
        raise DomainError(too_long or f"Keep this under {limit:,} characters.", field=field)
    return value


def email_problem(email):
    """Why ``email`` is not an email address, or '' (an empty one is fine)."""
    if not email:
        return ""
    if len(email) > 254:
        return EMAIL_TOO_LONG
    try:
        validate_email(email)
    except ValidationError:
        return EMAIL_INVALID
    return ""


def clean_email(email, *, field="email"):
    email = (email or "").strip().lower()
    if problem := email_problem(email):
        raise DomainError(problem, field=field)
    return email


def clean_phone(phone, *, field="phone"):
    phone = " ".join((phone or "").split())
    if len(phone) > 30:
        raise DomainError(PHONE_TOO_LONG, field=field)
    if problem := phone_problem(phone):
        raise DomainError(problem, field=field)
    return phone


def postcode_clean(value):
    """(the postcode as it is written, like "SW1A 1AA", or '', and why not, or '')."""
    text = " ".join((value or "").upper().split())
    if not text:
        return "", ""
    found = POSTCODE.match(text) if text.isascii() else None
    if not found:
        return "", POSTCODE_INVALID
    return f"{found.group(1)} {found.group(2)}", ""


def past_date_problem(day, *, on=None):
    """Why ``day`` (an identity check, an interview) cannot be recorded, or ''."""
    if day is None:
        return ""
    if day > (on or today()):
        return DATE_IN_FUTURE
    if day < EARLIEST:
        return DATE_TOO_EARLY
    return ""


def availability_problem(weekday, starts_at, ends_at):
    """(which part, message) for a weekly time that is not complete or not in
    order — ``"day"``, ``"from"`` or ``"until"`` — or None."""
    if weekday is None:
        return "day", DAY_MISSING
    if weekday not in Weekday.values:
        return "day", DAY_CHOICE
    if starts_at is None:
        return "from", FROM_MISSING
    if ends_at is None:
        return "until", UNTIL_MISSING
    if ends_at <= starts_at:
        return "until", UNTIL_BEFORE_FROM
    return None


def merge_availability(rows):
    """Weekly times (weekday, from, until), in order, with those that overlap
    or meet on the same day joined into one: Monday 10–12 and 11–14 become 10–14."""
    merged = []
    for weekday, starts_at, ends_at in sorted(rows):
        if merged and merged[-1][0] == weekday and starts_at <= merged[-1][2]:
            last = merged[-1]
            merged[-1] = (weekday, last[1], max(last[2], ends_at))
        else:
            merged.append((weekday, starts_at, ends_at))
    return merged


def clean_availability(rows):
    """Check each weekly time and join the overlapping ones; raises for the first problem."""
    rows = list(rows)
    if len(rows) > MAX_AVAILABILITY_ROWS:
        raise DomainError(TOO_MANY_TIMES, field="availability")
    for weekday, starts_at, ends_at in rows:
        if found := availability_problem(weekday, starts_at, ends_at):
            raise DomainError(found[1], field="availability")
    return merge_availability(rows)


def referee_problems(referee, *, applicant_email=""):
    """{part: message} of what is missing or wrong in one referee's details
    (parts: name, relationship, email, phone)."""
    problems = {}
    name = " ".join((referee.get("name") or "").split())
    relationship = " ".join((referee.get("relationship") or "").split())
    email = (referee.get("email") or "").strip().lower()
    phone = (referee.get("phone") or "").strip()
    if not name:
        problems["name"] = REFEREE_NAME_MISSING
    elif len(name) > 150:
        problems["name"] = REFEREE_NAME_TOO_LONG
    if not relationship:
        problems["relationship"] = REFEREE_RELATIONSHIP_MISSING
    elif len(relationship) > 100:
        problems["relationship"] = REFEREE_RELATIONSHIP_TOO_LONG
    if problem := email_problem(email):
        problems["email"] = problem
    elif email and applicant_email and email == applicant_email.strip().lower():
        problems["email"] = REFEREE_SELF
    if len(phone) > 30:
        problems["phone"] = PHONE_TOO_LONG
    elif problem := phone_problem(phone):
        problems["phone"] = problem
    if not email and not phone and "email" not in problems:
        problems["email"] = REFEREE_CONTACT_MISSING
    return problems


def _digits(phone):
    return "".join(c for c in phone or "" if c.isdigit())


def same_referee(first, second):
    """Whether two referees' details are the same person's (name, email or phone)."""

    def norm(value):
        return " ".join((value or "").lower().split())

    if norm(first.get("email")) and norm(first.get("email")) == norm(second.get("email")):
        return "email"
    if _digits(first.get("phone")) and _digits(first.get("phone")) == _digits(second.get("phone")):
        return "phone"
    if norm(first.get("name")) and norm(first.get("name")) == norm(second.get("name")):
        return "name"
    return None


def clean_referees(referees, *, applicant_email="", needed=0):
    """The referees' details, checked: raises a DomainError for the field
    ``referee<n>_<part>`` (n from 1, in the order given)."""
    cleaned = []
    referees = list(referees)
    for n, referee in enumerate(referees, start=1):
        problems = referee_problems(referee, applicant_email=applicant_email)
        for part in REFEREE_FIELDS:
            if part in problems:
                raise DomainError(problems[part], field=f"referee{n}_{part}")
        cleaned.append(
            {
                "name": " ".join(referee["name"].split()),
                "relationship": " ".join(referee["relationship"].split()),
                "email": (referee.get("email") or "").strip().lower(),
                "phone": " ".join((referee.get("phone") or "").split()),
            }
        )
    if len(cleaned) < needed:
        raise DomainError(REFEREES_NEEDED, field=f"referee{len(cleaned) + 1}_name")
    for n, referee in enumerate(cleaned[1:], start=2):
        for earlier in cleaned[: n - 1]:
            if part := same_referee(earlier, referee):
                raise DomainError(REFEREES_SAME, field=f"referee{n}_{part}")
    return cleaned


def clean_person(
    *, full_name, preferred_name="", email="", phone="", postcode="", what_to_do="", skills_notes=""
):
    """The details every volunteer record has, checked and tidied: a dict of model fields."""
    cleaned = {
        "full_name": clean_text(
            full_name, field="full_name", limit=150, required_message=NAME_MISSING, too_long=NAME_TOO_LONG
        ),
        "preferred_name": clean_text(
            preferred_name, field="preferred_name", limit=80, too_long=PREFERRED_TOO_LONG
        ),
        "email": clean_email(email),
        "phone": clean_phone(phone),
        "what_to_do": clean_text(
            what_to_do, field="what_to_do", limit=TEXT_LIMIT, multiline=True, too_long=TEXT_TOO_LONG
        ),
        "skills_notes": clean_text(
            skills_notes, field="skills_notes", limit=TEXT_LIMIT, multiline=True, too_long=TEXT_TOO_LONG
        ),
    }
    if not cleaned["email"] and not cleaned["phone"]:
        raise DomainError(CONTACT_MISSING, field="email")
    cleaned["postcode"], problem = postcode_clean(postcode)
    if problem:
        raise DomainError(problem, field="postcode")
    return cleaned


# --- Duplicates ------------------------------------------------------------------------------


def open_with_email(home, email, *, exclude=None):
    """The volunteer of ``home`` who has not left and has ``email`` (any case), or None."""
    if not email:
        return None
    found = Volunteer.objects.for_home(home).current().filter(email__iexact=email)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found.order_by("applied_at", "pk").first()


def applied_already(existing, home):
    """What an applicant is told when they have an open application already:
    no date and no stage, so the public page tells a stranger as little as it can."""
    phone = f" If you have not heard from them, ring {home.phone}." if home.phone else ""
    return f"{home.name} already has an application from you, and they will be in touch.{phone}"


def email_taken(existing):
    """What staff are told when someone here already has this email address."""
    return (
        f"{existing.full_name} already has this email address here "
        f"({existing.get_status_display().lower()}). Open their record instead."
    )


def _is_one_open_per_email(error):
    return ONE_OPEN_PER_EMAIL in str(error)


# --- Making a volunteer's record ---------------------------------------------------------------


def check_choices(home, *, roles=(), interests=()):
    """Every role is the home's and every interest a known tag; raises otherwise."""
    for role in roles:
        if role.home_id != home.pk:
            raise DomainError(ROLE_CHOICE, field="roles")
    for interest in interests:
        if getattr(interest, "pk", None) is None:
            raise DomainError(INTEREST_CHOICE, field="interests")


def create_volunteer(
    *,
    home,
    actor,
    person,
    source,
    status=Status.APPLIED,
    roles=(),
    interests=(),
    availability=(),
    referees=(),
    over_16=False,
    consent_to_checks=False,
    application_group=None,
    reason="",
    now=None,
):
    """Write one volunteer and everything that comes with them: roles, skills
    and hobbies, weekly times, referees (not asked yet) and the first status
    change. Call inside the caller's transaction, with the input checked."""
    now = now or timezone.now()
    volunteer = Volunteer.objects.create(
        home=home,
        **person,
        over_16=bool(over_16),
        consent_to_checks=bool(consent_to_checks),
        status=status,
        status_changed_at=now,
        source=source,
        application_group=application_group,
        applied_at=now,
    )
    volunteer.roles.set(list(roles))
    volunteer.interests.set(list(interests))
    times = Availability.objects.bulk_create(
        [
            Availability(home=home, volunteer=volunteer, weekday=weekday, starts_at=starts, ends_at=ends)
            for weekday, starts, ends in availability
        ]
    )
    record_created(times)
    for referee in referees:
        Reference.objects.create(home=home, volunteer=volunteer, recorded_by=actor, created_at=now, **referee)
    StatusChange.objects.create(
        home=home,
        volunteer=volunteer,
        from_status="",
        to_status=status,
        changed_at=now,
        changed_by=actor,
        reason=reason,
    )
    return volunteer


def volunteer_add(
    *,
    home,
    actor,
    full_name,
    preferred_name="",
    email="",
    phone="",
    postcode="",
    roles=(),
    what_to_do="",
    interests=(),
    skills_notes="",
    availability=(),
    referees=(),
    over_16=False,
    consent_to_checks=False,
    status=Status.APPLIED,
    form_token=None,
):
    """Add a volunteer the home met another way (a fair, a phone call): the
    application's details, where they are in the pipeline (not yet active),
    and any referees they gave (once per ``form_token``)."""
    roles, interests = list(roles), list(interests)
    submission_seen(home=home, token=form_token)
    person = clean_person(
        full_name=full_name,
        preferred_name=preferred_name,
        email=email,
        phone=phone,
        postcode=postcode,
        what_to_do=what_to_do,
        skills_notes=skills_notes,
    )
    check_choices(home, roles=roles, interests=interests)
    if status not in ADD_STATUSES:
        raise DomainError(ADD_STATUS_CHOICE, field="status")
    availability = clean_availability(availability)
    referees = clean_referees(referees, applicant_email=person["email"])
    if existing := open_with_email(home, person["email"]):
        raise DomainError(email_taken(existing), field="email")
    try:
        with (
            transaction.atomic(),
            acting_as(actor),
            submission_once(home=home, actor=actor, token=form_token) as once,
        ):
            volunteer = create_volunteer(
                home=home,
                actor=actor,
                person=person,
                source=Volunteer.Source.STAFF,
                status=status,
                roles=roles,
                interests=interests,
                availability=availability,
                referees=referees,
                over_16=over_16,
                consent_to_checks=consent_to_checks,
                reason="Added by staff",
            )
            once.created(volunteer)
    except IntegrityError as error:
        if not _is_one_open_per_email(error):
            raise
        existing = open_with_email(home, person["email"])
        raise DomainError(email_taken(existing) if existing else EMAIL_INVALID, field="email") from None
    return volunteer


# --- Changing a volunteer's details ---------------------------------------------------------


def _check_contact(home, contact):
    if contact is None:
        return
    if contact.home_id != home.pk or not contact.is_active or contact.role not in CONTACT_ROLES:
        raise DomainError(CONTACT_CHOICE, field="contact")


def _locked(home, volunteer):
    return Volunteer.objects.for_home(home).select_for_update().get(pk=volunteer.pk)


def volunteer_update(
    *,
    home,
    volunteer,
    actor,
    version=None,
    full_name,
    preferred_name="",
    email="",
    phone="",
    postcode="",
    roles=(),
    what_to_do="",
    interests=(),
    skills_notes="",
    over_16=False,
    consent_to_checks=False,
    contact=None,
):
    """Change who a volunteer is, what they do, their skills and hobbies and
    their contact in the home. Refuses to save over a newer change (``version``)."""
    roles, interests = list(roles), list(interests)
    check_home(home, volunteer, contact)
    person = clean_person(
        full_name=full_name,
        preferred_name=preferred_name,
        email=email,
        phone=phone,
        postcode=postcode,
        what_to_do=what_to_do,
        skills_notes=skills_notes,
    )
    check_choices(home, roles=roles, interests=interests)
    _check_contact(home, contact)
    if existing := open_with_email(home, person["email"], exclude=volunteer):
        raise DomainError(email_taken(existing), field="email")
    fields = {**person, "over_16": bool(over_16), "consent_to_checks": bool(consent_to_checks)}
    try:
        with transaction.atomic(), acting_as(actor):
            locked = _locked(home, volunteer)
            version_check(
                locked,
                version,
                submitted={**fields, "roles": roles, "interests": interests, "contact": contact},
                saved={"roles": list(locked.roles.all()), "interests": list(locked.interests.all())},
                labels={"roles": "What they do", "interests": "Skills and hobbies"},
            )
            for name, value in fields.items():
                setattr(locked, name, value)
            locked.contact = contact
            locked.save(update_fields=[*fields, "contact", *version_bump(locked)])
            removed = {r.pk for r in locked.roles.all()} - {r.pk for r in roles}
            locked.roles.set(roles)
            locked.interests.set(interests)
            if removed:
                _end_visits_in_roles(home=home, volunteer=locked, actor=actor, role_ids=removed)
    except IntegrityError as error:
        if not _is_one_open_per_email(error):
            raise
        existing = open_with_email(home, person["email"], exclude=volunteer)
        raise DomainError(email_taken(existing) if existing else EMAIL_INVALID, field="email") from None
    return locked


# --- Through the pipeline ----------------------------------------------------------------------


def _end_visits_in_roles(*, home, volunteer, actor, role_ids):
    """A role taken away ends the regular visits made in it (and their visits to come)."""
    now = timezone.now()
    ending = Assignment.objects.for_home(home).filter(
        volunteer=volunteer, role_id__in=role_ids, ended_at__isnull=True
    )
    record_update(
        Shift.objects.for_home(home).filter(
            assignment__in=ending.values("pk"),
            starts_at__gt=now,
            status__in=(Shift.Status.PLANNED, Shift.Status.CONFIRMED),
        ),
        status=Shift.Status.CANCELLED,
        status_note="They no longer volunteer in this role.",
        version=F("version") + 1,
    )
    record_update(
        ending,
        ended_at=now,
        ended_by=actor,
        end_reason="They no longer volunteer in this role.",
        version=F("version") + 1,
    )


def _follow_status(*, home, volunteer, actor, before, now):
    """What a pause or leaving means for the rest, in the same transaction:
    their shifts still to come are cancelled (a pause takes the regular
    visits to come off the rota, to be planned again when they are back);
    leaving also ends their regular visits and closes their own pages in Kith
    (their volunteer membership), which coming back opens again."""
    status = volunteer.status
    if status in (Status.PAUSED, Status.LEFT):
        to_come = Shift.objects.for_home(home).filter(
            volunteer=volunteer,
            starts_at__gt=now,
            status__in=(Shift.Status.PLANNED, Shift.Status.CONFIRMED),
        )
        if status == Status.PAUSED:
            # Their regular visits stay arranged; the visits to come are taken
            # off the rota (the history keeps them) and come back with them.
            to_come.filter(assignment__isnull=False).delete()
        record_update(
            to_come,
            status=Shift.Status.CANCELLED,
            status_note="Stopped volunteering for now."
            if status == Status.PAUSED
            else "Stopped volunteering.",
            version=F("version") + 1,
        )
    if status == Status.LEFT:
        record_update(
            Assignment.objects.for_home(home).filter(volunteer=volunteer, ended_at__isnull=True),
            ended_at=now,
            ended_by=actor,
            end_reason="They stopped volunteering.",
            version=F("version") + 1,
        )
    if volunteer.user_id and Status.LEFT in (status, before):
        membership = (
            Membership.objects.for_home(home).filter(user_id=volunteer.user_id, role=Role.VOLUNTEER).first()
        )
        if membership is not None and membership.is_active != (status != Status.LEFT):
            membership_update(
                home=home,
                membership=membership,
                actor=actor,
                role=membership.role,
                job_title=membership.job_title,
                is_active=status != Status.LEFT,
            )


def volunteer_status_set(*, home, volunteer, actor, status, reason="", now=None):
    """Move a volunteer to ``status`` with a dated StatusChange (who, when, why).

    A reason is needed for paused and left (``left_reason`` keeps it). Moving
    to active is refused while anything their roles need is missing
    (``rules.blockers``); the message names each thing."""
    check_home(home, volunteer)
    if status not in Status.values:
        raise DomainError(STATUS_CHOICE, field="status")
    reason = clean_text(reason, field="reason", limit=300, too_long=REASON_TOO_LONG)
    if status in (Status.PAUSED, Status.LEFT) and not reason:
        raise DomainError(REASON_NEEDED, field="reason")
    now = now or timezone.now()
    try:
        with transaction.atomic(), acting_as(actor):
            locked = _locked(home, volunteer)
            if locked.status == status:
                raise DomainError(
                    f"{locked.full_name} is already “{locked.get_status_display().lower()}”.", field="status"
                )
            if status == Status.ACTIVE:
                loaded = rules.with_facts(Volunteer.objects.for_home(home).filter(pk=locked.pk)).get()
                missing = rules.blockers(loaded, status=False, on=timezone.localdate(now))
                if missing:
                    raise rules.NotClear(
                        f"{locked.full_name} cannot start yet. Still missing: "
                        + "; ".join(b.message for b in missing)
                        + ".",
                        missing,
                        field="status",
                    )
            before = locked.status
            locked.status = status
            locked.status_changed_at = now
            if status == Status.LEFT:
                locked.left_reason = reason
            elif before == Status.LEFT:
                locked.left_reason = ""
            locked.save(update_fields=["status", "status_changed_at", "left_reason", *version_bump(locked)])
            StatusChange.objects.create(
                home=home,
                volunteer=locked,
                from_status=before,
                to_status=status,
                changed_at=now,
                changed_by=actor,
                reason=reason,
            )
            _follow_status(home=home, volunteer=locked, actor=actor, before=before, now=now)
    except IntegrityError as error:
        if not _is_one_open_per_email(error):
            raise
        existing = open_with_email(home, volunteer.email, exclude=volunteer)
        raise DomainError(
            (email_taken(existing) if existing else EMAIL_INVALID)
            + " Change the email address on one of them first.",
            field="status",
        ) from None
    return locked


# --- Identity check and interview ------------------------------------------------------------


def volunteer_screening_save(
    *,
    home,
    volunteer,
    actor,
    version=None,
    identity_checked_on=None,
    identity_documents="",
    interviewed_on=None,
    interview_notes="",
    on=None,
):
    """Record the identity check (the date and the documents seen) and the
    interview (the date and notes). The person saving a change is recorded as
    who checked or interviewed; clearing a date clears who."""
    check_home(home, volunteer)
    documents = clean_text(
        identity_documents, field="identity_documents", limit=200, too_long=DOCUMENTS_TOO_LONG
    )
    notes = clean_text(
        interview_notes,
        field="interview_notes",
        limit=NOTES_LIMIT,
        multiline=True,
        too_long=f"Keep the notes under {NOTES_LIMIT:,} characters.",
    )
    if problem := past_date_problem(identity_checked_on, on=on):
        raise DomainError(problem, field="identity_checked_on")
    if problem := past_date_problem(interviewed_on, on=on):
        raise DomainError(problem, field="interviewed_on")
    if documents and identity_checked_on is None:
        raise DomainError(IDENTITY_DATE_MISSING, field="identity_checked_on")
    if identity_checked_on is not None and not documents:
        raise DomainError(DOCUMENTS_MISSING, field="identity_documents")
    if notes and interviewed_on is None:
        raise DomainError(INTERVIEW_DATE_MISSING, field="interviewed_on")
    fields = {
        "identity_checked_on": identity_checked_on,
        "identity_documents": documents,
        "interviewed_on": interviewed_on,
        "interview_notes": notes,
    }
    with transaction.atomic(), acting_as(actor):
        locked = _locked(home, volunteer)
        version_check(locked, version, submitted=fields)
        identity_changed = (locked.identity_checked_on, locked.identity_documents) != (
            identity_checked_on,
            documents,
        )
        interview_changed = (locked.interviewed_on, locked.interview_notes) != (interviewed_on, notes)
        for name, value in fields.items():
            setattr(locked, name, value)
        changed = list(fields)
        if identity_changed:
            locked.identity_checked_by = actor if identity_checked_on else None
            changed.append("identity_checked_by")
        if interview_changed:
            locked.interviewed_by = actor if interviewed_on else None
            changed.append("interviewed_by")
        locked.save(update_fields=[*changed, *version_bump(locked)])
    return locked


# --- Weekly availability ---------------------------------------------------------------------


def times_in_words(rows):
    """Weekly times as people read them: ["Monday 10:00–12:00", …]."""
    return [f"{Weekday(day).label} {starts:%H:%M}–{ends:%H:%M}" for day, starts, ends in rows]


def volunteer_availability_set(*, home, volunteer, actor, availability, version=None):
    """Replace a volunteer's weekly times with ``availability`` ((weekday,
    from, until) rows), all at once: overlapping times on a day are joined.
    Refuses to save over a newer change (``version``, the volunteer's)."""
    check_home(home, volunteer)
    rows = clean_availability(availability)
    with transaction.atomic(), acting_as(actor):
        locked = _locked(home, volunteer)
        saved = Availability.objects.for_home(home).filter(volunteer=locked).order_by("weekday", "starts_at")
        version_check(
            locked,
            version,
            submitted={"availability": times_in_words(rows)},
            saved={"availability": times_in_words((a.weekday, a.starts_at, a.ends_at) for a in saved)},
            labels={"availability": "Usual weekly times"},
        )
        saved.delete()
        times = Availability.objects.bulk_create(
            [
                Availability(home=home, volunteer=locked, weekday=weekday, starts_at=starts, ends_at=ends)
                for weekday, starts, ends in rows
            ]
        )
        record_created(times)
        locked.save(update_fields=version_bump(locked))
    return times


# --- The volunteers' portal ------------------------------------------------------------------


def volunteer_invite(*, home, volunteer, actor):
    """Invite a volunteer to their own pages in Kith (shifts, hours, the
    residents they visit) by email. A waiting invitation is sent again with
    a fresh link. Accepting it links their account (``volunteers.acceptance``)."""
    check_home(home, volunteer)
    with transaction.atomic(), acting_as(actor):
        locked = _locked(home, volunteer)
        if locked.user_id:
            raise DomainError(INVITE_HAS_ACCOUNT)
        if not locked.email:
            raise DomainError(INVITE_NEEDS_EMAIL)
        if locked.status == Status.LEFT:
            raise DomainError(f"{locked.full_name} has left, so they cannot be invited.")
        current = None
        if locked.invitation_id:
            current = Invitation.objects.for_home(home).filter(pk=locked.invitation_id).first()
        if current is not None and not current.accepted_at and not current.revoked_at:
            if current.email.lower() == locked.email.lower():
                return invitation_resend(home=home, invitation=current, actor=actor)
            # Their email address changed since: the old link stops working.
            invitation_revoke(home=home, invitation=current, actor=actor)
        invitation = invitation_create(
            home=home, actor=actor, email=locked.email, full_name=locked.full_name, role=Role.VOLUNTEER
        )
        locked.invitation = invitation
        locked.save(update_fields=["invitation"])
    return invitation
