"""Retention: whose records are due to be anonymised, holding one, and the
anonymising itself (every app's part, in one transaction, logged).

Who left, and when:
- a resident who moved out or died: their date of leaving;
- a relative or friend whose links have all ended (or whose residents have
  all left): the latest of those dates; one still linked to someone living
  here has not left;
- a volunteer who stopped: when their status became "Left".
Due: that date plus the organisation's period for their kind.
"""

import datetime
import logging
from dataclasses import dataclass

from auditlog.context import disable_auditlog
from django.db import IntegrityError, transaction
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.timeutils import add_months, today
from homes.models import Membership, Role
from homes.retention import anonymisers_for, forget_names_in_history
from privacy.models import (
    Anonymisation,
    RetentionHold,
    RetentionPolicy,
    SubjectAccessRequest,
    person_field,
)

log = logging.getLogger(__name__)

SOON_DAYS = 90
HOLD_REASON_MISSING = "Say why these records must be kept, for example “Complaint open since 3 March”."
RELEASE_NOTE_MISSING = "Say why the hold ends, for example “Complaint closed on 12 May”."
ALREADY_HELD = "These records are already held."
ALREADY_DONE = "These records were already anonymised."
REQUEST_OPEN = (
    "A request for this person's data is still being prepared: their records are kept until it is sent."
)


@dataclass
class Leaver:
    kind: str
    obj: object
    name: str
    left_on: object
    due_on: object
    hold: object = None


def policy_for(home):
    """The organisation's periods (the defaults until someone changes them)."""
    found = RetentionPolicy.objects.filter(organisation_id=home.organisation_id).first()
    return found or RetentionPolicy(organisation_id=home.organisation_id)


def leavers(home, *, policy=None):
    """Everyone at ``home`` who left and is not yet anonymised, with when
    they are due, oldest due first (a fixed number of queries)."""
    from residents.models import RelativeLink, Resident
    from volunteers.models import Volunteer

    policy = policy or policy_for(home)
    done = {
        (kind, pk)
        for kind, *pks in Anonymisation.objects.for_home(home).values_list(
            "kind", "resident_id", "membership_id", "volunteer_id"
        )
        for pk in pks
        if pk
    }
    holds = {}
    for hold in (
        RetentionHold.objects.for_home(home).filter(released_at__isnull=True).select_related("placed_by")
    ):
        holds[(hold.kind, hold.person_id)] = hold
    # A request for their data still being prepared keeps their records as a hold would.
    for request in SubjectAccessRequest.objects.for_home(home).filter(
        status=SubjectAccessRequest.Status.OPEN
    ):
        holds.setdefault(
            (request.kind, request.person_id),
            RetentionHold(reason=f"{REQUEST_OPEN} ({request.reference})", placed_at=request.created_at),
        )
    found = []

    def add(kind, obj, name, left_on, years):
        if left_on is None or (kind, obj.pk) in done:
            return
        found.append(
            Leaver(kind, obj, name, left_on, add_months(left_on, 12 * years), holds.get((kind, obj.pk)))
        )

    for resident in Resident.objects.for_home(home).filter(
        status__in=[Resident.Status.LEFT, Resident.Status.DIED]
    ):
        add("resident", resident, resident.display_name, resident.left_on, policy.residents_years)
    for volunteer in Volunteer.objects.for_home(home).filter(status=Volunteer.Status.LEFT):
        add(
            "volunteer",
            volunteer,
            volunteer.full_name,
            timezone.localdate(volunteer.status_changed_at) if volunteer.status_changed_at else None,
            policy.volunteers_years,
        )
    links = {}
    for link in RelativeLink.objects.for_home(home).select_related("resident"):
        links.setdefault(link.membership_id, []).append(link)
    for membership in Membership.objects.for_home(home).filter(role=Role.FAMILY).select_related("user"):
        left_on = _links_ended_on(links.get(membership.pk, []))
        if left_on is None:
            continue  # still linked to someone living here, never linked, or no date known
        add("relative", membership, membership.user.full_name, left_on, policy.relatives_years)
    found.sort(key=lambda leaver: (leaver.due_on, leaver.kind, leaver.name))
    return found


def _links_ended_on(links):
    """When a relative's last link ended: the latest of each link's end (the
    day it was ended, or the day its resident left). None while one link is
    to someone living here, or when no end has a date (``due_count`` reads
    the same in SQL)."""
    ends = []
    for link in links:
        if link.status == link.Status.ENDED:
            ends.append(timezone.localdate(link.status_changed_at) if link.status_changed_at else None)
        elif link.resident.has_left:
            ends.append(link.resident.left_on)
        else:
            return None
    return max((end for end in ends if end), default=None)


