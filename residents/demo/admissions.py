"""The demo's residents and their relatives' links (``seed_demo`` runs this
first for each home, before every area).

Idempotent: a resident whose name is already there is not added again, and
links that exist are left alone. Bulk writes only.
"""

import random
from datetime import datetime, time, timedelta

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

# First names the demo gives people (residents, people who matter, the family
# accounts seed_demo makes), by gender: a relationship like "son" follows it.
WOMEN_NAMES = {first for first, _ in RESIDENT_FIRST[:20]} | {
    "Rashida", "Krystyna", "Susan", "Karen", "Julie", "Deborah", "Janet", "Linda", "Claire", "Helen",
    "Sarah", "Gillian", "Asha",
}  # fmt: skip
MEN_NAMES = {first for first, _ in RESIDENT_FIRST[20:38]} | {
    "David", "Stephen", "Paul", "Mark", "Andrew", "Gary", "Ian", "Martin", "Kevin", "Neil", "Mohammed",
}  # fmt: skip
FEMALE_ONLY = {"daughter", "granddaughter", "great-granddaughter", "niece", "sister", "wife", "mother"}
MALE_ONLY = {"son", "son-in-law", "grandson", "nephew", "brother", "husband", "father"}

# What each demo family account (family, family1 … family8) is to the resident
# it follows: (for a woman, for a man). A son who does not share the
# resident's surname is a son-in-law; a name the demo does not know is a friend.
KIN = [
    ("daughter", "son"),  # family: the main relative (and a family friend of a second resident)
    ("daughter", "son"),  # family1: an approved regular visitor who gets letters by post
    ("niece", "nephew"),
    ("granddaughter", "grandson"),
    ("friend", "friend"),
    ("neighbour", "neighbour"),
    ("daughter", "son"),  # family6: waiting for the manager to approve them as a regular visitor
    ("granddaughter", "grandson"),
    ("niece", "nephew"),  # family8: link paused (visits.demo.family)
]


def gender(full_name):
    """Whether a demo name is a woman's or a man's: "woman", "man" or None."""
    first = full_name.split(" ")[0]
    return "woman" if first in WOMEN_NAMES else "man" if first in MEN_NAMES else None


def relationship_for(account_name, resident, slot):
    woman, man = KIN[slot % len(KIN)]
    who = gender(account_name)
    if who is None:
        return "friend"
    if who == "woman":
        return woman
    if man == "son" and account_name.split(" ")[-1] != resident.full_name.split(" ")[-1]:
        return "son-in-law"
    return man


def linked_on(resident, slot, today):
    """When a demo account was linked: a few days after the resident came,
    and never before the home's last 150 days or so (when it started using Kith)."""
    day = max(resident.admitted_on + timedelta(days=2 + slot), today - timedelta(days=150 - 5 * slot))
    return min(day, today - timedelta(days=1))


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
                    relationship=relationship_for(m.user.full_name, residents[n], n),
                )
            )
    # The main demo relative follows two people (a parent and their friend).
    lead = memberships.get(email("family", home.slug))
    if lead and len(residents) > 9:
        links.append(
            RelativeLink(home=home, membership=lead, resident=residents[9], relationship="family friend")
        )
    have = set(
        RelativeLink.objects.for_home(home)
        .filter(resident__in=residents)
        .values_list("membership_id", "resident_id")
    )
    new_links = [link for link in links if (link.membership_id, link.resident_id) not in have]
    RelativeLink.objects.bulk_create(new_links, ignore_conflicts=True)
    # created_at is set on insert: the links were made a while ago, after the
    # resident came (and before any regular visitor approval, visits.demo.access).
    for link in new_links:
        slot = residents.index(link.resident)
        day = linked_on(link.resident, slot, today)
        when = timezone.make_aware(datetime.combine(day, time(11, 5 * slot)))
        RelativeLink.objects.for_home(home).filter(
            membership_id=link.membership_id, resident_id=link.resident_id
        ).update(created_at=when)
