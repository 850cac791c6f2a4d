"""Running Kith: the health check, production settings, demo data, and pages
that cost the same number of queries however big the home is."""

import json
import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from carehome.celery import app as celery_app
from homes.models import Home, Invitation, Membership, Organisation, Role, Space
from homes.tests.factories import InvitationFactory, MembershipFactory, SpaceFactory
from privacy.demo import LEAVERS
from residents.models import RelativeLink, Resident
from residents.tests.factories import RelativeLinkFactory, ResidentFactory

BASE_DIR = Path(__file__).resolve().parent.parent
CLOSED_PORT_BROKER = "redis://127.0.0.1:6390/0"


# --- /healthz ------------------------------------------------------------------------


@pytest.fixture
def celery_conf():
    """Change the Celery app's settings for one test and put them back after."""
    keys = ("task_always_eager", "broker_url")
    saved = {key: celery_app.conf[key] for key in keys}

    def change(**values):
        for key, value in values.items():
            celery_app.conf[key] = value

    yield change
    for key, value in saved.items():
        celery_app.conf[key] = value
    assert celery_app.conf.task_always_eager is True


def test_healthz_is_ok_when_everything_is_up(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    # The tests run tasks in-process, so there is no broker to check.
    assert body["broker"] == "not used (tasks run in the web process)"


def test_healthz_reports_when_the_reminder_sweeper_last_ran(client, db):
    from notifications import delivery  # noqa: PLC0415
    from notifications.models import Heartbeat  # noqa: PLC0415

    response = client.get("/healthz")
    assert response.json()["sweeper"]["state"] == "never run"
    assert response.status_code == 200  # the demo's sweeper starts beside the web server
    delivery.sweep()
    body = client.get("/healthz").json()
    assert body["sweeper"]["state"] == body["reaper"]["state"] == "ok"
    assert body["sweeper"]["seconds_ago"] < 60
    Heartbeat.objects.filter(name="sweeper").update(at=timezone.now() - timedelta(minutes=10))
    response = client.get("/healthz")
    assert response.json()["sweeper"]["state"] == "late"
    assert response.json()["reaper"]["state"] == "ok"
    assert response.status_code == 503  # reminders are not going out: the service is not healthy


@pytest.mark.integration
def test_healthz_checks_a_real_broker(client, db, celery_conf):
    celery_conf(task_always_eager=False, broker_url=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/1")
    response = client.get("/healthz")
    body = response.json()
    assert {k: body[k] for k in ("database", "broker")} == {"database": "ok", "broker": "ok"}
    # No worker runs in this test: reminders would not go out, and healthz says so.
    assert body["workers"]["state"] == "error"
    assert body["workers"]["message"].startswith("No worker")
    assert response.status_code == 503


def test_healthz_is_503_when_the_broker_is_down(client, db, celery_conf):
    celery_conf(task_always_eager=False, broker_url=CLOSED_PORT_BROKER)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert {k: body[k] for k in ("status", "database", "broker")} == {
        "status": "error",
        "database": "ok",
        "broker": "error",
    }


def test_healthz_needs_no_sign_in_and_shows_no_secrets(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    text = response.content.decode()
    assert "redis://" not in text and "postgres" not in text


# --- Settings: production refuses to start unsafely ---------------------------------------


def run_manage(*args, **env_changes):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG", "SECRET_KEY"))}
    env["DJANGO_SETTINGS_MODULE"] = "carehome.settings"
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_env():
    return {
        "DEBUG": None,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "kith.example.org",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/kith",
        "EMAIL_HOST": "smtp.example.org",
        "SMS_BACKEND": "notifications.sms.TwilioBackend",
        "ALLOW_CONSOLE_MESSAGES": None,
    }


def test_deploy_check_passes_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_a_secret_key_production_refuses_to_start():
    result = run_manage("check", **{**production_env(), "SECRET_KEY": None})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_an_empty_secret_key_is_refused_too():
    result = run_manage("check", **{**production_env(), "SECRET_KEY": "", "DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_local_demo_starts_without_a_secret_key():
    result = run_manage("check", DEBUG="1", SECRET_KEY=None, DATABASE_URL=None)
    assert result.returncode == 0, result.stdout + result.stderr


# --- Demo data --------------------------------------------------------------------------------

SEEDED = [Organisation, Home, User, Membership, Space, Resident, RelativeLink]


def counts():
    return {model.__name__: model.objects.count() for model in SEEDED}


def test_seed_demo_twice_adds_nothing_the_second_time(db):
    call_command("seed_demo", "--quiet", "--i-know-this-is-not-production")
    first = counts()
    assert first["Home"] == 2
    # Thirty at each home, and the three who left years ago (privacy's demo: records due, due soon, held).
    assert first["Resident"] == 2 * (30 + len(LEAVERS))
    assert first["RelativeLink"] > 0
    call_command("seed_demo", "--quiet", "--i-know-this-is-not-production")
    assert counts() == first


def test_seed_demo_grows_to_the_size_asked_for(db):
    call_command(
        "seed_demo",
        "--homes",
        "3",
        "--residents-per-home",
        "40",
        "--quiet",
        "--i-know-this-is-not-production",
    )
    assert Home.objects.count() == 3
    assert Resident.objects.count() == 3 * (40 + len(LEAVERS))
    for home in Home.objects.all():
        assert Resident.objects.for_home(home).current().count() == 40
        assert Membership.objects.for_home(home).filter(role=Role.MANAGER).count() == 1
        # The six rooms of the demo, plus the video call tablet.
        assert Space.objects.for_home(home).count() == 7


def test_seed_demo_logins_work(client, db):
    call_command("seed_demo", "--quiet", "--i-know-this-is-not-production")
    response = client.post(
        "/login/", {"username": "manager@rowan-house.example.com", "password": "kith-demo-2026"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("homes:dashboard", args=["rowan-house"])


# --- Pages cost the same number of queries for 5 or 50 rows ---------------------------------------


def grow(world, n):
    """Add n residents, people, spaces, invitations and links for the relative."""
    roles = [Role.STAFF, Role.FAMILY, Role.VOLUNTEER, Role.CHAMPION]
    for i in range(n):
        resident = ResidentFactory(home=world.home, key_worker=world.staff.user if i % 2 else None)
        RelativeLinkFactory(resident=resident, membership=world.relative)
        MembershipFactory(home=world.home, role=roles[i % len(roles)], is_active=bool(i % 5))
        SpaceFactory(home=world.home, bookable=bool(i % 2))
        InvitationFactory(home=world.home, invited_by=world.manager.user)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, [q["sql"] for q in ctx.captured_queries]


PAGES = [
    ("homes:dashboard", "manager"),
    ("homes:dashboard", "staff"),
    ("homes:dashboard", "family"),
    ("homes:dashboard", "volunteer"),
    ("homes:members", "manager"),
    ("homes:members", "staff"),
    ("homes:spaces", "manager"),
    ("residents:list", "staff"),
    ("residents:family", "family"),
]


@pytest.mark.parametrize(("name", "role"), PAGES)
def test_page_queries_do_not_grow_with_the_home(world, client_for, name, role):
    client = client_for(world.member(role))
    url = reverse(name, args=[world.home.slug])
    client.get(url)  # the first visit remembers the home in the session

    grow(world, 5)
    small, small_queries = queries_for(client, url)
    grow(world, 45)
    big, big_queries = queries_for(client, url)

    assert len(big.content) > len(small.content) or name == "homes:dashboard"
    assert len(big_queries) == len(small_queries), "\n".join(big_queries)


def test_the_people_page_reads_everyones_two_step_verification_in_its_one_list_query(world, client_for):
    """A manager's People page says whether each person has two-step verification
    on: read with the list itself, so 50 more people (half with it on) cost nothing more."""
    client = client_for(world.manager)
    url = reverse("homes:members", args=[world.home.slug])
    client.get(url)  # the first visit remembers the home in the session
    roles = [Role.MANAGER, Role.STAFF, Role.FAMILY, Role.VOLUNTEER, Role.ORG_ADMIN]

    def add(n):
        for i in range(n):
            member = MembershipFactory(home=world.home, role=roles[i % len(roles)], is_active=bool(i % 7))
            TOTPDevice.objects.create(user=member.user, name="Authenticator app", confirmed=bool(i % 2))

    add(5)
    small, small_queries = queries_for(client, url)
    add(45)
    big, big_queries = queries_for(client, url)

    assert len(big_queries) == len(small_queries), "\n".join(big_queries)
    device_reads = [q for q in big_queries if "otp_totp_totpdevice" in q]
    assert len(device_reads) == 1 and "homes_membership" in device_reads[0]  # the list's own query
    on = TOTPDevice.objects.filter(user__memberships__home=world.home, confirmed=True).count()
    assert big.content.decode().count("two-step-on") == on == 24


def test_the_lists_show_every_row(world, client_for):
    grow(world, 50)
    list_url = reverse("residents:list", args=[world.home.slug])
    total = Resident.objects.for_home(world.home).count()
    first = client_for(world.staff).get(list_url).content.decode()
    second = client_for(world.staff).get(list_url + "?page=2").content.decode()
    assert first.count('class="resident-link"') == 50  # fifty a page
    assert first.count('class="resident-link"') + second.count('class="resident-link"') == total
    spaces = client_for(world.manager).get(reverse("homes:spaces", args=[world.home.slug]))
    assert spaces.content.decode().count("Change<span") == Space.objects.for_home(world.home).count()
    members = client_for(world.manager).get(reverse("homes:members", args=[world.home.slug]))
    waiting = Invitation.objects.for_home(world.home).filter(accepted_at=None, revoked_at=None).count()
    assert members.content.decode().count("Re-send<span") == waiting
