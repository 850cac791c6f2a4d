"""Reads for partners, places and the local area.

* The partners list: this home's partnerships with their last contact (the
  latest of the contact history and of past activities together, worked out
  in the query), whether each is "going cold", and the directory partners the
  home does not work with yet.
* "Partners who match our residents' interests": directory partners ranked by
  how many people living here have an interest the partner offers.
* The local area: partnerships, directory partners and places as one list,
  nearest first (as the crow flies from the home).

Each page costs a fixed number of queries however many partners there are.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import DateField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.urls import reverse
from django.utils import timezone

from community.models import Occurrence, Partner, PartnerContact, PartnerKind, Partnership, Place
from homes.models import Interest, Membership
from residents.models import PersonalPlan, Resident

LIVING_HERE = (Resident.Status.CURRENT, Resident.Status.HOSPITAL)
EARTH_RADIUS_MILES = 3958.8
MATCHES_SHOWN = 10


# --- Going cold -------------------------------------------------------------------------------


def cold_after_days(rhythm):
    """A partnership goes cold after its rhythm and half as long again with no contact."""
    return rhythm * 3 // 2


def cold_since(partnership, *, last_contact_on, on):
    """The day ``partnership`` went cold (no contact for longer than its
    rhythm × 1.5; or none at all since it started that long ago), or None
    while it is warm, paused or ended."""
    if partnership.status != Partnership.Status.ACTIVE:
        return None
    start = partnership.started_on or timezone.localdate(partnership.created_at)
    since = max(last_contact_on, start) if last_contact_on else start
    grace = cold_after_days(partnership.rhythm)
    if (on - since).days > grace:
        return since + timedelta(days=grace + 1)
    return None


def with_last_contact(queryset, *, now=None):
    """Partnerships annotated with ``last_contact_on``: the latest contact
    recorded, or activity together that has happened (not cancelled)."""
    now = now or timezone.now()
    contact = PartnerContact.objects.filter(partnership=OuterRef("pk")).order_by("-on").values("on")[:1]
    activity = (
        Occurrence.objects.filter(activity__partnership=OuterRef("pk"), starts_at__lt=now)
        .exclude(status=Occurrence.Status.CANCELLED)
        .order_by("-starts_at")
        .annotate(day=TruncDate("starts_at"))
        .values("day")[:1]
    )
    last_contact = Subquery(contact, output_field=DateField())
    last_activity = Subquery(activity, output_field=DateField())
    return queryset.annotate(
        last_contact_on=Greatest(
            Coalesce(last_contact, last_activity),
            Coalesce(last_activity, last_contact),
            output_field=DateField(),
        )
    )


def mark_cold(partnerships, *, on):
    for p in partnerships:
        p.cold_since = cold_since(p, last_contact_on=p.last_contact_on, on=on)
        p.cold_days = (on - p.cold_since).days if p.cold_since else 0
    return partnerships


def cold_partnerships(home, *, on=None):
    """This home's active partnerships that are going cold, coldest first."""
    on = on or timezone.localdate()
    rows = (
        Partnership.objects.for_home(home)
        .filter(status=Partnership.Status.ACTIVE)
        .select_related("partner", "contact__user")
    )
    rows = mark_cold(list(with_last_contact(rows)), on=on)
    return sorted((p for p in rows if p.cold_since), key=lambda p: (p.cold_since, p.partner.name))


# --- Filters ----------------------------------------------------------------------------------


def interest_choices():
    return Interest.objects.order_by("category", "name")


def parse_filters(params, *, kinds):
    """(kind, interest) from a GET form: unknown values are ignored."""
    kind = params.get("kind") or ""
    if kind not in kinds:
        kind = ""
    interest = None
    raw = params.get("interest") or ""
    if raw.isascii() and raw.isdigit() and len(raw) < 10:
        interest = Interest.objects.filter(pk=int(raw)).first()
    return kind, interest


def _offering(interest):
    return Partner.objects.filter(Q(offers=interest) | Q(would_like=interest)).values("pk")


# --- The partners list ------------------------------------------------------------------------


def _directory(home):
    return (
        Partner.objects.for_home(home)
        .active()
        .select_related("organisation")
        .prefetch_related(Prefetch("offers", queryset=Interest.objects.order_by("name")))
        .order_by("name")
    )


def _partnerships(home):
    return (
        Partnership.objects.for_home(home)
        .select_related("partner", "partner__organisation", "contact__user")
        .prefetch_related(Prefetch("partner__offers", queryset=Interest.objects.order_by("name")))
    )


NEARBY_MILES = 15  # the local area lists what is within this distance first; matches stay within it


@dataclass
class Match:
    partner: object
    residents: int
    shared: list
    partnership_id: int | None = None


