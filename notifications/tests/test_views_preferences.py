"""A person's own contact choices (/account/messages/) and the "stop" link in
every message (no login; forged, expired, one-click)."""

import re
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from notifications import tokens
from notifications.kinds import Kind, register
from notifications.models import ContactPreference, Reminder
from notifications.tests.sweep_messages import reminder_for
from tests.html import field_error, main_text

Status = Reminder.Status
PREFS = "/account/messages/"

# A non-essential kind for these tests (the real ones are declared by the feature apps).
NUDGE = register(Kind(name="tests.nudge", label="A friendly nudge", model="homes.Home"))


def is_ticked(page, element_id):
    found = re.search(rf'<input[^>]*id="{element_id}"[^>]*>', page)
    return bool(found) and re.search(r"\bchecked\b", found.group(0)) is not None


def stop_path(**who):
    return reverse("stop_messages", kwargs={"token": tokens.make_token(**who)})


def pending(world, user, kind):
    return reminder_for(
        world.home, user, status=Status.PENDING, kind=kind, due=timezone.now() + timedelta(days=1)
    )


# --- How we contact you --------------------------------------------------------------


def test_preferences_need_sign_in(client):
    response = client.get(PREFS)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_preferences_start_with_email_and_reminders_on(world, client_for):
    response = client_for(world.relative).get(PREFS)
    page = response.content.decode()
    assert response.status_code == 200
    assert "How we contact you" in main_text(response)
    assert is_ticked(page, "id_channels_0") and not is_ticked(page, "id_channels_1")
    assert is_ticked(page, "id_reminders")
    assert "Messages that always come" in main_text(response)
    assert "The door code changed" in main_text(response)
    # Staff-only messages (a restriction review due) mean nothing to a relative.
    assert "restriction is due for review" not in main_text(response)


def test_relative_turns_on_text_messages(world, client_for):
    client = client_for(world.relative)
    response = client.post(
        PREFS,
        {"channels": ["email", "sms"], "phone": "07700 900123", "postal_address": "", "reminders": "on"},
    )
    assert response.status_code == 302
    saved = ContactPreference.objects.get(user=world.relative.user)
    assert (saved.by_email, saved.by_text, saved.phone) == (True, True, "+447700900123")
    page = client.get(PREFS)
    assert "Saved." in main_text(page)
    assert 'value="07700 900123"' in page.content.decode()


def test_post_with_an_address(world, client_for):
    client_for(world.relative).post(
        PREFS, {"channels": ["post"], "postal_address": "12 Elm Road\r\n\r\nLeeds LS1 4AB", "reminders": "on"}
    )
    saved = ContactPreference.objects.get(user=world.relative.user)
    assert (saved.by_email, saved.by_post, saved.postal_address) == (
        False,
        True,
        "12 Elm Road\nLeeds LS1 4AB",
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"channels": ["fax"]}, "channels", "Choose from email, text message or post."),
        ({"channels": ["email", "fax"]}, "channels", "Choose from email, text message or post."),
        ({}, "channels", "Choose at least one way for us to reach you."),
        ({"channels": ["sms"], "phone": ""}, "phone", "Enter a mobile number"),
        ({"channels": ["sms"], "phone": "0770"}, "phone", "not complete or not in use"),
        ({"channels": ["sms"], "phone": "call me"}, "phone", "That is not a phone number"),
        ({"channels": ["sms"], "phone": "0113 496 0000"}, "phone", "That looks like a landline"),
        ({"channels": ["post"], "postal_address": "  "}, "postal_address", "Enter the address for letters"),
    ],
)
def test_bad_choices_are_refused_next_to_the_field_and_nothing_is_saved(
    world, client_for, data, field, message
):
    response = client_for(world.relative).post(PREFS, {"reminders": "on", **data})
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert not ContactPreference.objects.filter(user=world.relative.user).exists()


def test_turning_reminders_off_cancels_waiting_reminders_but_not_essential_ones(world, client_for):
    nudge = pending(world, world.relative.user, NUDGE.name)
    essential = pending(world, world.relative.user, "notifications.test_message")
    client = client_for(world.relative)
    client.post(PREFS, {"channels": ["email"]})  # "reminders" unticked
    nudge.refresh_from_db()
    essential.refresh_from_db()
    assert nudge.status == Status.CANCELLED
    assert essential.status == Status.PENDING
    assert "You turned reminders off on" in main_text(client.get(PREFS))


