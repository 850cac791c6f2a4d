"""Demo partners and places: about a dozen partners of different kinds
around each home (one partnership going cold), each with a contact history;
a park, a café and the canal; the home's own location; and a connector
charity, Linking Lives Manchester, whose directory Rowan House and Hazel
Lodge use, with a member of its staff at both
(``connector@rowan-house.example.com``); both homes share their outcome
figures with her.

Later areas look Rowan House's partners up by name: Little Acorns Nursery,
Rowan Singers, Hollingworth Anglers, Greenfingers Allotment Society, St Mary's
Primary School and Ring and Ride.

Idempotent (unique names; nothing is added twice) and bulk.
"""

import zlib
from datetime import timedelta
from decimal import Decimal

from accounts.models import User
from community.models import (
    CommunitySettings,
    Partner,
    PartnerContact,
    PartnerKind,
    Partnership,
    Place,
    Rhythm,
)
from homes.demo import email
from homes.models import Home, Interest, Membership, Organisation, Role

K = PartnerKind
R = Rhythm

# Where the demo homes are (by the start of their name): Greater Manchester,
# Stirlingshire, Leicestershire and Cardiff.
HOME_LOCATIONS = {
    "Rowan House": ("53.615800", "-2.156100"),
    "Birch Court": ("56.081000", "-3.976000"),
    "Hazel Lodge": ("52.636900", "-1.139800"),
    "Willow Bank": ("51.481600", "-3.179100"),
}

CONNECTOR = ("linking-lives-manchester", "Linking Lives Manchester")
CONNECTOR_HOMES = ("rowan-house", "hazel-lodge")

# name, kind, offers, would like (words), rhythm, (north, east) in miles from the home or None,
# contact person, their role, what they do, days since the last contact (None: no partnership),
# travel notes, access at their venue
ROWAN = [
    ("Little Acorns Nursery", K.NURSERY, ["Singing", "Crafts"], "Time with older people: stories and songs",
     R.FORTNIGHTLY, (0.4, -0.3), "Jade Holt", "Nursery manager",
     "A small day nursery on Mill Lane. Its pre-school group visits to sing, paint and read with residents.",
     6, "A 5-minute walk; they come to us", "Step-free; buggy park by the door"),
    ("Rowan Singers", K.OTHER, ["Singing", "Choir", "Music"],
     "Somewhere to rehearse: our lounge on Thursday evenings", R.WEEKLY, (1.1, 0.6), "Maureen Platt",
     "Choir secretary", "A community choir of about 25 voices. Rehearses in the home's lounge and sings with "
     "residents afterwards.", 4, "They come to us", "The lounge: level, hearing loop"),
    ("Hollingworth Anglers", K.SPORTS_CLUB, ["Fishing", "Nature"],
     "New members, and a place for a winter talk", R.MONTHLY, (1.7, 3.6), "Dave Ogden", "Club secretary",
     "An angling club on Hollingworth Lake. Members take residents fishing from the accessible platform.",
     20, "20 minutes in the minibus; park at the visitor centre", "Accessible fishing platform; "
     "accessible toilets at the visitor centre"),
    ("Greenfingers Allotment Society", K.GARDENING_CLUB, ["Gardening", "Nature"],
     "Help with seed sowing in spring", R.FORTNIGHTLY, (-0.6, 0.9), "Ray Butterworth", "Chair",
     "Allotment holders who run a gardening morning in the home's raised beds and share their produce.",
     9, "They come to us; the allotments are a 10-minute wheel", "Allotments: gravel paths, one raised bed"),
    ("St Mary's Primary School", K.SCHOOL, ["Reading", "Singing", "Local history"],
     "Local history for Year 5's project", R.MONTHLY, (0.8, -0.9), "Anna Kowalczyk", "Year 2 teacher",
     "Year 2 visit once a month to read and sing; Year 5 interview residents about the town in the past.",
     15, "10 minutes in the minibus", "Step-free to the hall; accessible toilet"),
    ("Ring and Ride", K.COMMUNITY_TRANSPORT, [], "Bookings at least 7 days ahead", R.MONTHLY, None,
     "Bookings line", "", "Door-to-door accessible minibuses with a tail lift, for up to 8 people with "
     "wheelchairs.", 25, "They collect from the front door", "Tail lift; two wheelchair spaces"),
    ("Kirkby Ashton Library", K.LIBRARY, ["Reading", "Local history", "Reminiscence"],
     "Memories for the local history archive", R.MONTHLY, (0.2, 0.5), "Colin Greaves", "Librarian",
     "Runs a monthly reminiscence session with old photographs of the town, and lends large-print books.",
     62, "A 10-minute walk, or 3 minutes in the minibus", "Ramp at the side door; lift to the first floor"),
    ("St Chad's Church", K.FAITH_GROUP, ["Church", "Singing"], "", R.MONTHLY, (-0.3, -0.4), "Rev. Sarah Lunt",
     "Vicar", "Holds a short service in the home each month and welcomes residents to Sunday services.",
     12, "A 5-minute wheel; level all the way", "Step-free at the west door; hearing loop"),
    ("Ashton Youth Club", K.YOUTH_GROUP, ["Computers and tablets", "Cards and board games"],
     "Volunteering hours for the Duke of Edinburgh's Award", R.MONTHLY, (0.9, 0.2), "Liam Costello",
     "Youth worker", "Teenagers help residents with tablets and video calls, and play dominoes and cards.",
     10, "They come to us", "Club hall: step at the door, portable ramp"),
    ("Millside Museum", K.MUSEUM, ["Local history", "Reminiscence", "History"], "", R.TERMLY, (1.5, -1.2),
     "Priya Shah", "Learning officer", "The town's museum of the cotton mills; lends handling boxes.",
     None, "", "Lift to all floors; wheelchairs to borrow"),
    ("Hopwood College", K.UNIVERSITY, ["Music", "Computers and tablets"], "Placements for health students",
     R.TERMLY, (2.4, 1.8), "Tom Ashworth", "Placement co-ordinator",
     "Further education college; music and health and social care students.", None, "", "Step-free"),
    ("The Mill Café", K.BUSINESS, ["Baking"], "", R.MONTHLY, (0.1, -0.2), "Gemma Hall", "Owner",
     "A café in the old mill; offers a quiet hour and cake for groups.", None, "",
     "Step-free; accessible toilet"),
]  # fmt: skip

