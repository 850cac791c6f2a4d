from django.db.models import Count, Q

from residents.models import RelativeLink, Resident


def residents_for_member(membership, *, search=""):
    qs = Resident.objects.for_member(membership).select_related("key_worker")
    if search:
        qs = qs.filter(
            Q(full_name__icontains=search) | Q(preferred_name__icontains=search) | Q(room__iexact=search)
        )
    return qs.order_by("full_name")


def resident_counts(home):
    return Resident.objects.for_home(home).aggregate(
        current=Count("id", filter=Q(status=Resident.Status.CURRENT)),
        in_hospital=Count("id", filter=Q(status=Resident.Status.HOSPITAL)),
    )


def links_for_family(membership):
    """A relative's own links, with the residents they follow."""
    return (
        RelativeLink.objects.for_home(membership.home)
        .filter(membership=membership, status=RelativeLink.Status.ACTIVE)
        .select_related("resident")
        .order_by("resident__full_name")
    )
