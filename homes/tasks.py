"""Background work of the core: pruning the change notes (``homes.changes``),
every 10 minutes from the beat schedule."""

from celery import shared_task


@shared_task(name="homes.tasks.prune_data_changes", crosses_homes="prunes every home's change notes")
def prune_data_changes():
    """Keep each home's newest change note. Running it twice, or on two workers
    at once, is harmless: each run only moves the generations on."""
    from homes import changes  # noqa: PLC0415

    return changes.prune()