# Linking Lives Manchester's own directory (used by Rowan House and Hazel Lodge).
CONNECTOR_PARTNERS = [
    ("Pennine Men's Shed", K.OTHER, ["DIY and woodwork"], "", R.MONTHLY, (1.9, 0.4), "Alan Firth",
     "Shed leader",
     "Men (and women) making and mending together; takes bird-box kits into homes.", None, "", "Workshop: "
     "level, one step to the kitchen"),
    ("Canal Walkers", K.OTHER, ["Walking", "Nature", "Birdwatching"], "", R.MONTHLY, (-0.9, 1.4),
     "Joan Barlow", "Walk leader", "Short, level walks on the towpath with wheelchair pushers.", None, "",
     "Level towpath; benches every 400 metres"),
    ("Paws for Thought Dog Visits", K.OTHER, ["Dogs"], "", R.FORTNIGHTLY, None, "Helen Crabtree",
     "Co-ordinator",
     "Volunteers and their calm, assessed dogs visit residents.", 8, "They come to us", ""),
]  # fmt: skip

# For the other homes: the same kinds of partner, named after the town.
OTHER = [
    ("{town} Primary School", K.SCHOOL, ["Reading", "Singing"], R.MONTHLY, 14),
    ("{town} Little Stars Nursery", K.NURSERY, ["Singing", "Crafts"], R.FORTNIGHTLY, 6),
    ("{town} Community Choir", K.OTHER, ["Singing", "Choir"], R.WEEKLY, 5),
    ("{town} Angling Club", K.SPORTS_CLUB, ["Fishing"], R.MONTHLY, 18),
    ("{town} Allotment Society", K.GARDENING_CLUB, ["Gardening"], R.FORTNIGHTLY, 7),
    ("{town} Library", K.LIBRARY, ["Reading", "Reminiscence"], R.MONTHLY, 58),
    ("{town} Parish Church", K.FAITH_GROUP, ["Church"], R.MONTHLY, 11),
    ("{town} Youth Club", K.YOUTH_GROUP, ["Computers and tablets"], R.MONTHLY, 9),
    ("{town} Dial-a-Ride", K.COMMUNITY_TRANSPORT, [], R.MONTHLY, 20),
    ("{town} Heritage Centre", K.MUSEUM, ["Local history"], R.TERMLY, None),
    ("{town} Bakery", K.BUSINESS, ["Baking"], R.MONTHLY, None),
    ("{town} College", K.UNIVERSITY, ["Music"], R.TERMLY, None),
]

