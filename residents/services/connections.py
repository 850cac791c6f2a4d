"""Writes for the connection log."""

from datetime import timedelta

from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from homes.audit import record_created, record_update
from homes.models import Membership
from homes.submissions import submission_once
from residents.models import Connection, ConnectionParticipant, Resident, Response
from residents.selectors.connections import STAFF_ROLES, people_who_matter_to

# A tablet's clock may run a little fast; anything later than this is a mistake.
FUTURE_ALLOWANCE = timedelta(minutes=5)
# Connections are logged as they happen, or soon after: older entries are a typo.
OLDEST_DAYS = 90

NAMED_KINDS = (Connection.WithWhom.VOLUNTEER, Connection.WithWhom.COMMUNITY, Connection.WithWhom.GROUP)
LIVING_HERE = (Resident.Status.CURRENT, Resident.Status.HOSPITAL)
NOTE_LIMIT = 2000
PARTICIPANT_NOTE_LIMIT = 300

# Messages the forms share (they need them to parse the same field).
NOBODY_CHOSEN = "Choose at least one person who took part."
CHOOSE_WITH_WHOM = "Choose who the connection was with."
NAME_TOO_LONG = "Keep the name under 150 characters."
NOTE_TOO_LONG = f"Keep the note under {NOTE_LIMIT:,} characters."
REASON_MISSING = "Write why this entry is being struck out."
REASON_TOO_LONG = "Keep the reason under 300 characters."


def not_living_here(home):
    return f"One of the people chosen does not live at {home.name}."


def choose_how_it_went(resident):
    return f"Choose how it went for {resident.short_name}."


def participant_note_too_long(resident):
    return f"Keep the note about {resident.short_name} under {PARTICIPANT_NOTE_LIMIT} characters."


def choose_someone_who_matters(resident):
    return f"Choose someone who matters to {resident.short_name}."


def choose_staff_here(home):
    return f"Choose someone who works at {home.name}."


def _check_when(occurred_at, now):
    if timezone.is_naive(occurred_at):
        raise DomainError("Enter the time it happened.", field="time")
    if occurred_at > now + FUTURE_ALLOWANCE:
        if timezone.localdate(occurred_at) > timezone.localdate(now):
            raise DomainError("That date is in the future. Enter when it happened.", field="date")
        raise DomainError("That time is in the future. Enter when it happened.", field="time")
    if occurred_at < now - timedelta(days=OLDEST_DAYS):
        raise DomainError(
            f"That is more than {OLDEST_DAYS} days ago. Enter a date in the last {OLDEST_DAYS} days.",
            field="date",
        )


def _check_participants(home, residents_with_responses):
    if not residents_with_responses:
        raise DomainError(NOBODY_CHOSEN, field="residents")
    seen = set()
    for resident, response, note in residents_with_responses:
        if resident.home_id != home.pk or resident.status not in LIVING_HERE:
            raise DomainError(not_living_here(home), field="residents")
        if resident.pk in seen:
            raise DomainError(f"{resident.display_name} is chosen twice.", field="residents")
        seen.add(resident.pk)
        if response not in Response.values:
            raise DomainError(choose_how_it_went(resident), field=f"response_{resident.pk}")
        if len(note or "") > PARTICIPANT_NOTE_LIMIT:
            raise DomainError(participant_note_too_long(resident), field=f"note_{resident.pk}")


