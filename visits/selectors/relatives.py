"""What a relative sees under each person on their "My relatives" page: the
news the home shared with families, their next visits and calls, and the
meals and activities they are invited to. One selector, four queries for any
number of people."""

from dataclasses import dataclass, field

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from residents.selectors.consent import news_residents_for
from visits.models import SharedUpdate, Visit
from visits.selectors.booking import device_kinds_available, visible_visits
from visits.selectors.events import upcoming_invitations_for
from visits.selectors.family import with_photo_to_family

NEWS_PER_PERSON = 3
VISITS_PER_PERSON = 3
INVITATIONS_SHOWN = 20


@dataclass
class RelativeHome:
    updates: list = field(default_factory=list)
    visits: list = field(default_factory=list)
    invitations: list = field(default_factory=list)


def _first_of_each(queryset, order_by, limit):
    """The first ``limit`` rows per resident, in one query."""
    return queryset.annotate(
        place=Window(RowNumber(), partition_by=[F("resident_id")], order_by=order_by)
    ).filter(place__lte=limit)


def _photo_src(home, update):
    """The address of an update's photo, if it has one the family may see
    (the register holds the resident's live consent to photos being shared
    with families of the home, read with the news); else ''."""
    photo = getattr(update, "photo", None)
    if not photo or not getattr(update, "photo_to_family", False):
        return ""
    try:
        return reverse("visits:update_photo", args=[home.slug, update.pk])
    except NoReverseMatch:
        return ""


def relatives_home(home, membership, residents, *, now=None):
    """``({resident pk: RelativeHome}, general invitations, call kind)`` for
    the residents a relative is linked to. General invitations are about
    nobody in particular; call kind is the kind of call the home can hold
    ("video_call", "phone_call" or ""). Four queries, whatever the numbers."""
    now = now or timezone.now()
    pks = [resident.pk for resident in residents]
    found = {pk: RelativeHome() for pk in pks}
    general = []
    if not pks:
        return found, general, ""
    updates = _first_of_each(
        # Only news the resident's live consent lets reach this relative, each
        # marked with whether their consent lets the family see its photo.
        with_photo_to_family(
            SharedUpdate.objects.for_home(home)
            .filter(resident_id__in=pks)
            .filter(resident_id__in=news_residents_for(membership)),
            home,
        ).select_related("resident"),
        [F("created_at").desc(), F("pk").desc()],
        NEWS_PER_PERSON,
    ).order_by("-created_at", "-pk")
    for update in updates:
        update.photo_src = _photo_src(home, update)
        found[update.resident_id].updates.append(update)
    visits = _first_of_each(
        visible_visits(home, membership)
        .filter(booked_by=membership, resident_id__in=pks, status=Visit.Status.BOOKED, ends_at__gte=now)
        .select_related("resident", "space"),
        [F("starts_at").asc(), F("pk").asc()],
        VISITS_PER_PERSON,
    ).order_by("starts_at", "pk")
    for visit in visits:
        found[visit.resident_id].visits.append(visit)
    for reply in upcoming_invitations_for(home, membership, limit=INVITATIONS_SHOWN):
        resident_id = reply.event.resident_id
        if resident_id in found:
            found[resident_id].invitations.append(reply)
        elif resident_id is None:
            general.append(reply)
    devices = device_kinds_available(home)
    call_kind = ""
    if "tablet" in devices:
        call_kind = Visit.Kind.VIDEO_CALL
    elif "phone" in devices:
        call_kind = Visit.Kind.PHONE_CALL
    return found, general, call_kind
