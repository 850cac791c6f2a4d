"""Who comes to a date, and how it went.

* ``attendees_invite``: residents living here invited to a date (an
  ``Attendee`` each, answer "invited"), never more than its places.
* ``attendee_answer_set``: what a resident said (would like to come / would
  rather not).
* ``families_invite``: their families invited through visits' invitations
  (``visits.services.events.event_invite``): replies are made and kept there.
* ``attendance_record``: once the date has started, how it went for each
  person, on the connection log's scale. It is **one group entry in the
  connection log** (``residents.services.connections.connection_log``),
  kept on the date. Recording again, when anything differs, strikes the
  earlier entry out with the reason and logs a new one: the log keeps both,
  so nobody's history is rewritten in silence and a resident added or
  taken away is handled the same way (``connection_correct`` can change a
  response but not who took part). The connection log's own rule on who may
  strike out an entry applies. The idea it came from moves to "done"; a
  partner's activity is a contact with them.
"""

from django.db import transaction
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from community.messages.programme import place_text
from community.models import Activity, Attendee, Occurrence, PartnerContact
from homes.audit import record_created
from homes.scoping import check_home
from residents.models import Connection, Idea, Resident, Response
from residents.services.connections import connection_log, connection_strike_out
from residents.services.coproduction import idea_status_set
from visits.models import EventInvitation
from visits.services.events import event_invite, event_withdraw

# --- The words, once --------------------------------------------------------------------------

NOBODY_CHOSEN = "Tick at least one resident to invite."
NOT_LIVING_HERE = "One of the people chosen does not live here. Choose from the list."
DATE_CANCELLED = "This date is cancelled."
DATE_STARTED = "This date has already started, so invitations are closed."
ANSWER_CHOICE = "Choose “would like to come” or “would rather not”."
NO_FAMILIES_CHOSEN = "Tick at least one resident whose family to invite."
NOT_INVITED = "Invite the resident to this date first, then their family."
NOT_STARTED = "Attendance can be recorded once it has started."
OUTING_NOT_CONFIRMED = (
    "This outing was never confirmed (its risk assessment approved and, in the minibus, a driver booked), "
    "so it cannot have gone ahead. Confirm it first, or cancel it."
)
NOBODY_RECORDED = "Choose how it went for at least one person."
NOTE_TOO_LONG = "Keep each note under 300 characters."
MESSAGE_TOO_LONG = "Keep the message under 2,000 characters."
NOTE_LIMIT = 300
RECORDED_AGAIN = "Attendance was recorded again on the activity's page: see the newer entry."


def places_message(capacity, taken, asked):
    left = max(capacity - taken, 0)
    if not left:
        return f"All {capacity} places are taken. Someone would have to say they would rather not first."
    return (
        f"There {'is' if left == 1 else 'are'} {left} place{'' if left == 1 else 's'} left of {capacity}, "
        f"and you chose {asked}. Choose fewer people."
    )


def _locked(home, occurrence, *, started_ok=False):
    locked = Occurrence.objects.for_home(home).select_for_update().filter(pk=occurrence.pk).first()
    if locked is None:
        raise DomainError("That date is not on this home's programme.")
    if locked.status == Occurrence.Status.CANCELLED:
        raise DomainError(DATE_CANCELLED)
    if not started_ok and locked.starts_at <= timezone.now():
        raise DomainError(DATE_STARTED)
    return locked


def _taken(occurrence):
    return Attendee.objects.filter(occurrence=occurrence).exclude(answer=Attendee.Answer.NOT_COMING).count()


