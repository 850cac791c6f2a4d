"""Reads for the public "Volunteer with us" pages: the home or organisation a
page is about, and the homes an organisation takes applications for."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from homes.models import Home, Organisation
from homes.scoping import crossing_homes
from volunteers.models import VolunteerRole, VolunteerSettings


def public_home(slug):
    """The home a public page is about, or 404 (one query)."""
    return get_object_or_404(
        Home.objects.only("id", "name", "slug", "address", "postcode", "phone", "email", "nation"), slug=slug
    )


def public_organisation(slug):
    """The organisation a public page is about, or 404 (one query)."""
    return get_object_or_404(Organisation, slug=slug)


def recruiting_homes(organisation):
    """The homes taking applications through ``organisation``'s page, by name:
    its own homes and those that name it in their settings (``recruit_through``),
    less any not taking applications now. One query."""
    with crossing_homes("an organisation's page lists the homes that take applications through it"):
        through = VolunteerSettings.objects.filter(recruit_through=organisation).values("home_id")
        closed = VolunteerSettings.objects.filter(recruiting=False).values("home_id")
        return list(
            Home.objects.filter(Q(organisation=organisation) | Q(pk__in=through))
            .exclude(pk__in=closed)
            .order_by("name", "pk")
        )


def roles_offered(home):
    """The home's roles in use: what an applicant may say they would like to do."""
    return VolunteerRole.objects.for_home(home).filter(is_active=True).order_by("name")
