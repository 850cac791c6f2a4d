"""Demo history (``seed_demo --weeks W``): the loneliness questions asked of
each resident about every three months, last of the histories, so the answers
follow how connected each person really was in the month before (every
meaningful entry on their connection log, whichever app wrote it: see
``residents.demo.history.Book``): the well-connected answer "hardly ever",
the quiet ones "often". Written with COPY (``homes.bulkload``).
"""

import random
from datetime import timedelta

from residents.demo.history import book_for
from residents.demo.wellbeing import NOTES, _direct, _items
from residents.models import LonelinessMeasure

EVERY_DAYS = 90
SHARE_ASKED = 0.9
COLUMNS = [
    "home_id",
    "resident_id",
    "recorded_on",
    "lack_companionship",
    "left_out",
    "isolated",
    "direct",
    "staff_helped",
    "note",
    "recorded_by_id",
    "created_at",
]


def score(per_week, rng):
    """A total (3–9) for someone with ``per_week`` meaningful connections a week lately."""
    return max(3, min(9, round(8.6 - 1.3 * per_week + rng.gauss(0, 0.8))))


def history(*, homes, weeks, today, load, **_):
    # Where the demo asked the questions of someone living here, its answers are the
    # latest; someone it did not ask is left unasked (the reminders say so).
    asked = set(
        LonelinessMeasure.objects.filter(home_id__in=[h.pk for h in homes]).values_list(
            "resident_id", flat=True
        )
    )
    writer = load.table(LonelinessMeasure, COLUMNS)
    for home in homes:
        book = book_for(load, home)
        rng = random.Random(f"history-wellbeing-{home.slug}")
        staff = book.staff or [None]
        for stay in book.stays:
            if book.has_demo and stay.left_on is None and stay.id not in asked:
                continue
            last = min(book.until, stay.left_on or book.until)
            if stay.admitted_on < book.start:
                day = book.start + timedelta(days=rng.randint(0, EVERY_DAYS - 1))
            else:
                day = stay.admitted_on + timedelta(days=rng.randint(14, 28))
            counts = book.meaningful.get(stay.id, {})
            while day < last:
                if rng.random() < SHARE_ASKED:
                    week = book.week_of(day)
                    lately = sum(counts.get(w, 0) for w in range(week - 4, week)) / 4
                    total = score(lately, rng)
                    lack, left_out, isolated = _items(total, rng)
                    kind = "lonely" if total >= 7 else "steady"
                    writer.add(
                        home.pk,
                        stay.id,
                        day,
                        lack,
                        left_out,
                        isolated,
                        _direct(total, rng),
                        rng.random() < 0.4,
                        rng.choice(NOTES[kind]) if rng.random() < 0.3 else "",
                        stay.key_worker_id or rng.choice(staff),
                        load.at(day, 11, 0),
                    )
                day += timedelta(days=EVERY_DAYS + rng.randint(-14, 14))
