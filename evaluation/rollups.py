"""The weekly figures kept per home (``WeeklyFigures``): refreshed in batches,
read by the dashboards with their age."""

import contextlib
import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from evaluation import standing
from evaluation.figures import WeekFigures, monday_of, weekly_figures, weeks_ending
from evaluation.models import WeeklyFigures
from homes import fragments
from homes.models import Home
from homes.scoping import crossing_homes

logger = logging.getLogger(__name__)

# Homes worked out together: one set of four queries each.
BATCH = 25
# How long the cache remembers when a week was worked out (``kept_at``): past
# it, the rows are read once more.
KEPT_KEY_SECONDS = 8 * 24 * 3600
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
        _note_kept([(r.home_id, r.week) for r in rows], now)
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


def _kept_key(home_id, week):
    # The database's identity is in the key: a test run or a restored database
    # starts its ids again, and must not read another one's notes.
    return f"evaluation:kept:{fragments.salt()}:{home_id}:{week:%Y%m%d}"


def _noted():
    """Whether the cache is told when weeks were kept: with PostgreSQL and the
    shared cache the fragments use (the demo's SQLite reads the rows)."""
    return connection.vendor == "postgresql"


def _note_kept(pairs, now):
    """Tell the cache when these (home id, Monday) pairs were worked out
    (``kept_at`` reads it). If it cannot be told, it forgets them."""
    if not _noted():
        return
    values = {_kept_key(h, w): now.timestamp() for h, w in pairs}
    try:
        cache.set_many(values, timeout=KEPT_KEY_SECONDS)
    except Exception:  # noqa: BLE001 - the cache is a shortcut: kept_at reads the rows without it
        logger.warning("Could not note kept weekly figures in the cache", exc_info=True)
        with contextlib.suppress(Exception):
            cache.delete_many(list(values))


def kept_at(home_ids, weeks):
    """A stamp of when each of these homes' weeks was worked out: what a cached
    view of them depends on. From the cache (one round trip) when it knows
    every week; otherwise one query, and the cache is told (never over a newer note)."""
    keys = {(h, w): _kept_key(h, w) for h in home_ids for w in weeks} if _noted() else {}
    found = {}
    if keys:
        with contextlib.suppress(Exception):  # read the rows instead
            found = cache.get_many(list(keys.values()))
    if not keys or len(found) < len(keys):
        with crossing_homes("when the weekly figures of the homes the caller may see were kept"):
            rows = WeeklyFigures.objects.filter(home_id__in=home_ids, week__in=weeks).values_list(
                "home_id", "week", "computed_at"
            )
            found = {f"{h}:{w}": at.timestamp() for h, w, at in rows}
        if keys:
            for (h, w), key in keys.items():
                if f"{h}:{w}" in found:
                    with contextlib.suppress(Exception):
                        cache.add(key, found[f"{h}:{w}"], timeout=KEPT_KEY_SECONDS)
            found = {keys[h, w]: found.get(f"{h}:{w}") for h, w in keys}
    digest = hashlib.blake2b(digest_size=8)
    for key in sorted(found, key=str):
        digest.update(f"{key}={found[key]};".encode())
    return f"{len(found)}.{digest.hexdigest()}"


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
