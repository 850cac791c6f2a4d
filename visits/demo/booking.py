"""Demo bookings: visits across the next three weeks for the demo relatives
(garden room, lounge, café corner, lunch sometimes), a supported video call on
the home's tablet, and one cancelled visit; a couple of recent past visits so
"My visits" has history.

Idempotent: nothing is added when the home already has bookings. Bulk
writes. Bookings never overlap in a space (PostgreSQL's exclusion
constraint would refuse them): each is placed on a free slot, checked here.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from homes.models import Space, SpaceHold
from residents.models import PersonalPlan, RelativeLink
from visits.models import Visit

ROOM_KINDS = [Space.Kind.GARDEN_ROOM, Space.Kind.LOUNGE, Space.Kind.CAFE]
STARTS = [time(10, 30), time(12, 0), time(14, 0), time(15, 30), time(17, 0)]
MEAL_AT = {time(12, 0): Visit.Meal.LUNCH, time(15, 30): Visit.Meal.TEA, time(17, 0): Visit.Meal.EVENING}
NEEDS = ["", "", "", "A wheelchair space, please", "Dad is hard of hearing: somewhere quiet", ""]
NOTES = [
    "",
    "Bringing the photo albums from the loft.",
    "The grandchildren are coming too.",
    "",
    "It's Mum's birthday: we'll bring a cake.",
    "",
]
MAX_LINKS = 40


def seed(*, home, residents, staff, today, rng):
    if Visit.objects.for_home(home).exists():
        return
    links = list(
        RelativeLink.objects.for_home(home)
        .filter(status=RelativeLink.Status.ACTIVE, membership__is_active=True)
        .select_related("membership__user", "resident")
        .order_by("id")[:MAX_LINKS]
    )
    if not links:
        return
    rooms = {
        space.kind: space
        for space in Space.objects.for_home(home).filter(kind__in=ROOM_KINDS, bookable=True, is_active=True)
    }
    # The visiting-information demo (run before this one) adds the home's tablet.
    tablet = Space.objects.for_home(home).filter(kind=Space.Kind.TABLET).order_by("id").first()
    if tablet is None:
        tablet = Space.objects.create(
            home=home,
            name="Video call tablet",
            kind=Space.Kind.TABLET,
            capacity=2,
            description="The home's tablet: a member of staff sets up the call.",
            buffer_minutes=10,
        )
    held = {}
    visits = []

    def place(link, day, start, *, space, kind=Visit.Kind.VISIT, minutes=60, **extra):
        starts_at = datetime.combine(day, start, tzinfo=timezone.get_current_timezone())
        ends_at = starts_at + timedelta(minutes=minutes)
        buffer = timedelta(minutes=space.buffer_minutes if space else 0)
        blocked = (starts_at - buffer, ends_at + buffer)
        if space is not None:
            taken = held.setdefault(space.pk, [])
            if any(blocked[0] < until and start_ < blocked[1] for start_, until in taken):
                return None
            taken.append(blocked)
        visit = Visit(
            home=home,
            resident=link.resident,
            booked_by=link.membership,
            visitor_name=link.membership.user.full_name,
            kind=kind,
            space=space,
            starts_at=starts_at,
            ends_at=ends_at,
            blocked_from=blocked[0],
            blocked_until=blocked[1],
            visitors=extra.pop("visitors", rng.choice([1, 1, 2, 2, 3])),
            confirmation_sent_at=timezone.now(),
            **extra,
        )
        visits.append(visit)
        return visit

    room_list = [rooms[kind] for kind in ROOM_KINDS if kind in rooms]
    for index, link in enumerate(links):
        for week in range(3 if index < 6 else 1):
            day = today + timedelta(days=1 + week * 7 + rng.randrange(0, 6))
            space = room_list[(index + week) % len(room_list)] if room_list else None
            for start in rng.sample(STARTS, len(STARTS)):
                meal = MEAL_AT.get(start, Visit.Meal.NONE) if rng.random() < 0.6 else Visit.Meal.NONE
                visitors = min(rng.choice([1, 2, 2, 3, 4]), space.capacity if space else 4)
                placed = place(
                    link,
                    day,
                    start,
                    space=space,
                    minutes=rng.choice([60, 60, 90, 120]),
                    meal=meal,
                    visitors=visitors,
                    accessibility_needs=NEEDS[(index + week) % len(NEEDS)],
                    note=NOTES[(index * 3 + week) % len(NOTES)],
                )
                if placed:
                    break

    # A video call the resident's plan welcomes with support: staff help.
    wishes = dict(
        PersonalPlan.objects.for_home(home)
        .filter(resident__in=[link.resident for link in links])
        .values_list("resident_id", "video_calls")
    )
    for link in links:
        if wishes.get(link.resident_id) != PersonalPlan.VideoCalls.NOT_FOR_ME:
            place(
                link,
                today + timedelta(days=2),
                time(11, 0),
                space=tablet,
                kind=Visit.Kind.VIDEO_CALL,
                minutes=30,
                visitors=1,
                support_needed=True,
                note="Calling from Toronto; my brother may join.",
            )
            break

    # Today's visits, so the staff day list shows something on any day.
    today_starts = [time(11, 0), time(14, 30), time(16, 0)]
    for index, (link, start) in enumerate(zip(links[2:5], today_starts, strict=False)):
        place(
            link,
            today,
            start,
            space=room_list[index % len(room_list)] if room_list else None,
            meal=Visit.Meal.TEA if start == time(14, 30) else Visit.Meal.NONE,
        )

    # Two recent visits, already happened (no space held: they are history).
    for link in links[:2]:
        place(link, today - timedelta(days=rng.randrange(3, 12)), time(14, 0), space=None)

    # One cancelled booking.
    cancelled = place(links[0], today + timedelta(days=9), time(10, 0), space=None)
    if cancelled:
        cancelled.status = Visit.Status.CANCELLED
        cancelled.cancelled_at = timezone.now()
        cancelled.sequence = 1

    # Each booked visit in a space holds it in the home's table of holds, as
    # the booking service does, so community activities cannot be put over it.
    holding = [v for v in visits if v.space is not None and v.status == Visit.Status.BOOKED]
    holds = SpaceHold.objects.bulk_create(
        [
            SpaceHold(
                home=home,
                space=v.space,
                held_for=SpaceHold.HeldFor.VISIT,
                label=f"Visit with {v.resident.short_name}",
                starts_at=v.starts_at,
                ends_at=v.ends_at,
                blocked_from=v.blocked_from,
                blocked_until=v.blocked_until,
            )
            for v in holding
        ]
    )
    for visit, hold in zip(holding, holds, strict=True):
        visit.hold = hold
    Visit.objects.bulk_create(visits)