def attendees_invite(*, home, actor, occurrence, residents):
    """Invite ``residents`` (living at ``home``) to ``occurrence``. Those
    already invited are left as they are. Returns the new ``Attendee`` rows."""
    check_home(home, occurrence)
    residents = list(residents)
    if not residents:
        raise DomainError(NOBODY_CHOSEN, field="residents")
    ids = {r.pk for r in residents}
    with transaction.atomic(), acting_as(actor):
        locked = _locked(home, occurrence)
        living = set(
            Resident.objects.for_home(home).current().filter(pk__in=ids).values_list("pk", flat=True)
        )
        if living != ids:
            raise DomainError(NOT_LIVING_HERE, field="residents")
        already = set(Attendee.objects.filter(occurrence=locked).values_list("resident_id", flat=True))
        new = [r for r in residents if r.pk not in already]
        capacity = locked.activity.capacity
        taken = _taken(locked)
        if taken + len(new) > capacity:
            raise DomainError(places_message(capacity, taken, len(new)), field="residents")
        rows = Attendee.objects.bulk_create(
            [Attendee(home=home, occurrence=locked, resident=r, invited_by=actor) for r in new]
        )
        record_created(rows)
    return rows


def attendee_answer_set(*, home, actor, attendee, answer):
    """Record what a resident said about coming."""
    check_home(home, attendee)
    if answer not in (Attendee.Answer.COMING, Attendee.Answer.NOT_COMING, Attendee.Answer.INVITED):
        raise DomainError(ANSWER_CHOICE, field="answer")
    with transaction.atomic(), acting_as(actor):
        locked = _locked(home, attendee.occurrence)
        row = Attendee.objects.for_home(home).select_for_update().get(pk=attendee.pk, occurrence=locked)
        if row.answer == answer:
            return row
        if row.answer == Attendee.Answer.NOT_COMING:
            capacity = locked.activity.capacity
            taken = _taken(locked)
            if taken + 1 > capacity:
                raise DomainError(places_message(capacity, taken, 1), field="answer")
        row.answer = answer
        row.save(update_fields=["answer"])
    return row


def families_invite(*, home, actor, occurrence, residents, message="", form_token=None):
    """Invite the families of ``residents`` (invited to this date) through
    visits' invitations, and keep the invitations on the date. Returns
    ``(events, skipped)`` as ``event_invite`` does (skipped: no family account)."""
    check_home(home, occurrence)
    residents = list(residents)
    if not residents:
        raise DomainError(NO_FAMILIES_CHOSEN, field="residents")
    if len((message or "").strip()) > 2000:
        raise DomainError(MESSAGE_TOO_LONG, field="message")
    with transaction.atomic(), acting_as(actor):
        locked = _locked(home, occurrence)
        invited = set(
            Attendee.objects.filter(occurrence=locked)
            .exclude(answer=Attendee.Answer.NOT_COMING)
            .values_list("resident_id", flat=True)
        )
        if any(r.pk not in invited for r in residents):
            raise DomainError(NOT_INVITED, field="residents")
        activity = locked.activity
        events, skipped = event_invite(
            home=home,
            actor=actor,
            residents=residents,
            kind=EventInvitation.Kind.ACTIVITY,
            title=activity.title,
            starts_at=locked.starts_at,
            ends_at=locked.ends_at,
            place=place_text(activity)[:150],
            message=message,
            form_token=form_token,
        )
        locked.family_events.add(*events)
    return events, skipped


def _same_as_logged(connection, rows):
    if connection is None or connection.struck_out_at is not None:
        return False
    logged = {(p.resident_id, p.response, p.note) for p in connection.participants.all()}
    return logged == {(r.pk, response, note) for r, response, note in rows}


def _idea_done(home, actor, idea):
    if idea.status == Idea.Status.NEW:
        idea_status_set(home=home, idea=idea, actor=actor, status=Idea.Status.PLANNED)
    if idea.status == Idea.Status.PLANNED:
        idea_status_set(home=home, idea=idea, actor=actor, status=Idea.Status.DONE)


