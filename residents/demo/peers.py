"""Demo data for peers: friendships between residents who share something
(from their plans, when the plans demo has run), a buddy for the most recently
admitted resident, and one friend who may need extra support.

Idempotent: nothing is added to a home that already has friendships (or, for
the flag, an open support flag). Bulk writes only.
"""

from datetime import timedelta

from residents.models import Friendship, SupportFlag
from residents.selectors.peers import Profile, residents_with_plans, things_in_common

FRIENDSHIP_SHARE = 1 / 6  # about one resident in six starts a friendship
CANDIDATES = 60  # others compared per resident, so a large home stays fast
NOTES = [
    "Sit together at lunch most days.",
    "Never miss the Thursday quiz together.",
    "Met at the singing group.",
    "Walk round the garden together when it is dry.",
    "Share the newspaper in the morning and put the world to rights.",
    "Play dominoes after tea.",
    "Knew each other's families years ago.",
    "",
    "",
]
BUDDY_NOTES = "Showed her round on her first day; sits with her at meals."


def seed(*, home, residents, staff, today, rng):
    current = [r for r in residents if not r.has_left]
    if len(current) < 2:
        return
    recorder = staff[0] if staff else None
    if not Friendship.objects.for_home(home).exists():
        _friendships(home, current, recorder, today, rng)
    if not SupportFlag.objects.for_home(home).filter(resolved_on__isnull=True).exists():
        _support_flag(home, residents, today, rng)


def _pair(a, b):
    return (a, b) if a.pk < b.pk else (b, a)


def _friendships(home, current, recorder, today, rng):
    with_plans = {r.pk: r for r in residents_with_plans(home)}
    profiles = {pk: Profile.of(r) for pk, r in with_plans.items()}
    ids = sorted(profiles)
    taken = set()
    rows = []

    def add(a, b, kind, started_on, notes):
        first, second = _pair(a, b)
        key = (first.pk, second.pk)
        if key in taken:
            return False
        taken.add(key)
        rows.append(
            Friendship(
                home=home,
                resident_a=first,
                resident_b=second,
                kind=kind,
                started_on=started_on,
                notes=notes,
                recorded_by=recorder,
            )
        )
        return True

    # Friends: people who share the most, found among a sample of others.
    starters = rng.sample(current, max(1, int(len(current) * FRIENDSHIP_SHARE)))
    for resident in starters:
        if resident.pk not in profiles:
            continue
        sample = rng.sample(ids, min(CANDIDATES, len(ids)))
        best, best_strength = None, 0
        for other_pk in sample:
            if other_pk == resident.pk:
                continue
            _, strength = things_in_common(profiles[resident.pk], profiles[other_pk])
            if strength > best_strength:
                best, best_strength = with_plans[other_pk], strength
        if best is None:
            best = with_plans[rng.choice([pk for pk in sample if pk != resident.pk] or ids)]
            if best.pk == resident.pk:
                continue
        later = max(resident.admitted_on, best.admitted_on)
        started_on = later + timedelta(days=rng.randint(7, max(7, (today - later).days)))
        add(resident, best, Friendship.Kind.FRIEND, min(started_on, today), rng.choice(NOTES))

    # A buddy for the newest resident: someone who has lived here a while.
    newest = max(current, key=lambda r: (r.admitted_on, r.pk))
    settled = [r for r in current if r.pk != newest.pk and (today - r.admitted_on).days > 180]
    if settled:
        if newest.pk in profiles:
            settled.sort(
                key=lambda r: (
                    -things_in_common(profiles[newest.pk], profiles[r.pk])[1] if r.pk in profiles else 0
                )
            )
        buddy = settled[0]
        add(
            newest,
            buddy,
            Friendship.Kind.BUDDY,
            min(today, newest.admitted_on + timedelta(days=1)),
            BUDDY_NOTES,
        )
    Friendship.objects.bulk_create(rows, batch_size=1000)


def _support_flag(home, residents, today, rng):
    """One open flag: a resident whose friend has left or died (someone who has
    already gone, if the demo has one; otherwise a friend from outside the home)."""
    current = [r for r in residents if not r.has_left]
    gone = [r for r in residents if r.has_left]
    friendship = Friendship.objects.for_home(home).filter(kind=Friendship.Kind.FRIEND).order_by("id").first()
    resident = next((r for r in current if friendship and r.pk == friendship.resident_a_id), None)
    resident = resident or rng.choice(current)
    if gone:
        about = gone[0]
        verb = "has died" if about.status == about.Status.DIED else "has moved out"
        reason = f"Their friend {about.short_name} {verb}."
    else:
        about = None
        reason = "Their old friend Jean, who visited every week, has moved to be near her daughter."
    SupportFlag.objects.bulk_create(
        [
            SupportFlag(
                home=home, resident=resident, about=about, reason=reason, raised_on=today - timedelta(days=3)
            )
        ]
    )