def test_preferences_queries_are_few(world, client_for, django_assert_max_num_queries):
    client = client_for(world.relative)
    with django_assert_max_num_queries(8):
        response = client.get(PREFS)
    assert response.status_code == 200
    assert "How we contact you" in main_text(response)


def test_the_account_page_links_to_contact_choices(world, client_for):
    response = client_for(world.relative).get(reverse("account"))
    assert f'href="{PREFS}"' in response.content.decode()


# --- The stop link ---------------------------------------------------------------------


def test_stop_link_shows_who_it_is_for_without_sign_in(world, client):
    user = world.relative.user
    user.email = "linda@example.org"
    user.save()
    response = client.get(stop_path(user_id=user.pk))
    assert response.status_code == 200
    text = main_text(response)
    assert "l•••@example.org" in text and "linda@example.org" not in text
    assert "Stop reminders" in text
    assert not ContactPreference.objects.filter(user=user).exists()


def test_stop_link_stops_reminders_and_keeps_essential_messages(world, client):
    user = world.relative.user
    nudge = pending(world, user, NUDGE.name)
    essential = pending(world, user, "notifications.test_message")
    response = client.post(stop_path(user_id=user.pk))
    assert response.status_code == 200
    text = main_text(response)
    assert "Done" in text and "What still comes" in text and "Start them again" in text
    assert ContactPreference.objects.get(user=user).reminders_off
    nudge.refresh_from_db()
    essential.refresh_from_db()
    assert (nudge.status, essential.status) == (Status.CANCELLED, Status.PENDING)


def test_stop_link_can_start_reminders_again(world, client):
    user = world.relative.user
    path = stop_path(user_id=user.pk)
    client.post(path)
    assert "Reminders are already stopped" in main_text(client.get(path))
    response = client.post(path, {"action": "restart"})
    assert response.status_code == 200
    assert "Reminders are back on" in main_text(response)
    assert not ContactPreference.objects.get(user=user).reminders_off


def test_one_click_unsubscribe_from_a_mail_provider(world):
    from django.test import Client  # noqa: PLC0415

    client = Client(enforce_csrf_checks=True)
    response = client.post(stop_path(email="dot@example.org"), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert ContactPreference.objects.get(email_address="dot@example.org").reminders_off


def test_stop_link_for_an_address_without_an_account(world, client):
    response = client.get(stop_path(email="dot@example.org"))
    assert "d•••@example.org" in main_text(response)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_link_is_refused_with_a_clear_message(world, client, method):
    good = tokens.make_token(user_id=world.relative.user.pk)
    for token in (good[:-6], good[:-1] + ("A" if good[-1] != "A" else "B"), "not-a-token", "x"):
        response = getattr(client, method)(reverse("stop_messages", kwargs={"token": token}))
        assert response.status_code == 400
        text = main_text(response)
        assert "This link is not valid" in text and "cut short when copied" in text
    assert not ContactPreference.objects.exists()


def test_a_token_signed_with_another_key_is_forged(world, client):
    token = signing.dumps(
        {"u": world.relative.user.pk}, key="not-our-secret", salt=tokens.SALT, compress=True
    )
    assert client.post(reverse("stop_messages", kwargs={"token": token})).status_code == 400
    assert not ContactPreference.objects.exists()


class _PastSigner(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 200 * 24 * 60 * 60)


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_link_says_so_and_how_to_change_choices(world, client, method):
    token = _PastSigner(salt=tokens.SALT).sign_object({"u": world.relative.user.pk}, compress=True)
    response = getattr(client, method)(reverse("stop_messages", kwargs={"token": token}))
    assert response.status_code == 400
    text = main_text(response)
    assert "This link has expired" in text and "How we contact you" in text
    assert not ContactPreference.objects.exists()


def test_max_age_setting_is_honoured(world, client, settings):
    path = stop_path(user_id=world.relative.user.pk)
    settings.NOTIFY_OPTOUT_MAX_AGE_DAYS = -1
    assert "This link has expired" in main_text(client.get(path))


def test_a_link_for_an_account_that_has_gone(world, client):
    response = client.post(stop_path(user_id=999_999))
    assert response.status_code == 400
    assert "no longer exists" in main_text(response)


def test_stop_page_queries_are_few(world, client, django_assert_max_num_queries):
    path = stop_path(user_id=world.relative.user.pk)
    with django_assert_max_num_queries(4):
        response = client.get(path)
    assert response.status_code == 200
    assert "Stop reminders?" in main_text(response)