def _who_specifically(*, home, with_whom, residents, person, other_resident, staff_member, with_name):
    """The one thing a connection is with, checked; the others are cleared."""
    target = {"person": None, "other_resident": None, "staff_member": None, "with_name": ""}
    if with_whom == Connection.WithWhom.PERSON:
        if len(residents) != 1:
            raise DomainError(
                "Someone who matters can be chosen only when logging for one resident. "
                "Log it for each resident separately.",
                field="with_whom",
            )
        if person is None:
            if not people_who_matter_to(home, residents).exists():
                raise DomainError(
                    f"No one who matters to {residents[0].short_name} is recorded yet. "
                    "Add them to the personal plan first, or choose another option.",
                    field="with_whom",
                )
            raise DomainError(f"Choose who {residents[0].short_name} was in touch with.", field="person")
        if person.home_id != home.pk or person.resident_id != residents[0].pk:
            raise DomainError(choose_someone_who_matters(residents[0]), field="person")
        target["person"] = person
    elif with_whom == Connection.WithWhom.RESIDENT:
        if other_resident is None:
            raise DomainError("Choose which resident they spent time with.", field="other_resident")
        if other_resident.home_id != home.pk or other_resident.status not in LIVING_HERE:
            raise DomainError(f"That resident does not live at {home.name}.", field="other_resident")
        if other_resident.pk in {r.pk for r in residents}:
            raise DomainError(
                f"{other_resident.short_name} is one of the people taking part. Choose someone else.",
                field="other_resident",
            )
        target["other_resident"] = other_resident
    elif with_whom == Connection.WithWhom.STAFF:
        if staff_member is None:
            raise DomainError("Choose which member of staff.", field="staff_member")
        works_here = (
            Membership.objects.for_home(home)
            .active()
            .filter(user=staff_member, role__in=STAFF_ROLES)
            .exists()
        )
        if not works_here:
            raise DomainError(choose_staff_here(home), field="staff_member")
        target["staff_member"] = staff_member
    elif with_whom in NAMED_KINDS:
        with_name = (with_name or "").strip()
        if not with_name:
            raise DomainError(
                "Enter the name of the activity, group or volunteer, like “Singing group”.",
                field="with_name",
            )
        if len(with_name) > 150:
            raise DomainError(NAME_TOO_LONG, field="with_name")
        target["with_name"] = with_name
    else:
        raise DomainError(CHOOSE_WITH_WHOM, field="with_whom")
    return target


def connection_log(
    *,
    home,
    actor,
    residents_with_responses,
    occurred_at,
    with_whom,
    mode,
    person=None,
    other_resident=None,
    staff_member=None,
    with_name="",
    note="",
    form_token=None,
):
    """Log a connection for one or many residents, each with how it went for
    them. ``residents_with_responses`` is a list of (resident, response, note).
    Saves the connection and one participant row per resident, or nothing;
    once per ``form_token``."""
    _check_when(occurred_at, timezone.now())
    _check_participants(home, residents_with_responses)
    if mode not in Connection.Mode.values:
        raise DomainError("Choose how the connection happened.", field="mode")
    residents = [resident for resident, _, _ in residents_with_responses]
    target = _who_specifically(
        home=home,
        with_whom=with_whom,
        residents=residents,
        person=person,
        other_resident=other_resident,
        staff_member=staff_member,
        with_name=with_name,
    )
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        # Lock the residents' rows so one who is recorded as leaving at this
        # moment is not given a connection after they left.
        ids = [r.pk for r in residents]
        living = set(
            Resident.objects.select_for_update()
            .filter(home=home, pk__in=ids, status__in=LIVING_HERE)
            .values_list("pk", flat=True)
        )
        if living != set(ids):
            raise DomainError(not_living_here(home), field="residents")
        connection = Connection.objects.create(
            home=home,
            occurred_at=occurred_at,
            with_whom=with_whom,
            mode=mode,
            note=(note or "").strip(),
            logged_by=actor,
            **target,
        )
        participants = ConnectionParticipant.objects.bulk_create(
            [
                ConnectionParticipant(
                    home=home,
                    connection=connection,
                    resident=resident,
                    response=response,
                    note=(participant_note or "").strip(),
                    occurred_at=occurred_at,
                )
                for resident, response, participant_note in residents_with_responses
            ]
        )
        record_created(participants)
        once.created(connection)
    return connection


# --- Correcting and striking out ------------------------------------------------


