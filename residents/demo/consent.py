"""Demo data for the consent register: most residents agreed to all three
uses of photos, some only inside the home (or inside and to families), the
newest arrivals have nothing recorded yet; one resident's consent was given
by her attorney (a lasting power of attorney for health and welfare); and one
resident withdrew consent for photos shared with families last week, so the
story photos they are in stay inside the home (community.demo.stories).

The other uses: news goes to the relatives with an account (one resident
named only one of two); most agreed to volunteers' visits (one would rather
not have them) and to moments from their records being examples in the
self-evaluation (a few said no).

Idempotent: photo consents are added to a home with none, the other uses to a
home with none of those. Bulk writes only.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from residents.models import PHOTO_PURPOSES, Consent, ConsentGivenBy, ConsentPurpose, RelativeLink, Resident

HOME, FAMILY, PUBLIC = ConsentPurpose.PHOTOS_HOME, ConsentPurpose.PHOTOS_FAMILY, ConsentPurpose.PHOTOS_PUBLIC
NOT_YET_DAYS = 10  # arrivals this recent have not been asked yet

NOTES = [
    "Talked it through with their key worker; happy for photos to be used.",
    "Said yes at the residents' meeting, and again the next morning.",
    "Signed the photo consent form, kept in the office.",
    "Agreed when we showed him the photos from the garden party.",
    "",
    "",
]
HOME_ONLY_NOTES = [
    "Happy for photos on the noticeboard, but not to go outside the home.",
    "Would rather photos stayed inside the home.",
]


def _moment(day, rng):
    return timezone.make_aware(datetime.combine(day, time(rng.randint(9, 16), rng.choice([0, 15, 30, 45]))))


def _row(home, resident, purpose, *, given_on, recorded_by, rng, note="", **extra):
    return Consent(
        home=home,
        resident=resident,
        purpose=purpose,
        given_by=extra.pop("given_by", ConsentGivenBy.RESIDENT),
        given_on=given_on,
        note=note,
        recorded_by=recorded_by,
        recorded_at=_moment(given_on, rng),
        **extra,
    )


def seed(*, home, residents, staff, today, rng):
    current = [r for r in residents if not r.has_left and (today - r.admitted_on).days >= NOT_YET_DAYS]
    if len(current) < 3:
        return
    if not Consent.objects.for_home(home).filter(purpose__in=PHOTO_PURPOSES).exists():
        _photos(home, current, staff, today, rng)
    if not Consent.objects.for_home(home).exclude(purpose__in=PHOTO_PURPOSES).exists():
        _other_uses(home, current, staff, today, rng)


def _given_on(resident, today, rng):
    given_on = min(today - timedelta(days=14), resident.admitted_on + timedelta(days=rng.randint(1, 10)))
    return max(given_on, resident.admitted_on - timedelta(days=30))


def _other_uses(home, current, staff, today, rng):
    links = {}
    for link in (
        RelativeLink.objects.for_home(home)
        .filter(resident__in=current)
        .exclude(status=RelativeLink.Status.ENDED)
        .order_by("pk")
    ):
        links.setdefault(link.resident_id, []).append(link)
    # Someone no volunteer visits yet would rather not have them.
    visited = set(
        Resident.objects.for_home(home)
        .filter(volunteer_assignments__ended_at__isnull=True)
        .values_list("pk", flat=True)
    )
    unvisited = [r for r in current if r.pk not in visited]
    no_volunteers = rng.choice(unvisited) if unvisited else None
    rows, named, partial = [], {}, False
    for n, resident in enumerate(current):
        given_on, who = _given_on(resident, today, rng), (rng.choice(staff) if staff else None)
        mine = links.get(resident.pk, [])
        if mine:
            consent = _row(
                home,
                resident,
                ConsentPurpose.NEWS_FAMILY,
                given_on=given_on,
                recorded_by=who,
                rng=rng,
                note="Happy for the family to hear how they are getting on.",
            )
            rows.append(consent)
            # One resident with two relatives named only one of them.
            named[id(consent)] = mine[:1] if len(mine) > 1 and not partial else mine
            partial = partial or len(mine) > 1
        if resident is not no_volunteers:
            rows.append(
                _row(
                    home,
                    resident,
                    ConsentPurpose.VOLUNTEER_VISITS,
                    given_on=given_on,
                    recorded_by=who,
                    rng=rng,
                )
            )
        if n % 6 != 5:
            rows.append(
                _row(
                    home,
                    resident,
                    ConsentPurpose.EVALUATION_EXAMPLES,
                    given_on=given_on,
                    recorded_by=who,
                    rng=rng,
                )
            )
    Consent.objects.bulk_create(rows, batch_size=1000)
    Consent.relatives.through.objects.bulk_create(
        [
            Consent.relatives.through(consent_id=consent.pk, relativelink_id=link.pk)
            for consent in rows
            for link in named.get(id(consent), [])
        ],
        batch_size=1000,
    )


def _photos(home, current, staff, today, rng):
    attorney_for, withdrew = rng.sample(current, 2)
    rows = []
    for resident in current:
        given_on = _given_on(resident, today, rng)
        who = rng.choice(staff) if staff else None
        if resident is attorney_for:
            extra = {
                "given_by": ConsentGivenBy.ATTORNEY,
                "given_by_name": "Susan Whitfield",
                "power": "Health and welfare LPA registered with the Office of the Public Guardian "
                "on 3 May 2021; the registered copy was seen by the manager.",
            }
            note = "Agreed for them by letter, after talking it over with the family."
            rows += [
                _row(home, resident, p, given_on=given_on, recorded_by=who, rng=rng, note=note, **extra)
                for p in (HOME, FAMILY, PUBLIC)
            ]
            continue
        if resident is withdrew:
            rows.append(
                _row(
                    home, resident, HOME, given_on=given_on, recorded_by=who, rng=rng, note=rng.choice(NOTES)
                )
            )
            rows.append(
                _row(
                    home,
                    resident,
                    FAMILY,
                    given_on=given_on,
                    recorded_by=who,
                    rng=rng,
                    withdrawn_at=_moment(today - timedelta(days=6), rng),
                    withdrawn_by=who,
                    withdrawal_note=f"{resident.short_name} told their key worker they would rather "
                    "photos were not shared outside the home any more.",
                )
            )
            continue
        roll = rng.random()
        if roll < 0.75:
            purposes, note = (HOME, FAMILY, PUBLIC), rng.choice(NOTES)
        elif roll < 0.9:
            purposes, note = (HOME, FAMILY), "Happy for family to see photos, not for them to be public."
        else:
            purposes, note = (HOME,), rng.choice(HOME_ONLY_NOTES)
        rows += [
            _row(home, resident, p, given_on=given_on, recorded_by=who, rng=rng, note=note) for p in purposes
        ]
    Consent.objects.bulk_create(rows, batch_size=1000)
