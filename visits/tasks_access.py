"""Background work for door codes: the scheduled rotation (hourly, from the
beat schedule) and the "your door code has changed" emails."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from visits.models import DoorCode

logger = logging.getLogger(__name__)


@shared_task(name="visits.tasks_access.rotate_due_door_codes")
def rotate_due_door_codes():
    """Rotate every home's door code that is older than the home's interval.
    Running it twice (or on two workers at once) rotates each code once."""
    from visits.services.access import door_codes_rotate_due  # noqa: PLC0415

    return door_codes_rotate_due()


@shared_task(bind=True, name="visits.tasks_access.send_door_code_changed")
def send_door_code_changed(self, door_code_id):
    """Tell the home's approved regular visitors that the code changed — never
    the code itself. The send is claimed on the code's row (a conditional
    UPDATE of ``notified_at``), so a redelivered or duplicated message sends
    nothing; a failed send releases the claim and retries."""
    from visits.selectors.access import regular_visitor_emails  # noqa: PLC0415

    door_code = DoorCode.objects.select_related("home").filter(pk=door_code_id).first()
    if door_code is None or door_code.replaced_at is not None:
        return "skipped"
    claimed = DoorCode.objects.filter(
        pk=door_code_id, replaced_at__isnull=True, notified_at__isnull=True
    ).update(notified_at=timezone.now())
    if not claimed:
        return "skipped"
    home = door_code.home
    recipients = regular_visitor_emails(home)
    if not recipients:
        return "nobody"
    context = {
        "home": home,
        "url": settings.SITE_URL.rstrip("/") + reverse("visits:my_door_code", args=[home.slug]),
    }
    subject = f"The door code at {home.name} has changed"
    body = render_to_string("emails/door_code_changed.txt", context)
    html = render_to_string("emails/door_code_changed.html", context)
    try:
        for address in recipients:
            message = EmailMultiAlternatives(subject=subject, body=body, to=[address])
            message.attach_alternative(html, "text/html")
            message.send()
    except Exception as exc:
        DoorCode.objects.filter(pk=door_code_id).update(notified_at=None)
        logger.warning("door code %s change not sent: %s", door_code_id, exc)
        raise self.retry(exc=exc) from exc
    return "sent"
