"""Holding a space for a time: the one table every booking of a space writes
to (``SpaceHold``), whatever made it — a family visit, an activity, a
community group using the home as a venue.

A service that books a space, inside its transaction:

1. ``lock_space(space)`` — bookings of one space queue up here;
2. ``clashes(space, blocked_from, blocked_until)`` — the live holds in the way
   (the friendly check, naming what is there);
3. ``hold_create`` / ``hold_move`` / ``hold_release``.

PostgreSQL's exclusion constraint (migration homes 0009) refuses an overlap
even if two services race past the check: ``is_overlap(error)`` recognises it
so the caller can answer "taken" rather than fail.
"""

from datetime import timedelta

from django.utils import timezone

from homes.models import Space, SpaceHold

EXCLUSION_VIOLATION = "23P01"


def held_range(space, starts_at, ends_at):
    """The time a booking holds ``space``: the booking and the space's buffer either side."""
    buffer = timedelta(minutes=space.buffer_minutes)
    return starts_at - buffer, ends_at + buffer


def lock_space(space):
    """Lock the space's row until the transaction ends: bookings of one space queue up."""
    Space.objects.for_home(space.home_id).select_for_update().get(pk=space.pk)


def clashes(space, blocked_from, blocked_until, *, exclude=None):
    """The live holds of ``space`` overlapping the range, in time order."""
    qs = SpaceHold.objects.for_home(space.home_id).filter(
        space=space, released_at__isnull=True, blocked_until__gt=blocked_from, blocked_from__lt=blocked_until
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs.order_by("blocked_from"))


def hold_create(*, space, held_for, label, starts_at, ends_at, home=None):
    """Hold ``space``; pass the space's ``home`` when at hand (its history entry names it)."""
    hold = hold_new(
        space=space, held_for=held_for, label=label, starts_at=starts_at, ends_at=ends_at, home=home
    )
    hold.save(force_insert=True)
    return hold


def hold_new(*, space, held_for, label, starts_at, ends_at, home=None, pk=None):
    """The hold ``hold_create`` saves, not saved: for a booking written in one
    statement (``homes.together``), with the id it takes (``pk``)."""
    blocked_from, blocked_until = held_range(space, starts_at, ends_at)
    return SpaceHold(
        pk=pk,
        **({"home": home} if home is not None and home.pk == space.home_id else {"home_id": space.home_id}),
        space=space,
        held_for=held_for,
        label=label[:200],
        starts_at=starts_at,
        ends_at=ends_at,
        blocked_from=blocked_from,
        blocked_until=blocked_until,
    )


def hold_move(hold, *, space, starts_at, ends_at, label=None):
    """Move a live hold to another time (or space) in place."""
    hold.space = space
    hold.starts_at, hold.ends_at = starts_at, ends_at
    hold.blocked_from, hold.blocked_until = held_range(space, starts_at, ends_at)
    if label is not None:
        hold.label = label[:200]
    hold.save(update_fields=["space", "starts_at", "ends_at", "blocked_from", "blocked_until", "label"])
    return hold


def hold_release(hold, *, now=None):
    """Free the space at once. Releasing twice changes nothing."""
    if hold is None or hold.released_at is not None:
        return hold
    hold.released_at = now or timezone.now()
    hold.save(update_fields=["released_at"])
    return hold


def sqlstate(error):
    """The PostgreSQL error code behind a database error (psycopg2 or 3), or None."""
    cause = getattr(error, "__cause__", None)
    return getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)


def is_overlap(error):
    """True for PostgreSQL's refusal of an overlapping hold (or visit)."""
    return sqlstate(error) == EXCLUSION_VIOLATION
