"""Cached page fragments: a page part rendered once, then served from the cache
until the home's data changes.

A fragment's key holds the home's data generation (``homes.changes``: any
committed write to the home's rows, or to data shared between homes, gives a
new one), today's date (pages say "yesterday", "3 days ago"), who it was
rendered for (``vary``: the membership, its role, or anyone at the home), the
code and database it came from, and the fragment's own parts (the page's query
string, the record shown). So a fragment is never served after a write it
does not show, never to someone it was not rendered for, and never across a
midnight. ``bucket`` (seconds) also ends it on the clock, for parts that say
what is happening now.

A form in a fragment keeps working: its CSRF token is left as a placeholder in
the cache and filled in with the reader's own token each time it is served; a
create form's one-time token is a new one each time.

Nothing is cached without a generation (SQLite, the demo), for anything but a
GET, for an address with a long query string, with ``KITH_FRAGMENT_CACHE``
off, or while the cache is unreachable (the page is rendered as if there were
no cache: slower, never wrong). Fragments live ``KITH_FRAGMENT_SECONDS``.
"""

import hashlib
import logging
import operator
import re
import time
import uuid
from functools import partial
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from carehome.dbrouter import REPLICA, reading_from_replica_directly, reading_replica
from homes import changes

logger = logging.getLogger(__name__)

CSRF_PLACEHOLDER = "kith-csrf-placeholder-7f3a9c"
# A create form's one-time token (carehome.forms.OnceFormMixin) is stored as a
# placeholder and each serving gets a new one: two showings of a cached form
# never share a token, so each still saves once.
ONCE_PLACEHOLDER = "kith-once-token-placeholder-5b2e"
ONCE_TOKEN = re.compile(r'(name="(?:[\w-]+-)?form_token" value=")[0-9a-fA-F-]{32,36}(")')
VARY = ("membership", "role", "home")
_salt = None


def _code_version():
    """A digest of Kith's code and templates as deployed (their contents, so every
    web machine of one release agrees): a new release never serves a fragment
    an older one rendered."""
    root = Path(settings.BASE_DIR).resolve()
    folders = {root / "templates", root / "carehome"}
    folders.update(
        Path(app.path).resolve() for app in apps.get_app_configs() if Path(app.path).resolve().parent == root
    )
    digest = hashlib.blake2b(digest_size=8)
    for folder in sorted(folders):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".html", ".txt"):
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def salt():
    """The code version and the database's identity (a database restored or
    re-created starts its change ids again: its fragments are not the old ones)."""
    global _salt  # noqa: PLW0603 - worked out once a process
    if _salt is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
            oid = cursor.fetchone()[0]
        _salt = f"{_code_version()}.{oid}"
    return _salt


# Longer query strings are rendered, not stored: a page's real filters fit, and
# nobody fills the cache by asking for endless made-up addresses.
MAX_QUERY_STRING = 256


def enabled(request):
    membership = getattr(request, "membership", None)
    return bool(
        settings.KITH_FRAGMENT_CACHE
        and request is not None
        and request.method in ("GET", "HEAD")
        and len(request.META.get("QUERY_STRING", "")) <= MAX_QUERY_STRING
        and membership is not None
        and getattr(membership, "generation", None)
        and connection.vendor == "postgresql"
    )


def key(request, name, *parts, vary="membership", bucket=None):
    if vary not in VARY:
        raise ValueError(f"vary must be one of {VARY}, not {vary!r}")
    membership = request.membership
    generation = _generation(request)
    who = {"membership": f"m{membership.pk}", "role": f"r.{membership.role}", "home": "all"}[vary]
    when = timezone.localdate().isoformat()
    if bucket:
        when += f"@{int(time.time() // int(bucket))}"
    htmx = request.headers.get("HX-Request") == "true"
    detail = hashlib.blake2b(repr((parts, htmx)).encode(), digest_size=12).hexdigest()
    return f"kith:frag:{salt()}:{membership.home_id}:{generation}:{when}:{name}:{who}:{detail}"


def _generation(request):
    """The generation the fragment's data is read at: the primary's (read with
    the membership), or the replica's when the page reads from the replica, so
    a lagging replica's rows are never stored under the primary's newer key."""
    if not reading_replica():
        return request.membership.generation
    if getattr(request, "_kith_replica_generation", None) is None:
        reading_from_replica_directly()
        request._kith_replica_generation = changes.generation(request.membership.home_id, using=REPLICA)
    return request._kith_replica_generation


def get_many(keys, request=None):
    """The cached fragments among ``keys``; those a view prefetched for this
    request come from memory."""
    found, prefetched = {}, getattr(request, "_kith_fragments", {})
    wanted = [k for k in keys if k not in prefetched]
    found.update({k: prefetched[k] for k in keys if prefetched.get(k) is not None})
    if wanted:
        try:
            found.update(cache.get_many(wanted))
        except Exception:  # the cache is down: render everything, as if nothing were cached
            logger.warning("fragment cache unreachable; rendering without it", exc_info=True)
    return found


def prefetch(request, keys):
    """Fetch the fragments a page will ask for in one round trip, kept with
    those fetched before for this request (a key not found is noted too)."""
    found = get_many(keys, request)
    known = request.__dict__.setdefault("_kith_fragments", {})
    known.update({k: found.get(k) for k in keys})


def set_many(items):
    try:
        cache.set_many(items, settings.KITH_FRAGMENT_SECONDS)
    except Exception:
        logger.warning("fragment cache unreachable; not stored", exc_info=True)


def for_cache(html):
    """A rendered fragment as it is stored: one-time tokens left as placeholders."""
    return ONCE_TOKEN.sub(rf"\g<1>{ONCE_PLACEHOLDER}\g<2>", html)


def served(html, csrf_token):
    """A fragment as it is served: the reader's own CSRF token, and a new
    one-time token for each create form in it."""
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, str(csrf_token))
    while ONCE_PLACEHOLDER in html:
        html = html.replace(ONCE_PLACEHOLDER, str(uuid.uuid4()), 1)
    return html


def remembered(request, name, make, *parts):
    """What ``make()`` returns, kept like a fragment (until the home's data
    changes), for a GET: e.g. the record a page is about, which every view
    looks up before its fragments. A ``make()`` that raises (a 404) stores
    nothing. Anything else (a POST, the cache off) calls ``make()``."""
    if not enabled(request):
        return make()
    cache_key = key(request, name, *parts, vary="home")
    found = get_many([cache_key], request).get(cache_key)
    if found is None:
        found = make()
        set_many({cache_key: found})
    return found


def deferred(make, *names):
    """A view's context made only if its fragment is rendered: ``make()``
    returns the context dict, called once, the first time the template uses
    any of ``names``. A page served from the cache makes none of its queries.

        return render(request, "x.html", deferred(lambda: {"rows": …, "form": …}, "rows", "form"))

    Each value is a lazy stand-in: templates use it as the value itself (avoid
    ``is None`` tests on them)."""
    made = SimpleLazyObject(make)
    return {name: SimpleLazyObject(partial(operator.getitem, made, name)) for name in names}
