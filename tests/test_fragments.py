"""Cached page fragments (homes.fragments, {% homecache %}): served until the
home's data changes, never to someone they were not rendered for, and forms in
them keep working."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.template import engines
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from homes.selectors import membership_for_request
from residents.models import Resident
from residents.tests.factories import ResidentFactory
from tests.html import main_text

TEMPLATE = """{% load fragments %}{% homecache "t" part vary=vary %}{{ made }} {{ who }}
<form method="post">{% csrf_token %}<input type="hidden" name="form_token" value="{{ token }}"></form>
{% endhomecache %}"""


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return f"render {self.calls}"


def render(membership, *, part="a", vary="membership", csrf="c" * 64, counter=None, who=""):
    request = RequestFactory().get("/")
    request.user = membership.user
    request.membership = membership_for_request(membership.user, membership.home.slug)
    request.home = membership.home
    template = engines["django"].from_string(TEMPLATE)
    context = {
        "made": counter,
        "part": part,
        "vary": vary,
        "who": who,
        "csrf_token": csrf,
        "token": "6f1c0c1e-8a4b-4bb1-9b4a-2e1d3c4b5a69",
    }
    return template.render(context, request)


def test_a_fragment_is_rendered_once_then_served_until_the_homes_data_changes(world):
    counter = Counter()
    assert "render 1" in render(world.manager, counter=counter)
    assert "render 1" in render(world.manager, counter=counter)
    assert counter.calls == 1
    ResidentFactory(home=world.home, full_name="Nora New")  # any write to the home's rows
    assert "render 2" in render(world.manager, counter=counter)
    ResidentFactory(home=world.other_home)  # another home's write changes nothing here
    assert "render 2" in render(world.manager, counter=counter)


def test_each_membership_gets_its_own_unless_the_fragment_says_otherwise(world):
    counter = Counter()
    assert "Ruth" in render(world.manager, counter=counter, who="Ruth")
    assert "Aisha" in render(world.staff, counter=counter, who="Aisha")
    assert counter.calls == 2
    shared = Counter()
    render(world.manager, counter=shared, vary="home", part="b")
    render(world.staff, counter=shared, vary="home", part="b")
    assert shared.calls == 1
    by_role = Counter()
    render(world.staff, counter=by_role, vary="role", part="c")
    render(world.champion, counter=by_role, vary="role", part="c")
    assert by_role.calls == 2


def test_the_parts_of_the_key_and_midnight_end_a_fragment(world):
    counter = Counter()
    render(world.manager, counter=counter, part="page=1")
    render(world.manager, counter=counter, part="page=2")
    assert counter.calls == 2
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        render(world.manager, counter=counter, part="page=1")
    assert counter.calls == 3


def test_a_served_form_carries_the_readers_own_csrf_token_and_a_new_one_time_token(world):
    first = render(world.manager, vary="home", csrf="a" * 64)
    second = render(world.staff, vary="home", csrf="b" * 64)
    third = render(world.staff, vary="home", csrf="b" * 64)
    assert 'value="' + "a" * 64 in first
    assert 'value="' + "b" * 64 in second and "a" * 64 not in second
    tokens = [re.search(r'name="form_token" value="([^"]+)"', html).group(1) for html in (second, third)]
    assert len(set(tokens)) == 2
    assert all(re.fullmatch(r"[0-9a-f-]{36}", t) for t in tokens)


@override_settings(KITH_FRAGMENT_CACHE=False)
def test_with_the_setting_off_every_request_renders(world):
    counter = Counter()
    render(world.manager, counter=counter)
    render(world.manager, counter=counter)
    assert counter.calls == 2


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there: the cache is down
        }
    }
)
def test_with_the_cache_down_pages_are_rendered_as_if_there_were_none(world, client_for):
    counter = Counter()
    assert "render 1" in render(world.manager, counter=counter)
    assert "render 2" in render(world.manager, counter=counter)
    response = client_for(world.manager).get(reverse("residents:list", args=[world.home.slug]))
    assert response.status_code == 200 and b"Margaret Baxter" in response.content


def test_the_resident_list_served_from_the_cache_makes_none_of_its_queries_and_shows_a_change_at_once(
    world, client_for
):
    client = client_for(world.manager)
    url = reverse("residents:list", args=[world.home.slug])
    assert b"Margaret Baxter" in client.get(url).content
    with CaptureQueriesContext(connection) as served:
        response = client.get(url)
    assert b"Margaret Baxter" in response.content
    assert not [q for q in served.captured_queries if "residents_resident" in q["sql"]]

    residents = Resident.objects.for_home(world.home)
    residents.filter(pk=world.resident.pk).update(full_name="Margaret Baxter-Hale")
    assert b"Margaret Baxter-Hale" in client.get(url).content


def test_the_worklist_and_dashboard_show_a_new_resident_at_once(world, client_for):
    client = client_for(world.manager)
    worklist = reverse("residents:worklist", args=[world.home.slug])
    dashboard = reverse("homes:dashboard", args=[world.home.slug])
    assert b"Nora Newcombe" not in client.get(worklist).content
    before = main_text(client.get(dashboard))
    assert main_text(client.get(dashboard)) == before  # served again, unchanged
    ResidentFactory(home=world.home, full_name="Nora Newcombe")  # no connection yet: quiet
    assert b"Nora Newcombe" in client.get(worklist).content
    assert main_text(client.get(dashboard)) != before


def test_an_address_with_a_long_query_string_is_rendered_and_not_stored(world, client_for, settings):
    from django.core.cache import cache

    client = client_for(world.manager)
    url = reverse("residents:list", args=[world.home.slug])

    def stored():
        return set(cache._cache.get_client().keys("*kith:frag:*"))

    # Compared as sets of keys: fragments other tests stored may expire meanwhile.
    before = stored()
    assert client.get(url, {"q": "x" * 300}).status_code == 200
    assert stored() - before == set()
    assert client.get(url, {"q": "Peggy"}).status_code == 200
    assert stored() - before


def test_a_residents_pages_served_from_the_cache_look_nobody_up_and_show_a_change_at_once(world, client_for):
    client = client_for(world.manager)
    pages = [
        reverse(name, args=[world.home.slug, world.resident.pk])
        for name in ("residents:detail", "residents:plan", "residents:timeline")
    ]
    for url in pages:
        assert b"Margaret Baxter" in client.get(url).content
        with CaptureQueriesContext(connection) as served:
            response = client.get(url)
        assert b"Margaret Baxter" in response.content
        assert not [q for q in served.captured_queries if "residents_resident" in q["sql"]], url
    Resident.objects.for_home(world.home).filter(pk=world.resident.pk).update(room="Garden 4")
    for url in pages:
        assert b"Garden 4" in client.get(url).content, url


def test_a_remembered_resident_is_still_404_to_another_home_and_keeps_no_password(world, client_for):
    from django.core.cache import cache

    Resident.objects.for_home(world.home).filter(pk=world.resident.pk).update(key_worker=world.manager.user)
    url = reverse("residents:detail", args=[world.home.slug, world.resident.pk])
    assert b"Ruth Adeyemi" in client_for(world.manager).get(url).content  # remembered, with the key worker
    assert client_for(world.outsider).get(url).status_code == 404
    other = reverse("residents:detail", args=[world.other_home.slug, world.resident.pk])
    assert client_for(world.outsider).get(other).status_code == 404
    stored = cache._cache.get_client()
    values = [stored.get(k) for k in stored.keys("*kith:frag:*:resident:*")]
    assert values and not [v for v in values if b"pbkdf2" in v or b"argon2" in v]


def test_the_membership_of_a_request_is_this_homes_active_one(world):
    found = membership_for_request(world.manager.user, world.home.slug)
    assert (found.pk, found.home.name, found.home.organisation.pk) == (
        world.manager.pk,
        "Rowan House",
        world.home.organisation_id,
    )
    assert found.user is world.manager.user and found.generation
    assert membership_for_request(world.manager.user, world.other_home.slug) is None
    assert membership_for_request(world.manager.user, "no-such-home") is None
    world.manager.is_active = False
    world.manager.save()
    assert membership_for_request(world.manager.user, world.home.slug) is None


def _prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


def test_the_membership_statement_is_planned_once_a_connection_and_answers_as_before(world):
    """Prepared on the connection (its planning cost more than running it), on
    the driver's own cursor: a request counts the same one query, and a write
    to the home still moves the generation the statement reads."""
    from homes import selectors

    membership_for_request(world.manager.user, world.home.slug)
    assert selectors._PREPARED in _prepared_statements()
    with CaptureQueriesContext(connection) as queries:
        before = membership_for_request(world.manager.user, world.home.slug)
    assert len(queries) == 1 and queries[0]["sql"].startswith("EXECUTE")
    ResidentFactory(home=world.home)
    after = membership_for_request(world.manager.user, world.home.slug)
    assert (after.pk, after.home.slug) == (world.manager.pk, world.home.slug)
    assert after.generation != before.generation
    assert membership_for_request(world.manager.user, world.other_home.slug) is None


def test_behind_pgbouncer_in_transaction_mode_nothing_is_prepared(world):
    """The next statement may reach another server connection there: the plain
    statement is sent every time."""
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
    try:
        with CaptureQueriesContext(connection) as queries:
            found = membership_for_request(world.manager.user, world.home.slug)
    finally:
        connection.settings_dict.pop("DISABLE_SERVER_SIDE_CURSORS")
    assert found.pk == world.manager.pk
    assert queries[0]["sql"].startswith("SELECT")


@pytest.fixture
def cache_round_trips(monkeypatch):
    """A list of the MGETs this process sends the real Redis (every fragment
    lookup is one), counted at the client: the server's own count would take
    in the other test process's too."""
    import redis

    sent = []
    mget = redis.Redis.mget

    def counted(self, keys, *args):
        sent.append(keys)
        return mget(self, keys, *args)

    monkeypatch.setattr(redis.Redis, "mget", counted)
    return sent


def test_a_page_served_from_the_cache_fetches_its_header_and_its_parts_in_one_round_trip(
    world, client_for, cache_round_trips
):
    client = client_for(world.manager)
    worklist = reverse("residents:worklist", args=[world.home.slug])
    overview = reverse("residents:detail", args=[world.home.slug, world.resident.pk])
    for url, trips in ((worklist, 1), (overview, 2)):  # the overview looks its resident up first
        client.get(url)
        cache_round_trips.clear()
        response = client.get(url)
        assert response.status_code == 200 and b"Margaret Baxter" in response.content
        assert len(cache_round_trips) == trips, url
    # A write: the parts fetched together are all new, rendered and shown.
    Resident.objects.for_home(world.home).filter(pk=world.resident.pk).update(room="Garden 4")
    assert b"Garden 4" in client.get(overview).content
