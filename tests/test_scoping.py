"""Tenancy: another home's user gets 404 on every page of this home; records
of another home are 404 even to a manager; roles without a permission get 403."""

import pytest
from django.urls import reverse

from homes.tests.factories import InvitationFactory
from tests.urls_sweep import home_urls, object_kwargs

ROLES = ["manager", "champion", "staff", "volunteer", "family"]


@pytest.fixture
def sweep_world(world):
    invitations = {
        True: InvitationFactory(home=world.home),
        False: InvitationFactory(home=world.other_home),
    }
    world.invitation = lambda own: invitations[own]
    return world


def url_for(name, world, *, own_objects, slug):
    route, extra = home_urls()[name]
    kwargs = {"home_slug": slug}
    if extra:
        kwargs.update(object_kwargs()[name](world, own_objects))
    return reverse(name, kwargs=kwargs)


def test_every_home_url_with_ids_is_described_for_the_sweep():
    known = object_kwargs()
    missing = [name for name, (_, extra) in home_urls().items() if extra and name not in known]
    assert missing == [], f"add these to OBJECT_KWARGS in <app>/tests/sweep*.py: {missing}"


def test_sweep_finds_the_pages():
    names = set(home_urls())
    assert {"homes:dashboard", "homes:members", "residents:list"} <= names


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_homes_user_gets_404_on_every_page(sweep_world, client_for, method):
    w = sweep_world
    client = client_for(w.outsider)
    for name in home_urls():
        url = url_for(name, w, own_objects=True, slug=w.home.slug)
        response = getattr(client, method)(url)
        assert response.status_code == 404, f"{method.upper()} {url} gave {response.status_code}"
        assert b"Margaret Baxter" not in response.content


def test_a_home_that_does_not_exist_is_404(world, client_for):
    response = client_for(world.manager).get("/h/no-such-home/")
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(sweep_world, client):
    w = sweep_world
    for name in home_urls():
        url = url_for(name, w, own_objects=True, slug=w.home.slug)
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_a_paused_membership_loses_access_at_once(world, client_for):
    client = client_for(world.staff)
    assert client.get(reverse("homes:dashboard", args=[world.home.slug])).status_code == 200
    world.staff.is_active = False
    world.staff.save()
    assert client.get(reverse("homes:dashboard", args=[world.home.slug])).status_code == 404


@pytest.mark.parametrize("name", sorted(object_kwargs()))
def test_records_of_another_home_are_404_even_for_a_manager(sweep_world, client_for, name):
    w = sweep_world
    url = url_for(name, w, own_objects=False, slug=w.home.slug)
    client = client_for(w.manager)
    assert client.get(url).status_code in (404, 405)
    assert client.post(url).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_every_page_as_every_role_answers_without_error(sweep_world, client_for, role):
    """Each role gets the page, a redirect, 403 (no permission) or 405 (POST
    only) on every page of its own home: never a 404 or a server error."""
    w = sweep_world
    client = client_for(w.member(role))
    for name in home_urls():
        url = url_for(name, w, own_objects=True, slug=w.home.slug)
        status = client.get(url).status_code
        assert status in (200, 302, 403, 405), f"{role} GET {url} gave {status}"


@pytest.mark.parametrize(
    ("role", "url_name", "expected"),
    [
        ("family", "residents:list", 403),
        ("family", "homes:members", 403),
        ("family", "homes:spaces", 403),
        ("volunteer", "residents:list", 403),
        ("staff", "homes:invite", 403),
        ("staff", "homes:space_add", 403),
        ("staff", "residents:family", 403),
        ("manager", "homes:invite", 200),
        ("family", "residents:family", 200),
    ],
)
def test_role_permissions(world, client_for, role, url_name, expected):
    response = client_for(world.member(role)).get(reverse(url_name, args=[world.home.slug]))
    assert response.status_code == expected


def test_a_relative_sees_only_their_own_resident(world, client_for):
    response = client_for(world.relative).get(reverse("residents:family", args=[world.home.slug]))
    assert b"Margaret Baxter" in response.content
    assert b"Arthur Hughes" not in response.content
    dashboard = client_for(world.relative).get(reverse("homes:dashboard", args=[world.home.slug]))
    assert b"Margaret Baxter" in dashboard.content
    assert b"Arthur Hughes" not in dashboard.content
