"""The weekly figures kept per home (``WeeklyFigures``): refreshed in batches,
read by the dashboards with their age."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Max
from django.utils import timezone

from evaluation import standing
from evaluation.figures import WeekFigures, monday_of, weekly_figures, weeks_ending
from evaluation.models import WeeklyFigures
from homes.models import Home
from homes.scoping import crossing_homes

# Homes worked out together: one set of four queries each.
BATCH = 25
QUARTER_WEEKS = 13


@dataclass(frozen=True)
class Stored:
    figures: WeekFigures
    computed_at: object


def _final_standing(home_ids, weeks):
    """{(home id, Monday): standing} of the weeks whose standing was worked out
    after they were over: kept as it is (``evaluation.standing``)."""
    with crossing_homes("the kept standing of every home's past weeks"):
        rows = WeeklyFigures.objects.filter(
            home_id__in=home_ids, week__in=weeks, data__standing_final=True
        ).values_list("home_id", "week", "data__standing")
        return {
            (home_id, week): {k: v for k, v in (kept or {}).items() if k in standing.STANDING}
            for home_id, week, kept in rows
            if set(standing.STANDING) <= set(kept or ())
        }


def refresh(home_ids, weeks, *, now=None):
    """Work out the figures of ``weeks`` for ``home_ids`` again and keep them.
    Returns {home id: {week: Stored}}."""
    now = now or timezone.now()
    kept = {}
    home_ids = sorted(set(home_ids))
    for start in range(0, len(home_ids), BATCH):
        batch = home_ids[start : start + BATCH]
        found = weekly_figures(batch, weeks, now=now, final=_final_standing(batch, weeks))
        rows = [
            WeeklyFigures(home_id=home_id, week=week, data=figures.as_dict(), computed_at=now)
            for home_id, by_week in found.items()
            for week, figures in by_week.items()
        ]
        with crossing_homes("keeping every home's weekly figures"):
            WeeklyFigures.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["home", "week"],
                update_fields=["data", "computed_at"],
            )
        for home_id, by_week in found.items():
            kept[home_id] = {week: Stored(figures, now) for week, figures in by_week.items()}
    return kept


def figures_for(home_ids, weeks):
    """{home id: {week: Stored}} for the homes and weeks asked, from the kept
    figures; weeks not kept yet are worked out now (and kept). The caller has
    checked the person may see these homes. Two queries when all are kept."""
    weeks = sorted(set(weeks))
    with crossing_homes("the weekly figures of the homes the caller may see"):
        rows = WeeklyFigures.objects.filter(home_id__in=home_ids, week__in=weeks).values_list(
            "home_id", "week", "data", "computed_at"
        )
        found = {h: {} for h in home_ids}
        for home_id, week, data, computed_at in rows:
            if WeekFigures.is_complete(data):
                found[home_id][week] = Stored(WeekFigures.from_dict(data), computed_at)
    missing = [h for h in home_ids if len(found[h]) < len(weeks)]
    if missing:
        for home_id, by_week in refresh(missing, weeks).items():
            found[home_id] = by_week
    return found


def kept_at(home_ids, weeks):
    """When the latest of these homes' weeks was worked out, and how many are
    kept: what a cached view of them depends on. One query."""
    with crossing_homes("when the weekly figures of the homes the caller may see were kept"):
        found = WeeklyFigures.objects.filter(home_id__in=home_ids, week__in=weeks).aggregate(
            at=Max("computed_at"), n=Count("id")
        )
    return f"{found['n']}@{found['at'] and found['at'].timestamp()}"


def _active_homes():
    with crossing_homes("every home's weekly figures"):
        return list(Home.objects.order_by("id").values_list("id", flat=True))


def refresh_recent(*, today=None):
    """This week and last, for every home (the beat, every few minutes)."""
    today = today or timezone.localdate()
    this = monday_of(today)
    refresh(_active_homes(), [this - timedelta(weeks=1), this])


def refresh_quarter(*, today=None):
    """The last quarter's weeks for every home: late entries and corrections (nightly)."""
    refresh(_active_homes(), weeks_ending(today or timezone.localdate(), QUARTER_WEEKS))
