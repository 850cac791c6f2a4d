"""Times people type are the home's local time (Europe/London)."""

import calendar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.dateformat import format as date_format

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


# --- Sensible bounds for the dates people type --------------------------------------
#
# Every date a person types has a range that makes sense for what it is; the
# forms show the message next to the field and the services (which own the
# rules) refuse the same dates. One place, so a booking, a call and an event
# share one horizon and a far-future date never reaches date arithmetic.

BOOKING_AHEAD_MONTHS = 18  # visits, calls, meals and activities
REVIEW_AHEAD_MONTHS = 12  # a restriction's expected end and next review
EARLIEST_QUERY_YEAR, LATEST_QUERY_YEAR = 2000, 2100  # ?date= in an address


def today():
    """Today in the home's time zone."""
    return timezone.localdate()


def add_months(day, months):
    """``day`` moved by whole ``months`` (31 January + 1 month = 28/29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return day.replace(year=year, month=month + 1, day=min(day.day, last))


def long_day(day):
    """“14 November 2026”: how a limit is written in a message."""
    return f"{day:%-d %B %Y}"


def booking_date_problem(day, *, allow_past=False, on=None):
    """Why ``day`` cannot be booked (a visit, a call, a meal or an activity), or ''.

    Not in the past (unless ``allow_past``, for an existing booking being
    looked at), and at most ``BOOKING_AHEAD_MONTHS`` ahead.
    """
    now = on or today()
    latest = add_months(now, BOOKING_AHEAD_MONTHS)
    if not allow_past and day < now:
        return "That date has passed. Choose today or a later date."
    if day > latest:
        return (
            f"Bookings can be made up to {BOOKING_AHEAD_MONTHS} months ahead. "
            f"Choose a date on or before {long_day(latest)}."
        )
    return ""


def horizon_date_problem(day, *, start, what, on=None):
    """Why ``day`` (a restriction's expected end or next review) is out of
    range, or '': not before ``start`` and at most ``REVIEW_AHEAD_MONTHS`` from today."""
    now = on or today()
    latest = add_months(now, REVIEW_AHEAD_MONTHS)
    if start is not None and day < start:
        return f"The {what} cannot be before the start date ({long_day(start)})."
    if day > latest:
        return (
            f"The {what} can be at most {REVIEW_AHEAD_MONTHS} months ahead. "
            f"Choose a date on or before {long_day(latest)}, and review it again then."
        )
    return ""


def check_date(problem, *, field):
    """Raise ``DomainError`` for ``field`` when ``problem`` (a message from one of the above) is not ''."""
    if problem:
        raise DomainError(problem, field=field)


def query_date(value, *, on=None):
    """``(day, problem)`` for a ``?date=YYYY-MM-DD`` in an address.

    Empty → today, no problem. Not a date, or a year outside
    ``EARLIEST_QUERY_YEAR``–``LATEST_QUERY_YEAR`` → today, with a message
    to show. Never raises.
    """
    now = on or today()
    value = (value or "").strip()
    if not value:
        return now, ""
    try:
        day = date.fromisoformat(value) if value.isascii() else None
    except ValueError:
        day = None
    if day is None:
        return now, "That date was not recognised, so this shows today. Choose a date like 14/11/2026."
    if not EARLIEST_QUERY_YEAR <= day.year <= LATEST_QUERY_YEAR:
        return now, (
            f"Choose a date between {EARLIEST_QUERY_YEAR} and {LATEST_QUERY_YEAR}. This shows today."
        )
    return day, ""


def day_text(value, fmt="l j F", *, on=None):
    """A date (or a datetime, in the home's time) as a person reads it, with the
    year when it is not this year: “Tuesday 3 March”, “Tuesday 3 March 2027”.

    ``fmt`` is a Django date format without the year. The one helper for
    confirmations, emails and banners (template filter ``day`` in
    ``homes/templatetags/kith.py``).
    """
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    now = on or today()
    if value.year != now.year:
        fmt = f"{fmt} Y"
    return date_format(value, fmt)
