"""Editing details and moving room, changing key worker, recording leaving,
and the home's connection settings: through the pages, as staff use them."""

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from residents.models import (
    Friendship,
    HomeConnectionSettings,
    KeyWorkerAssignment,
    PersonalPlan,
    Resident,
    SupportFlag,
)
from residents.services.residents import resident_admit
from residents.tests.factories import FriendshipFactory
from tests.html import field_error, history_entries, main_text


def png():
    out = BytesIO()
    Image.new("RGB", (30, 30), (10, 90, 80)).save(out, format="PNG")
    return SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def scratch_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def staff_client(world, client_for):
    return client_for(world.staff)


@pytest.fixture
def manager_client(world, client_for):
    return client_for(world.manager)


def url(world, name, resident=None):
    args = [world.home.slug] + ([resident.pk] if resident else [])
    return reverse(f"residents:{name}", args=args)


# --- Edit details, move room ---------------------------------------------------------


def edit_data(resident, **fields):
    data = {
        "full_name": resident.full_name,
        "preferred_name": resident.preferred_name,
        "date_of_birth": resident.date_of_birth.isoformat() if resident.date_of_birth else "",
        "room": resident.room,
        "unit": resident.unit,
        "status": resident.status,
        "photo_consent_note": resident.photo_consent_note,
    }
    if resident.photo_consent:
        data["photo_consent"] = "on"
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_staff_move_a_resident_to_another_room_and_the_history_shows_it(world, staff_client, manager_client):
    r = world.resident
    r.room = "12"
    r.save()
    response = staff_client.post(url(world, "edit", r), edit_data(r, room="14", unit="First floor"))
    assert response.status_code == 302
    assert response.url == url(world, "detail", r)
    r.refresh_from_db()
    assert (r.room, r.unit) == ("14", "First floor")
    assert "Peggy is now in room 14 (was 12). The changes were saved." in main_text(
        staff_client.get(response.url)
    )

    history_url = reverse(
        "homes:history", args=[world.home.slug, ContentType.objects.get_for_model(Resident).pk, r.pk]
    )
    assert history_url in manager_client.get(url(world, "detail", r)).content.decode()
    heading, changes = history_entries(manager_client.get(history_url))[0]
    assert heading.startswith("Updated by Aisha Bello on ")
    assert changes["Room"] == ("12", "14")
    assert changes["Unit or floor"] == ("—", "First floor")


def test_the_edit_form_shows_what_is_recorded_now(world, staff_client):
    r = world.resident
    r.room, r.date_of_birth = "3A", date(1940, 6, 1)
    r.save()
    page = staff_client.get(url(world, "edit", r)).content.decode()
    assert 'value="Margaret Baxter"' in page
    assert 'value="3A"' in page
    assert 'value="1940-06-01"' in page
    assert re.search(r'<input[^>]*value="current"[^>]*checked', page)


def test_in_hospital_and_back(world, staff_client):
    r = world.resident
    staff_client.post(url(world, "edit", r), edit_data(r, status="hospital"))
    r.refresh_from_db()
    assert r.status == Resident.Status.HOSPITAL
    # Still living here: on the main list.
    assert "Margaret Baxter" in main_text(staff_client.get(url(world, "list")))
    response = staff_client.post(url(world, "edit", r), edit_data(r, status="current"))
    assert "Peggy is back living here." in main_text(staff_client.get(response.url))


@pytest.mark.parametrize("status", ["left", "died", "somewhere"])
def test_leaving_cannot_be_recorded_through_edit(world, staff_client, status):
    r = world.resident
    response = staff_client.post(url(world, "edit", r), edit_data(r, status=status))
    assert response.status_code == 200
    assert "use “Record leaving”" in field_error(response, "status")
    r.refresh_from_db()
    assert r.status == Resident.Status.CURRENT


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"full_name": ""}, "full_name", "Enter the person's full name"),
        ({"date_of_birth": "2099-05-05"}, "date_of_birth", "cannot be in the future"),
        ({"date_of_birth": "nonsense"}, "date_of_birth", "Enter a real date"),
    ],
)
def test_bad_edits_are_explained_and_nothing_changes(world, staff_client, fields, field, message):
    r = world.resident
    response = staff_client.post(url(world, "edit", r), edit_data(r, room="99", **fields))
    assert message in field_error(response, field)
    r.refresh_from_db()
    assert r.room != "99"


