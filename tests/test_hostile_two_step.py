"""Hostile input on the two-step verification pages, as a manager who has
given her password but not yet her code: the code page (her app and recovery
codes set up) and the set-up page (her days to set it up are over). Each is a
page her session may open before any other, so a mistake there must never
lock her out for good or let anyone in.

The hostile-forms sweep (tests/test_hostile_forms.py) posts to both pages as
well; here, besides "no server error and the message next to the field", each
test checks that nothing was saved (no app, no recovery code used, the session
still waiting for the code), that the pause after wrong codes answers politely
(429, with the time to wait next to the field), and that her own code still
works afterwards — at once with the pause off, after the pause with it on.
Time stands still in each test, so the codes that are right are known and
hypothesis never stumbles on one.
"""

from binascii import unhexlify
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts import two_step
from accounts.tests.factories import PASSWORD
from tests.html import field_error
from tests.test_hostile_forms import EXAMPLES_PER_FORM, HOSTILE, HOSTILE_VALUES, post_and_check

pytestmark = pytest.mark.hostile

VERIFY, SET_UP = reverse("two_step_verify"), reverse("two_step")

# Digits that are not 0-9: another keyboard's (the same digits to Kith), and
# characters that only count as digits (², ①, ½), which are no digits at all.
OTHER_DIGITS = ["١٢٣٤٥٦", "۱۲۳۴۵۶", "１２３４５６", "𝟏𝟐𝟑𝟒𝟓𝟔", "𝟙𝟚𝟛𝟜𝟝𝟞", "१२३४५६७८", "１２３４-５６７８"]
LOOK_ALIKES = ["²²²²²²", "¹²³⁴⁵⁶", "①②③④⑤⑥", "½½½½½½", "⁰¹²³⁴⁵⁶⁷", "12345²"]
# Shaped like codes, never right (the right ones are left out where they are made).
WRONG_CODES = ["000000", "123456", "999999", "000 000", "12345678", "0000-0000", "1234 5678"]
ODD_NEXT = ["https://evil.example/", "//evil.example", "javascript:alert(1)", "/\x00", "\\\\evil.example"]

EVERY_VALUE = HOSTILE_VALUES + OTHER_DIGITS + LOOK_ALIKES + WRONG_CODES

ABSENT = object()  # the field is not sent at all
VALUE = st.one_of(
    st.sampled_from(EVERY_VALUE),
    HOSTILE,
    st.text(alphabet=st.characters(categories=("Nd", "No")), min_size=5, max_size=9),
)
FIELD = st.one_of(st.just(ABSENT), VALUE, st.lists(VALUE, min_size=2, max_size=3))  # absent, once, repeated
HYPOTHESIS = hypothesis_settings(
    max_examples=EXAMPLES_PER_FORM,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def data(**fields):
    return {
        name: value if isinstance(value, list) else [value]
        for name, value in fields.items()
        if value is not ABSENT
    }


def typed(value):
    """The code a field's values carry to the form (Django takes the last)."""
    value = value[-1] if isinstance(value, list) else value
    return None if value is ABSENT else two_step.normalise(value)


def codes_right_now(key):
    """The app's codes a page accepts at this moment (one step either side)."""
    check = TOTP(unhexlify(key))
    now = check.t()
    found = set()
    for t in (now - 1, now, now + 1):
        check.time = (t * check.step) + check.step / 2
        found.add(f"{check.token():06d}")
    return found


def app_code(key):
    return f"{TOTP(unhexlify(key)).token():06d}"


@pytest.fixture
def still():
    """Time stands still: the right codes are known for the whole test."""
    with time_machine.travel(timezone.now().replace(microsecond=0), tick=False) as traveller:
        yield traveller


def signed_in_with_password(user):
    client = Client(raise_request_exception=False)
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def refused_politely(response, status, error, *, allowed=(200,)):
    """The post was refused with a message next to the code field; no error of the page's own."""
    assert not error, f"{status}: {error}"
    assert status in allowed, status
    message = field_error(response, "code")
    assert message, response.content.decode()[:3000]
    return message


# --- The code page ---------------------------------------------------------------------------


@pytest.fixture
def ruth(world, still):
    """Ruth, the manager, with her app and ten recovery codes, signed in with her
    password: her session opens nothing but the code page."""
    user = world.manager.user
    device = TOTPDevice.objects.create(user=user, name=two_step.APP_NAME, confirmed=True)
    codes = two_step.recovery_codes_new(user=user)
    client = signed_in_with_password(user)
    assert two_step.state_of(client) == two_step.VERIFY
    never = codes_right_now(device.key) | {code.replace("-", "") for code in codes}
    return user, device, codes, client, never


def waiting_for_the_code(world, client):
    dashboard = reverse("homes:dashboard", args=[world.home.slug])
    response = client.get(dashboard)
    return response.status_code == 302 and response.url.startswith(VERIFY)


def nothing_changed(user, device):
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", "key", "confirmed")) == [
        (device.pk, device.key, True)
    ]
    assert StaticToken.objects.filter(device__user=user).count() == two_step.RECOVERY_CODES


