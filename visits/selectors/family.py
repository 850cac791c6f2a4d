"""Reads for family accounts: a resident's linked relatives, invitations
waiting, shared updates, and what a relative sees on their home page."""

from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, Q

from carehome.query import parse_id
from residents.models import PersonWhoMatters, RelativeLink, Resident
from residents.selectors.consent import USE_FAMILY, news_residents_for, photo_allowed, photo_consented
from visits.models import PendingFamilyLink, SharedUpdate

UPDATES_ON_PAGE = 20
UPDATES_ON_PANEL = 5


@dataclass
class FamilyLinksPage:
    links: list
    pending: list
    people: list
    updates: list
    more_updates: bool


def news_photo_allowed(home, resident):
    """Whether a photo may go with news about ``resident``, or be shown to their
    family, now: the register holds their live consent to photos being shared
    with families of the home (and so shown inside it). One query."""
    return photo_allowed(home, [resident.pk], USE_FAMILY)


def news_photo_residents(home):
    """The ids of residents (a subquery) whose news photos their family may see now."""
    return photo_consented(home, USE_FAMILY)


def with_photo_to_family(updates, home):
    """``updates`` marked with ``photo_to_family``: whether the resident's live
    consent lets their family see a photo with the news now. Read in the same
    query, so a list costs no more."""
    return updates.annotate(
        photo_to_family=ExpressionWrapper(
            Q(resident_id__in=news_photo_residents(home)), output_field=BooleanField()
        )
    )


def open_pending_links(home):
    """Pending links whose invitation can still be accepted (not used, not withdrawn)."""
    return PendingFamilyLink.objects.for_home(home).filter(
        invitation__accepted_at__isnull=True, invitation__revoked_at__isnull=True
    )


def family_links_page(home, resident):
    """Everything on a resident's family page, in four queries whatever the numbers."""
    links = list(
        RelativeLink.objects.for_home(home)
        .filter(resident=resident)
        .select_related("membership__user", "status_changed_by", "person")
        .order_by("status", "membership__user__full_name")
    )
    pending = list(
        open_pending_links(home)
        .filter(resident=resident)
        .select_related("invitation", "invitation__invited_by")
        .order_by("-invitation__created_at")
    )
    linked_people = {link.person_id for link in links if link.person_id}
    invited_people = {p.person_id for p in pending if p.person_id}
    people = list(PersonWhoMatters.objects.for_home(home).filter(resident=resident, is_active=True))
    for person in people:
        person.has_account = person.pk in linked_people
        person.is_invited = person.pk in invited_people
    updates = list(
        with_photo_to_family(SharedUpdate.objects.for_home(home).filter(resident=resident), home)
        .select_related("shared_by")
        .order_by("-created_at", "-pk")[: UPDATES_ON_PAGE + 1]
    )
    return FamilyLinksPage(
        links=links,
        pending=pending,
        people=people,
        updates=updates[:UPDATES_ON_PAGE],
        more_updates=len(updates) > UPDATES_ON_PAGE,
    )


def person_for(home, resident, person_id):
    """One of the resident's people who matter, or None."""
    person_id = parse_id(person_id)
    if person_id is None:
        return None
    return PersonWhoMatters.objects.for_home(home).filter(resident=resident, pk=person_id).first()


def other_residents(home, resident):
    """Residents living here now, other than this one (to link the same invitation to)."""
    return Resident.objects.for_home(home).current().exclude(pk=resident.pk).order_by("full_name", "pk")


def link_for_status(home, pk):
    return (
        RelativeLink.objects.for_home(home)
        .select_related("resident", "resident__key_worker", "membership__user", "status_changed_by")
        .filter(pk=pk)
        .first()
    )


def updates_for_family(membership, limit=UPDATES_ON_PANEL):
    """The newest updates shared about the residents this relative is actively
    linked to and named in their consent to news (one query). Nothing for
    anyone else. ``photo_to_family`` says whether each one's photo may be shown."""
    # Only where the resident's live consent to news names this relative
    # (read now: a withdrawal hides every update at once).
    linked = news_residents_for(membership)
    return list(
        with_photo_to_family(
            SharedUpdate.objects.filter(home_id=membership.home_id, resident_id__in=linked),
            membership.home_id,
        )
        .select_related("resident")
        .order_by("-created_at", "-pk")[:limit]
    )
