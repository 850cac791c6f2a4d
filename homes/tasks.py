import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from homes.models import Invitation

logger = logging.getLogger(__name__)


@shared_task(bind=True)
def send_invitation(self, invitation_id, nonce):
    """Email one invitation link, once per link.

    The row is claimed by a conditional UPDATE on its nonce: a redelivered or
    duplicated message finds it already claimed and does nothing. A failed
    send releases the claim and retries with backoff.
    """
    from homes.services import invitation_url  # noqa: PLC0415

    claimed = (
        Invitation.objects.filter(
            pk=invitation_id, token_nonce=nonce, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .exclude(sent_nonce=nonce)
        .update(sent_nonce=nonce)
    )
    if not claimed:
        return "skipped"
    invitation = Invitation.objects.select_related("home", "invited_by").get(pk=invitation_id)
    context = {
        "invitation": invitation,
        "home": invitation.home,
        "url": invitation_url(invitation),
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    message = EmailMultiAlternatives(
        subject=f"You're invited to join {invitation.home.name} on Kith",
        body=render_to_string("emails/invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(render_to_string("emails/invitation.html", context), "text/html")
    try:
        message.send()
    except Exception as exc:
        Invitation.objects.filter(pk=invitation_id, sent_nonce=nonce).update(sent_nonce="")
        logger.warning("invitation %s not sent: %s", invitation_id, exc)
        raise self.retry(exc=exc) from exc
    Invitation.objects.filter(pk=invitation_id).update(
        sent_at=timezone.now(), send_count=invitation.send_count + 1
    )
    return "sent"
