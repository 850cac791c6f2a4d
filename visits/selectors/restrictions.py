from django.utils import timezone

from residents.models import RelativeLink
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


def keeps_visiting(restriction, membership, resident):
    """Anne's Law: may this relative visit (and book) ``resident`` whatever
    ``restriction`` is in force? An exempt link always may; so may a relative
    named in the plan as an essential care supporter (they can always visit);
    and when the resident is at the end of life or their condition has
    significantly deteriorated, so may every named relative (anyone with an
    active link to them)."""
    if is_exempt(restriction, membership):
        return True
    link = (
        RelativeLink.objects.for_home(resident.home_id)
        .filter(resident=resident, membership=membership, status=RelativeLink.Status.ACTIVE)
        .select_related("person")
        .first()
    )
    if link is None:
        return False
    if link.person is not None and link.person.essential_care_supporter:
        return True
    return bool(resident.visiting_priority)