def test_a_photo_is_added_replaced_and_removed_with_consent(world, staff_client, scratch_media):
    r = world.resident
    no_consent = staff_client.post(url(world, "edit", r), edit_data(r, photo=png()))
    assert "A photo can only be kept with consent" in field_error(no_consent, "photo")

    staff_client.post(
        url(world, "edit", r),
        edit_data(r, photo=png(), photo_consent="on", photo_consent_note="Peggy agreed, 1 May"),
    )
    r.refresh_from_db()
    first = r.photo.name
    assert first and (scratch_media / first).is_file()

    # Consent withdrawn, photo kept: refused, with the way out explained.
    response = staff_client.post(
        url(world, "edit", r), {**edit_data(r), "photo_consent_note": "", "photo_consent": ""}
    )
    assert "If consent has been withdrawn, tick “Remove the photo” too." in field_error(
        response, "photo_consent"
    )

    with_new = staff_client.post(url(world, "edit", r), edit_data(r, photo=png()))
    assert with_new.status_code == 302
    r.refresh_from_db()
    assert r.photo.name != first

    removed = staff_client.post(
        url(world, "edit", r),
        {**edit_data(r), "photo_consent": "", "photo_consent_note": "", "remove_photo": "on"},
    )
    assert removed.status_code == 302
    r.refresh_from_db()
    assert not r.photo
    assert r.photo_consent is False
    assert "The photo was removed." in main_text(staff_client.get(removed.url))


def test_old_photo_files_are_deleted_once_saved(
    world, staff_client, scratch_media, django_capture_on_commit_callbacks
):
    r = world.resident
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            url(world, "edit", r), edit_data(r, photo=png(), photo_consent="on", photo_consent_note="Agreed")
        )
    r.refresh_from_db()
    first = scratch_media / r.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url(world, "edit", r), {**edit_data(r), "remove_photo": "on"})
    assert not first.exists()


@pytest.mark.parametrize(("role", "status"), [("family", 403), ("volunteer", 403), ("outsider", 404)])
def test_only_staff_edit(world, client_for, role, status):
    r = world.resident
    client = client_for(world.member(role))
    assert client.get(url(world, "edit", r)).status_code == status
    assert client.post(url(world, "edit", r), edit_data(r, room="77")).status_code == status
    r.refresh_from_db()
    assert r.room != "77"


def test_another_homes_resident_cannot_be_edited(world, manager_client):
    foreign = world.foreign_resident
    response = manager_client.post(url(world, "edit", foreign), edit_data(foreign, room="77"))
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.room != "77"


# --- Key worker --------------------------------------------------------------------------


@pytest.fixture
def with_key_worker(world):
    return resident_admit(
        home=world.home,
        actor=world.manager.user,
        full_name="Walter Reid",
        preferred_name="Wally",
        admitted_on=date(2025, 6, 1),
        key_worker=world.staff.user,
    )


def test_changing_the_key_worker_keeps_the_history(world, staff_client, with_key_worker):
    r = with_key_worker
    today = timezone.localdate()
    page = staff_client.get(url(world, "key_worker", r))
    assert page.status_code == 200
    assert "Aisha Bello's time as key worker ends today" in main_text(page)

    response = staff_client.post(url(world, "key_worker", r), {"key_worker": world.champion.user.pk})
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.key_worker == world.champion.user
    old, new = KeyWorkerAssignment.objects.filter(resident=r).order_by("id")
    assert (old.key_worker, old.started_on, old.ended_on) == (world.staff.user, date(2025, 6, 1), today)
    assert (new.key_worker, new.started_on, new.ended_on) == (world.champion.user, today, None)
    assert new.assigned_by == world.staff.user
    text = main_text(staff_client.get(response.url))
    assert f"{world.champion.user.full_name} is now Wally's key worker." in text
    assert f"Key worker {world.champion.user.full_name} since {today.day} {today:%B %Y}" in text


def test_choosing_the_same_key_worker_changes_nothing(world, staff_client, with_key_worker):
    r = with_key_worker
    response = staff_client.post(url(world, "key_worker", r), {"key_worker": world.staff.user.pk})
    assert response.status_code == 302
    assert "Aisha Bello is already Wally's key worker. Nothing was changed." in main_text(
        staff_client.get(response.url)
    )
    assert KeyWorkerAssignment.objects.filter(resident=r).count() == 1


def test_no_key_worker_for_now(world, staff_client, with_key_worker):
    r = with_key_worker
    response = staff_client.post(url(world, "key_worker", r), {"key_worker": ""})
    r.refresh_from_db()
    assert r.key_worker is None
    assert not KeyWorkerAssignment.objects.filter(resident=r, ended_on__isnull=True).exists()
    assert "Wally has no key worker for now." in main_text(staff_client.get(response.url))


