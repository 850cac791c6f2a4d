"""Background work for door codes: the scheduled rotation (hourly, from the
beat schedule). The "your door code has changed" notice is an outbox row made
by the rotation itself (visits.messages)."""

from celery import shared_task


@shared_task(
    name="visits.tasks_access.rotate_due_door_codes",
    crosses_homes="rotates every home's door code that is due",
)
def rotate_due_door_codes():
    """Rotate every home's door code that is older than the home's interval.
    Running it twice (or on two workers at once) rotates each code once."""
    from visits.services.access import door_codes_rotate_due  # noqa: PLC0415

    return door_codes_rotate_due()