def interest_matches(home, directory, partnership_ids):
    """Directory partners ranked by how many people living here have an
    interest the partner offers: [Match], best first, those with none left out.
    ``directory`` has its offers prefetched; one query for the residents' interests."""
    pairs = PersonalPlan.interests.through.objects.filter(
        personalplan__home=home, personalplan__resident__status__in=LIVING_HERE
    ).values_list("personalplan__resident_id", "interest_id")
    people = defaultdict(set)
    for resident_id, interest_id in pairs:
        people[interest_id].add(resident_id)
    found = []
    for partner in directory:
        shared = [i for i in partner.offers.all() if i.pk in people]
        if not shared:
            continue
        if home.latitude is not None and partner.latitude is not None:
            miles = distance_miles(home.latitude, home.longitude, partner.latitude, partner.longitude)
            if miles is not None and miles > NEARBY_MILES:
                continue  # too far to be a partner for this home, however well it matches
        who = set().union(*(people[i.pk] for i in shared))
        shared.sort(key=lambda i: (-len(people[i.pk]), i.name))
        found.append(
            Match(
                partner,
                len(who),
                [(i, len(people[i.pk])) for i in shared],
                partnership_ids.get(partner.pk),
            )
        )
    found.sort(key=lambda m: (-m.residents, -len(m.shared), m.partner.name.lower()))
    return found


def partners_page(home, *, kind="", interest=None, on=None):
    """Everything the partners list shows, in a fixed number of queries."""
    on = on or timezone.localdate()
    rows = with_last_contact(_partnerships(home))
    directory = _directory(home)
    if kind:
        rows = rows.filter(partner__kind=kind)
        directory = directory.filter(kind=kind)
    if interest is not None:
        rows = rows.filter(partner__in=_offering(interest))
        directory = directory.filter(pk__in=_offering(interest))
    partnerships = mark_cold(list(rows.order_by("partner__name")), on=on)
    partnerships.sort(key=lambda p: p.cold_since is None)  # going cold first, then by name
    directory = list(directory)
    ours = {
        partner_id: pk
        for partner_id, pk in Partnership.objects.for_home(home).values_list("partner_id", "pk")
    }
    return {
        "partnerships": partnerships,
        "cold": [p for p in partnerships if p.cold_since],
        "not_yet": [p for p in directory if p.pk not in ours],
        "matches": interest_matches(home, directory, ours)[:MATCHES_SHOWN],
    }


def partnership_for_page(home, pk):
    found = (
        with_last_contact(_partnerships(home).prefetch_related("partner__would_like")).filter(pk=pk).first()
    )
    if found is not None:
        mark_cold([found], on=timezone.localdate())
    return found


def partner_history(home, partnership):
    """The contact history, newest first, and the activities together, past and coming."""
    contacts = list(
        PartnerContact.objects.for_home(home)
        .filter(partnership=partnership)
        .select_related("recorded_by")
        .order_by("-on", "-id")
    )
    now = timezone.now()
    occurrences = (
        Occurrence.objects.for_home(home)
        .filter(activity__partnership=partnership)
        .select_related("activity")
        .order_by("starts_at")
    )
    coming = list(occurrences.filter(starts_at__gte=now).exclude(status=Occurrence.Status.CANCELLED)[:10])
    past = list(occurrences.filter(starts_at__lt=now).order_by("-starts_at")[:10])
    return {"contacts": contacts, "coming": coming, "past": past}


def directory_partner(home, pk):
    """A partner in a directory this home uses, or None."""
    return Partner.objects.for_home(home).select_related("organisation").filter(pk=pk).first()


def contact_choices(home, *, keep=None):
    """Who can be a partnership's point of contact: the home's active staff,
    champions and managers (and ``keep``, the contact already chosen)."""
    from community.services.partners import CONTACT_ROLES

    chosen = Q(role__in=CONTACT_ROLES, is_active=True, user__is_active=True)
    if keep is not None:
        chosen |= Q(pk=keep)
    return Membership.objects.for_home(home).filter(chosen).select_related("user").order_by("user__full_name")


def place_for_page(home, pk):
    return Place.objects.for_home(home).filter(pk=pk).prefetch_related("interests").first()


# --- The local area ---------------------------------------------------------------------------


