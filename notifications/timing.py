"""When a message may go: local times for reminders, quiet hours, backoff.

Every time here is the home's time, Europe/London, built with
``carehome.timeutils.local_datetime`` so the clock changes are handled in one
place: 18:00 the day before a visit on the Sunday the clocks go back is 18:00
BST (17:00 UTC); 08:00 that Sunday is 08:00 GMT (08:00 UTC).
"""

import datetime

from django.conf import settings
from django.utils import timezone

from carehome.prepared import Prepared
from carehome.timeutils import local_datetime

DEFAULT_QUIET_FROM = datetime.time(21, 0)
DEFAULT_QUIET_UNTIL = datetime.time(8, 0)


def at_local(day, hour, minute=0):
    """``day`` at hour:minute home time, as an aware datetime. Never in a
    clock-change gap: 01:xx on the spring Sunday moves to 03:xx."""
    try:
        return local_datetime(day, datetime.time(hour, minute))
    except Exception:  # the missing hour in March: the same wall time an hour later
        return local_datetime(day, datetime.time(hour + 1, minute))


def local(moment):
    return timezone.localtime(moment)


def _saved_settings(variant, home_id):
    from notifications.models import MessageSettings  # noqa: PLC0415 - the models import this module

    return MessageSettings.objects.filter(home_id=home_id).order_by("pk")[:1]


# The messages page and every booking by a relative who chose texts ask this:
# a prepared statement, not a queryset compiled each time (carehome.prepared).
_SAVED = Prepared("kith_message_settings", _saved_settings)


def quiet_hours(home):
    """(quiet_from, quiet_until) for a home; the defaults if it has none saved."""
    saved = getattr(home, "_message_settings_cache", None)
    if saved is None:
        found = _SAVED.rows(None, home.pk)
        saved = found[0] if found else False
        home._message_settings_cache = saved
    if not saved:
        return DEFAULT_QUIET_FROM, DEFAULT_QUIET_UNTIL
    return saved.quiet_from, saved.quiet_until


def in_quiet_hours(moment, quiet_from, quiet_until):
    if quiet_from == quiet_until:
        return False
    wall = local(moment).time()
    if quiet_from < quiet_until:  # e.g. 13:00–14:00
        return quiet_from <= wall < quiet_until
    return wall >= quiet_from or wall < quiet_until  # over midnight, e.g. 21:00–08:00


# Quiet hours that reach into this part of the day hold texts while people are
# up and about: most likely the times were entered the wrong way round.
DAYTIME = (datetime.time(10, 0), datetime.time(16, 0))


def holds_daytime(quiet_from, quiet_until):
    """Whether quiet hours ``quiet_from``–``quiet_until`` cover any of 10:00–16:00."""
    if quiet_from == quiet_until:
        return False
    start, end = DAYTIME
    if quiet_from < quiet_until:  # within one day, e.g. 08:00–21:00
        return quiet_from < end and quiet_until > start
    return quiet_from < end or quiet_until > start  # over midnight, e.g. 21:00–08:00


def quiet_hours_in_words(quiet_from, quiet_until):
    """What the hours mean, as the quiet-hours page says it."""
    if quiet_from == quiet_until:
        return "Quiet hours are off: text messages go at any time of day or night."
    start, end = quiet_from.strftime("%H:%M"), quiet_until.strftime("%H:%M")
    when = "during the day" if holds_daytime(quiet_from, quiet_until) else "overnight"
    return (
        f"Texts will wait from {start} until {end} ({when}): a text message due in that time "
        f"is sent at {end}. Emails and letters are not held."
    )


def after_quiet_hours(moment, quiet_from, quiet_until):
    """``moment`` if it is outside quiet hours, else the end of them (home time)."""
    if not in_quiet_hours(moment, quiet_from, quiet_until):
        return moment
    wall = local(moment)
    day = wall.date()
    if quiet_from > quiet_until and wall.time() >= quiet_from:
        day = day + datetime.timedelta(days=1)
    return at_local(day, quiet_until.hour, quiet_until.minute)


def retry_delay(attempts):
    """Seconds to wait after the ``attempts``-th failed try: 1, 2, 4, 8… minutes, at most an hour."""
    base = settings.NOTIFY_RETRY_BASE_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), 60 * 60)
