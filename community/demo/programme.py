"""Demo programme: a weekly programme at each home, from this week, made
through the programme's own service so each date holds its space on the
calendar family visits use: Monday chair exercise in the lounge; Tuesday the
Rowan Singers' choir using the lounge (a community group); Wednesday Little
Acorns Nursery's visit (intergenerational); Thursday a gardening morning with
Greenfingers (nature and the outdoors); Friday a film afternoon.

Partners are looked up by name (``community.demo.partners``); a group whose
partner is missing is left out, and a visit coming in without its partner is
still on the programme. A date already booked by a family visit is left out,
as the planner would. Idempotent: a home with activities is left alone.
"""

from dataclasses import dataclass, field
from datetime import time, timedelta

from carehome.errors import DomainError
from community.models import Activity, Partnership
from community.services.programme import activity_create, dates_extend, planned_until
from homes.models import Interest, Membership, Role, Space
from notifications.timing import at_local

K = Activity.Kind


@dataclass
class Planned:
    weekday: int
    title: str
    kind: str
    space: str
    starts: time
    ends: time
    description: str
    partner: str = ""
    needs_partner: bool = False
    flags: dict = field(default_factory=dict)
    interests: tuple = ()
    accessibility: str = ""


PROGRAMME = [
    Planned(
        0,
        "Chair exercise",
        K.IN_HOME,
        "Lounge",
        time(10, 30),
        time(11, 15),
        "Gentle stretches and movement to music, all seated. Everyone at their own pace.",
        interests=("Exercise", "Music"),
        accessibility="All seated; suits wheelchair users.",
    ),
    Planned(
        1,
        "Choir",
        K.VENUE,
        "Lounge",
        time(14, 0),
        time(15, 30),
        "The Rowan Singers rehearse in our lounge. Residents are welcome to sing along or listen.",
        partner="Rowan Singers",
        needs_partner=True,
        flags={"wider_community": True},
        interests=("Singing", "Music"),
    ),
    Planned(
        2,
        "Little Acorns visit",
        K.IN_HOME,
        "Garden room",
        time(10, 0),
        time(11, 0),
        "Children from Little Acorns Nursery come for songs, stories and crafts.",
        partner="Little Acorns Nursery",
        flags={"intergenerational": True},
        interests=("Singing", "Crafts"),
    ),
    Planned(
        3,
        "Gardening morning",
        K.IN_HOME,
        "Garden",
        time(10, 0),
        time(12, 0),
        "Potting on and planting out in the raised beds with Greenfingers Allotment Society.",
        partner="Greenfingers Allotment Society",
        flags={"nature": True},
        interests=("Gardening", "Nature"),
        accessibility="Raised beds at wheelchair height; level paths.",
    ),
    Planned(
        4,
        "Film afternoon",
        K.IN_HOME,
        "Lounge",
        time(14, 0),
        time(16, 0),
        "A classic film on the big screen, with tea and ice cream at the interval.",
        interests=("Films",),
        accessibility="Subtitles on; hearing loop.",
    ),
]


def seed(*, home, residents, staff, today, rng):
    if Activity.objects.for_home(home).exists() or not staff:
        return
    actor = staff[0]
    monday = today - timedelta(days=today.weekday())
    # Made as on Monday morning, so the dates earlier this week are there too.
    now = at_local(monday, 7)
    spaces = {s.name: s for s in Space.objects.for_home(home).filter(is_active=True, bookable=True)}
    partners = {
        p.partner.name: p
        for p in Partnership.objects.for_home(home)
        .filter(status=Partnership.Status.ACTIVE)
        .select_related("partner")
    }
    interests = {i.name: i for i in Interest.objects.all()}
    leads = list(
        Membership.objects.for_home(home)
        .filter(role__in=(Role.CHAMPION, Role.STAFF), is_active=True)
        .order_by("role", "id")[:3]
    )
    for n, planned in enumerate(PROGRAMME):
        space = spaces.get(planned.space)
        partnership = partners.get(planned.partner) if planned.partner else None
        if space is None or (planned.needs_partner and partnership is None):
            continue
        lead = [leads[n % len(leads)]] if leads else []
        _add(
            home,
            actor,
            planned,
            space=space,
            partnership=partnership,
            monday=monday,
            now=now,
            interests=interests,
            leads=lead,
        )


def _add(home, actor, planned, *, space, partnership, monday, now, interests, leads):
    values = {
        "title": planned.title,
        "kind": planned.kind,
        "description": planned.description,
        "space": space,
        "partnership": partnership,
        "capacity": 12,
        "accessibility": planned.accessibility,
        "interests": [interests[name] for name in planned.interests if name in interests],
        "repeats": Activity.Repeats.WEEKLY,
        "first_day": monday + timedelta(days=planned.weekday),
        "staff": leads,
        "on_public_programme": True,
        **planned.flags,
    }
    try:
        return activity_create(
            home=home, actor=actor, now=now, starts=planned.starts, ends=planned.ends, **values
        )
    except DomainError:
        pass
    # A family visit already holds the space on some dates: add the activity and
    # leave those dates out, as the planner does (its page lists them).
    related = {name: values.pop(name) for name in ("interests", "staff")}
    activity = Activity.objects.create(
        home=home, created_by=actor, created_at=now, starts=planned.starts, ends=planned.ends, **values
    )
    activity.interests.set(related["interests"])
    activity.staff.set(related["staff"])
    dates_extend(activity, monday, planned_until(monday), now)
    return activity
