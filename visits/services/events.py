"""Writes for invitations to meals and activities, and the families' replies.

Emails go out from Celery tasks after the transaction commits. Each send is
guarded twice, because the models carry no "sent at" field for these emails:

* by the row: an invitation email goes only while the reply is still
  WAITING, the event is not cancelled and has not started, and the relative's
  link is still active (a relative who has answered, or lost access, is not
  emailed again by a late or repeated message);
* by a claim: ``cache.add`` of a key naming the reply and the event's version
  (its creation or cancellation time) is atomic, so a duplicated message
  finds the claim taken and sends nothing. A failed send releases the claim
  and retries.
"""

import logging

from auditlog.context import set_actor
from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from carehome.errors import DomainError
from carehome.timeutils import local_datetime
from residents.models import RelativeLink, Resident
from visits.models import EventInvitation, EventReply
from visits.selectors.events import invitees_for

logger = logging.getLogger(__name__)

Answer = EventReply.Answer
MAX_PEOPLE = 20
CLAIM_SECONDS = 60 * 60 * 24 * 30


def when_from(day, start, end):
    """Aware datetimes in the home's time (Europe/London) from a date and two times."""
    return local_datetime(day, start, field="starts"), local_datetime(day, end, field="ends")


def _clean_event(*, kind, title, starts_at, ends_at, place, message):
    if kind not in EventInvitation.Kind.values:
        raise DomainError("Choose whether it is a meal or an activity.", field="kind")
    title = " ".join((title or "").split())
    if not title:
        raise DomainError("Enter what it is, like “Sunday lunch”.", field="title")
    if len(title) > 150:
        raise DomainError("Keep the name under 150 characters.", field="title")
    if starts_at <= timezone.now():
        raise DomainError("That time has already passed. Choose a time in the future.", field="date")
    if ends_at <= starts_at:
        raise DomainError("The end time must be after the start time.", field="ends")
    place = " ".join((place or "").split())
    if len(place) > 150:
        raise DomainError("Keep the place under 150 characters.", field="place")
    message = (message or "").strip()
    if len(message) > 2000:
        raise DomainError("Keep the message under 2,000 characters.", field="message")
    return {
        "kind": kind,
        "title": title,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": place,
        "message": message,
    }


def event_invite(*, home, actor, residents, kind, title, starts_at, ends_at, place="", message=""):
    """Invite the families of ``residents`` to a meal or an activity: one
    invitation per resident who has family with an account, a WAITING reply
    for each of them, and an email to each after commit. Returns
    ``(events, skipped)``: the invitations made, and the residents left out
    because nobody in their family has an account yet."""
    fields = _clean_event(
        kind=kind, title=title, starts_at=starts_at, ends_at=ends_at, place=place, message=message
    )
    residents = list(residents)
    if not residents:
        raise DomainError("Choose whose family to invite.", field="residents")
    if len({r.pk for r in residents}) != len(residents):
        raise DomainError("A resident is chosen twice.", field="residents")
    living = set(
        Resident.objects.for_home(home)
        .current()
        .filter(pk__in=[r.pk for r in residents])
        .values_list("pk", flat=True)
    )
    if living != {r.pk for r in residents}:
        raise DomainError(f"One of the people chosen does not live at {home.name}.", field="residents")
    invitees = invitees_for(home, residents)
    skipped = [r for r in residents if not invitees[r.pk]]
    if len(skipped) == len(residents):
        names = " or ".join(r.short_name for r in residents[:3])
        raise DomainError(
            f"Nobody in {names}'s family has an account yet, so there is no one to invite. "
            "Invite them to a family account first.",
            field="residents",
        )
    events = []
    with transaction.atomic(), set_actor(actor):
        for resident in residents:
            links = invitees[resident.pk]
            if not links:
                continue
            event = EventInvitation.objects.create(home=home, resident=resident, created_by=actor, **fields)
            replies = EventReply.objects.bulk_create(
                [EventReply(home=home, event=event, membership_id=link.membership_id) for link in links]
            )
            for reply in replies:
                send_event_invitation.enqueue_on_commit(reply.pk)
            events.append(event)
    return events, skipped


def event_cancel(*, home, actor, event):
    """Cancel an invitation and tell everyone who has not said no."""
    with transaction.atomic(), set_actor(actor):
        event = EventInvitation.objects.select_for_update().get(home=home, pk=event.pk)
        if event.cancelled_at is not None:
            raise DomainError("This invitation is already cancelled.")
        if event.ends_at <= timezone.now():
            raise DomainError("This has already happened, so it cannot be cancelled.")
        event.cancelled_at = timezone.now()
        event.save(update_fields=["cancelled_at"])
        to_tell = (
            EventReply.objects.filter(event=event).exclude(answer=Answer.NO).values_list("pk", flat=True)
        )
        for reply_id in to_tell:
            send_event_cancelled.enqueue_on_commit(reply_id)
    return event


