"""The nightly retention run (beat schedule): anonymise the records of
everyone whose organisation's retention period is over, unless held."""

from celery import shared_task


@shared_task(
    name="privacy.tasks.anonymise_due_records",
    crosses_homes="anonymises, home by home, the records whose retention period is over",
)
def anonymise_due_records():
    """Each home in its own scope; each person in their own transaction, so a
    failure leaves the others done. Running it twice anonymises each once."""
    from homes.models import Home  # noqa: PLC0415
    from homes.scoping import home_scope  # noqa: PLC0415
    from privacy.retention import anonymise_due  # noqa: PLC0415

    done = 0
    for home in Home.objects.all().order_by("pk"):
        with home_scope(home):
            done += anonymise_due(home)
    return done