# name, kind, (north, east) in miles, interests, travel notes, access notes
PLACES = [
    ("Queen's Park", Place.Kind.PARK, (0.5, 0.3), ["Walking", "Nature", "Birdwatching"],
     "A 10-minute wheel, or 3 minutes in the minibus",
     "Level tarmac paths; accessible toilets by the bandstand"),
    ("The canal towpath", Place.Kind.WATERSIDE, (-0.8, 1.2), ["Walking", "Nature", "Fishing"],
     "5 minutes in the minibus to the lock; park on Wharf Street", "Level and wide; benches by the lock"),
    ("Bluebell Tea Rooms", Place.Kind.CAFE, (0.3, -0.5), ["Baking"], "A 10-minute walk on level pavements",
     "Step-free; accessible toilet; quiet corner for groups"),
]  # fmt: skip

CONTACT_NOTES = [
    (PartnerContact.Kind.MEETING, "Planned the next few sessions together."),
    (PartnerContact.Kind.CALL, "Checked dates and numbers."),
    (PartnerContact.Kind.ACTIVITY, "A good session: residents asked when they are coming back."),
]

MILE_LAT = Decimal("0.014490")  # one mile north, in degrees
MILE_LNG_UK = Decimal("0.024000")  # about one mile east at British latitudes


def _offset(base, offset):
    if base is None or offset is None:
        return None, None
    lat, lng = Decimal(base[0]), Decimal(base[1])
    north, east = offset
    return (
        (lat + MILE_LAT * Decimal(str(north))).quantize(Decimal("0.000001")),
        (lng + MILE_LNG_UK * Decimal(str(east))).quantize(Decimal("0.000001")),
    )


def _town(home):
    lines = [line.strip() for line in (home.address or "").splitlines() if line.strip()]
    return lines[-1] if lines else home.name


def _location(home):
    for name, where in HOME_LOCATIONS.items():
        if home.name.startswith(name):
            return where
    return None


def _partner_rows(home, rng):
    """(organisation rows, connector rows) as tuples in ROWAN's shape."""
    if home.slug == "rowan-house":
        return ROWAN, CONNECTOR_PARTNERS
    town = _town(home)
    rows = []
    for name, kind, offers, rhythm, days in OTHER:
        offset = (round(rng.uniform(-2, 2), 2), round(rng.uniform(-2, 2), 2))
        rows.append((name.format(town=town), kind, offers, "", rhythm, offset, "", "", "", days, "", ""))
    return rows, []


def _connector():
    slug, name = CONNECTOR
    organisation, _ = Organisation.objects.get_or_create(
        slug=slug, defaults={"name": name, "kind": Organisation.Kind.CONNECTOR}
    )
    return organisation


def _connector_user(home):
    """Cara Mitchell of Linking Lives Manchester, with the demo password (as the
    manager's), a member of each home the charity works with; those homes share
    their outcome figures with her."""
    manager = Membership.objects.for_home(home).filter(role=Role.MANAGER).select_related("user").first()
    if manager is None:
        return
    user, _ = User.objects.get_or_create(
        email=email("connector", CONNECTOR_HOMES[0]),
        defaults={"full_name": "Cara Mitchell", "password": manager.user.password},
    )
    Membership.objects.bulk_create(
        [
            Membership(
                user=user, home=home, role=Role.CONNECTOR, job_title="Community connector, Linking Lives"
            )
        ],
        ignore_conflicts=True,
    )


def _partners(organisation, rows, base, interests):
    Partner.objects.bulk_create(
        [
            Partner(
                organisation=organisation,
                name=name,
                kind=kind,
                about=about,
                latitude=_offset(base, offset)[0],
                longitude=_offset(base, offset)[1],
                contact_name=contact,
                contact_role=role,
                phone=f"01632 96{zlib.crc32(name.encode()) % 10000:04d}",
                email=f"hello@{''.join(c for c in name.lower() if c.isalnum())[:20]}.example.org",
                offers_note="",
                would_like_note=wants,
                venue_access=access,
            )
            for name, kind, offers, wants, rhythm, offset, contact, role, about, days, travel, access in rows
        ],
        ignore_conflicts=True,
    )
    found = {
        p.name: p for p in Partner.objects.filter(organisation=organisation, name__in=[r[0] for r in rows])
    }
    Partner.offers.through.objects.bulk_create(
        [
            Partner.offers.through(partner_id=found[row[0]].pk, interest_id=interests[name])
            for row in rows
            for name in row[2]
            if name in interests and row[0] in found
        ],
        ignore_conflicts=True,
    )
    return found