def latest_left_on(now, years):
    """The latest day someone may have left and be due ``now``: the day
    ``years`` back, or the day after it when that is 29 February (a leaver
    on 29 February 2024 is due one year on, 28 February 2025)."""
    day = add_months(now, -12 * years)
    while add_months(day + datetime.timedelta(days=1), 12 * years) <= now:
        day += datetime.timedelta(days=1)
    return day


def due_count(home, *, on=None):
    """How many people's records are due and not held, in two queries (the
    dashboard's panel): the same rules as ``leavers``, in SQL."""
    from django.db.models import Case, Exists, F, Max, OuterRef, When
    from django.db.models.functions import TruncDate

    from residents.models import RelativeLink, Resident
    from volunteers.models import Volunteer

    now = on or today()
    policy = policy_for(home)

    def cutoff(years):
        return latest_left_on(now, years)

    def untouched(qs, field):
        done = Anonymisation.objects.for_home(home).filter(**{field: OuterRef("pk")})
        held = RetentionHold.objects.for_home(home).filter(
            **{field: OuterRef("pk")}, released_at__isnull=True
        )
        asked = SubjectAccessRequest.objects.for_home(home).filter(
            **{field: OuterRef("pk")}, status=SubjectAccessRequest.Status.OPEN
        )
        return qs.filter(~Exists(done), ~Exists(held), ~Exists(asked))

    residents = untouched(
        Resident.objects.for_home(home).filter(
            status__in=[Resident.Status.LEFT, Resident.Status.DIED],
            left_on__lte=cutoff(policy.residents_years),
        ),
        "resident",
    )
    volunteers = untouched(
        Volunteer.objects.for_home(home).filter(
            status=Volunteer.Status.LEFT, status_changed_at__date__lte=cutoff(policy.volunteers_years)
        ),
        "volunteer",
    )
    living = (
        RelativeLink.objects.for_home(home)
        .filter(membership=OuterRef("pk"))
        .exclude(status=RelativeLink.Status.ENDED)
    )
    living = living.filter(resident__status__in=[Resident.Status.CURRENT, Resident.Status.HOSPITAL])
    relatives = (
        untouched(Membership.objects.for_home(home).filter(role=Role.FAMILY), "membership")
        .filter(~Exists(living), relative_links__isnull=False)
        .annotate(
            ended_on=Max(
                Case(
                    When(
                        relative_links__status=RelativeLink.Status.ENDED,
                        # The day in the home's time zone, as ``leavers`` reads it.
                        then=TruncDate(
                            "relative_links__status_changed_at", tzinfo=timezone.get_current_timezone()
                        ),
                    ),
                    When(
                        relative_links__resident__status__in=[Resident.Status.LEFT, Resident.Status.DIED],
                        then=F("relative_links__resident__left_on"),
                    ),
                )
            )
        )
        .filter(ended_on__lte=cutoff(policy.relatives_years))
    )
    # No ORDER BY inside a UNION (SQLite refuses it): each part drops its model's ordering.
    parts = [qs.order_by().values("pk") for qs in (residents, volunteers, relatives)]
    return parts[0].union(*parts[1:], all=True).count()


def retention_page(home, *, on=None):
    now = on or today()
    policy = policy_for(home)
    everyone = leavers(home, policy=policy)
    due = [leaver for leaver in everyone if leaver.due_on <= now and leaver.hold is None]
    held = [leaver for leaver in everyone if leaver.hold is not None]
    soon = [
        leaver
        for leaver in everyone
        if now < leaver.due_on <= now + datetime.timedelta(days=SOON_DAYS) and leaver.hold is None
    ]
    done = list(Anonymisation.objects.for_home(home).select_related("done_by").order_by("-done_at")[:50])
    return {"policy": policy, "due": due, "held": held, "soon": soon, "done": done, "soon_days": SOON_DAYS}


def find_leaver(home, kind, pk):
    """The leaver ``kind``:``pk`` at ``home``, or None (not left, or already anonymised)."""
    return next((leaver for leaver in leavers(home) if leaver.kind == kind and leaver.obj.pk == pk), None)


def _lock_person(home, leaver):
    """Lock the person's row: placing a hold and anonymising wait for each
    other, so a hold placed while the night's run reaches them is either
    seen by it or refused because the run got there first."""
    type(leaver.obj).objects.for_home(home).select_for_update().filter(pk=leaver.obj.pk).first()


def _names(home, leaver):
    """What the home's history may call them, and what it calls them instead."""
    from residents.retention import names_of

    person = leaver.obj
    if leaver.kind == "resident":
        return [str(person), *names_of(person, first=False)], "a former resident"
    if leaver.kind == "relative":
        return [person.user.full_name, person.user.email], "a former relative"
    if (
        person.user_id
        and Membership.objects.for_home(home)
        .filter(user_id=person.user_id, is_active=True)
        .exclude(role=Role.VOLUNTEER)
        .exists()
    ):
        return [], ""  # they work here, or are a relative, now: their name is still theirs here
    return [person.full_name, person.email], "a former volunteer"


