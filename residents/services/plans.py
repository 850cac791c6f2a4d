"""Writes to the personal plan for connection: one section at a time, the
people who matter, and reviews. Each runs in one transaction under
``acting_as`` so the change history records who changed what, and raises
``DomainError`` with a message a person can act on; nothing is half-saved."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import dateformat

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.lib.phones import phone_problem
from carehome.versions import version_bump, version_check
from homes.models import Interest
from homes.submissions import submission_once
from residents.models import PersonalPlan, PersonWhoMatters, PlanReview
from residents.selectors.plans import LABELS, SECTIONS, plan_snapshot

# Longest text kept in one box of the plan (the model's text fields have no
# limit of their own).
TEXT_LIMIT = 4000


PERSON_TEXT_FIELDS = ("name", "relationship", "phone", "email", "address", "notes")
PERSON_FLAGS = ("by_visit", "by_phone", "by_video", "by_letter", "essential_care_supporter", "is_active")
WAYS_TO_KEEP_IN_TOUCH = ("by_visit", "by_phone", "by_video", "by_letter")


def _limit(model, name):
    return model._meta.get_field(name).max_length or TEXT_LIMIT


def _clean_text(model, name, value, label):
    value = "" if value is None else str(value).strip()
    limit = _limit(model, name)
    if len(value) > limit:
        raise DomainError(
            f"{label} is too long: keep it to {limit:,} characters (it has {len(value):,}).", field=name
        )
    return value


NO_WAY_TO_KEEP_IN_TOUCH = "Choose how they like to keep in touch — visits, phone, video or letters."

# Messages the forms share (they need them to parse the same field).
CHOOSE_INTERESTS = "Choose interests from the list."
PERSON_NAME_MISSING = "Enter their name, for example “Susan Baxter”."
RELATIONSHIP_MISSING = "Say who they are, for example “daughter” or “old friend”."
CHOOSE_HOW_OFTEN = "Choose how often from the list."
EMAIL_INVALID = "Enter an email address like name@example.com."
REVIEW_DATE_MISSING = "Enter the date of the review, like 12/11/2026."
REVIEW_DUE_MISSING = "Enter when the next review is due, like 12/05/2027."


def choose_an_option(name):
    """The message for a plan choice (``video_calls``, ``phone_calls``) left out or not on the list."""
    return f"Choose one of the options for {LABELS[name].lower()}."


def long_date(day):
    """A date as people write it: "3 March 2026"."""
    return dateformat.format(day, "j F Y")


def a_year_after(day):
    """The same date next year (28 February after a 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _check_resident(home, resident):
    if resident.home_id != home.pk:
        raise DomainError("This resident does not live at this home.")


# --- The plan, one section at a time -------------------------------------------


def _clean_section(section, data):
    cleaned = {}
    for name in section.fields:
        if name not in data:
            continue
        value = data[name]
        if name == "interests":
            cleaned[name] = _clean_interests(value)
        elif name in ("video_calls", "phone_calls"):
            choices = PersonalPlan._meta.get_field(name).choices
            value = value or PersonalPlan.VideoCalls.UNKNOWN
            if value not in dict(choices):
                raise DomainError(choose_an_option(name), field=name)
            cleaned[name] = value
        else:
            cleaned[name] = _clean_text(PersonalPlan, name, value, LABELS[name])
    return cleaned


def _clean_interests(values):
    ids = set()
    for value in values or []:
        pk = value.pk if isinstance(value, Interest) else value
        try:
            ids.add(int(pk))
        except (TypeError, ValueError):
            raise DomainError(CHOOSE_INTERESTS, field="interests") from None
    interests = list(Interest.objects.filter(pk__in=ids))
    if len(interests) != len(ids):
        raise DomainError(
            "One of the interests chosen is no longer on the list. Please choose again.", field="interests"
        )
    return interests


def plan_update(*, home, actor, resident, section, data, version=None):
    """Write one section of a resident's plan (``section`` is a slug of
    ``SECTIONS``); other sections are left as they are. The plan is created on
    its first edit. ``version`` is the plan's version the form was opened on
    (0 before the plan exists): ``EditConflict`` if someone saved since.
    Returns ``(plan, changed)``."""
    _check_resident(home, resident)
    if section not in SECTIONS:
        raise DomainError("That part of the plan does not exist.")
    cleaned = _clean_section(SECTIONS[section], data)
    interests = cleaned.pop("interests", None)
    try:
        with transaction.atomic(), acting_as(actor):
            plan = PersonalPlan.objects.select_for_update().filter(home=home, resident=resident).first()
            if plan is None:
                plan = PersonalPlan(home=home, resident=resident, updated_by=actor, **cleaned)
                plan.save()
                if interests:
                    plan.interests.set(interests)
                return plan, True
            saved_interests = list(plan.interests.all())
            version_check(
                plan,
                version,
                submitted={**cleaned, **({} if interests is None else {"interests": interests})},
                saved={"interests": saved_interests},
                labels=LABELS,
            )
            changed = [name for name, value in cleaned.items() if getattr(plan, name) != value]
            interests_changed = interests is not None and {i.pk for i in interests} != {
                i.pk for i in saved_interests
            }
            if not changed and not interests_changed:
                return plan, False
            for name in changed:
                setattr(plan, name, cleaned[name])
            plan.updated_by = actor
            plan.save(update_fields=[*changed, "updated_by", "updated_at", *version_bump(plan)])
            if interests_changed:
                plan.interests.set(interests)
            return plan, True
    except IntegrityError:
        # Someone else started this resident's plan at the same moment.
        raise DomainError("Someone else has just started this plan. Please try again.") from None


def _plan_for_update(home, resident, actor):
    plan = PersonalPlan.objects.select_for_update().filter(home=home, resident=resident).first()
    if plan is None:
        plan = PersonalPlan.objects.create(home=home, resident=resident, updated_by=actor)
    return plan


# --- People who matter -----------------------------------------------------------


def _clean_person(data):
    cleaned = {}
    labels = {
        "name": "Their name",
        "relationship": "Their relationship",
        "phone": "The phone number",
        "email": "The email address",
        "address": "The address",
        "notes": "The notes",
    }
    for name in PERSON_TEXT_FIELDS:
        cleaned[name] = _clean_text(PersonWhoMatters, name, data.get(name), labels[name])
    if not cleaned["name"]:
        raise DomainError(PERSON_NAME_MISSING, field="name")
    if not cleaned["relationship"]:
        raise DomainError(RELATIONSHIP_MISSING, field="relationship")
    problem = phone_problem(cleaned["phone"])
    if problem:
        raise DomainError(problem, field="phone")
    if cleaned["email"]:
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            raise DomainError(EMAIL_INVALID, field="email") from None
    for name in PERSON_FLAGS:
        cleaned[name] = bool(data.get(name, name == "is_active"))
    every = data.get("contact_every_days") or None
    if every is not None:
        try:
            every = int(every)
        except (TypeError, ValueError):
            every = -1
        if every not in PersonWhoMatters.Frequency.values:
            raise DomainError(CHOOSE_HOW_OFTEN, field="contact_every_days")
        if not any(cleaned[name] for name in WAYS_TO_KEEP_IN_TOUCH):
            raise DomainError(NO_WAY_TO_KEEP_IN_TOUCH, field="ways")
    cleaned["contact_every_days"] = every
    return cleaned


def person_add(*, home, actor, resident, data, form_token=None):
    """Add someone who matters to a resident (once per ``form_token``)."""
    _check_resident(home, resident)
    cleaned = _clean_person(data)
    with transaction.atomic(), acting_as(actor):
        with submission_once(home=home, actor=actor, token=form_token) as once:
            person = PersonWhoMatters.objects.create(home=home, resident=resident, **cleaned)
            once.created(person)
        return person


def person_update(*, home, actor, person, data, version=None):
    """Change what we know about someone who matters, or record that they are
    no longer in touch (``is_active`` False): nobody is deleted. ``version``:
    as opened in the form (``EditConflict`` if someone saved since)."""
    if person.home_id != home.pk:
        raise DomainError("This person is not linked to this home.")
    cleaned = _clean_person(data)
    with transaction.atomic(), acting_as(actor):
        person = PersonWhoMatters.objects.select_for_update().get(pk=person.pk, home=home)
        version_check(person, version, submitted=cleaned)
        changed = [name for name, value in cleaned.items() if getattr(person, name) != value]
        for name in changed:
            setattr(person, name, cleaned[name])
        if changed:
            person.save(update_fields=[*changed, *version_bump(person)])
        return person


# --- Reviews -----------------------------------------------------------------------


def plan_review_record(
    *,
    home,
    actor,
    resident,
    reviewed_on,
    review_due_on,
    today,
    resident_took_part=True,
    key_worker_took_part=True,
    people=(),
    relatives_other="",
    others_took_part="",
    notes="",
    form_token=None,
):
    """Record a review of the plan with the person: who took part, what was
    agreed and when the next one is due. Keeps a snapshot of the plan as it
    is now, so the page can show what changes after the review."""
    _check_resident(home, resident)
    if reviewed_on is None:
        raise DomainError(REVIEW_DATE_MISSING, field="reviewed_on")
    if reviewed_on > today:
        raise DomainError("The review date can't be in the future.", field="reviewed_on")
    if reviewed_on < resident.admitted_on:
        raise DomainError(
            f"The review can't be before {resident.short_name} moved in ({long_date(resident.admitted_on)}).",
            field="reviewed_on",
        )
    if review_due_on is None:
        raise DomainError(REVIEW_DUE_MISSING, field="review_due_on")
    if review_due_on <= reviewed_on:
        raise DomainError("The next review must be after this one.", field="review_due_on")
    if review_due_on > a_year_after(reviewed_on):
        raise DomainError(
            "Plans are reviewed at least once a year: choose a date within 12 months of this review.",
            field="review_due_on",
        )
    people = list(people)
    if any(p.resident_id != resident.pk or p.home_id != home.pk for p in people):
        raise DomainError("Choose people from this resident's list.", field="people")
    names = [p.name for p in sorted(people, key=lambda p: p.name)]
    relatives_other = (relatives_other or "").strip()
    if relatives_other:
        names.append(relatives_other)
    relatives = ", ".join(names)
    limit = _limit(PlanReview, "relatives_took_part")
    if len(relatives) > limit:
        raise DomainError(
            f"Too many names to keep: the relatives and friends come to {len(relatives)} characters "
            f"and the limit is {limit}. Shorten the names you typed.",
            field="relatives_other",
        )
    others = _clean_text(PlanReview, "others_took_part", others_took_part, "Anyone else who took part")
    notes = _clean_text(PlanReview, "notes", notes, "What was agreed")
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        plan = _plan_for_update(home, resident, actor)
        current_people = list(
            PersonWhoMatters.objects.for_home(home).filter(resident=resident, is_active=True)
        )
        snapshot = plan_snapshot(plan, interests=plan.interests.all(), people=current_people)
        review = PlanReview.objects.create(
            home=home,
            plan=plan,
            reviewed_on=reviewed_on,
            resident_took_part=bool(resident_took_part),
            key_worker_took_part=bool(key_worker_took_part),
            relatives_took_part=relatives,
            others_took_part=others,
            notes=notes,
            snapshot=snapshot,
            reviewed_by=actor,
        )
        plan.review_due_on = review_due_on
        plan.updated_by = actor
        plan.save(update_fields=["review_due_on", "updated_by", "updated_at"])
        once.created(review)
        return review
