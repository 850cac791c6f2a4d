"""Every GET page costs the same queries with a few rows or hundreds of them.

The URL sweep (tests/urls_sweep.py) finds every page under /h/<home>/; each role
fetches every page it may see in the shared ``world`` (a handful of rows), then
the home is given weeks of history by the demo's own writers (the same ones
``seed_demo --weeks`` uses: hundreds of residents' connections, visits, plans,
activities and volunteers' shifts, the world's own residents included), and the
same role fetches the same pages again. The counts must match, and stay under
the absolute ceiling of tests/test_scoping.py. Counted with the fragment cache
off: the pages' own work, not Redis.
"""

import importlib
import re
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from homes import demo
from homes.bulkload import BulkLoad
from residents.models import Connection, RelativeLink, Resident
from residents.tests.factories import PersonWhoMattersFactory, ResidentFactory
from tests.test_scoping import ROLES, other_pages, url_for
from tests.urls_sweep import collected, home_urls, may_see

# An absolute ceiling on the queries a page may make, fetched by a person allowed to
# see it (session, user and home lookups count).
MAX_QUERIES = 40

# Pages that may cost more than MAX_QUERIES, each with its reason.
_EVERY_TABLE = (
    "reads every table that holds a person's data, one query each however much it holds (privacy/sources.py)"
)
QUERY_CEILINGS = {
    "privacy:request": (55, _EVERY_TABLE),
    "privacy:export_pdf": (55, _EVERY_TABLE),
    "privacy:export_json": (55, _EVERY_TABLE),
}


def fetch_counting(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, [q["sql"] for q in ctx.captured_queries]


def grow(home, *, weeks, residents, newcomers):
    """Write ``weeks`` of history for ``home`` with the demo's registered writers."""
    today = timezone.localdate()
    for n in range(newcomers):  # people who moved in lately: their rooms had others before them
        resident = ResidentFactory(home=home, admitted_on=today - timedelta(days=3 + n))
        PersonWhoMattersFactory.create_batch(2, resident=resident)
    with transaction.atomic():
        _grow(home, weeks=weeks, residents=residents)


def _grow(home, *, weeks, residents):
    load = BulkLoad(connection)
    try:
        for area in demo.demo_histories():
            load.sync()
            importlib.import_module(area.module).history(
                homes=[home], weeks=weeks, today=timezone.localdate(), load=load, residents_per_home=residents
            )
        load.finish()
    finally:
        load.close()


def shape(sql):
    """The query without its values, so the same query with other ids compares equal."""
    sql = re.sub(r"_django_curs_\w+", "cursor", sql)
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)[:300]


def pages_of(w, client_for):
    """[(label, client, url)] for every GET page of every role, and the pages outside a home."""
    pages = []
    for role in ROLES:
        client = client_for(w.member(role))
        client.get(reverse("homes:dashboard", args=[w.home.slug]))  # the first visit remembers the home
        for name in home_urls():
            url = url_for(name, w, own_objects=True, slug=w.home.slug)
            if may_see(name, url, role):
                pages.append((f"{role} {name}", client, url))
    for name, (client, url) in other_pages(w, client_for).items():
        pages.append((name, client, url))
    return pages


def warm_up(w):
    """What an app keeps ready ahead of the pages (``WARM_UP`` in its
    ``tests/sweep*.py``: kept weekly figures, say), done before each pass so
    both passes read what a running site would."""
    for prepare in collected("WARM_UP").values():
        prepare(w)


def counts(pages):
    found, failures = {}, []
    for label, client, url in pages:
        response, queries = fetch_counting(client, url)
        if response.status_code == 405:  # an action (POST only), not a page
            continue
        if response.status_code != 200:
            failures.append(f"{label} GET {url} gave {response.status_code}")
        ceiling = QUERY_CEILINGS.get(label.split()[-1], (MAX_QUERIES, ""))[0]
        if len(queries) > ceiling:
            failures.append(f"{label} GET {url} made {len(queries)} queries (ceiling {ceiling})")
        found[label] = (len(queries), queries)
    return found, failures


@pytest.mark.django_db(transaction=True)
def test_every_page_answers_at_the_same_cost_with_few_rows_or_hundreds(
    sweep_world, client_for, settings, monkeypatch
):
    settings.KITH_FRAGMENT_CACHE = False
    # A session notes its last use at most once a minute (accounts.sessions); the two passes
    # are minutes apart, and that one write is not the page's cost.
    monkeypatch.setattr("accounts.sessions.WRITE_EVERY", 24 * 3600)
    w = sweep_world
    RelativeLink.objects.for_home(w.home).filter(membership=w.relative).update(
        regular_visitor_approved_at=timezone.now(), regular_visitor_approved_by=w.manager.user
    )
    pages = pages_of(w, client_for)
    warm_up(w)
    few, failures = counts(pages)
    assert not failures, "\n".join(failures)
    rows_before = Connection.objects.filter(home=w.home).count()
    residents_before = Resident.objects.filter(home=w.home).count()

    grow(w.home, weeks=10, residents=60, newcomers=25)
    assert Resident.objects.filter(home=w.home).count() >= residents_before + 50
    assert Connection.objects.filter(home=w.home).count() > 20 * max(rows_before, 10)
    # The world's own resident has weeks of entries too.
    assert Connection.objects.filter(participants__resident=w.resident).count() > 20

    warm_up(w)
    many, failures = counts(pages)
    assert not failures, "\n".join(failures)
    different = []
    for label, (n, queries) in few.items():
        if many[label][0] != n:
            before, after = Counter(map(shape, queries)), Counter(map(shape, many[label][1]))
            added, gone = list((after - before).elements())[:3], list((before - after).elements())[:3]
            different.append(f"{label}: {n} queries, then {many[label][0]}; added {added}, gone {gone}")
    assert not different, "\n".join(different)
