"""What the residents app holds about a person who left, anonymised when
their organisation's retention period is over (``homes.retention``)."""

from homes.retention import REMOVED, register_anonymiser, replace_names, scrub
from residents.models import (
    Connection,
    ConnectionParticipant,
    Consent,
    Friendship,
    LonelinessMeasure,
    PersonalPlan,
    PersonWhoMatters,
    PlanReview,
    RelativeLink,
    Resident,
    SupportFlag,
)

FORMER = "a former resident"


def names_of(resident, *, first=True):
    """The names a note may call them by: full, preferred and (``first``) first name."""
    names = {resident.full_name.strip(), resident.preferred_name.strip()}
    if first and resident.full_name.strip():
        names.add(resident.full_name.split(" ")[0].strip())
    return sorted((n for n in names if len(n) >= 3), key=len, reverse=True)


def anonymise_resident(home, resident):
    changed = 0
    # Connections shared with other residents stay in their records: only
    # this resident's names leave the shared note. Theirs alone are scrubbed.
    theirs = Connection.objects.for_home(home).filter(participants__resident=resident).distinct()
    alone, shared = [], []
    for connection in theirs.prefetch_related("participants"):
        everyone = {p.resident_id for p in connection.participants.all()}
        (alone if everyone == {resident.pk} else shared).append(connection.pk)
    changed += replace_names(
        Connection.objects.for_home(home).filter(pk__in=shared), ["note"], names_of(resident), FORMER
    )
    changed += scrub(
        Connection.objects.for_home(home).filter(pk__in=alone), keep=("with_name", "struck_out_reason")
    )
    # A connection of someone else's with them ("Sat with Edna in the garden") stays theirs.
    changed += replace_names(
        Connection.objects.for_home(home).filter(other_resident=resident).exclude(pk__in=alone),
        ["note"],
        names_of(resident),
        FORMER,
    )
    changed += scrub(ConnectionParticipant.objects.for_home(home).filter(resident=resident))
    changed += scrub(PersonalPlan.objects.for_home(home).filter(resident=resident))
    changed += scrub(PlanReview.objects.for_home(home).filter(plan__resident=resident))
    changed += scrub(
        PersonWhoMatters.objects.for_home(home).filter(resident=resident), keep=("relationship",)
    )
    changed += scrub(
        Friendship.objects.for_home(home).filter(resident_a=resident)
        | Friendship.objects.for_home(home).filter(resident_b=resident)
    )
    changed += scrub(SupportFlag.objects.for_home(home).filter(resident=resident))
    changed += scrub(LonelinessMeasure.objects.for_home(home).filter(resident=resident))
    consents = Consent.objects.for_home(home).filter(resident=resident)
    changed += scrub(consents.filter(given_by="resident"))
    # An attorney's consent must name someone: the name goes, the fact stays.
    changed += scrub(consents.exclude(given_by="resident"), given_by_name=REMOVED)
    changed += scrub(RelativeLink.objects.for_home(home).filter(resident=resident), keep=("relationship",))
    changed += scrub(
        Resident.objects.for_home(home).filter(pk=resident.pk),
        full_name=f"Former resident {resident.pk}",
        date_of_birth=None,
        photo_consent=False,
        photo_share_family=False,
    )
    return changed


def register():
    register_anonymiser("resident", "residents", anonymise_resident)
