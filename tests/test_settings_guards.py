"""Settings that cannot be mistyped, and a production that refuses what is
only safe on a laptop: on/off variables take only the usual spellings; the
console email and SMS backends (which print invitation links and personal
messages to the logs) need DEBUG or ALLOW_CONSOLE_MESSAGES=1; seed_demo (a
superuser with a published password) needs DEBUG or an explicit flag; and
behind a proxy the sign-in pause counts the address the proxy saw."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from accounts.models import User
from accounts.tests.factories import PASSWORD

BASE_DIR = Path(__file__).resolve().parent.parent


def run_manage(*args, **env_changes):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("DJANGO_", "DEBUG", "SECRET_KEY", "ALLOW_CONSOLE", "EMAIL_", "SMS_", "BEHIND_")
        )
    }
    env["DJANGO_SETTINGS_MODULE"] = "carehome.settings"
    env.update({key: value for key, value in env_changes.items() if value is not None})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production(**changes):
    return {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "kith.example.org",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/kith",
        "EMAIL_HOST": "smtp.example.org",
        "SMS_BACKEND": "notifications.sms.TwilioBackend",
        **changes,
    }


def setting_values(*names, **env):
    code = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    )
    result = run_manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- On/off variables -------------------------------------------------------------------


def test_a_mistyped_on_off_value_stops_kith_naming_the_variable():
    result = run_manage("check", **production(SECURE_SSL_REDIRECT="ture"))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECURE_SSL_REDIRECT='ture' is not on or off" in result.stderr


@pytest.mark.parametrize("value", ["2", "enabled", "y", "nope"])
def test_other_words_are_refused_too(value):
    result = run_manage("check", **production(BEHIND_PROXY=value))
    assert result.returncode != 0
    assert f"BEHIND_PROXY={value!r} is not on or off" in result.stderr


def test_the_usual_spellings_in_any_case_are_understood():
    values = setting_values(
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "SECURE_HSTS_PRELOAD",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        **production(
            SECURE_SSL_REDIRECT="Off",
            SECURE_COOKIES=" YES ",
            SECURE_HSTS_PRELOAD="0",
            SECURE_HSTS_INCLUDE_SUBDOMAINS="True",
        ),
    )
    assert values == {
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": True,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    }


# --- Messages printed to the console --------------------------------------------------------


def test_production_refuses_to_print_emails_to_the_console():
    result = run_manage("check", **production(EMAIL_HOST=None))
    assert result.returncode != 0
    assert "EMAIL_BACKEND is django.core.mail.backends.console.EmailBackend" in result.stderr
    assert "ALLOW_CONSOLE_MESSAGES=1" in result.stderr


def test_production_refuses_to_print_text_messages_to_the_console():
    result = run_manage("check", **production(SMS_BACKEND=None))
    assert result.returncode != 0
    assert "SMS_BACKEND is notifications.sms.ConsoleBackend" in result.stderr


def test_printing_them_can_be_asked_for_and_the_demo_prints_them():
    asked = run_manage("check", **production(EMAIL_HOST=None, SMS_BACKEND=None, ALLOW_CONSOLE_MESSAGES="1"))
    assert asked.returncode == 0, asked.stderr
    demo = run_manage("check", DEBUG="1")
    assert demo.returncode == 0, demo.stderr


# --- seed_demo ---------------------------------------------------------------------------


def test_seed_demo_refuses_to_run_when_debug_is_off(db):
    with pytest.raises(CommandError, match="--i-know-this-is-not-production"):
        call_command("seed_demo", "--quiet")
    assert not User.objects.filter(email__endswith=".example.com").exists()


def test_seed_demo_runs_in_development(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", "--quiet")
    assert User.objects.filter(email="manager@rowan-house.example.com").exists()


# --- Sign-in pauses behind a proxy ---------------------------------------------------------

VICTIM, ATTACKER, PROXY = "81.2.69.160", "81.2.69.192", "10.0.0.5"


def test_behind_a_proxy_the_address_the_proxy_added_is_what_counts():
    values = setting_values(
        "AXES_IPWARE_META_PRECEDENCE_ORDER",
        "AXES_IPWARE_PROXY_COUNT",
        **production(BEHIND_PROXY="1", PROXY_COUNT="2"),
    )
    assert values == {
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
        "AXES_IPWARE_PROXY_COUNT": 1,
    }
    direct = setting_values("AXES_IPWARE_META_PRECEDENCE_ORDER", **production())
    assert direct == {"AXES_IPWARE_META_PRECEDENCE_ORDER": ["REMOTE_ADDR"]}


@pytest.fixture
def behind_one_proxy(settings):
    names = (
        "AXES_IPWARE_META_PRECEDENCE_ORDER",
        "AXES_IPWARE_PROXY_ORDER",
        "AXES_IPWARE_PROXY_COUNT",
        "IPWARE_STRICT",
    )
    for name, value in setting_values(*names, **production(BEHIND_PROXY="1")).items():
        setattr(settings, name, value)


def sign_in(client, email, password, forwarded_for):
    return client.post(
        "/login/",
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_someone_elsewhere_cannot_pause_a_persons_sign_in(world, behind_one_proxy):
    person = world.manager.user
    attacker = Client()
    for attempt in range(6):
        # They even claim to be the victim's address: the proxy appends theirs.
        sign_in(attacker, person.email, f"guess-{attempt}", f"{VICTIM}, {ATTACKER}")
    assert sign_in(attacker, person.email, PASSWORD, f"{VICTIM}, {ATTACKER}").status_code == 429

    victim = Client()
    response = sign_in(victim, person.email, PASSWORD, VICTIM)
    assert response.status_code == 302
    assert int(victim.session[SESSION_KEY]) == person.pk
