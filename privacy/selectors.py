"""Reads for the requests pages, each in a fixed number of queries."""

from django.db.models import Count, Q

from carehome.timeutils import today
from homes.models import Membership, Role
from privacy.export import source_rows
from privacy.models import AccessExport, SubjectAccessRequest
from privacy.services import subject_for
from privacy.sources import sources_for


def requests_of(home):
    return SubjectAccessRequest.objects.for_home(home).select_related(
        "resident", "membership__user", "volunteer", "recorded_by"
    )


def requests_page(home):
    rows = list(requests_of(home).order_by("due_on", "id"))
    now = today()
    open_rows = [r for r in rows if r.status == SubjectAccessRequest.Status.OPEN]
    for r in open_rows:
        r.days_left = (r.due_on - now).days
    closed = sorted(
        (r for r in rows if r.status != SubjectAccessRequest.Status.OPEN),
        key=lambda r: (r.closed_on, r.pk),
        reverse=True,
    )
    return {"open": open_rows, "closed": closed}


def people_for_requests(home):
    """Everyone a request can be about: residents (those who left too), the
    home's relatives and friends with an account, and its volunteers."""
    from residents.models import Resident
    from volunteers.models import Volunteer

    return {
        "residents": list(Resident.objects.for_home(home).order_by("full_name", "pk")),
        "relatives": list(
            Membership.objects.for_home(home)
            .filter(role=Role.FAMILY)
            .select_related("user")
            .order_by("user__full_name", "pk")
        ),
        "volunteers": list(Volunteer.objects.for_home(home).order_by("full_name", "pk")),
    }


def pick(rows, pk, wanted=True):
    if not wanted:
        return None
    return next((row for row in rows if row.pk == pk), None)


def request_page(home, record):
    """The request, what its export holds (rows per section) and its log."""
    subject = subject_for(record)
    held = []
    for source in sources_for(subject.kind):
        count = source_rows(source, subject).count()
        held.append({"title": source.title, "count": count})
    exports = list(
        AccessExport.objects.for_home(home)
        .filter(request=record)
        .select_related("made_by")
        .order_by("-made_at")
    )
    return {"held": held, "exports": exports, "overdue": record.status == "open" and record.due_on < today()}


def open_requests(home):
    """For the dashboard: open requests and how many are overdue or due within a week."""
    now = today()
    return (
        SubjectAccessRequest.objects.for_home(home)
        .filter(status=SubjectAccessRequest.Status.OPEN)
        .aggregate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(due_on__lt=now)),
        )
    )
