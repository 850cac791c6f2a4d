"""Shared devices (accounts.sessions): sessions end after a while without use
(15 minutes for staff, a week for a relative) and after a longest time; a
switch of user keeps nothing of the person who left; people see where they
are signed in and end any of those sessions."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import sessions
from accounts.security import KNOWN_COOKIE, known_ids

PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
TABLET = (
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


@pytest.fixture(autouse=True)
def _real_limits(settings):
    """The tests' settings keep sessions for longer (carehome.settings_test)."""
    settings.SESSION_IDLE_MINUTES_STAFF = 15
    settings.SESSION_LONGEST_HOURS_STAFF = 12
    settings.SESSION_IDLE_MINUTES_FAMILY = 7 * 24 * 60
    settings.SESSION_LONGEST_HOURS_FAMILY = 30 * 24


def _age(client, *, seen=None, started=None):
    """Make ``client``'s session as if last used ``seen`` seconds ago (and
    started ``started`` seconds ago)."""
    session = client.session
    if seen is not None:
        session[sessions.SEEN_KEY] = sessions.now() - seen
    if started is not None:
        policy = dict(session[sessions.POLICY_KEY])
        policy["started"] = sessions.now() - started
        session[sessions.POLICY_KEY] = policy
    session.save()


def _dashboard(world):
    return reverse("homes:dashboard", args=[world.home.slug])


def _signed_in(client, world):
    return client.get(_dashboard(world)).status_code == 200


def _sign_in(client, user, **extra):
    """Sign in through the sign-in page, as a person does."""
    if not user.check_password("a long enough password"):
        user.set_password("a long enough password")
        user.save()
    response = client.post(
        reverse("login"), {"username": user.email, "password": "a long enough password"}, **extra
    )
    assert response.status_code == 302, response.content[:2000]
    return response


# --- Idle time -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager", "staff", "volunteer", "connector"])
def test_a_staff_session_ends_after_15_minutes_without_use(world, client_for, role):
    client = client_for(world.member(role))
    _age(client, seen=15 * 60 + 1)
    response = client.get(_dashboard(world))
    assert response.status_code == 302
    assert response.url == reverse("login") + "?next=" + _dashboard(world).replace("/", "%2F")
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    page = client.get(response.url)
    assert "You were signed out after 15 minutes without use" in page.content.decode()
    assert not _signed_in(client, world)


def test_a_page_within_15_minutes_keeps_the_session_and_counts_as_use(world, client_for):
    client = client_for(world.staff)
    _age(client, seen=14 * 60)
    assert _signed_in(client, world)
    assert sessions.now() - client.session[sessions.SEEN_KEY] < 5
    _age(client, seen=14 * 60)
    assert _signed_in(client, world)


def test_use_is_written_at_most_once_a_minute(world, client_for):
    client = client_for(world.staff)
    _age(client, seen=30)
    before = client.session[sessions.SEEN_KEY]
    page = client.get(_dashboard(world)).content.decode()
    assert client.session[sessions.SEEN_KEY] == before
    # The page counts down from the server's record, not from its own loading.
    age = int(re.search(r'data-seen-age="(\d+)"', page).group(1))
    assert 30 <= age <= 35


def test_a_relatives_session_lasts_a_week_without_use(world, client_for):
    client = client_for(world.relative)
    _age(client, seen=6 * 24 * 3600)
    assert _signed_in(client, world)
    _age(client, seen=7 * 24 * 3600 + 1)
    response = client.get(_dashboard(world), follow=True)
    assert "You were signed out after 7 days without use" in response.content.decode()
    assert not _signed_in(client, world)


def test_someone_who_is_a_relative_and_staff_gets_the_staff_time(world, client_for):
    from homes.models import Role
    from homes.tests.factories import MembershipFactory

    MembershipFactory(home=world.other_home, user=world.relative.user, role=Role.STAFF)
    client = client_for(world.relative)
    assert client.session[sessions.POLICY_KEY]["kind"] == sessions.STAFF
    _age(client, seen=16 * 60)
    assert not _signed_in(client, world)


def test_a_session_ends_after_its_longest_time_even_in_use(world, client_for):
    client = client_for(world.staff)
    _age(client, seen=10, started=12 * 3600 + 1)
    response = client.get(_dashboard(world), follow=True)
    assert "signed in for a long time" in response.content.decode()
    assert not _signed_in(client, world)


