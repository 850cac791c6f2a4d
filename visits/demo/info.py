"""Demo visiting information for each home, opening hours for its spaces, and
a tablet for video calls (a bookable device, not shown on the public page).

Idempotent: the information and the tablet are created only if missing, and
hours are set only on spaces that still have the default hours."""

import datetime

from homes.models import Space
from visits.models import VisitingInfo

T = datetime.time

# kind → (opens, closes, minutes kept free between bookings)
HOURS = {
    Space.Kind.LOUNGE: (T(9, 0), T(20, 0), 15),
    Space.Kind.GARDEN_ROOM: (T(10, 0), T(19, 0), 15),
    Space.Kind.CAFE: (T(10, 0), T(17, 0), 10),
    Space.Kind.PRIVATE_ROOM: (T(9, 0), T(20, 30), 15),
    Space.Kind.DINING: (T(8, 0), T(19, 0), 30),
    Space.Kind.GARDEN: (T(10, 0), T(18, 0), 0),
}
DEFAULT_HOURS = (T(9, 0), T(20, 0))

TABLET = {
    "name": "Video call tablet",
    "kind": Space.Kind.TABLET,
    "capacity": 1,
    "bookable": True,
    "description": "Staff set it up and help with the call.",
    "opens_at": T(9, 0),
    "closes_at": T(18, 0),
    "buffer_minutes": 10,
}

STREETS = ["Mill Lane", "Church Road", "Station Road", "High Street", "Park Avenue"]
DOOR_COLOURS = ["blue", "green", "red"]


def _visiting_info(home, rng):
    bus = rng.choice([4, 12, 42, 57, 73])
    stop = rng.choice(STREETS)
    door = rng.choice(DOOR_COLOURS)
    return VisitingInfo(
        home=home,
        welcome=(
            f"Visiting is your right. You do not need to book to visit {home.name}: come whenever suits "
            "you and the person you are visiting. Booking only reserves a room, a meal or the video "
            "call tablet."
        ),
        front_door=(
            f"Ring the bell by the {door} door. The door is opened from 8am to 8pm; at other times ring "
            "and wait a moment, someone will come. Please sign the visitors' book in the hall."
        ),
        parking="Free car park at the front, with two blue-badge bays next to the door.",
        public_transport=(
            f"The {bus} bus stops outside ({stop}), every 20 minutes in the day. "
            "The nearest station is a ten-minute taxi ride away."
        ),
        what_to_bring=(
            "Photos, music they love, their favourite biscuits. Please check with staff before bringing "
            "food for someone on a special diet."
        ),
        accessibility=(
            "Step-free throughout, with a lift to the first floor. Hearing loop in the lounge. "
            "Accessible toilet by the front door. Wheelchairs to borrow at reception."
        ),
        who_to_contact=(
            "The deputy manager or the nurse in charge, any time of day."
            + (f" Phone {home.phone}." if home.phone else "")
        ),
    )


def seed(*, home, residents, staff, today, rng):
    if not VisitingInfo.objects.filter(home=home).exists():
        VisitingInfo.objects.bulk_create([_visiting_info(home, rng)], ignore_conflicts=True)

    spaces = list(Space.objects.for_home(home))
    changed = []
    for space in spaces:
        hours = HOURS.get(space.kind)
        if hours is None or (space.opens_at, space.closes_at) != DEFAULT_HOURS:
            continue
        opens, closes, buffer = hours
        if (space.opens_at, space.closes_at, space.buffer_minutes) != (opens, closes, buffer):
            space.opens_at, space.closes_at, space.buffer_minutes = opens, closes, buffer
            changed.append(space)
    if changed:
        Space.objects.bulk_update(changed, ["opens_at", "closes_at", "buffer_minutes"])

    if not any(s.kind == Space.Kind.TABLET for s in spaces) and not any(
        s.name.lower() == TABLET["name"].lower() for s in spaces
    ):
        Space.objects.bulk_create([Space(home=home, **TABLET)], ignore_conflicts=True)
