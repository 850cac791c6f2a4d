"""The residents services called directly: all-or-nothing writes, the rules
they enforce whoever calls them, two people changing a key worker at once,
and the demo data."""

import random
import threading
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from carehome.errors import DomainError
from homes.models import Role
from homes.tests.factories import HomeFactory, MembershipFactory
from residents.demo import residents as demo
from residents.models import KeyWorkerAssignment, PersonalPlan, Resident
from residents.selectors.residents import age_on
from residents.services import residents as services
from residents.tests.factories import ResidentFactory
from residents.tests.sweep_residents import TINY_PNG
from tests.threads import scoped_thread


@pytest.fixture(autouse=True)
def scratch_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def admit(world, **fields):
    data = {"full_name": "Norman Price", "admitted_on": date(2026, 1, 10)}
    data.update(fields)
    return services.resident_admit(home=world.home, actor=world.manager.user, **data)


def test_admit_creates_the_resident_their_plan_and_key_worker_together(world):
    resident = admit(world, key_worker=world.champion.user, preferred_name=" Norm ")
    assert resident.preferred_name == "Norm"
    assert PersonalPlan.objects.get(resident=resident).home == world.home
    assignment = KeyWorkerAssignment.objects.get(resident=resident)
    assert (assignment.key_worker, assignment.started_on) == (world.champion.user, date(2026, 1, 10))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"full_name": "  "}, "full_name"),
        ({"date_of_birth": date(2999, 1, 1)}, "date_of_birth"),
        ({"admitted_on": date(2999, 1, 1)}, "admitted_on"),
        ({"date_of_birth": date(2000, 1, 1), "admitted_on": date(1999, 1, 1)}, "admitted_on"),
        ({"photo_consent": True, "photo_consent_note": "ok", "photo": "NOT_A_PICTURE"}, "photo"),
        ({"photo": "PICTURE"}, "photo"),
        ({"photo": "PICTURE", "photo_consent": True}, "photo_consent_note"),
    ],
)
def test_admit_refuses_and_saves_nothing(world, scratch_media, fields, field):
    files = {
        "PICTURE": SimpleUploadedFile("a.png", TINY_PNG, content_type="image/png"),
        "NOT_A_PICTURE": SimpleUploadedFile("a.png", b"hello", content_type="image/png"),
    }
    fields = {k: files.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}
    with pytest.raises(DomainError) as caught:
        admit(world, **fields)
    assert caught.value.field == field
    assert not Resident.objects.filter(full_name="Norman Price").exists()
    assert PersonalPlan.objects.count() == 0
    assert not any(p.is_file() for p in scratch_media.rglob("*"))


def test_a_key_worker_must_work_in_this_home(world):
    elsewhere = MembershipFactory(home=HomeFactory(), role=Role.STAFF).user
    for person in (elsewhere, world.relative.user, world.volunteer.user, world.outsider.user):
        with pytest.raises(DomainError) as caught:
            admit(world, key_worker=person)
        assert caught.value.field == "key_worker"
    assert not Resident.objects.filter(full_name="Norman Price").exists()


def test_a_failed_admission_removes_the_photo_it_stored(world, scratch_media, monkeypatch):
    """If the database write fails after the photo was stored, the file goes too."""

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(PersonalPlan.objects, "create", broken)
    photo = SimpleUploadedFile("a.png", TINY_PNG, content_type="image/png")
    with pytest.raises(RuntimeError):
        admit(world, photo=photo, photo_consent=True, photo_consent_note="Agreed")
    assert not Resident.objects.filter(full_name="Norman Price").exists()
    assert not any(p.is_file() for p in scratch_media.rglob("*"))


def test_update_reports_what_changed_and_saves_only_that(world):
    r = world.resident
    r.room = "4"
    r.save()
    changes = services.resident_update(
        home=world.home,
        actor=world.staff.user,
        resident=r,
        full_name="Margaret Baxter",
        preferred_name="Peggy",
        room="5",
        status=Resident.Status.HOSPITAL,
    )
    assert changes == {"room": ("4", "5"), "status": ("current", "hospital")}
    assert (
        services.resident_update(
            home=world.home,
            actor=world.staff.user,
            resident=r,
            full_name="Margaret Baxter",
            preferred_name="Peggy",
            room="5",
            status="hospital",
        )
        == {}
    )


def test_update_cannot_bring_back_someone_who_left(world):
    r = world.resident
    services.resident_leave(
        home=world.home, actor=world.manager.user, resident=r, kind="died", left_on=date(2026, 2, 2)
    )
    with pytest.raises(DomainError):
        services.resident_update(
            home=world.home, actor=world.staff.user, resident=r, full_name=r.full_name, status="current"
        )
    # Names can still be corrected.
    services.resident_update(
        home=world.home, actor=world.staff.user, resident=r, full_name="Margaret A. Baxter"
    )
    r.refresh_from_db()
    assert (r.full_name, r.status) == ("Margaret A. Baxter", "died")


