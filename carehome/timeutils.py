"""Times people type are the home's local time (Europe/London)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from carehome.errors import DomainError


def local_datetime(day, at, *, field="time"):
    """An aware datetime in the home's time zone from a local date and time.

    A time that does not exist (the hour the clocks go forward in March) is
    refused with a message for ``field``; an ambiguous one (the hour repeated
    in October) is the first of the two.
    """
    zone = ZoneInfo(settings.TIME_ZONE)
    value = datetime.combine(day, at, tzinfo=zone)  # fold=0: the first of two
    round_trip = value.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != value.replace(tzinfo=None):
        raise DomainError(
            f"{at:%H:%M} does not exist on {day:%-d %B %Y}: the clocks go forward an hour that night. "
            "Choose another time.",
            field=field,
        )
    return value