def hold_place(*, home, actor, leaver, reason):
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(HOLD_REASON_MISSING, field="reason")
    if leaver.hold is not None:
        raise DomainError(ALREADY_HELD)
    try:
        with transaction.atomic(), acting_as(actor):
            _lock_person(home, leaver)
            if (
                Anonymisation.objects.for_home(home)
                .filter(**{person_field(leaver.kind): leaver.obj})
                .exists()
            ):
                raise DomainError(ALREADY_DONE)
            return RetentionHold.objects.create(
                home=home,
                kind=leaver.kind,
                **{person_field(leaver.kind): leaver.obj},
                reason=reason,
                placed_by=actor,
            )
    except IntegrityError:
        raise DomainError(ALREADY_HELD) from None


def hold_release(*, home, actor, hold, note):
    note = " ".join((note or "").split())
    if not note:
        raise DomainError(RELEASE_NOTE_MISSING, field="note")
    with transaction.atomic(), acting_as(actor):
        locked = RetentionHold.objects.for_home(home).select_for_update().get(pk=hold.pk)
        if locked.released_at is not None:
            raise DomainError("This hold has already ended.")
        locked.released_at, locked.released_by, locked.release_note = timezone.now(), actor, note
        locked.save(update_fields=["released_at", "released_by", "release_note"])
    return locked


def anonymise(*, home, leaver, actor=None):
    """Anonymise one person's records at ``home``: every app's part, in one
    transaction, then the log row. Refuses a held record; a second run (a
    retried task, a double click) finds the log row and does nothing."""
    if leaver.hold is not None:
        raise DomainError("These records are held, so they are kept.")
    field = person_field(leaver.kind)
    if (
        SubjectAccessRequest.objects.for_home(home)
        .filter(**{field: leaver.obj}, status=SubjectAccessRequest.Status.OPEN)
        .exists()
    ):
        raise DomainError(REQUEST_OPEN)
    names, instead = _names(home, leaver)
    # The anonymisers write without history; a delete would otherwise record the row's values.
    with transaction.atomic(), disable_auditlog():
        _lock_person(home, leaver)
        try:
            with transaction.atomic():
                log = Anonymisation.objects.create(
                    home=home,
                    kind=leaver.kind,
                    **{field: leaver.obj},
                    left_on=leaver.left_on,
                    due_on=leaver.due_on,
                    done_by=actor,
                )
        except IntegrityError:
            raise DomainError(ALREADY_DONE) from None
        if (
            RetentionHold.objects.for_home(home)
            .filter(**{field: leaver.obj}, released_at__isnull=True)
            .exists()
        ):
            raise DomainError("These records are held, so they are kept.")
        rows = 0
        for anonymiser in anonymisers_for(leaver.kind):
            rows += anonymiser.run(home, leaver.obj) or 0
        # What stays (others' records) keeps its history, without their name.
        rows += forget_names_in_history(home, names, instead)
        log.rows = rows
        log.save(update_fields=["rows"])
    return log


def anonymise_due(home, *, on=None):
    """Anonymise everyone at ``home`` whose time has come and who is not held.
    Returns how many people's records were anonymised."""
    now = on or today()
    count = 0
    for leaver in leavers(home):
        if leaver.due_on <= now and leaver.hold is None:
            try:
                anonymise(home=home, leaver=leaver)
            except DomainError:
                continue  # held, asked for, or done meanwhile
            except Exception:
                # One person's failure must not stop everyone else's, tonight or any night.
                log.exception("Anonymising %s %s at home %s failed", leaver.kind, leaver.obj.pk, home.pk)
                continue
            count += 1
    return count


def policy_save(*, organisation, actor, residents_years, relatives_years, volunteers_years, version):
    from carehome.versions import version_bump, version_check

    with transaction.atomic(), acting_as(actor):
        policy, created = RetentionPolicy.objects.select_for_update().get_or_create(organisation=organisation)
        # A form opened before anyone saved the periods carries version 0: if someone saved
        # them meanwhile, that is a conflict too.
        if not created:
            version_check(
                policy,
                version,
                submitted={
                    "residents_years": residents_years,
                    "relatives_years": relatives_years,
                    "volunteers_years": volunteers_years,
                },
            )
        for name, value in (
            ("residents_years", residents_years),
            ("relatives_years", relatives_years),
            ("volunteers_years", volunteers_years),
        ):
            if not 1 <= value <= 30:
                raise DomainError("Choose between 1 and 30 years.", field=name)
            setattr(policy, name, value)
        policy.updated_by, policy.updated_at = actor, timezone.now()
        policy.save(
            update_fields=[
                "residents_years",
                "relatives_years",
                "volunteers_years",
                "updated_by",
                "updated_at",
                *version_bump(policy),
            ]
        )
    return policy