def test_the_idle_time_is_a_setting(world, client_for, settings):
    settings.SESSION_IDLE_MINUTES_STAFF = 5
    client = client_for(world.staff)
    _age(client, seen=5 * 60 + 1)
    response = client.get(_dashboard(world), follow=True)
    assert "You were signed out after 5 minutes without use" in response.content.decode()


def test_an_htmx_request_after_the_idle_time_takes_the_whole_page_to_sign_in(world, client_for):
    client = client_for(world.staff)
    _age(client, seen=20 * 60)
    page = "/h/" + world.home.slug + "/residents/?q=bax"
    response = client.get(
        reverse("residents:list", args=[world.home.slug]),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver" + page},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("login") + "?next=" + page.replace("/", "%2F").replace(
        "?", "%3F"
    ).replace("=", "%3D")


def test_a_form_posted_after_the_idle_time_saves_nothing(world, client_for):
    client = client_for(world.manager)
    _age(client, seen=20 * 60)
    response = client.post(
        reverse("account"), {"full_name": "Someone Else", "preferred_name": "", "phone": ""}
    )
    assert response.status_code == 302 and response.url == reverse("login")
    world.manager.user.refresh_from_db()
    assert world.manager.user.full_name != "Someone Else"


def test_the_page_carries_the_warning_for_staff_and_not_for_a_relative(world, client_for):
    staff_page = client_for(world.staff).get(_dashboard(world)).content.decode()
    assert 'id="idle-warning"' in staff_page
    assert 'data-idle-seconds="900"' in staff_page and 'data-warn-seconds="60"' in staff_page
    assert 'data-seen-age="0"' in staff_page
    assert "js/idle" in staff_page
    relative_page = client_for(world.relative).get(_dashboard(world)).content.decode()
    assert 'id="idle-warning"' not in relative_page


def test_stay_signed_in_counts_as_use(world, client_for):
    client = client_for(world.staff)
    _age(client, seen=14 * 60 + 30)
    response = client.post(reverse("session_stay"))
    assert response.status_code == 204
    assert sessions.now() - client.session[sessions.SEEN_KEY] < 5
    assert client.get(reverse("session_stay")).status_code == 405
    anonymous = Client().post(reverse("session_stay"))
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))