def connection_change_problem(*, membership, connection, now=None):
    """Why this member may not correct or strike out this entry, or "".

    The person who logged it may, for ``CONNECTION_CORRECTION_DAYS`` after
    logging it; a manager ("connections.correct_any") may at any time."""
    if connection.struck_out_at is not None:
        return "This entry has been struck out, so it can no longer be changed."
    if membership.has_perm("connections.correct_any"):
        return ""
    days = django_settings.CONNECTION_CORRECTION_DAYS
    if not membership.has_perm("connections.log") or connection.logged_by_id != membership.user_id:
        return "Only the person who logged this entry, or a manager, can change it."
    if (now or timezone.now()) > connection.created_at + timedelta(days=days):
        return (
            f"Entries can be changed by the person who logged them for {days} days. "
            "This one is older: ask a manager to correct it or strike it out."
        )
    return ""


def _locked_for_change(*, home, membership, connection):
    locked = Connection.objects.for_home(home).select_for_update().filter(pk=connection.pk).first()
    if locked is None:
        raise DomainError("That entry is not in this home's connection log.")
    problem = connection_change_problem(membership=membership, connection=locked)
    if problem:
        raise DomainError(problem)
    return locked


def connection_correct(
    *, home, actor, membership, connection, resident, occurred_at, mode, note, response, participant_note
):
    """Correct a logged connection: when and how it happened, its note, and
    how it went for ``resident``. The history keeps what it said before."""
    if occurred_at != connection.occurred_at:
        _check_when(occurred_at, timezone.now())
    if mode not in Connection.Mode.values:
        raise DomainError("Choose how the connection happened.", field="mode")
    if response not in Response.values:
        raise DomainError(choose_how_it_went(resident), field="response")
    note = (note or "").strip()
    participant_note = (participant_note or "").strip()
    if len(note) > NOTE_LIMIT:
        raise DomainError(NOTE_TOO_LONG, field="note")
    if len(participant_note) > PARTICIPANT_NOTE_LIMIT:
        raise DomainError(participant_note_too_long(resident), field="participant_note")
    with transaction.atomic(), acting_as(actor):
        locked = _locked_for_change(home=home, membership=membership, connection=connection)
        participant = (
            ConnectionParticipant.objects.for_home(home)
            .select_for_update()
            .filter(connection=locked, resident=resident)
            .first()
        )
        if participant is None:
            raise DomainError(f"{resident.short_name} did not take part in this connection.")
        changed = [
            name
            for name, value in (("occurred_at", occurred_at), ("mode", mode), ("note", note))
            if getattr(locked, name) != value
        ]
        if changed:
            locked.occurred_at, locked.mode, locked.note = occurred_at, mode, note
            locked.save(update_fields=changed)
        if "occurred_at" in changed:
            # Each participant keeps a copy of when, for the timeline and the worklist.
            record_update(
                ConnectionParticipant.objects.for_home(home)
                .filter(connection=locked)
                .exclude(pk=participant.pk),
                occurred_at=occurred_at,
            )
        mine = [
            name
            for name, value in (
                ("occurred_at", occurred_at),
                ("response", response),
                ("note", participant_note),
            )
            if getattr(participant, name) != value
        ]
        if mine:
            participant.occurred_at, participant.response, participant.note = (
                occurred_at,
                response,
                participant_note,
            )
            participant.save(update_fields=mine)
    return locked


def connection_strike_out(*, home, actor, membership, connection, reason):
    """Strike out a wrong entry, with the reason: it stays in the log (and its
    history), marked, and no longer counts on the worklist or anywhere else."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(REASON_MISSING, field="reason")
    if len(reason) > 300:
        raise DomainError(REASON_TOO_LONG, field="reason")
    with transaction.atomic(), acting_as(actor):
        locked = _locked_for_change(home=home, membership=membership, connection=connection)
        locked.struck_out_at = timezone.now()
        locked.struck_out_by = actor
        locked.struck_out_reason = reason
        locked.save(update_fields=["struck_out_at", "struck_out_by", "struck_out_reason"])
    return locked
