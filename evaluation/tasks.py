"""The dashboards' weekly figures, kept fresh from the beat schedule."""

from celery import shared_task


@shared_task(name="evaluation.tasks.refresh_recent_figures", crosses_homes="refreshes every home's figures")
def refresh_recent_figures():
    """This week and last for every home. Running it twice is harmless: the
    second run writes the same figures."""
    from evaluation import rollups  # noqa: PLC0415

    rollups.refresh_recent()


@shared_task(name="evaluation.tasks.refresh_quarter_figures", crosses_homes="refreshes every home's figures")
def refresh_quarter_figures():
    """The last 13 weeks for every home, for entries logged late or corrected."""
    from evaluation import rollups  # noqa: PLC0415

    rollups.refresh_quarter()
