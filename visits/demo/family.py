"""Demo data for family accounts: an invitation waiting for a person who
matters, relatives' accounts tied to the people in the plans, one paused link
with its reason, and a few pieces of news shared with families."""

import secrets
from datetime import datetime, time, timedelta

from django.utils import timezone

from homes.models import Invitation, Role
from residents.models import PersonWhoMatters, RelativeLink
from visits.models import PendingFamilyLink, SharedUpdate

NEWS = [
    "{name} sang every song at the singing group this morning and asked for “Daisy Bell” twice.",
    "{name} planted sweet peas in the raised bed with Beryl from the garden club.",
    "A lovely afternoon: {name} beat three people at dominoes and was very pleased about it.",
    "{name} enjoyed the fish and chips on Friday and had a second cup of tea in the garden room.",
    "{name} helped set the tables for Sunday lunch and chatted with the new resident next door.",
    "The hairdresser came today. {name} chose a new style and looks very smart.",
    "{name} watched the old film club showing of “Brief Encounter” and told us about the railway.",
    "{name} made a card for the family at the craft group. It is on the shelf in the room.",
]

PAUSE_REASON = "Paused at the family's request while a power of attorney question is sorted out."


def _moment(today, days_ago, hour):
    day = today - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, (days_ago * 17) % 60)))


def seed(*, home, residents, staff, today, rng):
    links = list(
        RelativeLink.objects.for_home(home)
        .select_related("membership__user", "resident")
        .order_by("membership__user__email", "resident_id")
    )
    _tie_links_to_people(home, links)
    _pause_one(home, links, staff, today)
    _share_news(home, links, staff, today, rng)
    _invite_someone(home, residents, staff, today)


def _tie_links_to_people(home, links):
    """Fill RelativeLink.person where the plan has someone with the same first
    name (a relationship alone is not enough: two daughters are two people)."""
    todo = [link for link in links if link.person_id is None]
    if not todo:
        return
    people = {}
    for person in PersonWhoMatters.objects.for_home(home).filter(
        resident__in=[link.resident for link in todo]
    ):
        people.setdefault(person.resident_id, []).append(person)
    changed = []
    for link in todo:
        first = link.membership.user.full_name.split(" ")[0].lower()
        candidates = people.get(link.resident_id, [])
        match = next((p for p in candidates if p.name.split(" ")[0].lower() == first), None)
        if match is not None:
            link.person = match
            changed.append(link)
    RelativeLink.objects.bulk_update(changed, ["person"])


def _pause_one(home, links, staff, today):
    if any(link.status != RelativeLink.Status.ACTIVE for link in links):
        return
    # Not the main demo relative (the one who follows two residents).
    per_member = {}
    for link in links:
        per_member[link.membership_id] = per_member.get(link.membership_id, 0) + 1
    candidates = [link for link in links if per_member[link.membership_id] == 1]
    if not candidates:
        return
    link = candidates[-1]
    link.status = RelativeLink.Status.PAUSED
    link.status_reason = PAUSE_REASON
    link.status_changed_at = _moment(today, 3, 11)
    link.status_changed_by = staff[0] if staff else None  # the manager is the home's first member
    link.save(update_fields=["status", "status_reason", "status_changed_at", "status_changed_by"])


def _share_news(home, links, staff, today, rng):
    if SharedUpdate.objects.for_home(home).exists():
        return
    followed = []
    for link in links:
        if link.status == RelativeLink.Status.ACTIVE and link.resident not in followed:
            followed.append(link.resident)
    if not followed:
        return
    count = rng.randint(3, 6)
    texts = rng.sample(NEWS, count)
    updates = [
        SharedUpdate(
            home=home,
            resident=followed[n % len(followed)],
            text=text.format(name=followed[n % len(followed)].short_name),
            shared_by=rng.choice(staff) if staff else None,
        )
        for n, text in enumerate(texts)
    ]
    SharedUpdate.objects.bulk_create(updates)
    # created_at is set on insert; spread the news over the last fortnight.
    for n, update in enumerate(updates):
        SharedUpdate.objects.filter(pk=update.pk).update(created_at=_moment(today, n * 2 + 1, 10 + n))


def _invite_someone(home, residents, staff, today):
    """One invitation waiting: a person who matters to the first resident."""
    if not residents or PendingFamilyLink.objects.for_home(home).exists():
        return
    resident = residents[0]
    linked = set(
        RelativeLink.objects.for_home(home).filter(resident=resident).values_list("person_id", flat=True)
    )
    person = (
        PersonWhoMatters.objects.for_home(home)
        .filter(resident=resident, is_active=True)
        .exclude(pk__in=[p for p in linked if p])
        .order_by("pk")
        .first()
    )
    name = person.name if person else f"Gareth {resident.full_name.split(' ')[-1]}"
    relationship = person.relationship if person else "grandson"
    email = (person.email if person and person.email else "") or (
        name.lower().replace(" ", ".").replace("'", "") + f"@{home.slug}.example.org"
    )
    if Invitation.objects.for_home(home).filter(email__iexact=email).exists():
        return
    now = timezone.now()
    invitation = Invitation.objects.create(
        home=home,
        email=email,
        full_name=name,
        role=Role.FAMILY,
        invited_by=staff[0] if staff else None,
        message=f"{resident.short_name} would love you to see the news from {home.name}.",
        token_nonce=secrets.token_hex(16),
        created_at=now - timedelta(days=2),
        expires_at=now + timedelta(days=12),
    )
    PendingFamilyLink.objects.create(
        home=home, invitation=invitation, resident=resident, relationship=relationship, person=person
    )
