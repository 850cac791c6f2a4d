"""Writes for family accounts: inviting a person who matters, linking an
account to residents when the invitation is accepted, pausing, ending or
restoring a link, and sharing an update with a resident's family."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.photos import PhotoGuard, prepared_photo
from homes.audit import record_created, record_update
from homes.models import Invitation, Membership, Role
from homes.services import invitation_create
from homes.submissions import submission_once
from residents.models import RelativeLink
from residents.selectors.consent import news_consent_held
from residents.services.family import (
    STATUS_CHANGES,  # noqa: F401 - the form's buttons
    relative_links_add,
)
from residents.services.family import relative_link_set_status as residents_relative_link_set_status
from visits.messages.family import news_messages_schedule
from visits.models import CalendarFeed, PendingFamilyLink, SharedUpdate
from visits.selectors.family import news_photo_allowed

UPDATE_MAX_LENGTH = 1000
NAME_LIMIT = 150

# Words the family forms show too (they import them from here).
NAME_MISSING = "Write their name."
NAME_TOO_LONG = "Keep the name under 150 characters."
EMAIL_INVALID = "Enter their email address, like name@example.com."
UPDATE_MISSING = "Write the news you would like to share."
UPDATE_TOO_LONG = f"Keep the update under {UPDATE_MAX_LENGTH} characters."
UPDATE_PHOTO_SIDE = 1600
UPDATE_PHOTO_INVALID = "Choose a photo: a JPEG, PNG or WebP picture."
NEWS_NOT_AGREED = (
    "{name} has not agreed to news being shared with relatives, or their consent names nobody. "
    "Record their consent to news, naming the relatives, on their Consent page first."
)
PHOTO_NOT_AGREED = (
    "{name} has not agreed to photos being shared with families of the home, so this photo cannot be "
    "added. Share the news without it, or record their consent to photos on their Consent page first."
)


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
    """The links to make; the first is the resident the invitation is from,
    any other one the form's "also link them to"."""
    cleaned, seen = [], set()
    for index, (resident, given_relationship, given_person) in enumerate(links):
        relationship = (given_relationship or "").strip()
        if resident.home_id != home.pk:
            raise DomainError("Choose a resident who lives at this home.", field="also_resident")
        if not relationship:
            raise DomainError(
                f"Write how they are related to {resident.short_name}, like daughter or friend.",
                field="also_relationship" if index else "relationship",
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
    linked, kept = relative_links_add(home=home, membership=member, links=links)
    return InviteOutcome(member=member, linked=linked, kept=kept)


def family_invite(*, home, actor, email, full_name, links, message="", form_token=None):
    """Invite a person who matters to a family account linked to ``links``:
    a list of (resident, relationship, person who matters or None).

    If the email already belongs to a relative of this home, no email is sent:
    the links are added at once. If an invitation is already waiting for that
    email, the residents are added to it. Once per ``form_token``: sent
    again, it raises ``AlreadySaved`` and emails nobody.
    """
    email = (email or "").strip().lower()
    full_name = (full_name or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(EMAIL_INVALID, field="email") from None
    if not full_name:
        raise DomainError(NAME_MISSING, field="full_name")
    if len(full_name) > NAME_LIMIT:
        raise DomainError(NAME_TOO_LONG, field="full_name")
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
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
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
        pending = PendingFamilyLink.objects.bulk_create(
            [
                PendingFamilyLink(
                    home=home, invitation=invitation, resident=r, relationship=rel, person=person
                )
                for r, rel, person in links
                if r.pk not in already
            ]
        )
        record_created(pending)
        once.created(invitation)
    return InviteOutcome(
        invitation=invitation, added_to_waiting=added_to_waiting, linked=[r for r, _, _ in links]
    )


def family_invitation_accepted(*, invitation, membership):
    """Acceptance hook (registered in visits/apps.py): runs inside the accepting
    transaction and turns each pending link into an active RelativeLink. A link
    the manager paused or ended earlier stays as it is."""
    if invitation.role != Role.FAMILY:
        return
    pending = PendingFamilyLink.objects.filter(invitation=invitation).select_related("resident", "person")
    relative_links_add(
        home=invitation.home,
        membership=membership,
        links=[(p.resident, p.relationship, p.person) for p in pending],
    )


def relative_link_set_status(*, home, actor, link, action, reason):
    """Pause, end or restore a relative's link, with the reason (the residents
    app's rules). Takes effect on the relative's next page: their residents are
    read through active links."""
    with transaction.atomic(), acting_as(actor):
        link = residents_relative_link_set_status(
            home=home, actor=actor, link=link, action=action, reason=reason
        )
        if link.status == RelativeLink.Status.ENDED:
            # Ending a link ends the access it gave: door-code approval is
            # withdrawn (by the residents service) and, once no active link
            # is left, the relative's calendar feed stops answering.
            now = timezone.now()
            still_linked = (
                RelativeLink.objects.for_home(home)
                .filter(membership_id=link.membership_id, status=RelativeLink.Status.ACTIVE)
                .exists()
            )
            if not still_linked:
                record_update(
                    CalendarFeed.objects.for_home(home).filter(
                        membership_id=link.membership_id, revoked_at__isnull=True
                    ),
                    revoked_at=now,
                )
    return link


def shared_update_add(*, home, actor, resident, text, photo=None, tell_families=False, form_token=None):
    """Share a short piece of news about a resident with their linked family
    (once per ``form_token``), with a photo if the register holds their live
    consent to photos being shared with families of the home (read again
    whenever a relative would see it); ``tell_families`` sends each linked
    relative a (non-essential) "news from the home" message by their chosen
    channel."""
    text = (text or "").strip()
    if resident.home_id != home.pk:
        raise DomainError("Choose a resident who lives at this home.")
    if not text:
        raise DomainError(UPDATE_MISSING, field="text")
    if len(text) > UPDATE_MAX_LENGTH:
        raise DomainError(UPDATE_TOO_LONG, field="text")
    if not news_consent_held(home, resident):
        raise DomainError(NEWS_NOT_AGREED.format(name=resident.short_name))
    stored = None
    if photo:
        if not news_photo_allowed(home, resident):
            raise DomainError(PHOTO_NOT_AGREED.format(name=resident.short_name), field="photo")
        stored = prepared_photo(photo, max_side=UPDATE_PHOTO_SIDE, message=UPDATE_PHOTO_INVALID)
    with (
        PhotoGuard(SharedUpdate._meta.get_field("photo").storage) as guard,
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        update = SharedUpdate(home=home, resident=resident, text=text, shared_by=actor)
        if stored is not None:
            update.photo.save(stored.name, stored, save=False)
            guard.name = update.photo.name
        update.save()
        once.created(update)
        if tell_families:
            news_messages_schedule(update=update, now=timezone.now())
    return update
