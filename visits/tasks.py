import logging

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from visits.ical import ics_filename, summary, visit_ics, visit_url
from visits.models import Visit

logger = logging.getLogger(__name__)


@shared_task(bind=True)
def send_visit_email(self, visit_id, sequence):
    """Email a visit's confirmation, update or cancellation, once per revision.

    Each change to a visit raises its ``sequence`` and clears
    ``confirmation_sent_at`` in the same transaction. This task claims the send
    with one conditional UPDATE: "this visit, still at this sequence, not yet
    sent → sent now". A duplicated or redelivered message finds the claim
    taken and sends nothing; a message for an older revision finds a newer
    sequence and sends nothing (the newer message carries the latest times).
    A failed send releases the claim and retries with backoff.
    """
    claimed = Visit.objects.filter(pk=visit_id, sequence=sequence, confirmation_sent_at__isnull=True).update(
        confirmation_sent_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    visit = Visit.objects.select_related("home", "resident", "space", "booked_by__user").get(pk=visit_id)
    recipient = visit.booked_by.user.email if visit.booked_by_id else ""
    if not recipient:
        return "no recipient"
    cancelled = visit.status == Visit.Status.CANCELLED
    base = visit_url(visit)
    context = {
        "visit": visit,
        "home": visit.home,
        "name": visit.booked_by.user.full_name,
        "summary": summary(visit),
        "changed": visit.sequence > 0,
        "url": base,
        "reschedule_url": base + "change/",
        "cancel_url": base + "cancel/",
    }
    template = "emails/visit_cancelled" if cancelled else "emails/visit_confirmed"
    if cancelled:
        subject = f"Cancelled: {summary(visit)}"
    elif visit.sequence:
        subject = f"Changed: {summary(visit)}"
    else:
        subject = f"Booked: {summary(visit)}"
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"{template}.txt", context), to=[recipient]
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    method = "CANCEL" if cancelled else "PUBLISH"
    message.attach(ics_filename(visit), visit_ics(visit, method=method), f"text/calendar; method={method}")
    try:
        message.send()
    except Exception as exc:
        Visit.objects.filter(pk=visit_id, sequence=sequence).update(confirmation_sent_at=None)
        logger.warning("visit %s email not sent: %s", visit_id, exc)
        raise self.retry(exc=exc) from exc
    return "sent"


# Tasks that live beside their services; imported here so `celery -A carehome
# worker` (which autodiscovers visits.tasks) registers them.
from visits.services.events import send_event_cancelled, send_event_invitation  # noqa: E402,F401
from visits.tasks_access import rotate_due_door_codes, send_door_code_changed  # noqa: E402,F401
