"""The kept weekly figures: worked out once, read back in one query, and
brought up to date when new records arrive."""

from datetime import date, datetime, time, timedelta

import time_machine
from django.core.cache import cache
from django.utils import timezone

from evaluation import rollups, standing
from evaluation.figures import monday_of, weekly_figures, weeks_ending
from evaluation.models import WeeklyFigures
from evaluation.tasks import refresh_quarter_figures, refresh_recent_figures
from homes.scoping import crossing_homes
from homes.tests.factories import HomeFactory
from residents.tests.factories import ConnectionParticipantFactory, ResidentFactory

TODAY = date(2026, 11, 18)  # a Wednesday


def logged(resident, day):
    when = timezone.make_aware(datetime.combine(day, time(10)))
    return ConnectionParticipantFactory(resident=resident, connection__occurred_at=when, occurred_at=when)


def kept_rows():
    with crossing_homes("test"):
        return WeeklyFigures.objects.count()


def test_weeks_are_worked_out_once_then_read_back(db, django_assert_max_num_queries):
    home = HomeFactory()
    ada = ResidentFactory(home=home, admitted_on=date(2025, 1, 1))
    logged(ada, TODAY - timedelta(days=14))
    weeks = weeks_ending(TODAY, 12)
    first = rollups.figures_for([home.pk], weeks)[home.pk]
    assert kept_rows() == 12
    with django_assert_max_num_queries(1):
        again = rollups.figures_for([home.pk], weeks)[home.pk]
    assert {w: s.figures.as_dict() for w, s in again.items()} == {
        w: s.figures.as_dict() for w, s in first.items()
    }
    assert again[monday_of(TODAY - timedelta(days=14))].figures.meaningful_7d == 1


@time_machine.travel(datetime(2026, 11, 18, 12, 0, tzinfo=timezone.get_current_timezone()), tick=False)
def test_new_records_reach_the_kept_figures_on_the_next_refresh(db):
    home, other = HomeFactory(), HomeFactory()
    ada = ResidentFactory(home=home, admitted_on=date(2025, 1, 1))
    weeks = weeks_ending(TODAY, 12)
    rollups.figures_for([home.pk, other.pk], weeks)
    this_week = monday_of(TODAY)
    assert rollups.figures_for([home.pk], weeks)[home.pk][this_week].figures.meaningful_7d == 0

    logged(ada, TODAY)  # logged this morning
    logged(ada, TODAY - timedelta(days=40))  # a late entry, weeks back
    assert (
        rollups.figures_for([home.pk], weeks)[home.pk][this_week].figures.meaningful_7d == 0
    )  # kept as it was
    refresh_recent_figures()
    kept = rollups.figures_for([home.pk], weeks)[home.pk]
    assert kept[this_week].figures.meaningful_7d == 1
    late = monday_of(TODAY - timedelta(days=40))
    assert kept[late].figures.meaningful_7d == 0  # the nightly run brings late entries in
    refresh_quarter_figures()
    kept = rollups.figures_for([home.pk], weeks)[home.pk]
    assert kept[late].figures.meaningful_7d == 1
    assert kept[late].computed_at == timezone.now()
    live = weekly_figures([home.pk, other.pk], weeks)
    both = rollups.figures_for([home.pk, other.pk], weeks)
    assert {h: {w: s.figures.as_dict() for w, s in b.items()} for h, b in both.items()} == {
        h: {w: f.as_dict() for w, f in b.items()} for h, b in live.items()
    }


def test_many_homes_are_refreshed_in_batches(db, django_assert_max_num_queries):
    homes = [HomeFactory() for _ in range(rollups.BATCH + 5)]
    # Two batches, each: what was kept, seven reads, how things stood, and one write.
    with django_assert_max_num_queries(2 * (1 + 7 + standing.queries_for(range(2)) + 1)):
        rollups.refresh([h.pk for h in homes], weeks_ending(TODAY, 2))
    assert kept_rows() == 2 * len(homes)
    rollups.refresh([h.pk for h in homes], weeks_ending(TODAY, 2))  # again: the same rows, updated
    assert kept_rows() == 2 * len(homes)


def test_kept_at_moves_with_every_refresh_and_needs_no_cache(db):
    home = HomeFactory()
    weeks = weeks_ending(TODAY, 12)
    noon = datetime(2026, 11, 18, 12, 0, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(noon, tick=False):
        rollups.figures_for([home.pk], weeks)
        first = rollups.kept_at([home.pk], weeks)
        assert rollups.kept_at([home.pk], weeks) == first  # from the cache's notes
        cache.delete_many([rollups._kept_key(home.pk, w) for w in weeks])
        assert rollups.kept_at([home.pk], weeks) == first  # the cache forgot: read from the rows
    with time_machine.travel(noon + timedelta(minutes=5), tick=False):
        refresh_recent_figures()
        assert rollups.kept_at([home.pk], weeks) != first
    assert rollups.kept_at([home.pk], weeks[:10]) == rollups.kept_at([home.pk], weeks[:10])