def test_stay_after_the_end_does_not_bring_the_session_back(world, client_for):
    client = client_for(world.staff)
    _age(client, seen=16 * 60)
    response = client.post(reverse("session_stay"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert not _signed_in(client, world)


def test_the_count_down_signing_out_says_why_and_comes_back_to_the_page(world, client_for):
    client = client_for(world.staff)
    page = reverse("residents:list", args=[world.home.slug])
    response = client.post(reverse("sign_out_idle"), {"next": page})
    assert response.status_code == 302
    assert response.url == reverse("login") + "?next=" + page.replace("/", "%2F")
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "You were signed out after 15 minutes without use" in client.get(response.url).content.decode()
    assert not _signed_in(client, world)
    elsewhere = client_for(world.staff).post(reverse("sign_out_idle"), {"next": "https://example.net/"})
    assert elsewhere.url == reverse("login")


# --- Signing out, and switching user --------------------------------------------------------


def test_signing_out_clears_what_the_browser_kept(world, client_for):
    client = client_for(world.staff)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert not _signed_in(client, world)


def test_switch_user_keeps_nothing_of_the_person_who_left(world, rf):
    client = Client()
    _sign_in(client, world.staff.user)
    client.post(reverse("logout"))
    _sign_in(client, world.champion.user)  # two people used this tablet
    assert _signed_in(client, world)

    response = client.post(reverse("switch_user"))  # the champion hands it on
    assert response.status_code == 302 and response.url == reverse("login")
    page = client.get(response.url).content.decode()
    assert "The next person can sign in below" in page
    assert world.champion.user.full_name not in page and world.champion.user.email not in page
    assert not _signed_in(client, world)
    tablet = rf.get("/")
    tablet.COOKIES[KNOWN_COOKIE] = client.cookies[KNOWN_COOKIE].value
    assert known_ids(tablet) == [world.staff.user.pk]  # the tablet no longer counts as the champion's


def test_switch_user_sends_the_browser_to_forget(world, client_for):
    client = client_for(world.staff)
    response = client.post(reverse("switch_user"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get(reverse("switch_user")).status_code == 405


# --- Where you are signed in ----------------------------------------------------------------


def _ids(page):
    return re.findall(r'name="session" value="([0-9a-f]+)"', page)


def test_a_person_sees_where_they_are_signed_in(world):
    user = world.staff.user
    here, phone = Client(headers={"user-agent": TABLET}), Client(headers={"user-agent": PHONE})
    _sign_in(here, user, REMOTE_ADDR="198.51.100.7")
    _sign_in(phone, user, REMOTE_ADDR="203.0.113.9")
    page = here.get(reverse("signed_in_sessions")).content.decode()
    assert page.count("This device") == 1
    assert "Mobile Safari on iOS" in page and "Chrome Mobile on Android" in page
    assert "203.0.113.9" in page and "198.51.100.7" in page
    assert len(_ids(page)) == 1  # only the other one can be ended from here
    for client in (here, phone):
        assert client.cookies["sessionid"].value not in page  # never a session's key


def test_ending_another_session_signs_that_browser_out(world):
    user = world.staff.user
    here, phone = Client(), Client(headers={"user-agent": PHONE})
    _sign_in(here, user)
    _sign_in(phone, user)
    [other] = _ids(here.get(reverse("signed_in_sessions")).content.decode())
    response = here.post(reverse("signed_in_sessions"), {"session": other}, follow=True)
    assert "That session is ended" in response.content.decode()
    assert not _signed_in(phone, world)
    assert _signed_in(here, world)
    assert "You are not signed in anywhere else" in here.get(reverse("signed_in_sessions")).content.decode()


def test_signing_out_everywhere_else(world):
    user = world.staff.user
    clients = [Client() for _ in range(3)]
    for client in clients:
        _sign_in(client, user)
    response = clients[0].post(reverse("signed_in_sessions"), {"all": "yes"}, follow=True)
    assert "Signed out everywhere else (2 sessions)" in response.content.decode()
    assert [_signed_in(c, world) for c in clients] == [True, False, False]


def test_nobody_ends_another_persons_session(world):
    staff, champion = Client(), Client()
    _sign_in(staff, world.staff.user)
    _sign_in(champion, world.champion.user)
    _sign_in(Client(), world.champion.user)
    [theirs] = _ids(champion.get(reverse("signed_in_sessions")).content.decode())
    response = staff.post(reverse("signed_in_sessions"), {"session": theirs}, follow=True)
    assert "That session had already ended" in response.content.decode()
    assert _signed_in(champion, world)
    page = staff.get(reverse("signed_in_sessions")).content.decode()
    assert _ids(page) == []


def test_sessions_a_password_change_ended_are_not_listed(world):
    user = world.staff.user
    here, old = Client(), Client()
    _sign_in(old, user)
    _sign_in(here, user)
    response = here.post(
        reverse("password_change"),
        {
            "old_password": "a long enough password",
            "new_password1": "another long password 2026",
            "new_password2": "another long password 2026",
        },
    )
    assert response.status_code == 302
    assert not _signed_in(old, world)
    assert _ids(here.get(reverse("signed_in_sessions")).content.decode()) == []


def test_the_sessions_page_costs_the_same_queries_for_many_sessions(world):
    user = world.staff.user
    here = Client()
    _sign_in(here, user)
    _sign_in(Client(), user)
    with CaptureQueriesContext(connection) as two:
        here.get(reverse("signed_in_sessions"))
    for _ in range(6):
        _sign_in(Client(headers={"user-agent": PHONE}), user)
    with CaptureQueriesContext(connection) as eight:
        page = here.get(reverse("signed_in_sessions")).content.decode()
    assert len(_ids(page)) == 7
    assert len(eight) == len(two) <= 8


def test_the_sessions_page_needs_signing_in(db):
    response = Client().get(reverse("signed_in_sessions"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_known_ids_reads_nothing_from_a_browser_without_the_mark(rf):
    assert known_ids(rf.get("/")) == []


def test_the_admin_site_has_no_page_of_sessions():
    """qsessions' admin pages would show session keys to whoever reads them."""
    from django.contrib import admin
    from qsessions.models import Session

    assert Session not in admin.site._registry
