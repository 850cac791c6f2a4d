"""Writes for co-production: recording sessions, the ideas raised in them and
what became of each idea. Every change runs in one transaction inside
``acting_as`` so the change history shows who did it."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from homes.scoping import check_home
from homes.submissions import submission_once
from residents.models import CoproductionSession, Idea

EARLIEST_SESSION = date(2000, 1, 1)

# Messages the forms share (they need them to parse the same field).
TITLE_MISSING = "Give the session a short title, like “Summer outings”."
IDEA_MISSING = "Write the idea in a few words, like “A trip to the garden centre”."
IDEA_TOO_LONG = "Keep the idea under 300 characters; put more in the session notes."
RAISED_BY_CHOICE = "Choose someone who took part in this session, or nobody."
STATUS_MISSING = "Choose what has happened to this idea."
UNDER_300_CHARACTERS = "Keep this under 300 characters."

# Where an idea may go next from each status. "Done" only follows "planned";
# an idea not taken forward can be thought about again.
NEXT_STATUSES = {
    Idea.Status.NEW: [Idea.Status.PLANNED, Idea.Status.NOT_TAKEN_FORWARD],
    Idea.Status.PLANNED: [Idea.Status.DONE, Idea.Status.NOT_TAKEN_FORWARD, Idea.Status.NEW],
    Idea.Status.DONE: [Idea.Status.PLANNED],
    Idea.Status.NOT_TAKEN_FORWARD: [Idea.Status.NEW, Idea.Status.PLANNED],
}


def _clean_text(value):
    return " ".join((value or "").split())


def _check_session(*, home, held_on, method, title, participants):
    if held_on is None:
        raise DomainError("Enter the date the session took place, like 12/11/2026.", field="held_on")
    if held_on > timezone.localdate():
        raise DomainError(
            "That date is in the future. Record a session after it has happened.", field="held_on"
        )
    if held_on < EARLIEST_SESSION:
        raise DomainError("Check the year: that date is a long time ago.", field="held_on")
    if method not in CoproductionSession.Method.values:
        raise DomainError("Choose how you found out what residents wanted.", field="method")
    if not title:
        raise DomainError(TITLE_MISSING, field="title")
    if any(r.home_id != home.pk for r in participants):
        raise DomainError(
            "Someone chosen does not live at this home. Choose people from the list.", field="participants"
        )
    if not participants and method != CoproductionSession.Method.SUGGESTION_BOX:
        raise DomainError(
            "Tick at least one resident who took part. Only a suggestion box can have nobody named.",
            field="participants",
        )


def coproduction_session_record(
    *, home, actor, held_on, method, title, participants, others_present="", notes="", form_token=None
):
    """Record a session that has happened; the acting user is its facilitator
    (once per ``form_token``)."""
    participants = list(participants)
    title = _clean_text(title)
    _check_session(home=home, held_on=held_on, method=method, title=title, participants=participants)
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        session = CoproductionSession.objects.create(
            home=home,
            held_on=held_on,
            method=method,
            title=title,
            others_present=_clean_text(others_present),
            notes=(notes or "").strip(),
            facilitator=actor,
        )
        session.participants.set(participants)
        once.created(session)
    return session


def coproduction_session_update(
    *, session, actor, held_on, method, title, participants, others_present="", notes=""
):
    """Change a session's details or who took part. Someone who raised an idea
    in it stays on the list (change the idea first)."""
    participants = list(participants)
    title = _clean_text(title)
    _check_session(home=session.home, held_on=held_on, method=method, title=title, participants=participants)
    keep = {r.pk for r in participants}
    raisers = (
        Idea.objects.filter(session=session, raised_by__isnull=False)
        .exclude(raised_by_id__in=keep)
        .select_related("raised_by")
        .order_by("raised_by__full_name")
    )
    missing = sorted({idea.raised_by.short_name for idea in raisers})
    if missing:
        names = " and ".join(missing)
        raise DomainError(
            f"{names} raised an idea in this session, so keep them ticked.", field="participants"
        )
    with transaction.atomic(), acting_as(actor):
        session.held_on = held_on
        session.method = method
        session.title = title
        session.others_present = _clean_text(others_present)
        session.notes = (notes or "").strip()
        session.save()
        session.participants.set(participants)
    return session


def idea_record(*, home, session, actor, text, raised_by=None, interests=(), form_token=None):
    """Add an idea raised in a session (once per ``form_token``). ``raised_by``
    must have taken part."""
    check_home(home, session, raised_by)
    text = _clean_text(text)
    if not text:
        raise DomainError(IDEA_MISSING, field="text")
    if len(text) > 300:
        raise DomainError(IDEA_TOO_LONG, field="text")
    if raised_by is not None and not session.participants.filter(pk=raised_by.pk).exists():
        raise DomainError(RAISED_BY_CHOICE, field="raised_by")
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        idea = Idea.objects.create(home_id=session.home_id, session=session, text=text, raised_by=raised_by)
        idea.interests.set(list(interests))
        once.created(idea)
    return idea


def idea_status_set(*, home, idea, actor, status, note=""):
    """Move an idea on: new → planned → done, or not taken forward (with a
    reason residents can be told)."""
    check_home(home, idea)
    note = _clean_text(note)
    if status not in Idea.Status.values:
        raise DomainError(STATUS_MISSING, field="status")
    if status == Idea.Status.NOT_TAKEN_FORWARD and not note:
        raise DomainError("Tell residents why — write a short reason.", field="note")
    if len(note) > 300:
        raise DomainError(UNDER_300_CHARACTERS, field="note")
    with transaction.atomic(), acting_as(actor):
        # Lock the row so two people moving the same idea at once are checked in turn.
        current = (
            Idea.objects.for_home(idea.home_id).select_for_update().only("status").get(pk=idea.pk).status
        )
        if status == current:
            label = Idea.Status(current).label.lower()
            raise DomainError(f"This idea is already “{label}”.", field="status")
        if status == Idea.Status.DONE and current != Idea.Status.PLANNED:
            raise DomainError(
                "An idea is marked done once it has been planned. Mark it as planned first.", field="status"
            )
        if status not in NEXT_STATUSES[current]:
            raise DomainError(
                "An idea cannot move straight there. Choose one of the options.", field="status"
            )
        idea.status = status
        idea.status_note = note
        idea.save(update_fields=["status", "status_note", "updated_at"])
    return idea
