"""Demo data, contributed by the apps (``python manage.py seed_demo``).

The core seeds the organisation, homes, people and spaces; it imports no
feature app, so each app registers what it adds from its
``AppConfig.ready()``:

    register_demo_residents(admit=admit, load=load)
    register_demo_area("visits.demo.booking", order=23)

    register_demo_history("visits.demo.history", order=40)

- ``admit(*, home, count)`` tops a home up to ``count`` residents (the app
  that owns residents registers it; it runs first, once per home), and
  ``load(home)`` lists them for the areas.
- An area is the dotted path of a module with
  ``seed(*, home, residents, staff, today, rng)``, idempotent and bulk. Areas
  run in ``order`` (ties by name); each gets its own ``random.Random`` seeded
  with its path and the home, so the data is the same on every run.

With ``seed_demo --weeks W`` (PostgreSQL) each home also gets W weeks of
history: a *history* is the dotted path of a module with
``history(*, homes, weeks, today, load, residents_per_home)`` that writes the
rows of every home in ``homes`` through ``load`` (a ``homes.bulkload.BulkLoad``:
COPY, no model saves). Histories run in ``order``, each over all the homes;
one leaves what the next needs in ``load.context``. Each draws its numbers
from a ``random.Random`` seeded with the home, so the data is the same on
every run. A home is given history once: ``history_written`` marks it (one
audit entry on the home) and ``homes_with_history`` finds the marked ones.

The helpers below (``email``, ``SURNAMES``) are shared with the apps' demos.
"""

from collections.abc import Callable
from dataclasses import dataclass

DOMAIN = "example.com"

SURNAMES = [
    "Thompson",
    "Patel",
    "Hughes",
    "Walker",
    "Robertson",
    "MacDonald",
    "Evans",
    "O'Brien",
    "Khan",
    "Campbell",
    "Fraser",
    "Wilson",
    "Murray",
    "Baxter",
    "Jenkins",
    "Clarke",
    "Kowalski",
    "Okafor",
    "Stewart",
    "Reid",
    "Singh",
    "Henderson",
    "Davies",
    "Morgan",
    "Price",
    "Shaw",
    "Harper",
    "Doyle",
    "Fletcher",
    "Ahmed",
    "Lloyd",
    "Gallagher",
]


def email(local, home_slug=None):
    """A demo sign-in: ``manager@rowan-house.example.com``, or across homes
    ``admin@kith-demo.example.com``."""
    return f"{local}@{home_slug}.{DOMAIN}" if home_slug else f"{local}@kith-demo.{DOMAIN}"


@dataclass(frozen=True)
class DemoArea:
    module: str
    order: int = 50


_AREAS: dict[str, DemoArea] = {}
_HISTORIES: dict[str, DemoArea] = {}
_RESIDENTS: dict[str, Callable] = {}
# ``additional_data["source"]`` of the audit entry that marks a home's history as written.
HISTORY_SOURCE = "demo-history"


def register_demo_area(module, *, order=50):
    _AREAS[module] = DemoArea(module, order)


def demo_areas():
    return sorted(_AREAS.values(), key=lambda a: (a.order, a.module))


def register_demo_history(module, *, order=50):
    _HISTORIES[module] = DemoArea(module, order)


def demo_histories():
    return sorted(_HISTORIES.values(), key=lambda a: (a.order, a.module))


def homes_with_history(homes):
    """The ids of ``homes`` whose demo history is already written."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    if not homes:
        return set()
    content_type = ContentType.objects.get_for_model(homes[0].__class__)
    return set(
        LogEntry.objects.filter(
            content_type=content_type,
            object_id__in=[h.pk for h in homes],
            additional_data__source=HISTORY_SOURCE,
        ).values_list("object_id", flat=True)
    )


def history_written(homes, *, weeks):
    """Mark ``homes`` as having their demo history (an entry in each home's
    audit history: the rows themselves are past records and get none)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    if not homes:
        return
    content_type = ContentType.objects.get_for_model(homes[0].__class__)
    now = timezone.now()
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=str(home.pk),
                object_id=home.pk,
                object_repr=str(home)[:200],
                action=LogEntry.Action.UPDATE,
                changes={"demo history": ["", f"the last {weeks} weeks"]},
                additional_data={"source": HISTORY_SOURCE, "weeks": weeks, "home_id": home.pk},
                timestamp=now,
            )
            for home in homes
        ]
    )


def register_demo_residents(*, admit, load):
    _RESIDENTS["admit"] = admit
    _RESIDENTS["load"] = load


def admit_residents(*, home, count):
    if "admit" in _RESIDENTS:
        _RESIDENTS["admit"](home=home, count=count)


def residents_for(home):
    return _RESIDENTS["load"](home) if "load" in _RESIDENTS else []