def seed(*, home, residents, staff, today, rng):
    where = _location(home)
    if where and home.latitude is None:
        Home.objects.filter(pk=home.pk).update(latitude=Decimal(where[0]), longitude=Decimal(where[1]))
        home.latitude, home.longitude = Decimal(where[0]), Decimal(where[1])
    base = (str(home.latitude), str(home.longitude)) if home.latitude is not None else None
    interests = dict(Interest.objects.values_list("name", "pk"))
    connector = _connector()
    settings, _ = CommunitySettings.objects.get_or_create(home=home)
    if home.slug in CONNECTOR_HOMES:
        settings.directories.add(connector)
        _connector_user(home)
        if not home.shares_outcomes:
            Home.objects.filter(pk=home.pk).update(shares_outcomes=True)
            home.shares_outcomes = True
    if home.slug == "rowan-house":
        # Rowan House publishes its programme: /programme/rowan-house/ and its foyer screen.
        if not settings.publish_programme:
            settings.publish_programme = True
            settings.save(update_fields=["publish_programme"])

    own_rows, connector_rows = _partner_rows(home, rng)
    partners = _partners(home.organisation, own_rows, base, interests)
    if connector_rows:
        partners.update(_partners(connector, connector_rows, base, interests))
    rows = own_rows + connector_rows

    contacts = list(
        Membership.objects.for_home(home)
        .filter(role__in=[Role.CHAMPION, Role.MANAGER, Role.STAFF], is_active=True)
        .order_by("role", "id")
    )
    champion = next((m for m in contacts if m.role == Role.CHAMPION), contacts[0] if contacts else None)
    wanted = [row for row in rows if row[9] is not None and row[0] in partners]
    Partnership.objects.bulk_create(
        [
            Partnership(
                home=home,
                partner=partners[name],
                contact=champion if n % 3 else (contacts[n % len(contacts)] if contacts else None),
                rhythm=rhythm,
                started_on=today - timedelta(days=400 + 30 * n),
                agreement=_agreement(name, kind),
                travel_notes=travel,
                access_notes="",
            )
            for n, (
                name,
                kind,
                offers,
                wants,
                rhythm,
                offset,
                contact,
                role,
                about,
                days,
                travel,
                access,
            ) in enumerate(wanted)
        ],
        ignore_conflicts=True,
    )
    made = {
        p.partner_id: p
        for p in Partnership.objects.for_home(home).filter(partner__in=[partners[r[0]] for r in wanted])
    }
    with_history = set(
        PartnerContact.objects.for_home(home)
        .filter(partnership__in=made.values())
        .values_list("partnership_id", flat=True)
    )
    history = []
    for row in wanted:
        name, rhythm, days = row[0], row[4], row[9]
        partnership = made.get(partners[name].pk)
        if partnership is None or partnership.pk in with_history:
            continue
        for step, (how, note) in enumerate(CONTACT_NOTES):
            history.append(
                PartnerContact(
                    home=home,
                    partnership=partnership,
                    on=today - timedelta(days=days + step * rhythm),
                    kind=how,
                    note=note,
                    recorded_by=champion.user if champion else None,
                )
            )
    PartnerContact.objects.bulk_create(history)

    Place.objects.bulk_create(
        [
            Place(
                home=home,
                name=name,
                kind=kind,
                latitude=_offset(base, offset)[0],
                longitude=_offset(base, offset)[1],
                travel_notes=travel,
                access_notes=access,
            )
            for name, kind, offset, tags, travel, access in PLACES
        ],
        ignore_conflicts=True,
    )
    places = {p.name: p for p in Place.objects.for_home(home).filter(name__in=[p[0] for p in PLACES])}
    Place.interests.through.objects.bulk_create(
        [
            Place.interests.through(place_id=places[name].pk, interest_id=interests[tag])
            for name, kind, offset, tags, travel, access in PLACES
            for tag in tags
            if tag in interests and name in places
        ],
        ignore_conflicts=True,
    )


def _agreement(name, kind):
    if kind in (K.SCHOOL, K.NURSERY):
        return (
            "The children visit with their teachers once a month in term time. We provide squash, biscuits "
            "and a quiet room; the school sends the dates for the term in advance."
        )
    if kind == K.COMMUNITY_TRANSPORT:
        return "Book at least 7 days ahead; up to 8 passengers including 2 wheelchairs."
    if name == "Rowan Singers":
        return "Rehearse in the lounge on Thursdays 19:00–21:00; residents are welcome to join in."
    return ""
