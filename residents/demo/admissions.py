"""The demo's residents and their relatives' links (``seed_demo`` runs this
first for each home, before every area).

Idempotent: a resident whose name is already there is not added again, and
links that exist are left alone. Bulk writes only.
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from homes.demo import SURNAMES, email
from homes.models import Membership, Role
from residents.models import RelativeLink, Resident

RESIDENT_FIRST = [
    ("Margaret", "Peggy"),
    ("Dorothy", "Dot"),
    ("Joan", ""),
    ("Elizabeth", "Betty"),
    ("Jean", ""),
    ("Patricia", "Pat"),
    ("Eileen", ""),
    ("Mary", ""),
    ("Irene", ""),
    ("Doris", ""),
    ("Elsie", ""),
    ("Edna", ""),
    ("Sheila", ""),
    ("Brenda", ""),
    ("Iris", ""),
    ("Vera", ""),
    ("Maureen", "Mo"),
    ("Audrey", ""),
    ("Pauline", ""),
    ("Winifred", "Winnie"),
    ("George", ""),
    ("Arthur", ""),
    ("Harold", "Harry"),
    ("Albert", "Bert"),
    ("Frank", ""),
    ("Kenneth", "Ken"),
    ("Stanley", "Stan"),
    ("Ronald", "Ron"),
    ("Dennis", ""),
    ("Walter", "Wally"),
    ("Eric", ""),
    ("Leonard", "Len"),
    ("Frederick", "Fred"),
    ("Norman", ""),
    ("Raymond", "Ray"),
    ("Bernard", "Bernie"),
    ("Douglas", "Doug"),
    ("Gurdeep", ""),
    ("Rashida", ""),
    ("Krystyna", ""),
]
UNITS = ["Ground floor", "First floor", "Garden wing"]
RELATIONSHIPS = ["daughter", "son", "niece", "grandson", "friend", "neighbour", "wife", "husband"]


def resident_names(count, rng):
    combos = [(f, s) for f in RESIDENT_FIRST for s in SURNAMES]
    rng.shuffle(combos)
    names = []
    initials = "ABCDEFGHJKLMNPRSTW"
    round_ = 0
    while len(names) < count:
        for (first, preferred), surname in combos:
            if len(names) >= count:
                break
            middle = f" {initials[(round_ - 1) % len(initials)]}." if round_ else ""
            names.append((f"{first}{middle} {surname}", preferred))
        round_ += 1
    return names


def load(home):
    """Every resident of the home, as the areas receive them."""
    return list(Resident.objects.for_home(home).order_by("id"))


def admit(*, home, count):
    """Top the home up to ``count`` residents, with key workers, and link the
    demo relatives to the first ten (the main relative to two)."""
    rng = random.Random(f"residents-{home.slug}")
    names = resident_names(count, rng)
    existing = set(Resident.objects.for_home(home).values_list("full_name", flat=True))
    worker_emails = [
        email(local, home.slug) for local in ["staff", "champion"] + [f"staff{n}" for n in range(2, 8)]
    ]
    by_email = {u.email: u for u in get_user_model().objects.filter(email__in=worker_emails)}
    key_workers = [by_email[e] for e in worker_emails]
    today = timezone.localdate()
    new = []
    for n, (full_name, preferred) in enumerate(names):
        if full_name in existing:
            continue
        new.append(
            Resident(
                home=home,
                full_name=full_name,
                preferred_name=preferred,
                room=str(n + 1),
                unit=UNITS[n % len(UNITS)],
                admitted_on=today - timedelta(days=rng.randint(20, 2400)),
                key_worker=key_workers[n % len(key_workers)],
                status=Resident.Status.HOSPITAL if n % 29 == 7 else Resident.Status.CURRENT,
            )
        )
    Resident.objects.bulk_create(new, batch_size=1000)

    residents = list(Resident.objects.for_home(home).order_by("id")[:10])
    memberships = {
        m.user.email: m
        for m in Membership.objects.for_home(home).filter(role=Role.FAMILY).select_related("user")
    }
    links = []
    family_locals = ["family"] + [f"family{n}" for n in range(1, 9)]
    for n, local in enumerate(family_locals):
        m = memberships.get(email(local, home.slug))
        if m and n < len(residents):
            links.append(
                RelativeLink(
                    home=home,
                    membership=m,
                    resident=residents[n],
                    relationship=RELATIONSHIPS[n % len(RELATIONSHIPS)],
                )
            )
    # The main demo relative follows two people (mother and her friend).
    lead = memberships.get(email("family", home.slug))
    if lead and len(residents) > 9:
        links.append(
            RelativeLink(home=home, membership=lead, resident=residents[9], relationship="family friend")
        )
    RelativeLink.objects.bulk_create(links, ignore_conflicts=True)
