"""Writes to the tenancy core. Each runs in one transaction and raises
``DomainError`` with a message a person can act on."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.versions import version_bump, version_check
from homes import outbox
from homes.messages import INVITATION_KIND
from homes.models import Invitation, Membership, Nation, Role, Space
from homes.scoping import check_home, crossing_homes
from homes.submissions import submission_once, submission_seen

INVITATION_SALT = "kith.invitation"

# Words the forms show too (they import them from here).
NAME_MISSING = "Enter the person's name."
EMAIL_INVALID = "Enter an email address like name@example.com."
CLOSES_BEFORE_OPENS = "The closing time must be after the opening time."
BUFFER_RANGE = "Enter a number of minutes from 0 to 240 (four hours)."
NATION_CHOICE = "Choose England, Wales or Scotland."
HOME_LOCATION_INVALID = (
    "Enter both the latitude (-90 to 90) and the longitude (-180 to 180) of the home, or leave both empty."
)

# Feature apps that need to act when an invitation is accepted (e.g. linking a
# relative's new account to a resident) register a callable here from their
# AppConfig.ready(): hook(invitation=..., membership=...). They run inside the
# accepting transaction, so a failure leaves nothing half-done.
ACCEPTANCE_HOOKS = []


def register_acceptance_hook(hook):
    if hook not in ACCEPTANCE_HOOKS:
        ACCEPTANCE_HOOKS.append(hook)


def _new_nonce():
    return secrets.token_hex(16)


def invitation_token(invitation):
    return signing.dumps({"i": invitation.pk, "n": invitation.token_nonce}, salt=INVITATION_SALT)


def invitation_url(invitation):
    return settings.SITE_URL + reverse("accept_invitation", kwargs={"token": invitation_token(invitation)})


def invitation_from_token(token):
    """The invitation a link points at, or None if the link is not genuine
    or has been replaced by a newer one."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    with crossing_homes("an invitation link is what finds its home"):
        return (
            Invitation.objects.select_related("home", "home__organisation")
            .filter(pk=data.get("i"), token_nonce=data.get("n"))
            .first()
        )


def _send(invitation):
    """Put the email with the invitation's current link in the outbox, due now.

    Call inside the transaction that saved the invitation: the row commits
    with it and goes to a worker on commit. The outbox sends each row once
    and skips it if the link has been replaced, used or withdrawn by then.
    """
    outbox.schedule(
        home=invitation.home,
        kind=INVITATION_KIND,
        obj=invitation,
        recipients=[invitation.email],
        due=timezone.now(),
        expires_at=invitation.expires_at,
        data={"nonce": invitation.token_nonce},
    )


def _cancel_waiting_emails(invitation, reason):
    outbox.cancel(obj=invitation, kinds=[INVITATION_KIND], reason=reason)


def invitation_create(*, home, actor, email, full_name, role, message="", form_token=None):
    email = email.strip().lower()
    if not full_name.strip():
        raise DomainError(NAME_MISSING, field="full_name")
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(EMAIL_INVALID, field="email") from None
    if role not in Role.values:
        raise DomainError("Choose a role from the list.", field="role")
    if Membership.objects.for_home(home).filter(user__email__iexact=email, is_active=True).exists():
        raise DomainError(f"{email} already belongs to {home.name}.", field="email")
    now = timezone.now()
    try:
        with (
            transaction.atomic(),
            acting_as(actor),
            submission_once(home=home, actor=actor, token=form_token) as once,
        ):
            invitation = Invitation.objects.create(
                home=home,
                email=email,
                full_name=full_name.strip(),
                role=role,
                message=message.strip(),
                invited_by=actor,
                token_nonce=_new_nonce(),
                created_at=now,
                expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
            )
            once.created(invitation)
            _send(invitation)
    except IntegrityError:
        raise DomainError(
            f"{email} already has an invitation waiting. Re-send it from the list below instead.",
            field="email",
        ) from None
    return invitation


def invitation_resend(*, home, invitation, actor):
    """Send a fresh link (the old one stops working) with a new expiry date."""
    check_home(home, invitation)
    if invitation.accepted_at:
        raise DomainError("This invitation has already been accepted.")
    if invitation.revoked_at:
        raise DomainError("This invitation was withdrawn. Send a new one instead.")
    with transaction.atomic(), acting_as(actor):
        invitation.token_nonce = _new_nonce()
        invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
        invitation.save(update_fields=["token_nonce", "expires_at"])
        _cancel_waiting_emails(invitation, "A newer link was sent.")
        _send(invitation)
    return invitation


def invitation_revoke(*, home, invitation, actor):
    check_home(home, invitation)
    if invitation.accepted_at:
        raise DomainError("This invitation has already been accepted.")
    with transaction.atomic(), acting_as(actor):
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        _cancel_waiting_emails(invitation, "The invitation was withdrawn.")


def invitation_problem(invitation):
    """Why this invitation cannot be accepted now, in plain words, or None."""
    if invitation is None:
        return "invalid"
    if invitation.accepted_at:
        return "used"
    if invitation.revoked_at:
        return "withdrawn"
    if invitation.is_expired:
        return "expired"
    return None


