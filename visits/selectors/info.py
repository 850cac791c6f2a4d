"""Reads for the home's visiting information and its public page."""

from django.shortcuts import get_object_or_404

from homes.models import Home, Space
from visits.models import VisitingInfo

# Devices are booked for calls; they are not places to spend time together.
DEVICE_KINDS = (Space.Kind.TABLET, Space.Kind.PHONE)


def visiting_info_for(home):
    """The home's visiting information, or an unsaved one with the defaults (one query)."""
    info = VisitingInfo.objects.filter(home=home).first()
    return info if info is not None else VisitingInfo(home=home)


def public_home(slug):
    """The home a public visiting page is about, or 404 (one query)."""
    return get_object_or_404(
        Home.objects.only("id", "name", "slug", "address", "postcode", "phone", "email"), slug=slug
    )


def public_spaces(home):
    """Places to spend time together: this home's spaces in use, not its call devices."""
    return list(
        Space.objects.for_home(home)
        .filter(is_active=True)
        .exclude(kind__in=DEVICE_KINDS)
        .order_by("name")
        .only("id", "name", "kind", "capacity", "bookable", "description", "photo", "opens_at", "closes_at")
    )


def public_space_with_photo(home, pk):
    """A space whose photo may be shown publicly, or 404."""
    space = get_object_or_404(
        Space.objects.for_home(home).filter(is_active=True).exclude(kind__in=DEVICE_KINDS).exclude(photo=""),
        pk=pk,
    )
    return space
