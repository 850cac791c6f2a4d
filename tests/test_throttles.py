"""Each limit where abuse is cheap (carehome.throttles), through the real pages
and the real cache (Redis): the attempt over the limit is refused with a
plain message and does nothing, and the same real person's next attempt
once the window has passed works."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import PASSWORD, UserFactory
from homes import services as home_services
from homes.models import Invitation, Role
from tests.html import alert_text, field_error, main_text
from visits.models import DoorCode

NEW_PASSWORD = "kith-a-much-better-one-2026"


@pytest.fixture(autouse=True)
def fresh_counts():
    """Counts from earlier runs of these tests in the same window start afresh."""
    cache.clear()


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
    assert "Several links have been sent to this address in the last hour" in error
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
    assert "Several links have been sent to claire@example.org in the last hour" in text
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


def test_door_code_changes_stop_after_the_limit_then_work_again(world, client_for, settings):
    settings.DOOR_CODE_CHANGE_RATE = "2/h"
    manager = client_for(world.manager)
    # A refused code (too short) is not a change and is not counted.
    assert change_code(manager, world, "12").status_code == 200
    assert change_code(manager, world, "583920").status_code == 302
    assert change_code(manager, world, "714265").status_code == 302

    over = change_code(manager, world, "902731")
    assert over.status_code == 429
    error = field_error(over, "code")
    assert "changed several times in the last hour" in error
    assert re.search(r"change it again at \d\d:\d\d\.", error), error
    current = DoorCode.objects.get(home=world.home, replaced_at__isnull=True)
    assert current.code == "714265"

    with later(61):
        assert change_code(manager, world, "902731").status_code == 302
    assert DoorCode.objects.get(home=world.home, replaced_at__isnull=True).code == "902731"


def test_one_homes_changes_do_not_hold_back_another(world, client_for, settings):
    settings.DOOR_CODE_CHANGE_RATE = "1/h"
    from homes.tests.factories import MembershipFactory

    assert change_code(client_for(world.manager), world, "583920").status_code == 302
    other_manager = MembershipFactory(home=world.other_home, role=Role.MANAGER)
    response = client_for(other_manager).post(
        reverse("visits:door_code", args=[world.other_home.slug]), {"action": "change", "code": "583920"}
    )
    assert response.status_code == 302


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
    assert "Many forms have just been sent from this network" in main_text(over)
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
