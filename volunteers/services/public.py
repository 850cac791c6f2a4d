"""Applications from the public "Volunteer with us" pages (no sign-in): a
home's own page, and an organisation's page that takes applications for
several homes at once.

An application saves everything or nothing, in one transaction: the
volunteer (applied, from the page), what they would like to do, their skills
and hobbies, their weekly times, two referees (not asked yet) and the first
status change (by nobody: they applied themselves). The same transaction
queues a thank-you email to the applicant and a notice to each home's
co-ordinators (``volunteers.messages.recruitment``). A resubmitted form saves
once; an open application with the same email address is refused with the
date of the first, whatever the timing (the database's unique index decides a
race). The rules of what a person must give are shared with staff entry
(``volunteers.services.recruitment``).
"""

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from carehome.errors import DomainError
from homes.submissions import submission_once, submission_seen
from volunteers.messages.recruitment import application_messages_schedule
from volunteers.models import Volunteer
from volunteers.rules import settings_for
from volunteers.selectors.public import recruiting_homes
from volunteers.services.recruitment import (
    CONSENT_NEEDED,
    OVER_16_NEEDED,
    ROLE_CHOICE,
    _is_one_open_per_email,
    applied_already,
    check_choices,
    clean_availability,
    clean_person,
    clean_referees,
    create_volunteer,
    open_with_email,
)

REFEREES_NEEDED_COUNT = 2

# Words the forms show too (they import them from here).
NOT_RECRUITING = "{home} is not taking new volunteers just now."
HOMES_NEEDED = "Choose at least one home you would like to volunteer at."
HOMES_CHOICE = "Choose from the homes listed."


def _check_application(*, person, over_16, consent_to_checks, availability, referees):
    if not over_16:
        raise DomainError(OVER_16_NEEDED, field="over_16")
    if not consent_to_checks:
        raise DomainError(CONSENT_NEEDED, field="consent_to_checks")
    availability = clean_availability(availability)
    referees = clean_referees(referees, applicant_email=person["email"], needed=REFEREES_NEEDED_COUNT)
    return availability, referees


def _digits(phone):
    return "".join(c for c in phone or "" if c.isdigit())[-10:]


def _refuse_duplicates(homes, email, *, full_name="", phone=""):
    """An open application (or volunteer) with the same email address, or with
    no email, the same name and phone number, is a second application."""
    for home in homes:
        if existing := open_with_email(home, email):
            raise DomainError(applied_already(existing, home), field="email")
        if not email and phone and full_name:
            same_name = Volunteer.objects.for_home(home).current().filter(full_name__iexact=full_name.strip())
            for existing in same_name:
                if _digits(existing.phone) == _digits(phone):
                    raise DomainError(applied_already(existing, home), field="phone")


def _save(*, homes, person, source, roles, interests, availability, referees, form_token, now):
    """One volunteer per home, all or none, and the messages about them."""
    group = uuid.uuid4() if len(homes) > 1 else None
    try:
        with (
            transaction.atomic(),
            submission_once(home=homes[0], actor=None, token=form_token) as once,
        ):
            made = [
                create_volunteer(
                    home=home,
                    actor=None,
                    person=person,
                    source=source,
                    roles=roles if len(homes) == 1 else (),
                    interests=interests,
                    availability=availability,
                    referees=referees,
                    over_16=True,
                    consent_to_checks=True,
                    application_group=group,
                    now=now,
                )
                for home in homes
            ]
            once.created(made[0])
            application_messages_schedule(volunteers=made, now=now)
    except IntegrityError as error:
        if not _is_one_open_per_email(error):
            raise
        # Another application with this address was saved a moment ago.
        _refuse_duplicates(homes, person["email"], full_name=person["full_name"], phone=person["phone"])
        raise
    return made


def volunteer_apply(
    *,
    home,
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
    honeypot="",
    form_token=None,
    now=None,
):
    """An application on the home's own page. Returns the new volunteer, or
    None when the hidden field only robots fill in was filled (nothing is saved)."""
    if honeypot:
        return None
    if not settings_for(home).recruiting:
        raise DomainError(NOT_RECRUITING.format(home=home.name))
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
    if any(not role.is_active for role in roles):
        raise DomainError(ROLE_CHOICE, field="roles")
    availability, referees = _check_application(
        person=person,
        over_16=over_16,
        consent_to_checks=consent_to_checks,
        availability=availability,
        referees=referees,
    )
    _refuse_duplicates([home], person["email"], full_name=person["full_name"], phone=person["phone"])
    made = _save(
        homes=[home],
        person=person,
        source=Volunteer.Source.HOME_PAGE,
        roles=roles,
        interests=interests,
        availability=availability,
        referees=referees,
        form_token=form_token,
        now=now or timezone.now(),
    )
    return made[0]


def volunteer_apply_through(
    *,
    organisation,
    homes,
    full_name,
    preferred_name="",
    email="",
    phone="",
    postcode="",
    what_to_do="",
    interests=(),
    skills_notes="",
    availability=(),
    referees=(),
    over_16=False,
    consent_to_checks=False,
    honeypot="",
    form_token=None,
    now=None,
):
    """An application on an organisation's page for one or more of the homes
    that recruit through it: one volunteer per home chosen, sharing one
    ``application_group``; each home's co-ordinators are told. Each home
    gives roles later. Returns the new volunteers ([] for a robot)."""
    if honeypot:
        return []
    homes = list(homes)
    if not homes:
        raise DomainError(HOMES_NEEDED, field="homes")
    offered = {h.pk for h in recruiting_homes(organisation)}
    if any(h.pk not in offered for h in homes):
        raise DomainError(HOMES_CHOICE, field="homes")
    homes = sorted({h.pk: h for h in homes}.values(), key=lambda h: h.name)
    interests = list(interests)
    submission_seen(home=homes[0], token=form_token)
    person = clean_person(
        full_name=full_name,
        preferred_name=preferred_name,
        email=email,
        phone=phone,
        postcode=postcode,
        what_to_do=what_to_do,
        skills_notes=skills_notes,
    )
    check_choices(homes[0], interests=interests)
    availability, referees = _check_application(
        person=person,
        over_16=over_16,
        consent_to_checks=consent_to_checks,
        availability=availability,
        referees=referees,
    )
    _refuse_duplicates(homes, person["email"], full_name=person["full_name"], phone=person["phone"])
    return _save(
        homes=homes,
        person=person,
        source=Volunteer.Source.ORGANISATION_PAGE,
        roles=(),
        interests=interests,
        availability=availability,
        referees=referees,
        form_token=form_token,
        now=now or timezone.now(),
    )