def test_hostile_codes_are_refused_next_to_the_field_and_her_own_code_then_works(world, ruth, settings):
    """The pause after wrong codes off, so every code-shaped value is really tried."""
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0
    user, device, codes, client, never = ruth

    def attempt(code, next_page=ABSENT, **extra):
        response, status, error = post_and_check(client, VERIFY, data(code=code, next=next_page), **extra)
        return refused_politely(response, status, error)

    for value in EVERY_VALUE:
        if two_step.normalise(value) not in never:
            attempt(value)
    wrong = next(code for code in WRONG_CODES if code not in never)
    for odd in ODD_NEXT:
        attempt(wrong, odd)
    assert attempt(ABSENT) == "Enter the code."
    assert attempt("x" * 21).startswith("Ensure this value has at most 20 characters")
    assert "6 digits" in attempt(LOOK_ALIKES[0])
    # Not a form at all: a JSON body, a file in the code's place.
    json_body = post_and_check(client, VERIFY, '{"code": 123456}', content_type="application/json")
    assert refused_politely(*json_body) == "Enter the code."
    upload = SimpleUploadedFile("code.txt", app_code(device.key).encode())
    assert refused_politely(*post_and_check(client, VERIFY, {"code": upload})) == "Enter the code."

    @HYPOTHESIS
    @given(code=FIELD, next_page=st.one_of(st.just(ABSENT), VALUE, st.sampled_from(ODD_NEXT)))
    def hostile(code, next_page):
        assume(typed(code) not in never)
        attempt(code, next_page)

    hostile()
    nothing_changed(user, device)
    assert waiting_for_the_code(world, client)

    # Her own code: straight in, and an odd "next" never sends her off the site.
    response = client.post(VERIFY, {"code": app_code(device.key), "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == reverse("start")
    assert not waiting_for_the_code(world, client)
    assert StaticToken.objects.filter(device__user=user).count() == two_step.RECOVERY_CODES


def test_after_hostile_codes_the_pause_is_polite_and_her_code_works_once_it_ends(world, ruth, still):
    """The pause after wrong codes on, as in production: hostile codes end in a
    pause (429, the wait next to the field); her own code waits for it too, and
    works once it is over."""
    user, device, codes, client, never = ruth
    statuses = []
    for value in EVERY_VALUE:
        if two_step.normalise(value) in never:
            continue
        response, status, error = post_and_check(client, VERIFY, data(code=value))
        message = refused_politely(response, status, error, allowed=(200, 429))
        if status == 429:
            assert message.startswith("Several codes were not right. Wait "), message
        statuses.append(status)
    assert 429 in statuses  # the pause began
    assert statuses.count(200) >= len(HOSTILE_VALUES) // 2  # what is no code at all is never tried

    right = app_code(device.key)
    response, status, error = post_and_check(client, VERIFY, data(code=right))
    assert "then try the newest code" in refused_politely(response, status, error, allowed=(429,))
    nothing_changed(user, device)
    assert waiting_for_the_code(world, client)

    still.shift(two_step.MAX_WAIT + timedelta(seconds=30))  # the longest pause is over
    response = client.post(VERIFY, {"code": app_code(device.key)})
    assert response.status_code == 302 and response.url == reverse("start")
    assert not waiting_for_the_code(world, client)

    # A recovery code works after a pause too (another sign-in, more wrong codes).
    again = signed_in_with_password(user)
    for value in WRONG_CODES:
        if two_step.normalise(value) not in never:
            refused_politely(*post_and_check(again, VERIFY, data(code=value)), allowed=(200, 429))
    still.shift(two_step.MAX_WAIT + timedelta(seconds=30))
    response = again.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 302
    assert StaticToken.objects.filter(device__user=user).count() == two_step.RECOVERY_CODES - 1


# --- The set-up page ---------------------------------------------------------------------------


@pytest.fixture
def late_manager(world, still):
    """Ruth, the manager, past her days to set it up, signed in with her password:
    her session opens nothing but the set-up page. (client, the app's key waiting in her session)"""
    user = world.manager.user
    user.two_step_due = timezone.localdate() - timedelta(days=1)
    user.save(update_fields=["two_step_due"])
    client = signed_in_with_password(user)
    assert two_step.state_of(client) == two_step.ENROL
    assert client.get(SET_UP).status_code == 200
    return user, client, client.session[two_step.SETUP_KEY]


def test_hostile_codes_on_the_set_up_page_save_nothing_and_her_app_then_sets_up(world, late_manager):
    user, client, key = late_manager
    never = codes_right_now(key)
    dashboard = reverse("homes:dashboard", args=[world.home.slug])

    def attempt(code, action="confirm", next_page=ABSENT):
        sent = data(action=action, code=code, next=next_page)
        response, status, error = post_and_check(client, SET_UP, sent)
        if action != "confirm":  # not a code: the page as it was, with nothing done
            assert (status, error) == (200, "")
            return ""
        return refused_politely(response, status, error)

    def nothing_saved():
        assert not TOTPDevice.objects.filter(user=user).exists()
        assert not StaticDevice.objects.filter(user=user).exists()
        assert client.session[two_step.SETUP_KEY] == key  # the same QR code
        page = client.get(dashboard)
        assert page.status_code == 302 and page.url.startswith(SET_UP)

    for value in EVERY_VALUE:
        if two_step.normalise(value) not in never:
            attempt(value)
    assert attempt(ABSENT) == "Enter the code."
    for look_alike in LOOK_ALIKES:
        assert attempt(look_alike) == "Enter the 6 digits from your authenticator app."
    # A recovery code has no place here: only the app's 6 digits.
    assert attempt("12345678") == "Enter the 6 digits from your authenticator app."
    for action in ("codes", "off", "", "\x00", "x" * 200_000):
        attempt("123456", action=action)
    nothing_saved()

    @HYPOTHESIS
    @given(
        code=FIELD,
        # Mostly the code itself; sometimes another button's action, or a hostile one.
        action=st.one_of(st.just("confirm"), st.just("confirm"), st.sampled_from(["codes", "off"]), VALUE),
        next_page=st.one_of(st.just(ABSENT), VALUE),
    )
    def hostile(code, action, next_page):
        assume(typed(code) not in never)
        attempt(code, action, next_page)

    hostile()
    nothing_saved()

    # Her app's code, typed on a phone set to full-width digits, turns it on.
    right = app_code(key).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    response = client.post(SET_UP, {"action": "confirm", "code": right})
    assert response.status_code == 302 and response.url.startswith(reverse("two_step_codes"))
    assert TOTPDevice.objects.filter(user=user, confirmed=True, key=key).exists()
    assert StaticToken.objects.filter(device__user=user).count() == two_step.RECOVERY_CODES
    assert client.get(dashboard).status_code == 200
