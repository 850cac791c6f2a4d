"""What the visits app holds about a person who left, anonymised when their
organisation's retention period is over (``homes.retention``)."""

from homes.models import SpaceHold
from homes.retention import forget_rows, register_anonymiser, replace_names, scrub
from residents.retention import FORMER, names_of
from visits.models import (
    CalendarFeed,
    EventInvitation,
    EventReply,
    FamilyContribution,
    PendingFamilyLink,
    RestrictionReview,
    SharedUpdate,
    Visit,
    VisitRestriction,
)


def anonymise_resident(home, resident):
    # The room's booking stays on the calendar ("Visit with a former resident").
    holds = SpaceHold.objects.for_home(home).filter(
        pk__in=Visit.objects.for_home(home).filter(resident=resident).values("hold_id")
    )
    changed = replace_names(holds, ["label"], names_of(resident), FORMER)
    changed += scrub(Visit.objects.for_home(home).filter(resident=resident))
    changed += scrub(SharedUpdate.objects.for_home(home).filter(resident=resident))
    changed += scrub(VisitRestriction.objects.for_home(home).filter(resident=resident))
    changed += scrub(RestrictionReview.objects.for_home(home).filter(restriction__resident=resident))
    changed += scrub(FamilyContribution.objects.for_home(home).filter(resident=resident))
    changed += scrub(EventInvitation.objects.for_home(home).filter(resident=resident))
    changed += scrub(EventReply.objects.for_home(home).filter(event__resident=resident))
    pending = PendingFamilyLink.objects.for_home(home).filter(resident=resident)
    changed += forget_rows(pending)
    return changed


def anonymise_relative(home, membership):
    """Their name leaves the visits they booked (the visits stay in the
    resident's history); their replies and suggestions lose their words;
    their calendar subscriptions end."""
    changed = scrub(Visit.objects.for_home(home).filter(booked_by=membership))
    changed += scrub(EventReply.objects.for_home(home).filter(membership=membership))
    changed += scrub(FamilyContribution.objects.for_home(home).filter(membership=membership))
    changed += forget_rows(CalendarFeed.objects.for_home(home).filter(membership=membership))
    return changed


def register():
    register_anonymiser("resident", "visits", anonymise_resident)
    register_anonymiser("relative", "visits", anonymise_relative)
