"""Visits from family and friends: the one definition Kith uses.

**A visit** is either
- a logged in-person connection with family or friends (a person who
  matters), not struck out; or
- a booked visit that took place: an in-person visit (not a call) that is
  still booked (not cancelled) and has started by now.

**No visit in N days** (N is the home's ``no_visitor_days``): a resident
living here now (not in hospital, not left) who has lived here at least N days
and whose last visit is more than N days ago, or who has had none.

The worklist ("no regular visitors"), its dashboard panel, the key worker's
weekly nudge and the managers' weekly summary all read it from here, so they
cannot disagree. Booked visits belong to the visits app, which residents does
not import: it registers them with ``register_visit_source`` from its
``AppConfig.ready()``.
"""

from datetime import timedelta

from django.db.models import DateTimeField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from residents.models import Connection, ConnectionParticipant, Resident
from residents.selectors.settings import no_visitor_days

_SOURCES = []


def register_visit_source(source):
    """``source(now)`` returns a queryset of one datetime column: the latest
    visit of the resident ``OuterRef("pk")`` by ``now`` (``[:1]``)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def _logged_visits(now):
    return (
        ConnectionParticipant.objects.filter(
            resident=OuterRef("pk"),
            connection__with_whom=Connection.WithWhom.PERSON,
            connection__mode=Connection.Mode.IN_PERSON,
            connection__struck_out_at__isnull=True,  # a struck-out entry does not count
            occurred_at__lte=now,
        )
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )


def last_visit(now=None):
    """An expression for ``annotate``: when each resident was last visited, or None."""
    now = now or timezone.now()

    def latest_of(source):
        return Subquery(source(now), output_field=DateTimeField())

    sources = [_logged_visits, *_SOURCES]
    latest = latest_of(sources[0])
    for source in sources[1:]:
        # GREATEST is NULL on SQLite when either side is: then take whichever is set.
        latest = Coalesce(Greatest(latest, latest_of(source)), latest, latest_of(source))
    return latest


def no_visit_since(now, days):
    """A filter for residents annotated with ``last_visit``: no visit in ``days`` days."""
    since = now - timedelta(days=days)
    return (
        Q(status=Resident.Status.CURRENT)
        & Q(admitted_on__lte=timezone.localdate(now) - timedelta(days=days))
        & (Q(last_visit__isnull=True) | Q(last_visit__lt=since))
    )


def residents_without_visits(home, *, now=None):
    """The home's residents with no visit in its ``no_visitor_days``, with
    ``last_visit``, by name. Returns (days, queryset)."""
    now = now or timezone.now()
    days = no_visitor_days(home)
    residents = (
        Resident.objects.for_home(home)
        .annotate(last_visit=last_visit(now))
        .filter(no_visit_since(now, days))
        .order_by("full_name", "pk")
    )
    return days, residents


def no_visit_for(resident, last_visit_at, now, days):
    """``no_visit_since`` for one resident already loaded, with their last visit."""
    return (
        resident.status == Resident.Status.CURRENT
        and resident.admitted_on <= timezone.localdate(now) - timedelta(days=days)
        and (last_visit_at is None or last_visit_at < now - timedelta(days=days))
    )
