"""Reads for background checks and references: the volunteer a page is
about, and one of their checks or references (``None`` when it is not this
home's, or not this volunteer's)."""

from volunteers.models import BackgroundCheck, Reference, Volunteer


def volunteer_for_checks(home, pk):
    return Volunteer.objects.for_home(home).filter(pk=pk).first()


def check_for_page(home, volunteer, pk):
    return (
        BackgroundCheck.objects.for_home(home)
        .filter(volunteer=volunteer, pk=pk)
        .select_related("recorded_by")
        .first()
    )


def reference_for_page(home, volunteer, pk):
    return (
        Reference.objects.for_home(home)
        .filter(volunteer=volunteer, pk=pk)
        .select_related("recorded_by")
        .first()
    )


def checks_of(home, volunteer):
    """Every check recorded for ``volunteer``, the one that counts longest first."""
    return BackgroundCheck.objects.for_home(home).filter(volunteer=volunteer).order_by("-valid_until", "-id")


def references_of(home, volunteer):
    return Reference.objects.for_home(home).filter(volunteer=volunteer).order_by("created_at", "id")