@pytest.mark.parametrize("who", ["outsider", "relative", "volunteer"])
def test_only_this_homes_staff_can_be_key_worker(world, staff_client, with_key_worker, who):
    r = with_key_worker
    member = {"outsider": world.outsider, "relative": world.relative, "volunteer": world.volunteer}[who]
    response = staff_client.post(url(world, "key_worker", r), {"key_worker": member.user.pk})
    assert response.status_code == 200
    assert field_error(response, "key_worker") == "Choose a key worker from the list of staff at this home."
    r.refresh_from_db()
    assert r.key_worker == world.staff.user
    assert KeyWorkerAssignment.objects.filter(resident=r).count() == 1


@pytest.mark.parametrize(("role", "status"), [("family", 403), ("volunteer", 403), ("outsider", 404)])
def test_only_staff_change_the_key_worker(world, client_for, with_key_worker, role, status):
    client = client_for(world.member(role))
    response = client.post(url(world, "key_worker", with_key_worker), {"key_worker": world.champion.user.pk})
    assert response.status_code == status
    assert KeyWorkerAssignment.objects.filter(resident=with_key_worker).count() == 1


# --- Leaving ----------------------------------------------------------------------------


def test_recording_that_someone_moved_out(world, manager_client, with_key_worker):
    r = with_key_worker
    friend = world.resident
    FriendshipFactory(resident_a=r, resident_b=friend)
    page = manager_client.get(url(world, "leave", r))
    assert "Wally has moved out" in main_text(page) and "Wally has died" in main_text(page)

    yesterday = timezone.localdate() - timedelta(days=1)
    response = manager_client.post(
        url(world, "leave", r),
        {"kind": "left", "left_on": yesterday.isoformat(), "reason": "Moved nearer his son in Leeds."},
    )
    assert response.status_code == 302
    r.refresh_from_db()
    assert (r.status, r.left_on, r.leaving_reason) == ("left", yesterday, "Moved nearer his son in Leeds.")
    assert r.key_worker is None
    (assignment,) = KeyWorkerAssignment.objects.filter(resident=r)
    assert assignment.ended_on == yesterday
    assert Friendship.objects.get().ended_on == yesterday
    flag = SupportFlag.objects.get(resident=friend)
    assert flag.reason == "Their friend Wally has moved out."
    text = main_text(manager_client.get(response.url))
    assert "It is recorded that Wally has moved out." in text
    assert "Moved nearer his son in Leeds." in text

    # Everything is kept, and they are under "moved out or died".
    assert PersonalPlan.objects.filter(resident=r).exists()
    assert "Walter Reid" not in main_text(manager_client.get(url(world, "list")))
    assert "Walter Reid" in main_text(manager_client.get(url(world, "list") + "?status=left"))


def test_recording_a_death_needs_no_reason(world, manager_client):
    r = world.resident
    today = timezone.localdate()
    response = manager_client.post(url(world, "leave", r), {"kind": "died", "left_on": today.isoformat()})
    assert response.status_code == 302
    r.refresh_from_db()
    assert (r.status, r.left_on, r.leaving_reason) == ("died", today, "")
    assert "It is recorded that Peggy has died." in main_text(manager_client.get(response.url))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "left", "left_on": "TODAY"}, "reason", "Say where they moved to, or why they left."),
        ({"left_on": "TODAY", "reason": "x"}, "kind", "Choose whether they moved out or died."),
        ({"kind": "hospital", "left_on": "TODAY"}, "kind", "Choose whether they moved out or died."),
        ({"kind": "died"}, "left_on", "Enter the date it happened, like 12/11/2026."),
        ({"kind": "died", "left_on": "TOMORROW"}, "left_on", "The date cannot be in the future."),
        (
            {"kind": "died", "left_on": "2024-02-28"},
            "left_on",
            "cannot be before they came to live here (01/03/2024)",
        ),
    ],
)
def test_bad_leaving_details_are_explained_and_nothing_changes(world, manager_client, data, field, message):
    today = timezone.localdate()
    data = {
        k: {"TODAY": today.isoformat(), "TOMORROW": (today + timedelta(days=1)).isoformat()}.get(v, v)
        for k, v in data.items()
    }
    response = manager_client.post(url(world, "leave", world.resident), data)
    assert response.status_code == 200
    assert message in field_error(response, field)
    world.resident.refresh_from_db()
    assert world.resident.status == Resident.Status.CURRENT


def test_someone_who_left_cannot_leave_again(world, manager_client):
    r = world.resident
    r.status, r.left_on = Resident.Status.LEFT, date(2026, 1, 5)
    r.save()
    for method in ("get", "post"):
        response = getattr(manager_client, method)(
            url(world, "leave", r), {"kind": "died", "left_on": "2026-01-06"} if method == "post" else None
        )
        assert response.status_code == 302
        assert "It is already recorded that Peggy moved out on 5 January 2026." in main_text(
            manager_client.get(response.url)
        )
    r.refresh_from_db()
    assert (r.status, r.left_on) == ("left", date(2026, 1, 5))


