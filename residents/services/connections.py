"""Writes for the connection log."""

from datetime import timedelta

from auditlog.context import set_actor
from django.db import transaction
from django.utils import timezone

from carehome.errors import DomainError
from homes.models import Membership
from residents.models import Connection, ConnectionParticipant, Resident, Response
from residents.selectors.connections import STAFF_ROLES

# A tablet's clock may run a little fast; anything later than this is a mistake.
FUTURE_ALLOWANCE = timedelta(minutes=5)
# Connections are logged as they happen, or soon after: older entries are a typo.
OLDEST_DAYS = 90

NAMED_KINDS = (Connection.WithWhom.VOLUNTEER, Connection.WithWhom.COMMUNITY, Connection.WithWhom.GROUP)
LIVING_HERE = (Resident.Status.CURRENT, Resident.Status.HOSPITAL)


def _check_when(occurred_at, now):
    if timezone.is_naive(occurred_at):
        raise DomainError("Enter the time it happened.", field="time")
    if occurred_at > now + FUTURE_ALLOWANCE:
        raise DomainError("That time is in the future. Enter when it happened.", field="time")
    if occurred_at < now - timedelta(days=OLDEST_DAYS):
        raise DomainError(
            f"That is more than {OLDEST_DAYS} days ago. Enter a date in the last {OLDEST_DAYS} days.",
            field="date",
        )


def _check_participants(home, residents_with_responses):
    if not residents_with_responses:
        raise DomainError("Choose at least one person who took part.", field="residents")
    seen = set()
    for resident, response, note in residents_with_responses:
        if resident.home_id != home.pk or resident.status not in LIVING_HERE:
            raise DomainError(f"One of the people chosen does not live at {home.name}.", field="residents")
        if resident.pk in seen:
            raise DomainError(f"{resident.display_name} is chosen twice.", field="residents")
        seen.add(resident.pk)
        if response not in Response.values:
            raise DomainError(
                f"Choose how it went for {resident.short_name}.", field=f"response_{resident.pk}"
            )
        if len(note or "") > 300:
            raise DomainError(
                f"Keep the note about {resident.short_name} under 300 characters.",
                field=f"note_{resident.pk}",
            )


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
            raise DomainError(f"Choose who {residents[0].short_name} was in touch with.", field="person")
        if person.home_id != home.pk or person.resident_id != residents[0].pk:
            raise DomainError(
                f"Choose someone who matters to {residents[0].short_name}.",
                field="person",
            )
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
            raise DomainError(f"Choose someone who works at {home.name}.", field="staff_member")
        target["staff_member"] = staff_member
    elif with_whom in NAMED_KINDS:
        with_name = (with_name or "").strip()
        if not with_name:
            raise DomainError(
                "Enter the name of the activity, group or volunteer, like “Singing group”.",
                field="with_name",
            )
        if len(with_name) > 150:
            raise DomainError("Keep the name under 150 characters.", field="with_name")
        target["with_name"] = with_name
    else:
        raise DomainError("Choose who the connection was with.", field="with_whom")
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
):
    """Log a connection for one or many residents, each with how it went for
    them. ``residents_with_responses`` is a list of (resident, response, note).
    Saves the connection and one participant row per resident, or nothing."""
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
    with transaction.atomic(), set_actor(actor):
        # Lock the residents' rows so one who is recorded as leaving at this
        # moment is not given a connection after they left.
        ids = [r.pk for r in residents]
        living = set(
            Resident.objects.select_for_update()
            .filter(home=home, pk__in=ids, status__in=LIVING_HERE)
            .values_list("pk", flat=True)
        )
        if living != set(ids):
            raise DomainError(f"One of the people chosen does not live at {home.name}.", field="residents")
        connection = Connection.objects.create(
            home=home,
            occurred_at=occurred_at,
            with_whom=with_whom,
            mode=mode,
            note=(note or "").strip(),
            logged_by=actor,
            **target,
        )
        ConnectionParticipant.objects.bulk_create(
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
    return connection
