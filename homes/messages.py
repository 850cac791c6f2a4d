"""What the tenancy core sends through the outbox: the invitation email.

The core imports no ``notifications`` (which is built on it): this module
says what the message is, ``notifications.core_messages`` registers it as a
kind, and ``homes.services`` sends it through ``homes.outbox``.
"""

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from homes.models import Invitation

INVITATION_KIND = "homes.invitation"


def invitation_context(invitation, reminder):
    from homes.services import invitation_url

    return {
        "invitation": invitation,
        "url": invitation_url(invitation),
        "valid_days": settings.INVITATION_VALID_DAYS,
    }


def invitation_stale(invitation, reminder):
    """Why this email should not go now, or "" (only the newest link is sent)."""
    if invitation.accepted_at:
        return "The invitation was already accepted."
    if invitation.revoked_at:
        return "The invitation was withdrawn."
    if invitation.is_expired:
        return "The invitation has expired."
    if invitation.token_nonce != (reminder.data or {}).get("nonce"):
        return "A newer link was sent."
    return ""


def invitation_sent(invitation, reminder):
    """``send_count`` counts the emails that went out."""
    Invitation.objects.for_home(invitation.home_id).filter(pk=invitation.pk).update(
        sent_at=timezone.now(), send_count=F("send_count") + 1
    )


# The invitation email (email only), as ``notifications.kinds.Kind`` fields.
INVITATION = {
    "name": INVITATION_KIND,
    "label": "Invitation to join a home",
    "model": "homes.Invitation",
    # They asked for nothing yet, but without it they cannot join: it goes
    # even to an address that turned reminders off.
    "essential": True,
    "related": ("home", "invited_by"),
    "context": invitation_context,
    "stale": invitation_stale,
    "on_sent": invitation_sent,
}
