"""Demo data, contributed by the apps (``python manage.py seed_demo``).

The core seeds the organisation, homes, people and spaces; it imports no
feature app, so each app registers what it adds from its
``AppConfig.ready()``:

    register_demo_residents(admit=admit, load=load)
    register_demo_area("visits.demo.booking", order=23)

- ``admit(*, home, count)`` tops a home up to ``count`` residents (the app
  that owns residents registers it; it runs first, once per home), and
  ``load(home)`` lists them for the areas.
- An area is the dotted path of a module with
  ``seed(*, home, residents, staff, today, rng)``, idempotent and bulk. Areas
  run in ``order`` (ties by name); each gets its own ``random.Random`` seeded
  with its path and the home, so the data is the same on every run.

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
_RESIDENTS: dict[str, Callable] = {}


def register_demo_area(module, *, order=50):
    _AREAS[module] = DemoArea(module, order)


def demo_areas():
    return sorted(_AREAS.values(), key=lambda a: (a.order, a.module))


def register_demo_residents(*, admit, load):
    _RESIDENTS["admit"] = admit
    _RESIDENTS["load"] = load


def admit_residents(*, home, count):
    if "admit" in _RESIDENTS:
        _RESIDENTS["admit"](home=home, count=count)


def residents_for(home):
    return _RESIDENTS["load"](home) if "load" in _RESIDENTS else []
