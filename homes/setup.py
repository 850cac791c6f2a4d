"""What every new home starts with, contributed by the apps.

The core imports no feature app, so an app that keeps one row per home (its
settings) registers how to make it from its ``AppConfig.ready()``::

    register_home_setup(connection_settings_create)   # fn(*, home)

``home_set_up(home=…)`` runs them all where a home is created (the admin,
``seed_demo``), so no page has to create a row the first time it is read.
Each function is idempotent.
"""

from collections.abc import Callable

_SETUP: list[Callable] = []


def register_home_setup(fn):
    if fn not in _SETUP:
        _SETUP.append(fn)


def home_set_up(*, home):
    for fn in _SETUP:
        fn(home=home)
