"""Demo data for wellbeing: for most residents, two to five sets of answers to
the loneliness scale over the last six months, with believable trends — most
steady and low, a few improving, a few worsening, and about three people
whose latest answers are at or above the default threshold of 7.

Idempotent: a home that already has any answers gets none added. Bulk writes only.
"""

from datetime import timedelta

from residents.models import LonelinessMeasure

SHARE_ASKED = 0.85
WINDOW_DAYS = 180
Direct = LonelinessMeasure.Direct

NOTES = {
    "improving": [
        "Said the singing group gives a reason to get up in the morning.",
        "Much brighter since the Sunday phone calls with family started.",
        "Enjoying lunch at the big table now.",
    ],
    "worsening": [
        "Said the evenings are the hardest time.",
        "Has not felt like joining in since the fall.",
        "Quieter since a good friend moved out.",
    ],
    "lonely": [
        "Said the days feel very long.",
        "Would like more visitors; family live far away.",
        "Finds the lounge too noisy to talk to anyone.",
    ],
    "steady": ["", "", "", "Answered with a relative there.", "Happy to chat about it."],
}


def _trend(kind, count, rng):
    """Scores (3–9) oldest first for one resident."""
    if kind == "improving":
        start = rng.randint(6, 7)
        return [max(3, start - round(i * rng.uniform(0.7, 1.3))) for i in range(count)]
    if kind == "worsening":
        start = rng.randint(3, 4)
        return [min(6, start + round(i * rng.uniform(0.5, 1.0))) for i in range(count)]
    if kind == "lonely":
        start = rng.randint(5, 7)
        scores = [min(9, start + round(i * rng.uniform(0.3, 0.8))) for i in range(count)]
        scores[-1] = max(7, scores[-1])
        return scores
    base = rng.choice([3, 3, 4, 4, 5])
    return [min(6, max(3, base + rng.choice([-1, 0, 0, 0, 1]))) for _ in range(count)]


def _items(total, rng):
    """Three answers (1–3) adding up to ``total``."""
    items = [1, 1, 1]
    for _ in range(total - 3):
        i = rng.choice([n for n in range(3) if items[n] < 3])
        items[i] += 1
    return items


def _direct(total, rng):
    if rng.random() < 0.05:
        return Direct.NO_ANSWER
    if total <= 3:
        return rng.choice([Direct.NEVER, Direct.HARDLY_EVER])
    if total == 4:
        return rng.choice([Direct.HARDLY_EVER, Direct.OCCASIONALLY])
    if total == 5:
        return Direct.OCCASIONALLY
    if total == 6:
        return rng.choice([Direct.OCCASIONALLY, Direct.SOME_OF_THE_TIME])
    return rng.choice([Direct.SOME_OF_THE_TIME, Direct.OFTEN_ALWAYS])


def seed(*, home, residents, staff, today, rng):
    if LonelinessMeasure.objects.for_home(home).exists():
        return
    current = [r for r in residents if not r.has_left and (today - r.admitted_on).days >= 21]
    if not current:
        return
    asked = [r for r in current if rng.random() < SHARE_ASKED]
    lonely_count = min(len(asked), 3 + len(asked) // 100)
    lonely = set(r.pk for r in rng.sample(asked, lonely_count))
    rows = []
    for resident in asked:
        if resident.pk in lonely:
            kind = "lonely"
        else:
            roll = rng.random()
            kind = "improving" if roll < 0.2 else "worsening" if roll < 0.35 else "steady"
        earliest = max(today - timedelta(days=WINDOW_DAYS), resident.admitted_on + timedelta(days=7))
        days = (today - earliest).days
        count = max(2, min(rng.randint(2, 5), days // 21 + 1))
        step = days // count
        dates = [
            earliest + timedelta(days=step * i + rng.randint(0, max(0, step // 3))) for i in range(count)
        ]
        dates = [min(d, today) for d in dates]
        for n, (day, total) in enumerate(zip(dates, _trend(kind, count, rng), strict=True)):
            lack, left_out, isolated = _items(total, rng)
            last = n == count - 1
            rows.append(
                LonelinessMeasure(
                    home=home,
                    resident=resident,
                    recorded_on=day,
                    lack_companionship=lack,
                    left_out=left_out,
                    isolated=isolated,
                    direct=_direct(total, rng),
                    staff_helped=rng.random() < 0.4,
                    note=rng.choice(NOTES[kind]) if last and rng.random() < 0.6 else "",
                    recorded_by=rng.choice(staff) if staff else None,
                )
            )
    LonelinessMeasure.objects.bulk_create(rows, batch_size=1000)
