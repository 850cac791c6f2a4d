"""Demo invitations and family suggestions for one home.

An upcoming Sunday lunch and a seasonal fair, with replies from the demo
relatives (yes with numbers, maybe, not answered yet); one suggestion for a
resident's story waiting for staff, and one interest already added to a plan.
Runs after the family-accounts demo (it needs relatives with active links).
Idempotent (a home that already has invitations or suggestions is left as it
is) and bulk.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from homes.models import Interest
from residents.models import PersonalPlan, RelativeLink
from visits.models import EventInvitation, EventReply, FamilyContribution

Answer = EventReply.Answer

STORIES = [
    "Mum ran the tuck shop at Hollybrook Primary for twenty years and still knows every child's name.",
    "Dad was a conductor on the number 38 bus and loves telling of the night it broke down in the snow.",
    "She met Dad at the Palais dance hall in 1958; they won a jive competition that night.",
    "He kept racing pigeons for forty years and still talks about his champion bird, Bluebell.",
]
INTEREST_NAMES = [
    "Gardening",
    "Baking",
    "Dancing",
    "Crosswords and puzzles",
    "Knitting and sewing",
    "Football",
]
NOTES = ["Bringing my granddaughter", "We will need a wheelchair, please", "Looking forward to it", ""]


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _fair(today):
    if today.month in (5, 6, 7, 8):
        return "Summer fair in the garden", "the garden"
    if today.month in (9, 10):
        return "Harvest fair", "the lounge"
    if today.month in (11, 12):
        return "Christmas fair and carols", "the lounge"
    return "Spring coffee morning", "the café corner"


def _by_resident(home, residents):
    ids = {r.pk for r in residents}
    links = {}
    for link in (
        RelativeLink.objects.for_home(home)
        .filter(status=RelativeLink.Status.ACTIVE, membership__is_active=True, resident_id__in=ids)
        .select_related("membership__user")
        .order_by("resident_id", "pk")
    ):
        links.setdefault(link.resident_id, []).append(link)
    return [(r, links[r.pk]) for r in residents if r.pk in links]


def _replies(home, event, links, rng, answers):
    rows = []
    for i, link in enumerate(links):
        answer = answers[i % len(answers)]
        adults = children = 0
        if answer == Answer.YES:
            adults, children = rng.randint(1, 3), rng.choice([0, 0, 1, 2])
        elif answer == Answer.MAYBE:
            adults = 1
        rows.append(
            EventReply(
                home=home,
                event=event,
                membership_id=link.membership_id,
                answer=answer,
                adults=adults,
                children=children,
                note=rng.choice(NOTES) if answer == Answer.YES else "",
                replied_at=None
                if answer == Answer.WAITING
                else timezone.now() - timedelta(days=rng.randint(0, 3)),
            )
        )
    return rows


def _seed_events(home, linked, staff, today, rng):
    sunday = today + timedelta(days=(6 - today.weekday()) % 7 or 7)
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 + 7)
    fair, fair_place = _fair(today)
    author = staff[0] if staff else None
    plans = []
    for resident, links in linked[:3]:
        plans.append(
            (
                EventInvitation(
                    home=home,
                    kind=EventInvitation.Kind.MEAL,
                    title="Sunday lunch",
                    starts_at=_at(sunday, 12, 30),
                    ends_at=_at(sunday, 14, 0),
                    place="the dining room",
                    message=f"Join {resident.short_name} for a roast with all the trimmings, then trifle.",
                    resident=resident,
                    created_by=author,
                ),
                links,
                [Answer.YES, Answer.MAYBE, Answer.WAITING],
            )
        )
    for resident, links in linked[:6]:
        plans.append(
            (
                EventInvitation(
                    home=home,
                    kind=EventInvitation.Kind.ACTIVITY,
                    title=fair,
                    starts_at=_at(saturday, 14, 0),
                    ends_at=_at(saturday, 16, 0),
                    place=fair_place,
                    message="Stalls, a tombola, cream teas and music. Children very welcome.",
                    resident=resident,
                    created_by=author,
                ),
                links,
                [Answer.WAITING, Answer.YES, Answer.NO],
            )
        )
    events = EventInvitation.objects.bulk_create([event for event, _, _ in plans])
    EventReply.objects.bulk_create(
        [
            reply
            for event, (_, links, answers) in zip(events, plans, strict=True)
            for reply in _replies(home, event, links, rng, answers)
        ]
    )


def _seed_contributions(home, linked, staff, rng):
    (first, first_links), (second, second_links) = linked[0], linked[min(1, len(linked) - 1)]
    interest = Interest.objects.filter(name=rng.choice(INTEREST_NAMES)).first()
    reviewer = staff[0] if staff else None
    rows = [
        FamilyContribution(
            home=home,
            resident=first,
            membership_id=first_links[0].membership_id,
            kind=FamilyContribution.Kind.ABOUT_ME,
            text=rng.choice(STORIES),
        )
    ]
    if interest is not None:
        rows.append(
            FamilyContribution(
                home=home,
                resident=second,
                membership_id=second_links[0].membership_id,
                kind=FamilyContribution.Kind.INTEREST,
                text="",
                interest=interest,
                status=FamilyContribution.Status.APPROVED,
                reviewed_by=reviewer,
                reviewed_at=timezone.now() - timedelta(days=2),
                review_note="Thank you — we'll find someone to share it with.",
            )
        )
        plan, _ = PersonalPlan.objects.get_or_create(home=home, resident=second)
        plan.interests.add(interest)
    FamilyContribution.objects.bulk_create(rows)


def seed(*, home, residents, staff, today, rng):
    linked = _by_resident(home, residents)
    if not linked:
        return
    if not EventInvitation.objects.for_home(home).exists():
        _seed_events(home, linked, staff, today, rng)
    if not FamilyContribution.objects.for_home(home).exists():
        _seed_contributions(home, linked, staff, rng)