def _clean_number(value, field, label):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError(f"Enter how many {label} are coming, as a number.", field=field) from None
    if number < 0 or number > MAX_PEOPLE:
        raise DomainError(
            f"Enter a number of {label} from 0 to {MAX_PEOPLE}. For a bigger group, please ring the home.",
            field=field,
        )
    return number


def event_reply(*, home, actor, membership, reply, answer, adults=0, children=0, note=""):
    """Record a relative's answer (they can change it until the event starts)."""
    if answer not in (Answer.YES, Answer.NO, Answer.MAYBE):
        raise DomainError("Choose yes, no or maybe.", field="answer")
    if answer == Answer.NO:
        adults = children = 0
    else:
        adults = _clean_number(adults, "adults", "adults")
        children = _clean_number(children, "children", "children")
        if adults < 1:
            raise DomainError("Children need a grown-up with them: enter at least 1 adult.", field="adults")
    note = (note or "").strip()
    if len(note) > 300:
        raise DomainError("Keep the note under 300 characters.", field="note")
    with transaction.atomic(), set_actor(actor):
        reply = (
            EventReply.objects.select_for_update()
            .select_related("event")
            .filter(home=home, pk=reply.pk, membership=membership)
            .first()
        )
        if reply is None:
            raise DomainError("This invitation is not yours to answer.")
        event = reply.event
        if event.cancelled_at is not None:
            raise DomainError("This has been cancelled, so there is nothing to reply to.")
        if event.starts_at <= timezone.now():
            raise DomainError("This has already started, so the reply can no longer be changed.")
        if (
            event.resident_id
            and not RelativeLink.objects.filter(
                membership=membership, resident_id=event.resident_id, status=RelativeLink.Status.ACTIVE
            ).exists()
        ):
            raise DomainError("This invitation is not yours to answer.")
        reply.answer = answer
        reply.adults = adults
        reply.children = children
        reply.note = note
        reply.replied_at = timezone.now()
        reply.save(update_fields=["answer", "adults", "children", "note", "replied_at"])
    return reply


# --- Emails -------------------------------------------------------------------------


def _claim(key):
    return cache.add(key, "1", CLAIM_SECONDS)


def _send(*, key, subject, template, reply, to):
    event = reply.event
    home = event.home
    context = {
        "reply": reply,
        "event": event,
        "home": home,
        "name": reply.membership.user.full_name,
        "url": f"{settings.SITE_URL}{reverse('visits:event_reply', args=[home.slug, reply.pk])}",
    }
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"emails/{template}.txt", context), to=[to]
    )
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    try:
        message.send()
    except Exception:
        cache.delete(key)
        raise


def _reply_for_email(reply_id):
    return (
        EventReply.objects.select_related("event__home", "event__resident", "membership__user")
        .filter(pk=reply_id)
        .first()
    )


@shared_task(bind=True)
def send_event_invitation(self, reply_id):
    """Email one invitation, once (see the module docstring for the guard)."""
    reply = _reply_for_email(reply_id)
    if reply is None or reply.answer != Answer.WAITING or not reply.membership.is_active:
        return "skipped"
    event = reply.event
    if event.cancelled_at is not None or event.starts_at <= timezone.now():
        return "skipped"
    if (
        event.resident_id
        and not RelativeLink.objects.filter(
            membership_id=reply.membership_id,
            resident_id=event.resident_id,
            status=RelativeLink.Status.ACTIVE,
        ).exists()
    ):
        return "skipped"
    key = f"visits:event-invite:{reply.pk}:{event.created_at.timestamp()}"
    if not _claim(key):
        return "skipped"
    about = f" with {event.resident.short_name}" if event.resident_id else ""
    try:
        _send(
            key=key,
            subject=f"You're invited: {event.title}{about} at {event.home.name}",
            template="event_invitation",
            reply=reply,
            to=reply.membership.user.email,
        )
    except Exception as exc:
        logger.warning("event invitation %s not sent: %s", reply_id, exc)
        raise self.retry(exc=exc) from exc
    return "sent"


@shared_task(bind=True)
def send_event_cancelled(self, reply_id):
    """Tell one invitee that an event is cancelled, once."""
    reply = _reply_for_email(reply_id)
    if reply is None or reply.event.cancelled_at is None or not reply.membership.is_active:
        return "skipped"
    event = reply.event
    key = f"visits:event-cancel:{reply.pk}:{event.cancelled_at.timestamp()}"
    if not _claim(key):
        return "skipped"
    try:
        _send(
            key=key,
            subject=f"Cancelled: {event.title} at {event.home.name}",
            template="event_cancelled",
            reply=reply,
            to=reply.membership.user.email,
        )
    except Exception as exc:
        logger.warning("event cancellation %s not sent: %s", reply_id, exc)
        raise self.retry(exc=exc) from exc
    return "sent"
