"""Each limit where abuse is cheap (carehome.throttles), through the real pages
and the real cache (Redis): the attempt over the limit is refused with a
plain message and does nothing, and the same real person's next attempt
once the window has passed works."""

import re
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import PASSWORD, UserFactory
from homes import services as home_services
from homes.models import Invitation, Role
from notifications.models import Reminder
from tests.html import alert_text, field_error, main_text
from visits.models import DoorCode

NEW_PASSWORD = "kith-a-much-better-one-2026"


@pytest.fixture(autouse=True)
def fresh_counts(settings):
    """Counts of its own for each test, so a run in the same window as an
    earlier one starts afresh (and the rest of the cache is left alone)."""
    settings.RATELIMIT_CACHE_PREFIX = f"rl-test-{uuid.uuid4().hex}:"


def later(minutes):
    """Time moved on past the window (the counts' fixed windows end within it)."""
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=True)


def sign_in(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def ask_for_reset(client, email):
    return client.post(reverse("password_reset"), {"email": email})


# --- Password-reset emails ------------------------------------------------------------------------


def test_reset_links_to_one_address_stop_after_the_limit_then_work_again(world, settings):
    settings.PASSWORD_RESET_EMAIL_RATE = "3/h"
    person = world.manager.user
    for n in range(3):
        assert ask_for_reset(Client(), person.email).status_code == 302, n
    assert len(mail.outbox) == 3

    over = ask_for_reset(Client(), person.email.upper())
    assert over.status_code == 429
    error = field_error(over, "email")
    assert "Several links have been sent to this address recently" in error
    assert re.search(r"ask for another at \d\d:\d\d\.", error), error
    assert len(mail.outbox) == 3
    # Someone else asking from the same network is not held back.
    assert ask_for_reset(Client(), world.staff.user.email).status_code == 302
    assert len(mail.outbox) == 4

    with later(61):
        assert ask_for_reset(Client(), person.email).status_code == 302
    assert len(mail.outbox) == 5 and mail.outbox[-1].to == [person.email]


def test_an_address_with_no_account_is_limited_the_same_way(world, settings):
    """The limit counts what was typed, so it says nothing about who has an account."""
    settings.PASSWORD_RESET_EMAIL_RATE = "2/h"
    for _ in range(2):
        assert ask_for_reset(Client(), "nobody@example.org").status_code == 302
    over = ask_for_reset(Client(), "nobody@example.org")
    assert over.status_code == 429
    assert "Several links have been sent to this address" in field_error(over, "email")
    assert mail.outbox == []


def test_reset_requests_from_one_network_stop_after_the_limit(world, settings):
    settings.PASSWORD_RESET_CLIENT_RATE = "4/h"
    client = Client()
    for n in range(4):
        assert ask_for_reset(client, f"guess{n}@example.org").status_code == 302
    over = ask_for_reset(client, world.manager.user.email)
    assert over.status_code == 429
    assert "Too many links have been asked for from this network" in field_error(over, "email")
    assert mail.outbox == []
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert ask_for_reset(elsewhere, world.manager.user.email).status_code == 302

    with later(61):
        assert ask_for_reset(client, world.manager.user.email).status_code == 302
    assert len(mail.outbox) == 2


# --- Guessing passwords across accounts from one address --------------------------------------


def test_failed_sign_ins_across_many_accounts_pause_the_address_not_the_people(world, settings):
    settings.SIGN_IN_FAILURES_CLIENT_RATE = "5/15m"
    accounts = [UserFactory() for _ in range(6)]
    sprayer = Client()
    for person in accounts[:5]:
        response = sign_in(sprayer, person.email, "Summer2026!")
        assert response.status_code == 200
        assert "do not match an account" in alert_text(response)

    # The sixth guess is not even tried, right or wrong: the address is paused.
    paused = sign_in(sprayer, accounts[5].email, PASSWORD)
    assert paused.status_code == 429
    text = main_text(paused)
    assert "many unsuccessful attempts to sign in from this network" in text
    assert re.search(r"paused until \d\d:\d\d", text), text
    assert SESSION_KEY not in sprayer.session
    # The form is still there, with what was typed, for after the pause.
    assert accounts[5].email in paused.content.decode()
    # No account is paused: the same person elsewhere signs in at once.
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert sign_in(elsewhere, accounts[0].email, PASSWORD).status_code == 302

    with later(16):
        assert sign_in(sprayer, accounts[5].email, PASSWORD).status_code == 302
        assert SESSION_KEY in sprayer.session


def test_a_right_password_is_not_counted(world, settings):
    settings.SIGN_IN_FAILURES_CLIENT_RATE = "2/15m"
    for _ in range(4):
        client = Client()
        assert sign_in(client, world.staff.user.email, PASSWORD).status_code == 302
    assert sign_in(Client(), world.manager.user.email, PASSWORD).status_code == 302


# --- Invitation re-sends -----------------------------------------------------------------------


@pytest.fixture
def invitation(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return home_services.invitation_create(
            home=world.home,
            actor=world.manager.user,
            email="claire@example.org",
            full_name="Claire Baxter",
            role=Role.FAMILY,
        )


def test_invitation_resends_stop_after_the_limit_then_work_again(
    world, client_for, settings, invitation, django_capture_on_commit_callbacks
):
    settings.INVITATION_RESEND_RATE = "2/h"
    manager = client_for(world.manager)
    resend = reverse("homes:invitation_resend", args=[world.home.slug, invitation.pk])
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = manager.post(resend, follow=True)
        assert "A new link is on its way to claire@example.org." in main_text(response)
    assert len(mail.outbox) == 3  # the first invitation and two new links

    with django_capture_on_commit_callbacks(execute=True):
        over = manager.post(resend, follow=True)
    text = main_text(over)
    assert "Several links have been sent to claire@example.org recently" in text
    assert re.search(r"send another at \d\d:\d\d\.", text), text
    assert len(mail.outbox) == 3
    assert Invitation.objects.get(pk=invitation.pk).send_count == 3

    with later(61), django_capture_on_commit_callbacks(execute=True):
        response = manager.post(resend, follow=True)
    assert "A new link is on its way to claire@example.org." in main_text(response)
    assert len(mail.outbox) == 4


# --- Door-code changes -----------------------------------------------------------------------


def change_code(client, world, code):
    return client.post(
        reverse("visits:door_code", args=[world.home.slug]), {"action": "change", "code": code}
    )


@pytest.fixture
def regular_visitor(world):
    from residents.models import RelativeLink

    RelativeLink.objects.filter(membership=world.relative).update(regular_visitor_approved_at=timezone.now())
    return world.relative.user


def door_code_notices(world):
    return Reminder.objects.filter(home=world.home, kind="visits.door_code_changed").exclude(
        status=Reminder.Status.CANCELLED
    )


def test_a_burst_of_door_code_changes_sends_one_email_once_the_hour_allows(
    world, client_for, settings, regular_visitor
):
    """The code may have got out: every change is made at once. Past the limit,
    the emails wait, and each newer code cancels the older one's."""
    settings.DOOR_CODE_NOTICES_PER_HOUR = 2
    manager = client_for(world.manager)
    assert change_code(manager, world, "583920").status_code == 302
    assert change_code(manager, world, "714265").status_code == 302
    due_now = door_code_notices(world)
    assert due_now.count() == 1 and due_now.get().due <= timezone.now()

    response = change_code(manager, world, "902731")
    assert response.status_code == 302
    text = main_text(manager.get(response.url))
    assert DoorCode.objects.get(home=world.home, replaced_at__isnull=True).code == "902731"
    assert re.search(r"their email waits until \d\d:\d\d: one email about the newest code", text), text
    change_code(manager, world, "118462")
    waiting = door_code_notices(world).filter(status=Reminder.Status.PENDING)
    newest = DoorCode.objects.get(home=world.home, replaced_at__isnull=True)
    assert [r.object_id for r in waiting if r.due > timezone.now()] == [newest.pk]
    assert waiting.get(object_id=newest.pk).due > timezone.now() + timedelta(minutes=50)

    with later(61):
        assert change_code(manager, world, "630571").status_code == 302
        fresh = DoorCode.objects.get(home=world.home, replaced_at__isnull=True)
        assert door_code_notices(world).get(object_id=fresh.pk).due <= timezone.now()


# --- Forms posted with a link's token ---------------------------------------------------------------


def test_invitation_forms_from_one_network_stop_after_the_limit_then_work_again(
    world, settings, invitation, client_for
):
    settings.PUBLIC_FORM_CLIENT_RATE = "3/h"
    path = reverse("accept_invitation", args=[home_services.invitation_token(invitation)])
    client = Client()
    for _ in range(3):
        response = client.post(path, {"full_name": "Claire Baxter", "password1": "x", "password2": "y"})
        assert response.status_code == 200
    fields = {"full_name": "Claire Baxter", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    over = client.post(path, fields)
    assert over.status_code == 429
    assert "sent back with mistakes many times from your network" in main_text(over)
    assert not Invitation.objects.get(pk=invitation.pk).accepted_at
    # Reading the page is never limited.
    assert client.get(path).status_code == 200

    with later(61):
        assert client.post(path, fields).status_code == 302
    assert Invitation.objects.get(pk=invitation.pk).accepted_at


def test_new_password_forms_from_one_network_are_limited_too(world, settings):
    settings.PUBLIC_FORM_CLIENT_RATE = "2/h"
    client = Client()
    ask_for_reset(client, world.manager.user.email)
    link = re.search(r"http://testserver(/password-reset/[^/\s]+/[^/\s]+/)", mail.outbox[0].body).group(1)
    form_path = client.get(link).url
    for _ in range(2):
        assert client.post(form_path, {"new_password1": "a", "new_password2": "b"}).status_code == 200
    over = client.post(form_path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert over.status_code == 429
    with later(61):
        assert (
            client.post(form_path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code
            == 302
        )
    assert sign_in(Client(), world.manager.user.email, NEW_PASSWORD).status_code == 302


# --- The network pause lets known people through -------------------------------------------------


def test_someone_who_signed_in_on_this_browser_before_is_let_through_a_paused_network(world, settings):
    settings.SIGN_IN_FAILURES_CLIENT_RATE = "3/15m"
    carer = world.staff.user
    tablet = Client()
    assert sign_in(tablet, carer.email, PASSWORD).status_code == 302
    tablet.post(reverse("logout"))
    for n in range(3):
        sign_in(Client(), f"guess{n}@example.org", "Summer2026!")
    # A stranger's browser on the network is paused; the carer's tablet is not.
    assert sign_in(Client(), world.manager.user.email, PASSWORD).status_code == 429
    assert sign_in(tablet, carer.email, PASSWORD).status_code == 302
    # …for the carer only: another account typed on that tablet is paused too.
    tablet.post(reverse("logout"))
    assert sign_in(tablet, world.manager.user.email, PASSWORD).status_code == 429


def test_a_new_password_from_the_emailed_link_lets_the_person_in_on_a_paused_network(world, settings):
    settings.SIGN_IN_FAILURES_CLIENT_RATE = "2/15m"
    for n in range(2):
        sign_in(Client(), f"guess{n}@example.org", "Summer2026!")
    phone = Client()
    assert sign_in(phone, world.staff.user.email, PASSWORD).status_code == 429
    ask_for_reset(phone, world.staff.user.email)
    link = re.search(r"http://testserver(/password-reset/[^/\s]+/[^/\s]+/)", mail.outbox[-1].body).group(1)
    form_path = phone.get(link).url
    assert (
        phone.post(form_path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code
        == 302
    )
    assert sign_in(phone, world.staff.user.email, NEW_PASSWORD).status_code == 302


def test_a_wrong_password_on_an_invitation_counts_too(world, settings, invitation):
    """Every failed password counts, wherever it was typed."""
    settings.SIGN_IN_FAILURES_CLIENT_RATE = "2/15m"
    Invitation.objects.filter(pk=invitation.pk).update(email=world.staff.user.email)
    invitation.refresh_from_db()
    path = reverse("accept_invitation", args=[home_services.invitation_token(invitation)])
    for _ in range(2):
        assert Client().post(path, {"password": "not-it"}).status_code == 200
    assert sign_in(Client(), world.manager.user.email, PASSWORD).status_code == 429


def test_the_admin_sites_sign_in_is_the_same_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url == reverse("login") + "?next=/admin/"


def test_one_ipv6_network_is_one_client(world, settings):
    """A household or phone holds a whole /64: changing the last half of the
    address does not get round a limit."""
    settings.PASSWORD_RESET_CLIENT_RATE = "2/h"
    for n in range(2):
        client = Client(REMOTE_ADDR=f"2001:db8:1:2::{n + 1}")
        assert ask_for_reset(client, f"guess{n}@example.org").status_code == 302
    over = ask_for_reset(Client(REMOTE_ADDR="2001:db8:1:2:ffff::9"), "other@example.org")
    assert over.status_code == 429
    assert ask_for_reset(Client(REMOTE_ADDR="2001:db8:1:3::1"), "other@example.org").status_code == 302


def test_with_the_cache_unreachable_nothing_is_refused(world, settings):
    settings.CACHES = {
        **settings.CACHES,
        "down": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    settings.RATELIMIT_USE_CACHE = "down"
    settings.PASSWORD_RESET_EMAIL_RATE = "1/h"
    for _ in range(3):
        assert ask_for_reset(Client(), world.manager.user.email).status_code == 302
    assert len(mail.outbox) == 3
