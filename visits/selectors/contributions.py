"""Reads for families' suggested additions to a resident's plan."""

from django.db.models import Prefetch

from homes.models import Interest
from residents.models import RelativeLink, Resident
from visits.models import FamilyContribution

Status = FamilyContribution.Status


def interests_to_choose():
    return Interest.objects.order_by("category", "name")


def _with_people(qs):
    return qs.select_related("resident", "membership__user", "interest", "reviewed_by")


def _link_prefetch():
    return Prefetch("membership__relative_links", queryset=RelativeLink.objects.all(), to_attr="all_links")


def _attach_relationships(contributions):
    for contribution in contributions:
        contribution.links = [
            link for link in contribution.membership.all_links if link.resident_id == contribution.resident_id
        ]
        contribution.relationship = contribution.links[0].relationship if contribution.links else ""
    return contributions


def contributions_for_home(home, *, status=Status.PENDING, limit=200):
    """Contributions of one status (newest reviewed first for answered ones). Two queries."""
    qs = _with_people(FamilyContribution.objects.for_home(home).filter(status=status)).prefetch_related(
        _link_prefetch()
    )
    qs = qs.order_by("created_at", "pk") if status == Status.PENDING else qs.order_by("-reviewed_at", "-pk")
    return _attach_relationships(list(qs[:limit]))


def pending_count(home):
    return FamilyContribution.objects.for_home(home).filter(status=Status.PENDING).count()


def contribution_for_review(home, pk):
    contribution = (
        _with_people(FamilyContribution.objects.for_home(home))
        .prefetch_related(_link_prefetch())
        .filter(pk=pk)
        .first()
    )
    if contribution is not None:
        _attach_relationships([contribution])
    return contribution


def linked_resident(home, membership, pk):
    """One of the relative's own residents (active link), or None."""
    return Resident.objects.for_home(home).for_member(membership).filter(pk=pk).first()


def suggestions_of(home, membership, resident=None, *, limit=50):
    """A relative's own suggestions, newest first, for residents they still follow. One query."""
    qs = (
        FamilyContribution.objects.for_home(home)
        .filter(membership=membership, resident__in=Resident.objects.for_member(membership))
        .select_related("resident", "interest")
        .order_by("-created_at", "-pk")
    )
    if resident is not None:
        qs = qs.filter(resident=resident)
    return list(qs[:limit])


def my_residents(home, membership):
    return list(Resident.objects.for_home(home).for_member(membership).order_by("full_name", "pk"))
