"""Writes for invitations to meals and activities, and the families' replies.

Every message is an outbox row made in the same transaction (see
visits/messages.py): the invitation (not sent once they have answered, lost
access, or it was cancelled or started), the receipt for each reply, the
reminder the evening before for those coming, and the cancellation notice.
"""

from django.db import transaction
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.timeutils import booking_date_problem, check_date, local_datetime
from homes.audit import record_created
from homes.submissions import submission_once
from residents.models import RelativeLink, Resident
from visits.messages import (
    event_messages_cancel,
    event_messages_invite,
    event_messages_moved,
    event_messages_replied,
    event_messages_withdraw,
)
from visits.models import EventInvitation, EventReply
from visits.selectors.events import invitees_for
from visits.services.booking import END_BEFORE_START

Answer = EventReply.Answer
MAX_PEOPLE = 20
TITLE_LIMIT, PLACE_LIMIT, MESSAGE_LIMIT, NOTE_LIMIT = 150, 150, 2000, 300

# Words the event forms show too (they import them from here).
KIND_MISSING = "Choose whether it is a meal or an activity."
TITLE_MISSING = "Enter what it is, like “Sunday lunch”."
TITLE_TOO_LONG = "Keep the name under 150 characters."
PLACE_TOO_LONG = "Keep the place under 150 characters."
MESSAGE_TOO_LONG = "Keep the message under 2,000 characters."
NOBODY_INVITED = "Choose whose family to invite."
ANSWER_MISSING = "Choose yes, no or maybe."
NO_ADULT = "Children need a grown-up with them: enter at least 1 adult."
NOTE_TOO_LONG = "Keep the note under 300 characters."


def not_a_number(label):
    """“Enter how many adults are coming, as a number.”"""
    return f"Enter how many {label} are coming, as a number."


def when_from(day, start, end):
    """Aware datetimes in the home's time (Europe/London) from a date and two times."""
    return local_datetime(day, start, field="starts"), local_datetime(day, end, field="ends")


def _clean_event(*, kind, title, starts_at, ends_at, place, message):
    if kind not in EventInvitation.Kind.values:
        raise DomainError(KIND_MISSING, field="kind")
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(TITLE_MISSING, field="title")
    if len(title) > TITLE_LIMIT:
        raise DomainError(TITLE_TOO_LONG, field="title")
    if starts_at <= timezone.now():
        raise DomainError("That time has already passed. Choose a time in the future.", field="date")
    check_date(booking_date_problem(timezone.localdate(starts_at), allow_past=True), field="date")
    if ends_at <= starts_at:
        raise DomainError(END_BEFORE_START, field="ends")
    place = " ".join((place or "").split())
    if len(place) > PLACE_LIMIT:
        raise DomainError(PLACE_TOO_LONG, field="place")
    message = (message or "").strip()
    if len(message) > MESSAGE_LIMIT:
        raise DomainError(MESSAGE_TOO_LONG, field="message")
    return {
        "kind": kind,
        "title": title,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": place,
        "message": message,
    }


def event_invite(
    *, home, actor, residents, kind, title, starts_at, ends_at, place="", message="", form_token=None
):
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
        raise DomainError(NOBODY_INVITED, field="residents")
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
    now = timezone.now()
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        for resident in residents:
            links = invitees[resident.pk]
            if not links:
                continue
            event = EventInvitation.objects.create(home=home, resident=resident, created_by=actor, **fields)
            replies = EventReply.objects.bulk_create(
                [EventReply(home=home, event=event, membership_id=link.membership_id) for link in links]
            )
            record_created(replies)
            users = {link.membership_id: link.membership.user for link in links}
            event_messages_invite(event=event, replies=replies, users=users, now=now)
            events.append(event)
        once.created(events[0] if len(events) == 1 else None)
    return events, skipped


def event_cancel(*, home, actor, event):
    """Cancel an invitation and tell everyone who has not said no."""
    with transaction.atomic(), acting_as(actor):
        event = EventInvitation.objects.select_for_update().get(home=home, pk=event.pk)
        if event.cancelled_at is not None:
            raise DomainError("This invitation is already cancelled.")
        if event.ends_at <= timezone.now():
            raise DomainError("This has already happened, so it cannot be cancelled.")
        now = timezone.now()
        event.cancelled_at = now
        event.save(update_fields=["cancelled_at"])
        to_tell = (
            EventReply.objects.filter(event=event, membership__is_active=True)
            .exclude(answer=Answer.NO)
            .select_related("membership__user")
        )
        event_messages_cancel(event=event, replies=list(to_tell), now=now)
    return event


def event_move(*, home, event, starts_at, ends_at, now=None):
    """Move an invitation to the new time of what it was made for (a
    community activity's date that moved). The reminders of those coming move
    with it; telling the families it moved is for the caller, which does."""
    if event.home_id != home.pk:
        raise DomainError("That invitation is not at this home.")
    if ends_at <= starts_at:
        raise DomainError(END_BEFORE_START, field="ends")
    now = now or timezone.now()
    with transaction.atomic():
        locked = EventInvitation.objects.for_home(home).select_for_update().get(pk=event.pk)
        if locked.cancelled_at is not None:
            return locked
        locked.starts_at, locked.ends_at = starts_at, ends_at
        locked.save(update_fields=["starts_at", "ends_at"])
        replies = EventReply.objects.filter(event=locked).select_related("membership__user")
        event_messages_moved(event=locked, replies=list(replies), now=now)
    return locked


def event_withdraw(*, home, event, now=None):
    """Cancel an invitation whose activity was cancelled, without visits' own
    notice: the caller tells the families (once). Withdrawing twice changes nothing."""
    if event.home_id != home.pk:
        raise DomainError("That invitation is not at this home.")
    with transaction.atomic():
        locked = EventInvitation.objects.for_home(home).select_for_update().get(pk=event.pk)
        if locked.cancelled_at is not None:
            return locked
        locked.cancelled_at = now or timezone.now()
        locked.save(update_fields=["cancelled_at"])
        event_messages_withdraw(event=locked, replies=list(EventReply.objects.filter(event=locked)))
    return locked


def _clean_number(value, field, label):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError(not_a_number(label), field=field) from None
    if number < 0 or number > MAX_PEOPLE:
        raise DomainError(
            f"Enter a number of {label} from 0 to {MAX_PEOPLE}. For a bigger group, please ring the home.",
            field=field,
        )
    return number


def event_reply(*, home, actor, membership, reply, answer, adults=0, children=0, note=""):
    """Record a relative's answer (they can change it until the event starts)."""
    if answer not in (Answer.YES, Answer.NO, Answer.MAYBE):
        raise DomainError(ANSWER_MISSING, field="answer")
    if answer == Answer.NO:
        adults = children = 0
    else:
        adults = _clean_number(adults, "adults", "adults")
        children = _clean_number(children, "children", "children")
        if adults < 1:
            raise DomainError(NO_ADULT, field="adults")
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        raise DomainError(NOTE_TOO_LONG, field="note")
    with transaction.atomic(), acting_as(actor):
        reply = (
            EventReply.objects.select_for_update(of=("self",))
            .select_related("event__home", "membership__user")
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
        now = timezone.now()
        reply.replied_at = now
        reply.save(update_fields=["answer", "adults", "children", "note", "replied_at"])
        event_messages_replied(reply=reply, now=now)
    return reply
