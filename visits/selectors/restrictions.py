from django.utils import timezone

from visits.models import VisitRestriction


def active_restriction(resident, *, on=None):
    """The visiting restriction in force for this resident on a day, or None."""
    day = on or timezone.localdate()
    return (
        VisitRestriction.objects.for_home(resident.home_id)
        # In force until someone ends it, even past its expected end (the
        # manager's dashboard shows the review as overdue).
        .filter(resident=resident, starts_on__lte=day, ended_on__isnull=True)
        .prefetch_related("exempt_links")
        .order_by("-starts_on")
        .first()
    )


def is_exempt(restriction, membership):
    """An essential care supporter (an exempt link) can always visit."""
    return any(link.membership_id == membership.pk for link in restriction.exempt_links.all())
