"""Writes for family accounts: inviting a person who matters, linking an
account to residents when the invitation is accepted, pausing, ending or
restoring a link, and sharing an update with a resident's family."""

from dataclasses import dataclass, field

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from carehome.errors import DomainError
from homes.models import Invitation, Membership, Role
from homes.services import invitation_create
from residents.models import RelativeLink
from visits.models import PendingFamilyLink, SharedUpdate

UPDATE_MAX_LENGTH = 1000


@dataclass
class InviteOutcome:
    """What ``family_invite`` did, so the page can say so in plain words.

    ``invitation`` is the emailed invitation (new, or one already waiting that
    now lists more residents); ``member`` is set instead when the email already
    belongs to a relative of the home and the links were added directly.
    ``linked`` are residents now linked; ``kept`` are residents whose link was
    paused or ended and stays that way until a manager restores it.
    """

    invitation: Invitation | None = None
    member: Membership | None = None
    added_to_waiting: bool = False
    linked: list = field(default_factory=list)
    kept: list = field(default_factory=list)


def _clean_links(home, links):
    cleaned, seen = [], set()
    for resident, given_relationship, given_person in links:
        relationship = (given_relationship or "").strip()
        if resident.home_id != home.pk:
            raise DomainError("Choose a resident who lives at this home.", field="also_resident")
        if not relationship:
            raise DomainError(
                f"Write how they are related to {resident.short_name}, like daughter or friend.",
                field="relationship",
            )
        own_person = given_person is not None and given_person.resident_id == resident.pk
        person = given_person if own_person else None
        if resident.pk in seen:
            continue
        seen.add(resident.pk)
        cleaned.append((resident, relationship[:60], person))
    if not cleaned:
        raise DomainError("Choose at least one resident to link them to.")
    return cleaned


def _link_directly(*, home, member, links):
    """Link an existing relative's account now. A paused or ended link is left
    as it is: only a manager may restore it."""
    outcome = InviteOutcome(member=member)
    existing = {
        link.resident_id: link
        for link in RelativeLink.objects.for_home(home).filter(
            membership=member, resident__in=[r for r, _, _ in links]
        )
    }
    for resident, relationship, person in links:
        link = existing.get(resident.pk)
        if link is None:
            RelativeLink.objects.create(
                home=home, membership=member, resident=resident, relationship=relationship, person=person
            )
            outcome.linked.append(resident)
        elif link.status == RelativeLink.Status.ACTIVE:
            outcome.linked.append(resident)
        else:
            outcome.kept.append(resident)
    return outcome


def family_invite(*, home, actor, email, full_name, links, message=""):
    """Invite a person who matters to a family account linked to ``links``:
    a list of (resident, relationship, person who matters or None).

    If the email already belongs to a relative of this home, no email is sent:
    the links are added at once. If an invitation is already waiting for that
    email, the residents are added to it.
    """
    email = (email or "").strip().lower()
    full_name = (full_name or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError("Enter their email address, like name@example.com.", field="email") from None
    if not full_name:
        raise DomainError("Write their name.", field="full_name")
    links = _clean_links(home, links)

    member = (
        Membership.objects.for_home(home)
        .filter(user__email__iexact=email, is_active=True)
        .select_related("user")
        .first()
    )
    if member is not None and member.role != Role.FAMILY:
        raise DomainError(
            f"{email} belongs to a member of the team at {home.name}, so it cannot be a family account.",
            field="email",
        )
    with transaction.atomic(), set_actor(actor):
        if member is not None:
            return _link_directly(home=home, member=member, links=links)
        waiting = (
            Invitation.objects.for_home(home)
            .select_for_update()
            .filter(email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True)
            .first()
        )
        if waiting is not None and waiting.role != Role.FAMILY:
            raise DomainError(
                f"{email} already has an invitation to join the team. Withdraw it first on the People page.",
                field="email",
            )
        if waiting is not None:
            invitation, added_to_waiting = waiting, True
        else:
            invitation = invitation_create(
                home=home, actor=actor, email=email, full_name=full_name, role=Role.FAMILY, message=message
            )
            added_to_waiting = False
        already = set(
            PendingFamilyLink.objects.filter(invitation=invitation).values_list("resident_id", flat=True)
        )
        PendingFamilyLink.objects.bulk_create(
            [
                PendingFamilyLink(
                    home=home, invitation=invitation, resident=r, relationship=rel, person=person
                )
                for r, rel, person in links
                if r.pk not in already
            ]
        )
    return InviteOutcome(
        invitation=invitation, added_to_waiting=added_to_waiting, linked=[r for r, _, _ in links]
    )


def family_invitation_accepted(*, invitation, membership):
    """Acceptance hook (registered in visits/apps.py): runs inside the accepting
    transaction and turns each pending link into an active RelativeLink. A link
    the manager paused or ended earlier stays as it is."""
    if invitation.role != Role.FAMILY:
        return
    pending = PendingFamilyLink.objects.filter(invitation=invitation).select_related("resident")
    existing = set(RelativeLink.objects.filter(membership=membership).values_list("resident_id", flat=True))
    RelativeLink.objects.bulk_create(
        [
            RelativeLink(
                home_id=invitation.home_id,
                membership=membership,
                resident=p.resident,
                relationship=p.relationship,
                person_id=p.person_id,
            )
            for p in pending
            if p.resident_id not in existing
        ],
        ignore_conflicts=True,
    )


# Which change each button makes, from which statuses.
STATUS_CHANGES = {
    "pause": (RelativeLink.Status.PAUSED, {RelativeLink.Status.ACTIVE}),
    "end": (RelativeLink.Status.ENDED, {RelativeLink.Status.ACTIVE, RelativeLink.Status.PAUSED}),
    "restore": (RelativeLink.Status.ACTIVE, {RelativeLink.Status.PAUSED, RelativeLink.Status.ENDED}),
}


def relative_link_set_status(*, home, actor, link, action, reason):
    """Pause, end or restore a relative's link, with the reason. Takes effect
    on the relative's next page: their residents are read through active links."""
    reason = (reason or "").strip()
    if action not in STATUS_CHANGES:
        raise DomainError("Choose what to do: pause, end or restore.", field="action")
    if not reason:
        raise DomainError("Write the reason, so the team knows why.", field="reason")
    if len(reason) > 300:
        raise DomainError("Keep the reason under 300 characters.", field="reason")
    new_status, allowed_from = STATUS_CHANGES[action]
    with transaction.atomic(), set_actor(actor):
        link = RelativeLink.objects.for_home(home).select_for_update().get(pk=link.pk)
        if link.status not in allowed_from:
            raise DomainError(f"This link is already {link.get_status_display().lower()}.", field="action")
        link.status = new_status
        link.status_reason = reason
        link.status_changed_at = timezone.now()
        link.status_changed_by = actor
        link.save(update_fields=["status", "status_reason", "status_changed_at", "status_changed_by"])
    return link


def shared_update_add(*, home, actor, resident, text):
    """Share a short piece of news about a resident with their linked family."""
    text = (text or "").strip()
    if resident.home_id != home.pk:
        raise DomainError("Choose a resident who lives at this home.")
    if not text:
        raise DomainError("Write the news you would like to share.", field="text")
    if len(text) > UPDATE_MAX_LENGTH:
        raise DomainError(f"Keep the update under {UPDATE_MAX_LENGTH} characters.", field="text")
    with transaction.atomic(), set_actor(actor):
        return SharedUpdate.objects.create(home=home, resident=resident, text=text, shared_by=actor)
