from django.db.models import Count, Q

from residents.models import RelativeLink, Resident


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
