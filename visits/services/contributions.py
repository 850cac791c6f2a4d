"""Writes for families' suggested additions to a resident's plan.

Approving a suggestion applies it to the plan in the same transaction, with
the reviewer as the actor, so the plan's history shows who added it and the
added text says whose contribution it was."""

from django.db import transaction
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from homes.models import Interest
from homes.submissions import submission_once
from residents.models import RelativeLink, Resident
from residents.services.family import plan_add_from_family
from visits.models import FamilyContribution

Kind = FamilyContribution.Kind
Status = FamilyContribution.Status
MAX_TEXT = 2000
NAME_LIMIT, RELATIONSHIP_LIMIT, NOTE_LIMIT = 150, 60, 300


def too_long(label, limit):
    """“Keep the note under 300 characters.”"""
    return f"Keep {label} under {limit:,} characters."


# Words the contribution forms show too (they import them from here).
KIND_MISSING = "Choose what you would like to add."
INTEREST_NOT_LISTED = "Choose an interest from the list."
NAME_TOO_LONG = too_long("the name", NAME_LIMIT)
RELATIONSHIP_TOO_LONG = too_long("who they are", RELATIONSHIP_LIMIT)
TEXT_TOO_LONG = too_long("what you write", MAX_TEXT)
NOTE_TOO_LONG = too_long("the note", NOTE_LIMIT)


def _clean(value, limit, field, message):
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(message, field=field)
    return value


def contribution_suggest(
    *,
    home,
    actor,
    membership,
    resident,
    kind,
    text="",
    interest=None,
    person_name="",
    person_relationship="",
    form_token=None,
):
    """A relative suggests an addition to one of their own residents' plan
    (once per ``form_token``)."""
    if not Resident.objects.for_home(home).for_member(membership).filter(pk=resident.pk).exists():
        raise DomainError("You can only make suggestions for your own relative.")
    if kind not in Kind.values:
        raise DomainError(KIND_MISSING, field="kind")
    text = _clean(text, MAX_TEXT, "text", TEXT_TOO_LONG)
    fields = {"text": text, "interest": None, "person_name": "", "person_relationship": ""}
    if kind == Kind.ABOUT_ME:
        if not text:
            raise DomainError(
                f"Write what you would like to add to {resident.short_name}'s story.", field="text"
            )
    elif kind == Kind.INTEREST:
        if interest is not None and not Interest.objects.filter(pk=interest.pk).exists():
            raise DomainError(INTEREST_NOT_LISTED, field="interest")
        if interest is None and not text:
            raise DomainError(
                "Choose an interest from the list, or describe it in your own words.", field="interest"
            )
        fields["interest"] = interest
    else:
        name = " ".join((person_name or "").split())
        relationship = " ".join((person_relationship or "").split())
        if not name:
            raise DomainError("Enter the person's name.", field="person_name")
        if len(name) > NAME_LIMIT:
            raise DomainError(NAME_TOO_LONG, field="person_name")
        if not relationship:
            raise DomainError(
                f"Say who they are to {resident.short_name}, like “old friend” or “neighbour”.",
                field="person_relationship",
            )
        if len(relationship) > RELATIONSHIP_LIMIT:
            raise DomainError(RELATIONSHIP_TOO_LONG, field="person_relationship")
        fields["person_name"] = name
        fields["person_relationship"] = relationship
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        contribution = FamilyContribution.objects.create(
            home=home, resident=resident, membership=membership, kind=kind, **fields
        )
        once.created(contribution)
    return contribution


def attribution(contribution):
    """“Linda Baxter (daughter)”: who made a suggestion, and who they are to the resident."""
    name = contribution.membership.user.full_name or contribution.membership.user.email
    link = (
        RelativeLink.objects.for_home(contribution.home_id)
        .filter(membership_id=contribution.membership_id, resident_id=contribution.resident_id)
        .first()
    )
    return f"{name} ({link.relationship})" if link and link.relationship else name


def _apply(contribution, actor):
    """Add the suggestion to the plan, through the residents app's service."""
    who = attribution(contribution)
    addition = {}
    if contribution.kind == Kind.ABOUT_ME:
        addition["about_me"] = f"{contribution.text} — added by {who}"
    elif contribution.kind == Kind.INTEREST:
        addition["interest_id"] = contribution.interest_id
        if contribution.text:
            addition["interests_note"] = f"{contribution.text} — added by {who}"
    else:
        note = f"Suggested by {who}"
        addition["person_name"] = contribution.person_name
        addition["person_relationship"] = contribution.person_relationship
        addition["person_notes"] = f"{note}: {contribution.text}" if contribution.text else note
    return plan_add_from_family(
        home=contribution.home, actor=actor, resident=contribution.resident, **addition
    )


def contribution_review(*, home, actor, contribution, approve, note=""):
    """Approve (and add to the plan) or decline a family's suggestion."""
    note = _clean(note, NOTE_LIMIT, "note", NOTE_TOO_LONG)
    if not approve and not note:
        raise DomainError("Say why it is not being added, so the family understands.", field="note")
    with transaction.atomic(), acting_as(actor):
        contribution = (
            FamilyContribution.objects.select_for_update(of=("self",))
            .select_related("home", "resident", "membership__user")
            .filter(home=home, pk=contribution.pk)
            .first()
        )
        if contribution is None:
            raise DomainError("That suggestion no longer exists.")
        if contribution.status != Status.PENDING:
            raise DomainError("Someone has already answered this suggestion.")
        if approve:
            _apply(contribution, actor)
        contribution.status = Status.APPROVED if approve else Status.DECLINED
        contribution.reviewed_by = actor
        contribution.reviewed_at = timezone.now()
        contribution.review_note = note
        contribution.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    return contribution