def test_the_same_key_worker_again_changes_nothing(world):
    r = admit(world, key_worker=world.staff.user)
    assert (
        services.resident_change_key_worker(
            home=world.home, actor=world.staff.user, resident=r, key_worker=world.staff.user
        )
        is False
    )
    assert (
        services.resident_change_key_worker(
            home=world.home, actor=world.staff.user, resident=r, key_worker=None
        )
        is True
    )
    assert (
        services.resident_change_key_worker(
            home=world.home, actor=world.staff.user, resident=r, key_worker=None
        )
        is False
    )


def test_a_key_worker_without_an_open_assignment_gets_one(world):
    """Data from before key worker history was kept: choosing them records it."""
    r = ResidentFactory(home=world.home, key_worker=world.staff.user)
    assert (
        services.resident_change_key_worker(
            home=world.home, actor=world.manager.user, resident=r, key_worker=world.staff.user
        )
        is True
    )
    assert KeyWorkerAssignment.objects.get(resident=r, ended_on__isnull=True).key_worker == world.staff.user


def test_leave_twice_is_refused(world):
    r = world.resident
    services.resident_leave(
        home=world.home,
        actor=world.manager.user,
        resident=r,
        kind="left",
        left_on=date(2026, 2, 2),
        reason="Moved to Leeds",
    )
    with pytest.raises(DomainError, match="already recorded that Peggy moved out on 2 February 2026"):
        services.resident_leave(
            home=world.home, actor=world.manager.user, resident=r, kind="died", left_on=date(2026, 3, 3)
        )
    with pytest.raises(DomainError):
        services.resident_change_key_worker(
            home=world.home, actor=world.manager.user, resident=r, key_worker=world.staff.user
        )


def test_settings_are_checked_by_the_service_too(world):
    with pytest.raises(DomainError) as caught:
        services.connection_settings_update(home=world.home, actor=world.manager.user, quiet_days=0)
    assert caught.value.field == "quiet_days"
    saved = services.connection_settings_update(home=world.home, actor=world.manager.user, lonely_threshold=5)
    assert (saved.quiet_days, saved.lonely_threshold) == (7, 5)


def test_age():
    assert age_on(date(1940, 6, 15), date(2026, 6, 14)) == 85
    assert age_on(date(1940, 6, 15), date(2026, 6, 15)) == 86
    assert age_on(None, date(2026, 6, 15)) is None


# --- Two people at once ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_people_changing_the_key_worker_at_once_leave_one_current(world):
    r = admit(world, key_worker=world.staff.user)
    barrier = threading.Barrier(2)
    errors = []

    def change(key_worker, actor):
        try:
            barrier.wait(timeout=5)
            services.resident_change_key_worker(
                home=world.home, actor=actor, resident=r, key_worker=key_worker
            )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        scoped_thread(world.home, change, world.champion.user, world.manager.user),
        scoped_thread(world.home, change, world.manager.user, world.staff.user),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert errors == []
    open_rows = KeyWorkerAssignment.objects.filter(resident=r, ended_on__isnull=True)
    assert open_rows.count() == 1
    r.refresh_from_db()
    assert r.key_worker == open_rows.get().key_worker
    assert KeyWorkerAssignment.objects.filter(resident=r).count() == 3


# --- Demo data -------------------------------------------------------------------------


def test_demo_seed_adds_key_worker_history_and_birthdays_once(world):
    today = timezone.localdate()
    staff = [world.staff.user, world.champion.user, world.manager.user]
    for n in range(30):
        ResidentFactory(
            home=world.home,
            key_worker=staff[n % 3],
            admitted_on=today - timedelta(days=30 + n * 40),
        )
    residents = list(Resident.objects.for_home(world.home).order_by("id"))

    def run():
        demo.seed(home=world.home, residents=residents, staff=staff, today=today, rng=random.Random("demo"))

    run()
    with_key_worker = [r for r in residents if r.key_worker_id]
    assert {a.resident_id for a in KeyWorkerAssignment.objects.filter(ended_on__isnull=True)} == {
        r.pk for r in with_key_worker
    }
    for r in with_key_worker:
        current = KeyWorkerAssignment.objects.get(resident=r, ended_on__isnull=True)
        assert current.key_worker_id == r.key_worker_id
    earlier = KeyWorkerAssignment.objects.filter(ended_on__isnull=False)
    assert earlier.count() == 3
    for a in earlier:
        later = KeyWorkerAssignment.objects.get(resident=a.resident, ended_on__isnull=True)
        assert a.key_worker_id != later.key_worker_id
        assert a.started_on == a.resident.admitted_on < a.ended_on == later.started_on <= today
    born = Resident.objects.for_home(world.home).exclude(date_of_birth=None)
    assert 5 <= born.count() <= 20
    assert all(70 <= age_on(r.date_of_birth, today) <= 101 for r in born)

    counts = (KeyWorkerAssignment.objects.count(), born.count())
    residents = list(Resident.objects.for_home(world.home).order_by("id"))
    run()
    assert (KeyWorkerAssignment.objects.count(), born.count()) == counts
