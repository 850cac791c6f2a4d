"""Demo data for the consent register: most residents agreed to all three
uses of photos, some only inside the home (or inside and to families), the
newest arrivals have nothing recorded yet; one resident's consent was given
by her attorney (a lasting power of attorney for health and welfare); and one
resident withdrew consent for photos shared with families last week, so the
story photos they are in stay inside the home (community.demo.stories).

Idempotent: a home with any consent recorded gets none added. Bulk writes only.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from residents.models import Consent, ConsentGivenBy, ConsentPurpose

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
    if Consent.objects.for_home(home).exists():
        return
    current = [r for r in residents if not r.has_left and (today - r.admitted_on).days >= NOT_YET_DAYS]
    if len(current) < 3:
        return
    attorney_for, withdrew = rng.sample(current, 2)
    rows = []
    for resident in current:
        given_on = min(today - timedelta(days=14), resident.admitted_on + timedelta(days=rng.randint(1, 10)))
        given_on = max(given_on, resident.admitted_on - timedelta(days=30))
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