def attendance_record(*, home, actor, membership, occurrence, rows, now=None):
    """Record how it went: ``rows`` is [(resident, response, note)] for each
    person who was invited or came (a resident not invited is added). One
    group entry in the connection log; see the module's note on recording
    again. Returns the connection."""
    check_home(home, occurrence)
    now = now or timezone.now()
    rows = [(r, response, " ".join((note or "").split())) for r, response, note in rows]
    if not rows:
        raise DomainError(NOBODY_RECORDED)
    for resident, response, note in rows:
        if response not in Response.values:
            raise DomainError(
                f"Choose how it went for {resident.short_name}.", field=f"response_{resident.pk}"
            )
        if len(note) > NOTE_LIMIT:
            raise DomainError(NOTE_TOO_LONG, field=f"note_{resident.pk}")
    with transaction.atomic(), acting_as(actor):
        locked = _locked(home, occurrence, started_ok=True)
        if locked.starts_at > now:
            raise DomainError(NOT_STARTED)
        activity = (
            Activity.objects.for_home(home).select_related("idea", "partnership").get(pk=locked.activity_id)
        )
        if activity.is_outing and locked.status != Occurrence.Status.CONFIRMED:
            raise DomainError(OUTING_NOT_CONFIRMED)
        previous = (
            Connection.objects.for_home(home)
            .prefetch_related("participants")
            .filter(pk=locked.connection_id)
            .first()
        )
        if _same_as_logged(previous, rows):
            return previous
        if previous is not None and previous.struck_out_at is None:
            connection_strike_out(
                home=home, actor=actor, membership=membership, connection=previous, reason=RECORDED_AGAIN
            )
        connection = connection_log(
            home=home,
            actor=actor,
            residents_with_responses=rows,
            occurred_at=locked.starts_at,
            with_whom=Connection.WithWhom.COMMUNITY if activity.partnership_id else Connection.WithWhom.GROUP,
            mode=Connection.Mode.OUTING if activity.is_outing else Connection.Mode.GROUP_ACTIVITY,
            with_name=activity.title[:150],
        )
        first_time = locked.connection_id is None
        locked.connection = connection
        locked.attendance_recorded_at = now
        locked.save(update_fields=["connection", "attendance_recorded_at"])
        existing = {a.resident_id: a for a in Attendee.objects.for_home(home).filter(occurrence=locked)}
        recorded = {r.pk for r, _, _ in rows}
        new = []
        for resident, response, note in rows:
            attendee = existing.get(resident.pk)
            if attendee is None:
                new.append(
                    Attendee(
                        home=home,
                        occurrence=locked,
                        resident=resident,
                        answer=Attendee.Answer.COMING,
                        response=response,
                        note=note,
                        invited_by=actor,
                    )
                )
            elif (attendee.response, attendee.note) != (response, note):
                attendee.response, attendee.note = response, note
                attendee.save(update_fields=["response", "note"])
        for resident_id, attendee in existing.items():
            if resident_id not in recorded and attendee.response:
                attendee.response, attendee.note = "", ""
                attendee.save(update_fields=["response", "note"])
        if new:
            record_created(Attendee.objects.bulk_create(new))
        if activity.idea_id and activity.idea.status in (Idea.Status.NEW, Idea.Status.PLANNED):
            _idea_done(home, actor, activity.idea)
        if first_time and activity.partnership_id:
            PartnerContact.objects.create(
                home=home,
                partnership=activity.partnership,
                on=timezone.localdate(locked.starts_at),
                kind=PartnerContact.Kind.ACTIVITY,
                note=activity.title[:500],
                recorded_by=actor,
            )
    return connection


def places_end_for_resident(*, home, actor, resident, left_on):
    """A resident moved out or died (``residents.leaving``): they come off the
    dates to come, and their family's invitations to those dates are
    withdrawn (no more reminders). Attendance already recorded stays."""
    now = timezone.now()
    coming = Attendee.objects.for_home(home).filter(
        resident=resident, occurrence__starts_at__gt=now, occurrence__connection__isnull=True
    )
    for attendee in coming.select_related("occurrence"):
        for event in attendee.occurrence.family_events.filter(resident=resident, cancelled_at__isnull=True):
            event_withdraw(home=home, event=event, now=now)
    coming.delete()
