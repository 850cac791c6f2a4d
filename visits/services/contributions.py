"""Writes for families' suggested additions to a resident's plan.

Approving a suggestion applies it to the plan in the same transaction, with
the reviewer as the actor, so the plan's history shows who added it and the
added text says whose contribution it was."""

from auditlog.context import set_actor
from django.db import transaction
from django.utils import timezone

from carehome.errors import DomainError
from homes.models import Interest
from residents.models import PersonalPlan, PersonWhoMatters, RelativeLink, Resident
from visits.models import FamilyContribution

Kind = FamilyContribution.Kind
Status = FamilyContribution.Status
MAX_TEXT = 2000


def _clean(value, limit, field, label):
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(f"Keep {label} under {limit:,} characters.", field=field)
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
):
    """A relative suggests an addition to one of their own residents' plan."""
    if not Resident.objects.for_home(home).for_member(membership).filter(pk=resident.pk).exists():
        raise DomainError("You can only make suggestions for your own relative.")
    if kind not in Kind.values:
        raise DomainError("Choose what you would like to add.", field="kind")
    text = _clean(text, MAX_TEXT, "text", "what you write")
    fields = {"text": text, "interest": None, "person_name": "", "person_relationship": ""}
    if kind == Kind.ABOUT_ME:
        if not text:
            raise DomainError(
                f"Write what you would like to add to {resident.short_name}'s story.", field="text"
            )
    elif kind == Kind.INTEREST:
        if interest is not None and not Interest.objects.filter(pk=interest.pk).exists():
            raise DomainError("Choose an interest from the list.", field="interest")
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
        if len(name) > 150:
            raise DomainError("Keep the name under 150 characters.", field="person_name")
        if not relationship:
            raise DomainError(
                f"Say who they are to {resident.short_name}, like “old friend” or “neighbour”.",
                field="person_relationship",
            )
        if len(relationship) > 60:
            raise DomainError("Keep who they are under 60 characters.", field="person_relationship")
        fields["person_name"] = name
        fields["person_relationship"] = relationship
    with transaction.atomic(), set_actor(actor):
        return FamilyContribution.objects.create(
            home=home, resident=resident, membership=membership, kind=kind, **fields
        )


def attribution(contribution):
    """“Linda Baxter (daughter)”: who made a suggestion, and who they are to the resident."""
    name = contribution.membership.user.full_name or contribution.membership.user.email
    link = RelativeLink.objects.filter(
        membership_id=contribution.membership_id, resident_id=contribution.resident_id
    ).first()
    return f"{name} ({link.relationship})" if link and link.relationship else name


def _append(existing, paragraph):
    existing = (existing or "").rstrip()
    return f"{existing}\n\n{paragraph}" if existing else paragraph


def _apply(contribution, actor):
    home = contribution.home
    plan = PersonalPlan.objects.select_for_update().filter(home=home, resident=contribution.resident).first()
    if plan is None:
        plan, _ = PersonalPlan.objects.get_or_create(
            home=home, resident=contribution.resident, defaults={"updated_by": actor}
        )
    who = attribution(contribution)
    changed = []
    if contribution.kind == Kind.ABOUT_ME:
        plan.about_me = _append(plan.about_me, f"{contribution.text} — added by {who}")
        changed.append("about_me")
    elif contribution.kind == Kind.INTEREST:
        if contribution.interest_id:
            plan.interests.add(contribution.interest_id)
        if contribution.text:
            plan.interests_notes = _append(plan.interests_notes, f"{contribution.text} — added by {who}")
            changed.append("interests_notes")
    else:
        note = f"Suggested by {who}"
        PersonWhoMatters.objects.create(
            home=home,
            resident=contribution.resident,
            name=contribution.person_name,
            relationship=contribution.person_relationship,
            notes=f"{note}: {contribution.text}" if contribution.text else note,
        )
    plan.updated_by = actor
    plan.save(update_fields=[*changed, "updated_by", "updated_at"])
    return plan


def contribution_review(*, home, actor, contribution, approve, note=""):
    """Approve (and add to the plan) or decline a family's suggestion."""
    note = _clean(note, 300, "note", "the note")
    if not approve and not note:
        raise DomainError("Say why it is not being added, so the family understands.", field="note")
    with transaction.atomic(), set_actor(actor):
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
