"""Every URL under /h/<home_slug>/, found from the URLconf, so pages added by
later apps are swept by the scoping tests with no extra work.

A page whose URL carries an object id must say how to fill it, both with a
record of the home under test and with one of another home: a meta-test fails
until it does. Each app (or area) declares that in a module
``<app>/tests/sweep*.py`` holding an ``OBJECT_KWARGS`` dict::

    OBJECT_KWARGS = {
        "residents:detail": lambda w, own: {"pk": w.resident.pk if own else w.foreign_resident.pk},
    }

``w`` is the shared ``world`` fixture (tests/fixtures.py); ``own`` says which
home the record must belong to. Create what you need with factories.
"""

import importlib
import pkgutil
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            name = f"{namespace}:{p.name}" if namespace else p.name
            yield name, prefix + str(p.pattern)


def home_urls():
    """{url name: (route, the other kwargs it takes)} for every home page."""
    found = {}
    for name, route in _walk(get_resolver().url_patterns):
        pattern = RoutePattern(route)
        kwargs = set(pattern.converters)
        if "home_slug" in kwargs:
            found[name] = (route, sorted(kwargs - {"home_slug"}))
    return found


def collected(name):
    """The ``name`` dicts of every ``<app>/tests/sweep*.py``, merged
    (``OBJECT_KWARGS``; optionally ``CREATE_VIEWS`` for tests/test_saves_once.py)."""
    found = {}
    for config in apps.get_app_configs():
        tests_dir = Path(config.path) / "tests"
        if not (tests_dir / "__init__.py").exists() or Path(settings.BASE_DIR) not in tests_dir.parents:
            continue
        for module in pkgutil.iter_modules([str(tests_dir)]):
            if module.name.startswith("sweep"):
                mod = importlib.import_module(f"{config.name}.tests.{module.name}")
                found.update(getattr(mod, name, {}))
    return found


def _collect():
    return collected("OBJECT_KWARGS")


OBJECT_KWARGS = {}


def object_kwargs():
    if not OBJECT_KWARGS:
        OBJECT_KWARGS.update(_collect())
    return OBJECT_KWARGS


# Pages whose view declares a broad permission (for the middleware) and then asks for
# a narrower one itself: the roles that may really use them, and why.
_BOOKERS = {"manager", "champion", "staff", "family"}
SEEN_ONLY_BY = {
    "visits:book": (_BOOKERS, "visits.book or visits.book_own"),
    "visits:free_times": (_BOOKERS, "visits.book or visits.book_own"),
    "visits:visit_detail": (_BOOKERS, "visits.book or visits.book_own"),
    "visits:visit_edit": (_BOOKERS, "visits.book or visits.book_own"),
    "visits:visit_cancel": (_BOOKERS, "visits.book or visits.book_own"),
    "visits:visit_ics": (_BOOKERS, "visits.book or visits.book_own"),
    "visits:event_reply": ({"family"}, "a relative replies for their own resident"),
    "visits:contribution_add": ({"family"}, "a relative suggests for their own resident"),
    "visits:update_photo": (_BOOKERS, "staff, and relatives linked to the resident"),
    # The sweep's entry has no author: only a manager (connections.correct_any) may change it.
    "residents:connection_correct": ({"manager"}, "the entry's author for a few days, or a manager"),
    "residents:connection_strike_out": ({"manager"}, "the entry's author for a few days, or a manager"),
    # Under the rota (volunteers.rota) but only the co-ordinator puts someone on it.
    "volunteers:shift_add": ({"manager", "champion"}, "volunteers.manage"),
    # A story photo's image: staff who plan (community.plan) and relatives (family.portal); the
    # view answers 403 to volunteers and connector charity staff, who see no photos of residents.
    "community:photo_image": (_BOOKERS, "community.plan or family.portal"),
}


def may_see(name, url, role):
    """Whether ``role`` ("manager", "champion", "staff", "volunteer" or "family")
    holds the permission the view at ``url`` declares (or, for the pages in
    SEEN_ONLY_BY, is one of the roles listed there)."""
    from django.urls import resolve

    from homes.middleware import view_permission
    from homes.models import Role
    from homes.permissions import GRANTED_BY_HOME, role_has_perm

    if name in SEEN_ONLY_BY:
        return role in SEEN_ONLY_BY[name][0]
    roles = {"manager": Role.MANAGER, "champion": Role.CHAMPION, "staff": Role.STAFF}
    roles |= {"volunteer": Role.VOLUNTEER, "family": Role.FAMILY, "connector": Role.CONNECTOR}
    roles |= {"org_admin": Role.ORG_ADMIN}  # the few pages for the organisation (its retention periods)
    perm = view_permission(resolve(url).func)
    # The sweep's home grants nothing it may choose to (homes.permissions.GRANTED_BY_HOME).
    return role_has_perm(roles[role], perm) and (roles[role], perm) not in GRANTED_BY_HOME
