"""Booked visits as the residents app counts them (``residents.selectors.visited``):
an in-person visit, still booked (not cancelled), that has started by ``now``.
Registered from ``VisitsConfig.ready()``."""

from django.db.models import OuterRef

from visits.models import Visit


def last_booked_visit(now):
    return (
        Visit.objects.filter(
            resident=OuterRef("pk"),
            kind=Visit.Kind.VISIT,
            status=Visit.Status.BOOKED,
            starts_at__lte=now,
        )
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )
