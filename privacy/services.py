"""Recording a subject access request, closing it, and making its export.

Each export is logged (``AccessExport``: who, when, which format, its size
and checksum) inside the same transaction that reads the data, and the
request's own changes are in its history (auditlog).
"""

import hashlib

from django.db import transaction
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.timeutils import add_months, long_day, today
from carehome.versions import version_bump, version_check
from homes.models import Role
from homes.submissions import submission_once
from privacy import render
from privacy.export import Subject
from privacy.models import AccessExport, SubjectAccessRequest, SubjectKind, person_field

EARLIEST_MONTHS = 12
WHO_MISSING = "Say who the request is about."
RECEIVED_MISSING = "Enter the date the request arrived, for example 3 December 2026."
REQUESTED_BY_MISSING = (
    "Say who asked: the person themselves, or who asked for them and the authority they hold."
)
IDENTITY_MISSING = "Say how you checked who they are."
CLOSE_NOTE_MISSING = (
    "Say how it was sent (for example “Handed to her daughter, 4 Dec”) or why it was withdrawn."
)
CLOSED_ON_MISSING = "Enter the date it was sent or withdrawn."
ALREADY_CLOSED = "This request is already closed."


def received_on_problem(day, *, on=None):
    now = on or today()
    if day > now:
        return "The date the request arrived cannot be in the future."
    earliest = add_months(now, -EARLIEST_MONTHS)
    if day < earliest:
        return f"The date the request arrived cannot be before {long_day(earliest)}."
    return ""


def closed_on_problem(day, *, received_on, on=None):
    now = on or today()
    if day > now:
        return "The date it was sent or withdrawn cannot be in the future."
    if day < received_on:
        arrived = long_day(received_on)
        return f"The date it was sent or withdrawn cannot be before the request arrived ({arrived})."
    return ""


def _text(value):
    return " ".join((value or "").split())


def subject_for(record):
    """The ``Subject`` an export reads, from a request."""
    home = record.home
    if record.kind == SubjectKind.RESIDENT:
        resident = record.resident
        return Subject("resident", home, resident.display_name, resident=resident, named=[resident])
    if record.kind == SubjectKind.RELATIVE:
        from residents.models import RelativeLink

        membership = record.membership
        links = RelativeLink.objects.for_home(home).filter(membership=membership).select_related("resident")
        return Subject(
            "relative",
            home,
            membership.user.full_name,
            membership=membership,
            user=membership.user,
            named=[link.resident for link in links],
        )
    volunteer = record.volunteer
    return Subject("volunteer", home, volunteer.full_name, volunteer=volunteer, user=volunteer.user)


def request_record(
    *,
    home,
    actor,
    kind,
    resident=None,
    membership=None,
    volunteer=None,
    received_on,
    requested_by,
    identity_checked,
    form_token=None,
):
    """Record a request that arrived on ``received_on``: due a month later."""
    requested_by, identity_checked = _text(requested_by), _text(identity_checked)
    if kind not in SubjectKind.values:
        raise DomainError(WHO_MISSING, field="subject")
    chosen = {
        SubjectKind.RESIDENT: resident,
        SubjectKind.RELATIVE: membership,
        SubjectKind.VOLUNTEER: volunteer,
    }[kind]
    if chosen is None or chosen.home_id != home.id:
        raise DomainError(WHO_MISSING, field="subject")
    if kind == SubjectKind.RELATIVE and chosen.role != Role.FAMILY:
        raise DomainError(WHO_MISSING, field="subject")
    if received_on is None:
        raise DomainError(RECEIVED_MISSING, field="received_on")
    if problem := received_on_problem(received_on):
        raise DomainError(problem, field="received_on")
    if not requested_by:
        raise DomainError(REQUESTED_BY_MISSING, field="requested_by")
    if not identity_checked:
        raise DomainError(IDENTITY_MISSING, field="identity_checked")
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        record = SubjectAccessRequest.objects.create(
            home=home,
            kind=kind,
            **{person_field(kind): chosen},
            received_on=received_on,
            due_on=add_months(received_on, 1),
            requested_by=requested_by,
            identity_checked=identity_checked,
            recorded_by=actor,
        )
        once.created(record)
    return record


def request_close(*, home, actor, record, status, closed_on, note, version):
    """Mark a request sent (or withdrawn by the person who made it)."""
    note = _text(note)
    if status not in (SubjectAccessRequest.Status.SENT, SubjectAccessRequest.Status.WITHDRAWN):
        raise DomainError("Choose whether it was sent or withdrawn.", field="status")
    if closed_on is None:
        raise DomainError(CLOSED_ON_MISSING, field="closed_on")
    if not note:
        raise DomainError(CLOSE_NOTE_MISSING, field="note")
    with transaction.atomic(), acting_as(actor):
        locked = SubjectAccessRequest.objects.for_home(home).select_for_update().get(pk=record.pk)
        version_check(
            locked, version, submitted={"status": status, "closed_on": closed_on, "close_note": note}
        )
        if locked.status != SubjectAccessRequest.Status.OPEN:
            raise DomainError(ALREADY_CLOSED)
        if problem := closed_on_problem(closed_on, received_on=locked.received_on):
            raise DomainError(problem, field="closed_on")
        locked.status, locked.closed_on, locked.close_note = status, closed_on, note
        locked.save(update_fields=["status", "closed_on", "close_note", *version_bump(locked)])
    return locked


def export_make(*, home, actor, record, fmt):
    """The export's bytes, logged as made by ``actor``. Returns (bytes, filename, content type)."""
    if record.home_id != home.id:
        raise DomainError("No such request.")
    subject = subject_for(record)
    with transaction.atomic(), acting_as(actor):
        if fmt == AccessExport.Format.PDF:
            content, kind = render.as_pdf(subject, record), "application/pdf"
        else:
            content, kind = render.as_json(subject, record).encode("utf-8"), "application/json"
        AccessExport.objects.create(
            home=home,
            request=record,
            format=fmt,
            made_by=actor,
            made_at=timezone.now(),
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
    slug = "-".join(subject.name.lower().split())[:60]
    return content, f"{record.reference}-{slug}.{fmt}", kind


def anonymise_requests(home, person):
    """``homes.retention``: a request's free text names who asked and how; it
    goes, with the history of the person's requests, downloads and holds (each
    change keeps a linked row's text: their name)."""
    from homes.retention import forget_history, scrub
    from privacy.models import RetentionHold

    field = person_field(person=person)
    requests = SubjectAccessRequest.objects.for_home(home).filter(**{field: person})
    exports = AccessExport.objects.for_home(home).filter(request__in=requests).values_list("pk", flat=True)
    forget_history(AccessExport, list(exports))
    holds = RetentionHold.objects.for_home(home).filter(**{field: person}).values_list("pk", flat=True)
    forget_history(RetentionHold, list(holds))
    return scrub(requests)