@pytest.mark.parametrize(
    ("role", "status"), [("staff", 403), ("champion", 403), ("family", 403), ("outsider", 404)]
)
def test_only_managers_record_leaving(world, client_for, role, status):
    today = timezone.localdate().isoformat()
    client = client_for(world.member(role))
    assert (
        client.post(url(world, "leave", world.resident), {"kind": "died", "left_on": today}).status_code
        == status
    )
    world.resident.refresh_from_db()
    assert world.resident.status == Resident.Status.CURRENT


# --- The home's connection settings -----------------------------------------------------


def test_manager_changes_the_connection_settings(world, manager_client):
    page = manager_client.get(url(world, "settings"))
    assert page.status_code == 200
    text = main_text(page)
    assert "How many days without a meaningful connection before someone appears on" in text
    assert 'value="7"' in page.content.decode() and 'value="28"' in page.content.decode()

    response = manager_client.post(
        url(world, "settings"),
        {"quiet_days": "10", "no_visitor_days": "21", "lonely_threshold": "6", "loneliness_every_days": "90"},
    )
    assert response.status_code == 302
    saved = HomeConnectionSettings.objects.get(home=world.home)
    assert (saved.quiet_days, saved.no_visitor_days, saved.lonely_threshold) == (10, 21, 6)
    assert saved.loneliness_every_days == 90
    assert "The settings were saved." in main_text(manager_client.get(response.url))
    entry = LogEntry.objects.get_for_object(saved).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == world.manager.user
    assert entry.changes_dict["quiet_days"] == ["7", "10"]
    history = manager_client.get(
        reverse("homes:history", args=[world.home.slug, entry.content_type_id, saved.pk])
    )
    assert history.status_code == 200
    assert (
        f'href="{history.request["PATH_INFO"]}?back='
        in manager_client.get(url(world, "settings")).content.decode()
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"quiet_days": "0"}, "quiet_days", "Enter a whole number of days from 1 to 90."),
        ({"quiet_days": "91"}, "quiet_days", "Enter a whole number of days from 1 to 90."),
        ({"quiet_days": "a week"}, "quiet_days", "Enter a whole number of days from 1 to 90."),
        ({"no_visitor_days": "6"}, "no_visitor_days", "Enter a whole number of days from 7 to 365."),
        ({"no_visitor_days": ""}, "no_visitor_days", "Enter a whole number of days from 7 to 365."),
        ({"lonely_threshold": "10"}, "lonely_threshold", "Enter a whole number of points from 3 to 9."),
        ({"lonely_threshold": "2"}, "lonely_threshold", "Enter a whole number of points from 3 to 9."),
        (
            {"loneliness_every_days": "13"},
            "loneliness_every_days",
            "Enter a whole number of days from 14 to 365.",
        ),
        (
            {"loneliness_every_days": "366"},
            "loneliness_every_days",
            "Enter a whole number of days from 14 to 365.",
        ),
    ],
)
def test_settings_out_of_range_are_explained(world, manager_client, fields, field, message):
    data = {
        "quiet_days": "10",
        "no_visitor_days": "21",
        "lonely_threshold": "6",
        "loneliness_every_days": "90",
        **fields,
    }
    response = manager_client.post(url(world, "settings"), data)
    assert response.status_code == 200
    assert field_error(response, field) == message
    # Nothing saved: the home still reads the defaults (a fresh home has no row yet).
    saved = HomeConnectionSettings.objects.filter(home=world.home).first() or HomeConnectionSettings()
    assert (saved.quiet_days, saved.no_visitor_days, saved.lonely_threshold) == (7, 28, 7)


@pytest.mark.parametrize(
    ("role", "status"), [("staff", 403), ("champion", 403), ("family", 403), ("outsider", 404)]
)
def test_only_managers_change_settings(world, client_for, role, status):
    client = client_for(world.member(role))
    assert client.get(url(world, "settings")).status_code == status
    client.post(
        url(world, "settings"),
        {"quiet_days": "3", "no_visitor_days": "21", "lonely_threshold": "6", "loneliness_every_days": "90"},
    )
    assert not HomeConnectionSettings.objects.filter(home=world.home, quiet_days=3).exists()


def test_the_settings_of_another_home_are_untouched(world, manager_client):
    manager_client.post(
        url(world, "settings"),
        {"quiet_days": "3", "no_visitor_days": "21", "lonely_threshold": "6", "loneliness_every_days": "90"},
    )
    assert not HomeConnectionSettings.objects.filter(home=world.other_home).exclude(quiet_days=7).exists()
