"""The tenant guard: a query on a home's rows runs inside a scope, or not at all.

Every model that belongs to a home (``HomeScopedModel``) has a default manager
that asks django-scopes for the current scope:

- **No scope open** → evaluating the query raises ``ScopeError``. A forgotten
  scope fails loudly instead of reading every home's rows.
- **A home scope open** (``home_scope(home)``) → every query is narrowed to that
  home (or homes) by the manager itself, so a forgotten ``for_home`` cannot
  leak another home's rows; ``for_home(other_home)`` raises.
- **Crossing homes by design** (``crossing_homes("why")``) → no narrowing. Only
  the places that really work across homes use it, each with its reason: the
  reminder sweeper and planners, the back-office admin, seeding the demo,
  finding a person's memberships before a home is chosen.

Who opens the scope: ``HomeScopeMiddleware`` for every ``/h/<home>/…`` request
(and for the admin, crossing homes), ``KithTask`` for every Celery task (a task
takes a ``home_id`` or declares ``crosses_homes``), each management command
(its ``execute``), and the few public pages that find their home from a
token or a slug.

With ``KITH_STRICT_SCOPES`` on (the test suite), a query inside a scope must
also say which home it means — ``for_home(home)``, ``for_member(membership)``,
a ``home=`` filter or a related manager of a row already loaded — so a view
that forgets its filter fails its tests rather than relying on the net.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import models
from django_scopes import ScopeError, get_scope, scope, scopes_disabled
from django_scopes.state import state

__all__ = [
    "ScopeError",
    "HomeScopedManager",
    "HomeScopedQuerySet",
    "check_home",
    "crossing_homes",
    "home_scope",
    "scoped_home_ids",
    "unscoped",
]

_HOME_KEYS = {"home", "home_id"}


def _home_id(home):
    return home if isinstance(home, int) else home.pk


@contextmanager
def home_scope(*homes):
    """Run the block for these homes only (a request, a task, a command)."""
    ids = [_home_id(h) for h in homes if h is not None]
    if not ids:
        raise ValueError("home_scope() needs at least one home")
    with scope(home=ids):
        yield


@contextmanager
def unscoped():
    """Start afresh with no scope open: how every request and worker begins.
    A query on a home's rows raises until ``home_scope`` or ``crossing_homes``."""
    token = state.set({"_enabled": True})
    try:
        yield
    finally:
        state.reset(token)


@contextmanager
def crossing_homes(reason):
    """Run the block across every home, on purpose. Say why."""
    if not reason or not str(reason).strip():
        raise ValueError("crossing_homes() needs the reason this work crosses homes")
    with scopes_disabled():
        yield


def scoped_home_ids():
    """The ids of the homes in scope, ``None`` when crossing homes, ``()`` when no scope is open."""
    current = get_scope()
    if not current.get("_enabled", True):
        return None
    return tuple(current.get("home") or ())


def _is_home_row(value):
    return isinstance(value, models.Model) and value.pk is not None and hasattr(value, "home_id")


def _names_a_home(key, value):
    """Does this filter say which home? ``home=…``, or a row of a home already
    loaded (``resident=resident``, ``session__in=[…]``): a guessed id does not."""
    if key.split("__", 1)[0] in _HOME_KEYS:
        return True
    if _is_home_row(value):
        return True
    if isinstance(value, (list, tuple, set)) and value and all(_is_home_row(v) for v in value):
        return True
    return False


def check_write(row):
    """Inside a home's scope, a row can only be written for that home."""
    ids = scoped_home_ids()
    if ids and row.home_id not in ids:
        raise ScopeError(f"{type(row).__name__} for home {row.home_id} written inside the scope of {ids}")


def check_home(home, *rows):
    """Every service that touches a home's rows takes ``home`` and checks that
    each row it was given belongs to it (a forged id from another home stops here)."""
    from carehome.errors import DomainError

    for row in rows:
        if row is not None and row.home_id != home.pk:
            raise DomainError(f"That {row._meta.verbose_name} is not at {home.name}.")


def _strict():
    return getattr(settings, "KITH_STRICT_SCOPES", False)


class HomeScopedQuerySet(models.QuerySet):
    """The one way views reach rows that belong to a home."""

    _kith_narrowed = False
    _kith_netted = False

    def for_home(self, home):
        ids = scoped_home_ids()
        if ids and _home_id(home) not in ids:
            raise ScopeError(f"{self.model.__name__}: home {_home_id(home)} is outside the open scope {ids}")
        return self.filter(home=home)

    # -- the guard -----------------------------------------------------------

    def _clone(self):
        clone = super()._clone()
        clone._kith_narrowed = self._kith_narrowed
        clone._kith_netted = self._kith_netted
        return clone

    def _filter_or_exclude_inplace(self, negate, args, kwargs):
        if not negate and any(_names_a_home(key, value) for key, value in kwargs.items()):
            self._kith_narrowed = True
        super()._filter_or_exclude_inplace(negate, args, kwargs)

    def _kith_guard(self):
        ids = scoped_home_ids()
        if ids is None or self.query.is_empty():
            return
        name = self.model.__name__
        if not ids:
            raise ScopeError(
                f"{name} was queried outside a home scope. Open one with homes.scoping.home_scope(home), "
                "or crossing_homes('why') where the work really crosses homes."
            )
        if not self._kith_netted:
            # Built before the scope opened (a form's class attribute, a module
            # constant): narrow it now, when it runs.
            self.query.add_q(models.Q(home_id__in=ids))
            self._kith_netted = True
        # A related manager or a prefetch of rows already loaded carries their instance.
        bound = self._hints.get("instance") is not None
        if _strict() and not (self._kith_narrowed or bound):
            raise ScopeError(
                f"{name} was queried without saying which home: use {name}.objects.for_home(home) "
                "(or for_member(membership), or a related manager of a row already loaded)."
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._kith_guard()
        super()._fetch_all()

    def iterator(self, chunk_size=None):
        self._kith_guard()
        return super().iterator(chunk_size=chunk_size)

    def count(self):
        if self._result_cache is None:
            self._kith_guard()
        return super().count()

    def exists(self):
        if self._result_cache is None:
            self._kith_guard()
        return super().exists()

    def contains(self, obj):
        if self._result_cache is None:
            self._kith_guard()
        return super().contains(obj)

    def aggregate(self, *args, **kwargs):
        self._kith_guard()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._kith_guard()
        return super().update(**kwargs)

    update.alters_data = True

    def delete(self):
        self._kith_guard()
        return super().delete()

    delete.alters_data = True
    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            check_write(obj)
        return super().bulk_create(objs, *args, **kwargs)

    def explain(self, *, format=None, **options):  # noqa: A002 (Django's own name)
        self._kith_guard()
        return super().explain(format=format, **options)


class HomeScopedManager(models.Manager.from_queryset(HomeScopedQuerySet)):
    """Narrows every query to the homes in scope; see the module docstring."""

    def get_queryset(self):
        qs = super().get_queryset()
        ids = scoped_home_ids()
        if ids:
            qs = qs.filter(home_id__in=ids)
            # The net is not the query's own choice of home.
            qs._kith_narrowed = False
            qs._kith_netted = True
        return qs


def scoped_manager(queryset_class):
    """The default manager for a home-scoped model with its own queryset class."""
    if not issubclass(queryset_class, HomeScopedQuerySet):
        raise TypeError(f"{queryset_class.__name__} must extend HomeScopedQuerySet")
    return HomeScopedManager.from_queryset(queryset_class)()