def distance_miles(lat1, lng1, lat2, lng2):
    """As the crow flies (haversine), in miles; None if either place has no coordinates."""
    if None in (lat1, lng1, lat2, lng2):
        return None
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp = p2 - p1
    dl = math.radians(float(lng2) - float(lng1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def miles_text(miles):
    if miles is None:
        return "Distance not known"
    rounded = round(miles, 1)
    return f"{rounded:.1f} mile{'' if rounded == 1 else 's'}"


@dataclass
class Nearby:
    key: str  # "partnership-3", "partner-9", "place-2": unique on the page and in the map data
    name: str
    kind: str  # "partner:school" or "place:park", the filter's value
    kind_label: str
    url: str
    miles: float | None
    address: str
    postcode: str
    travel_notes: str
    access_notes: str
    interests: list = field(default_factory=list)
    latitude: object = None
    longitude: object = None
    working_with: bool = False
    cold: bool = False

    @property
    def distance(self):
        return miles_text(self.miles)

    @property
    def is_place(self):
        return self.kind.startswith("place:")


def area_kinds():
    """The local area's kind filter: [(group, [(value, label)])]."""
    return [
        ("Partners", [(f"partner:{v}", label) for v, label in PartnerKind.choices]),
        ("Places", [(f"place:{v}", label) for v, label in Place.Kind.choices]),
    ]


def area_kind_values():
    return {value for _, options in area_kinds() for value, _ in options}


def local_area(home, *, kind="", interest=None, on=None):
    """Partnerships, directory partners the home does not work with yet and
    places, nearest first (those with no distance last, by name)."""
    on = on or timezone.localdate()
    slug = home.slug
    want_partners = not kind or kind.startswith("partner:")
    want_places = not kind or kind.startswith("place:")
    what = kind.split(":", 1)[1] if kind else ""
    here = (home.latitude, home.longitude)
    items = []
    partnership_ids = set()
    if want_partners:
        rows = with_last_contact(_partnerships(home))
        directory = _directory(home)
        if what:
            rows, directory = rows.filter(partner__kind=what), directory.filter(kind=what)
        if interest is not None:
            rows = rows.filter(partner__in=_offering(interest))
            directory = directory.filter(pk__in=_offering(interest))
        partnership_ids = dict(Partnership.objects.for_home(home).values_list("partner_id", "pk"))
        for p in mark_cold(list(rows), on=on):
            partner = p.partner
            items.append(
                Nearby(
                    key=f"partnership-{p.pk}",
                    name=partner.name,
                    kind=f"partner:{partner.kind}",
                    kind_label=partner.get_kind_display(),
                    url=reverse("community:partner", kwargs={"home_slug": slug, "pk": p.pk}),
                    miles=distance_miles(*here, partner.latitude, partner.longitude),
                    address=partner.address,
                    postcode=partner.postcode,
                    travel_notes=p.travel_notes,
                    access_notes="; ".join(x for x in (partner.venue_access, p.access_notes) if x),
                    interests=[i.name for i in partner.offers.all()],
                    latitude=partner.latitude,
                    longitude=partner.longitude,
                    working_with=True,
                    cold=bool(p.cold_since),
                )
            )
        for partner in directory:
            if partner.pk in partnership_ids:
                continue
            items.append(
                Nearby(
                    key=f"partner-{partner.pk}",
                    name=partner.name,
                    kind=f"partner:{partner.kind}",
                    kind_label=partner.get_kind_display(),
                    url=reverse(
                        "community:partnership_add", kwargs={"home_slug": slug, "partner_pk": partner.pk}
                    ),
                    miles=distance_miles(*here, partner.latitude, partner.longitude),
                    address=partner.address,
                    postcode=partner.postcode,
                    travel_notes="",
                    access_notes=partner.venue_access,
                    interests=[i.name for i in partner.offers.all()],
                    latitude=partner.latitude,
                    longitude=partner.longitude,
                )
            )
    if want_places:
        places = (
            Place.objects.for_home(home)
            .filter(is_active=True)
            .prefetch_related(Prefetch("interests", queryset=Interest.objects.order_by("name")))
        )
        if what:
            places = places.filter(kind=what)
        if interest is not None:
            places = places.filter(
                pk__in=Place.objects.for_home(home).filter(interests=interest).values("pk")
            )
        for place in places:
            items.append(
                Nearby(
                    key=f"place-{place.pk}",
                    name=place.name,
                    kind=f"place:{place.kind}",
                    kind_label=place.get_kind_display(),
                    url=reverse("community:place_edit", kwargs={"home_slug": slug, "pk": place.pk}),
                    miles=distance_miles(*here, place.latitude, place.longitude),
                    address=place.address,
                    postcode=place.postcode,
                    travel_notes=place.travel_notes,
                    access_notes=place.access_notes,
                    interests=[i.name for i in place.interests.all()],
                    latitude=place.latitude,
                    longitude=place.longitude,
                )
            )
    items.sort(key=lambda n: (n.miles is None, n.miles or 0, n.name.lower()))
    return items


def map_points(home, items):
    """The map's data island: the home and every item with coordinates,
    numbered as in the list (the list shows the numbers when the map is on)."""
    points = [
        {
            "number": number,
            "name": n.name,
            "kind": n.kind_label,
            "distance": n.distance,
            "miles": n.miles,
            "lat": float(n.latitude),
            "lng": float(n.longitude),
            "url": n.url,
            "place": n.is_place,
        }
        for number, n in enumerate(items, start=1)
        if n.latitude is not None and n.longitude is not None
    ]
    centre = None
    if home.latitude is not None and home.longitude is not None:
        centre = {"name": home.name, "lat": float(home.latitude), "lng": float(home.longitude)}
    return {"home": centre, "points": points}
