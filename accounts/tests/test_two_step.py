"""Two-step verification through the real pages: setting it up, signing in
with the app's code or a recovery code, managers made to set it up, and
another manager resetting it for a lost phone."""

import re
from base64 import b32decode
from datetime import timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.factories import PASSWORD
from tests.html import field_error, main_text

CODE_WRONG = "That code is not right"


def sign_in(email, password=PASSWORD):
    client = Client()
    response = client.post(reverse("login"), {"username": email, "password": password})
    assert response.status_code == 302, response.content[:2000]
    return client


def app_code(device, *, at=None):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}"


def set_up(client, user):
    """Set up the app from the set-up page, as a person would; returns the recovery codes."""
    page = client.get(reverse("two_step"))
    assert page.status_code == 200
    secret = re.search(r'<code class="fs-5 secret-key">([A-Z2-7 ]+)</code>', page.content.decode()).group(1)
    typed = secret.replace(" ", "")
    device = TOTPDevice(key=b32decode(typed + "=" * (-len(typed) % 8)).hex())
    response = client.post(reverse("two_step"), {"action": "confirm", "code": app_code(device)})
    assert response.status_code == 302, field_error(response, "code")
    codes_page = client.get(response.url)
    return re.findall(r"<code>(\d{4}-\d{4})</code>", codes_page.content.decode())


def thirty_seconds_on():
    """The app shows a new code (a code is never taken twice)."""
    return time_machine.travel(timezone.now() + timedelta(seconds=31), tick=True)


def dashboard(world):
    return reverse("homes:dashboard", args=[world.home.slug])


# --- Setting it up -------------------------------------------------------------------------


def test_setting_it_up_shows_a_qr_code_and_recovery_codes_once(world):
    user = world.staff.user
    client = sign_in(user.email)
    page = client.get(reverse("two_step"))
    body = page.content.decode()
    assert 'src="data:image/svg+xml' in body and 'alt="QR code to scan with your authenticator app"' in body
    assert re.search(r'<code class="fs-5 secret-key">([A-Z2-7]{4} ){7}[A-Z2-7]{4}</code>', body)

    wrong = client.post(reverse("two_step"), {"action": "confirm", "code": "000000"})
    assert CODE_WRONG in field_error(wrong, "code")
    assert not TOTPDevice.objects.filter(user=user).exists()  # opening the page saved nothing
    short = client.post(reverse("two_step"), {"action": "confirm", "code": "12345"})
    assert field_error(short, "code") == "Enter the 6 digits from your authenticator app."

    with thirty_seconds_on():
        codes = set_up(client, user)
    assert len(codes) == 10 and len(set(codes)) == 10
    # Shown once: the page does not show them again.
    assert client.get(reverse("two_step_codes")).status_code == 302
    status = main_text(client.get(reverse("two_step")))
    assert "On since" in status and "You have 10 recovery codes left" in status
    # The history has the app, never its secret.
    entry = LogEntry.objects.get_for_model(TOTPDevice).filter(action=LogEntry.Action.CREATE).get()
    assert entry.actor == user and "key" not in entry.changes_dict


