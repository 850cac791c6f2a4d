"""Tenancy: another home's user gets 404 on every page of this home; records
of another home are 404 even to a manager; roles without a permission get 403."""

import pytest
from django.test import Client
from django.urls import resolve, reverse

from homes.services import invitation_token
from notifications.tokens import make_token
from tests.urls_sweep import home_urls, may_see, object_kwargs
from visits.models import CalendarFeed
from visits.tests.factories import VisitingInfoFactory

ROLES = ["manager", "champion", "staff", "volunteer", "family", "connector"]


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
    """Every home page sends someone without a session to sign in, except the
    pictures' addresses (``not_found_without_session``): a 404, no hint."""
    w = sweep_world
    for name in home_urls():
        url = url_for(name, w, own_objects=True, slug=w.home.slug)
        response = client.get(url)
        if getattr(resolve(url).func, "kith_anonymous_404", False):
            assert response.status_code == 404, url
            continue
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
    # The manager, or for a page only a volunteer or a relative may use (their
    # own portal), the first of those who may: a 403 would hide the record check.
    role = next((r for r in ("manager", "volunteer", "family") if may_see(name, url, r)), "manager")
    client = client_for(w.member(role))
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


def test_every_home_page_is_seen_by_some_role(sweep_world):
    w = sweep_world
    unseen = [
        name
        for name in home_urls()
        if not any(
            may_see(name, url_for(name, w, own_objects=True, slug=w.home.slug), r)
            for r in [*ROLES, "org_admin"]
        )
    ]
    assert unseen == []


def other_pages(w, client_for):
    """{url name: (client, url)} for the named GET pages outside /h/<home>/."""
    VisitingInfoFactory(home=w.home)
    relative, anonymous = client_for(w.relative), Client()
    relative.post(reverse("visits:feed_new", args=[w.home.slug]))
    relative.get(reverse("two_step"))  # the first visit keeps the new app's key in the session
    feed = CalendarFeed.objects.for_home(w.home).get(revoked_at__isnull=True)
    invitation = w.invitation(True)
    return {
        "choose_home": (client_for(w.manager), reverse("choose_home")),
        "healthz": (anonymous, reverse("healthz")),
        "login": (anonymous, reverse("login")),
        "account": (relative, reverse("account")),
        "two_step": (relative, reverse("two_step")),
        "signed_in_sessions": (relative, reverse("signed_in_sessions")),
        "password_change": (relative, reverse("password_change")),
        "password_change_done": (relative, reverse("password_change_done")),
        "password_reset": (anonymous, reverse("password_reset")),
        "password_reset_done": (anonymous, reverse("password_reset_done")),
        "password_reset_complete": (anonymous, reverse("password_reset_complete")),
        "accept_invitation": (anonymous, reverse("accept_invitation", args=[invitation_token(invitation)])),
        "message_preferences": (relative, reverse("message_preferences")),
        "stop_messages": (anonymous, reverse("stop_messages", args=[make_token(user_id=w.relative.user.pk)])),
        "visiting:info": (anonymous, reverse("visiting:info", args=[w.home.slug])),
        "visiting:info_print": (anonymous, reverse("visiting:info_print", args=[w.home.slug])),
        "visiting:calendar_feed": (anonymous, reverse("visiting:calendar_feed", args=[feed.token])),
        "organisation:dashboard": (
            client_for(w.manager),
            reverse("organisation:dashboard", args=[w.home.organisation.slug]),
        ),
    }