def invitation_accept(*, invitation, user=None, full_name="", password=""):
    """Make the invited person a member. Creates their account if ``user`` is None.

    Locks the invitation row so two tabs (or two people) cannot both use it.
    """
    User = get_user_model()
    with transaction.atomic():
        locked = Invitation.objects.for_home(invitation.home_id).select_for_update().get(pk=invitation.pk)
        if locked.token_nonce != invitation.token_nonce:
            raise DomainError("This link has been replaced by a newer one. Use the latest email.")
        problem = invitation_problem(locked)
        if problem:
            raise DomainError(
                {
                    "used": "This invitation has already been used. Sign in instead.",
                    "withdrawn": "This invitation was withdrawn by the home.",
                    "expired": "This invitation has expired. Ask the home to send a new one.",
                }[problem]
            )
        if user is None:
            if User.objects.filter(email__iexact=locked.email).exists():
                raise DomainError("An account with this email already exists. Sign in to accept.")
            user = User.objects.create_user(
                email=locked.email, password=password, full_name=full_name.strip()
            )
        elif user.email.lower() != locked.email.lower():
            raise DomainError(f"This invitation is for {locked.email}. Sign out and open the link again.")
        with acting_as(user):
            membership, created = Membership.objects.get_or_create(
                user=user, home=locked.home, defaults={"role": locked.role}
            )
            if not created:
                membership.role = locked.role
                membership.is_active = True
                membership.save(update_fields=["role", "is_active"])
            locked.accepted_at = timezone.now()
            locked.accepted_by = user
            locked.save(update_fields=["accepted_at", "accepted_by"])
            for hook in ACCEPTANCE_HOOKS:
                hook(invitation=locked, membership=membership)
    return membership


def membership_update(*, home, membership, actor, role, job_title="", is_active=True):
    check_home(home, membership)
    if role not in Role.values:
        raise DomainError("Choose a role from the list.", field="role")
    if membership.user_id == actor.id and (not is_active or role != membership.role):
        raise DomainError("You cannot change your own role or access. Ask another manager.", field="role")
    actor_role = (
        Membership.objects.filter(home_id=membership.home_id, user=actor, is_active=True)
        .values_list("role", flat=True)
        .first()
    )
    if Role.ORG_ADMIN in (role, membership.role) and actor_role != Role.ORG_ADMIN:
        raise DomainError(
            "Only an organisation admin can give or change organisation-wide access.", field="role"
        )
    with transaction.atomic(), acting_as(actor):
        membership.role = role
        membership.job_title = job_title.strip()
        membership.is_active = is_active
        membership.save(update_fields=["role", "job_title", "is_active"])
    return membership


def space_save(*, home, actor, space=None, version=None, form_token=None, **fields):
    """Create a space (``space`` None, once per ``form_token``) or update one
    (``EditConflict`` if it changed since ``version``); names are unique per
    home; it closes after it opens, and keeps 0 to 240 minutes free between
    bookings."""
    if space is None:
        submission_seen(home=home, token=form_token)
    name = fields.get("name", "").strip()
    opens_at = fields.get("opens_at", space.opens_at if space else Space._meta.get_field("opens_at").default)
    closes_at = fields.get(
        "closes_at", space.closes_at if space else Space._meta.get_field("closes_at").default
    )
    if opens_at is None or closes_at is None or closes_at <= opens_at:
        raise DomainError(CLOSES_BEFORE_OPENS, field="closes_at")
    buffer_minutes = fields.get("buffer_minutes", 0)
    if buffer_minutes is None or not 0 <= buffer_minutes <= 240:
        raise DomainError(BUFFER_RANGE, field="buffer_minutes")
    duplicate = Space.objects.for_home(home).filter(name__iexact=name)
    if space is not None:
        duplicate = duplicate.exclude(pk=space.pk)
    if duplicate.exists():
        raise DomainError(f"{home.name} already has a space called “{name}”.", field="name")
    try:
        with transaction.atomic(), acting_as(actor):
            if space is None:
                with submission_once(home=home, actor=actor, token=form_token) as once:
                    space = Space(home=home, **fields)
                    space.name = name
                    space.save()
                    once.created(space)
                return space
            space = Space.objects.for_home(home).select_for_update().get(pk=space.pk)
            version_check(space, version, submitted={**fields, "name": name})
            for key, value in fields.items():
                setattr(space, key, value)
            space.name = name
            version_bump(space)
            space.save()
    except IntegrityError:
        raise DomainError(f"{home.name} already has a space called “{name}”.", field="name") from None
    return space


def home_nation_set(*, home, actor, nation):
    """Say where ``home`` is: England, Wales or Scotland. It decides the law
    the home works under, such as the background check volunteers need (PVG
    scheme membership in Scotland, a DBS check in England and Wales)."""
    if nation not in Nation.values:
        raise DomainError(NATION_CHOICE, field="nation")
    if nation == home.nation:
        return home
    with transaction.atomic(), acting_as(actor):
        home.nation = nation
        home.save(update_fields=["nation"])
    return home


def home_location_set(*, home, actor, latitude, longitude):
    """Say where ``home`` is on the map (``Decimal`` latitude and longitude,
    or both None): distances to partners and places are measured from here."""
    if (latitude is None) != (longitude is None) or (
        latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180)
    ):
        raise DomainError(HOME_LOCATION_INVALID, field="latitude")
    if (latitude, longitude) == (home.latitude, home.longitude):
        return home
    with transaction.atomic(), acting_as(actor):
        home.latitude, home.longitude = latitude, longitude
        home.save(update_fields=["latitude", "longitude"])
    return home