def test_a_signed_out_visitor_cannot_open_the_set_up_page(client):
    response = client.get(reverse("two_step"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- Signing in with it ----------------------------------------------------------------------


@pytest.fixture
def enrolled(world):
    """Ruth, the manager, with the app set up: (user, device, recovery codes)."""
    user = world.manager.user
    codes = set_up(sign_in(user.email), user)
    return user, TOTPDevice.objects.get(user=user, confirmed=True), codes


def test_once_set_up_no_page_opens_without_the_code(world, enrolled):
    user, device, _ = enrolled
    with thirty_seconds_on():
        client = sign_in(user.email)
        for path in (dashboard(world), reverse("account"), reverse("residents:list", args=[world.home.slug])):
            response = client.get(path)
            assert response.status_code == 302, path
            assert response.url.startswith(reverse("two_step_verify")), path
        htmx = client.get(dashboard(world), headers={"HX-Request": "true"})
        assert htmx["HX-Redirect"].startswith(reverse("two_step_verify"))
        # A POST is not carried out either.
        assert client.post(reverse("account"), {"full_name": "Changed"}).status_code == 302
        user.refresh_from_db()
        assert user.full_name != "Changed"

        wrong = client.post(reverse("two_step_verify"), {"code": "000000", "next": dashboard(world)})
        assert CODE_WRONG in field_error(wrong, "code")
    with time_machine.travel(timezone.now() + timedelta(seconds=65), tick=True):
        code = app_code(device)
        response = client.post(reverse("two_step_verify"), {"code": code, "next": dashboard(world)})
        assert response.status_code == 302 and response.url == dashboard(world)
        assert client.get(dashboard(world)).status_code == 200


def test_a_code_is_taken_once(world, enrolled):
    user, device, _ = enrolled
    with thirty_seconds_on():
        code = app_code(device)
        first = sign_in(user.email)
        assert first.post(reverse("two_step_verify"), {"code": code}).status_code == 302
        second = sign_in(user.email)
        assert CODE_WRONG in field_error(second.post(reverse("two_step_verify"), {"code": code}), "code")


def test_a_recovery_code_works_once(world, enrolled):
    user, _, codes = enrolled
    client = sign_in(user.email)
    answer = {"code": codes[0], "next": dashboard(world)}
    response = client.post(reverse("two_step_verify"), answer, follow=True)
    assert response.redirect_chain[-1][0] == dashboard(world)
    assert "You used a recovery code; 9 left" in main_text(response)
    assert StaticToken.objects.filter(device__user=user).count() == 9

    again = sign_in(user.email)
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=True):
        refused = again.post(reverse("two_step_verify"), {"code": codes[0]})
    assert "not right" in field_error(refused, "code")
    assert again.get(dashboard(world)).status_code == 302


def test_wrong_codes_slow_down_then_the_right_one_works(world, enrolled):
    user, device, _ = enrolled
    with thirty_seconds_on():
        client = sign_in(user.email)
        for _ in range(4):
            client.post(reverse("two_step_verify"), {"code": "000000"})
        slowed = client.post(reverse("two_step_verify"), {"code": app_code(device)})
        assert slowed.status_code == 429
        assert re.search(r"Wait \d+ seconds?, then try the newest code", field_error(slowed, "code"))
    with time_machine.travel(timezone.now() + timedelta(seconds=90), tick=True):
        assert client.post(reverse("two_step_verify"), {"code": app_code(device)}).status_code == 302
        assert client.get(dashboard(world)).status_code == 200


def test_the_admin_site_needs_the_code_too(world, enrolled):
    user, _, _ = enrolled
    type(user).objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    client = sign_in(user.email)
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith(reverse("two_step_verify"))


# --- Who must use it -------------------------------------------------------------------------


def test_a_manager_is_reminded_then_made_to_set_it_up(world, settings):
    settings.TWO_STEP_GRACE_DAYS = 14
    user = world.manager.user
    client = sign_in(user.email)
    user.refresh_from_db()
    assert user.two_step_due == timezone.localdate() + timedelta(days=14)
    page = client.get(dashboard(world))
    assert page.status_code == 200
    assert "Because you manage a home, your account needs two-step verification" in main_text(page)
    assert f"by {user.two_step_due:%-d %B}" in main_text(page)

    type(user).objects.filter(pk=user.pk).update(two_step_due=timezone.localdate())
    late = sign_in(user.email)
    response = late.get(dashboard(world))
    assert response.status_code == 302 and response.url.startswith(reverse("two_step"))
    assert late.get(reverse("two_step")).status_code == 200
    codes = set_up(late, user)
    assert len(codes) == 10
    assert late.get(dashboard(world)).status_code == 200


def test_staff_are_not_asked_and_may_turn_it_on_and_off(world):
    user = world.staff.user
    client = sign_in(user.email)
    assert "two-step verification" not in main_text(client.get(dashboard(world)))
    set_up(client, user)
    off = client.post(reverse("two_step"), {"action": "off"}, follow=True)
    assert "Two-step verification is off" in main_text(off)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()


def test_a_manager_cannot_turn_it_off(world, enrolled):
    user, device, _ = enrolled
    client = sign_in(user.email)
    with thirty_seconds_on():
        client.post(reverse("two_step_verify"), {"code": app_code(device)})
        response = client.post(reverse("two_step"), {"action": "off"}, follow=True)
    assert "must keep two-step verification on" in main_text(response)
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- A lost phone --------------------------------------------------------------------------


def test_another_manager_resets_it_and_the_history_says_who(world, enrolled, client_for):
    from homes.models import Role
    from homes.tests.factories import MembershipFactory

    user, _, _ = enrolled
    colleague = MembershipFactory(home=world.home, role=Role.MANAGER, user__full_name="Sam Okafor")
    edit = reverse("homes:membership_edit", args=[world.home.slug, world.manager.pk])
    page = client_for(colleague).get(edit)
    assert "Reset two-step verification" in main_text(page)
    response = client_for(colleague).post(
        reverse("homes:membership_two_step_reset", args=[world.home.slug, world.manager.pk]), follow=True
    )
    assert "was reset" in main_text(response)
    assert not TOTPDevice.objects.filter(user=user).exists()
    deleted = LogEntry.objects.get_for_model(TOTPDevice).filter(action=LogEntry.Action.DELETE).get()
    assert deleted.actor == colleague.user
    # Ruth's own history at the home says who reset it.
    history = client_for(colleague).get(
        reverse(
            "homes:history",
            args=[world.home.slug, ContentType.objects.get_for_model(world.manager).pk, world.manager.pk],
        )
    )
    assert "two-step verification" in main_text(history) and "Sam Okafor" in main_text(history)

    # Ruth signs in with her password and sets it up again before anything else.
    client = sign_in(user.email)
    response = client.get(dashboard(world))
    assert response.status_code == 302 and response.url.startswith(reverse("two_step"))


def test_a_reset_signs_the_person_out_everywhere(world, enrolled, client_for):
    from homes.models import Role
    from homes.tests.factories import MembershipFactory

    user, device, _ = enrolled
    with thirty_seconds_on():
        ruth = sign_in(user.email)
        ruth.post(reverse("two_step_verify"), {"code": app_code(device)})
        assert ruth.get(dashboard(world)).status_code == 200
    colleague = MembershipFactory(home=world.home, role=Role.MANAGER)
    client_for(colleague).post(
        reverse("homes:membership_two_step_reset", args=[world.home.slug, world.manager.pk])
    )
    gone = ruth.get(dashboard(world))
    assert gone.status_code == 302 and gone.url.startswith(reverse("login"))


def test_setting_it_up_ends_the_persons_other_sessions(world):
    user = world.staff.user
    left_on_a_lost_phone = sign_in(user.email)
    here = sign_in(user.email)
    set_up(here, user)
    assert here.get(dashboard(world)).status_code == 200
    other = left_on_a_lost_phone.get(dashboard(world))
    assert other.status_code == 302 and other.url.startswith(reverse("login"))


def test_no_reset_for_an_admin_site_user_or_someone_managing_another_home(world, client_for):
    from homes.models import Role
    from homes.tests.factories import MembershipFactory

    url = reverse("homes:membership_two_step_reset", args=[world.home.slug, world.staff.pk])
    set_up(sign_in(world.staff.user.email), world.staff.user)
    # Aisha also manages Birch Court, where Ruth is nobody.
    MembershipFactory(home=world.other_home, user=world.staff.user, role=Role.MANAGER)
    refused = client_for(world.manager).post(url, follow=True)
    assert "They also manage a home you do not" in main_text(refused)
    assert TOTPDevice.objects.filter(user=world.staff.user, confirmed=True).exists()
    type(world.staff.user).objects.filter(pk=world.staff.user.pk).update(is_staff=True)
    refused = client_for(world.manager).post(url, follow=True)
    assert "only another site admin can reset" in main_text(refused)
    assert TOTPDevice.objects.filter(user=world.staff.user, confirmed=True).exists()


def test_no_one_resets_their_own_and_staff_cannot_reset_anyone(world, enrolled, client_for):
    user, _, _ = enrolled
    url = reverse("homes:membership_two_step_reset", args=[world.home.slug, world.manager.pk])
    assert client_for(world.staff).post(url).status_code == 403
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert client_for(world.outsider).post(url).status_code == 404
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_signing_in_without_a_second_factor_still_works_for_others(world):
    client = sign_in(world.relative.user.email)
    assert SESSION_KEY in client.session
    assert client.get(dashboard(world)).status_code == 200
