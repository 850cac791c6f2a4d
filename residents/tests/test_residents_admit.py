"""Admitting a resident, and their photo: kept only with consent, served only
to staff of the home."""

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from homes.models import Role
from homes.tests.factories import MembershipFactory
from residents.models import KeyWorkerAssignment, PersonalPlan, Resident
from residents.tests.factories import ResidentFactory
from tests.html import field_error, main_text, text_of


def picture(size=(40, 30), fmt="PNG", name="photo.png", exif=False):
    out = BytesIO()
    image = Image.new("RGB", size, (200, 120, 40))
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # camera make
        kwargs["exif"] = data
    image.save(out, format=fmt, **kwargs)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


@pytest.fixture(autouse=True)
def scratch_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def manager_client(world, client_for):
    return client_for(world.manager)


def admit_url(world):
    return reverse("residents:admit", args=[world.home.slug])


def admit_data(**fields):
    data = {
        "full_name": "  Winifred   Clarke ",
        "preferred_name": "Winnie",
        "date_of_birth": "1936-04-12",
        "room": "14",
        "unit": "First floor",
        "admitted_on": timezone.localdate().isoformat(),
        "key_worker": "",
        "photo_consent_note": "",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_manager_admits_a_resident_with_a_key_worker(world, manager_client):
    response = manager_client.post(admit_url(world), admit_data(key_worker=world.staff.user.pk))
    resident = Resident.objects.get(home=world.home, full_name="Winifred Clarke")
    assert response.status_code == 302
    assert response.url == reverse("residents:detail", args=[world.home.slug, resident.pk])
    assert (resident.preferred_name, resident.room, resident.unit) == ("Winnie", "14", "First floor")
    assert resident.date_of_birth == date(1936, 4, 12)
    assert resident.status == Resident.Status.CURRENT
    assert resident.key_worker == world.staff.user
    assert PersonalPlan.objects.filter(home=world.home, resident=resident).exists()
    (assignment,) = KeyWorkerAssignment.objects.filter(resident=resident)
    assert assignment.key_worker == world.staff.user
    assert assignment.started_on == timezone.localdate() and assignment.ended_on is None
    assert assignment.assigned_by == world.manager.user

    page = manager_client.get(response.url)
    assert "Winifred Clarke has been admitted." in main_text(page)
    assert "Aisha Bello" in main_text(page)


def test_the_admit_form_offers_only_this_homes_staff(world, manager_client):
    page = manager_client.get(admit_url(world)).content.decode()
    options = re.search(r'<select name="key_worker".*?</select>', page, re.S).group(0)
    names = [text_of(o) for o in re.findall(r"<option[^>]*>(.*?)</option>", options)]
    assert names[0] == "No key worker yet"
    assert "Aisha Bello" in names and "Ruth Adeyemi" in names and world.champion.user.full_name in names
    assert "Linda Baxter" not in names  # a relative
    assert world.volunteer.user.full_name not in names
    assert "Iain Outsider" not in names  # another home


@pytest.mark.parametrize("who", ["outsider", "relative", "volunteer", "paused"])
def test_a_key_worker_from_outside_the_team_is_refused(world, manager_client, who):
    if who == "paused":
        member = MembershipFactory(home=world.home, role=Role.STAFF, is_active=False)
    else:
        member = {"outsider": world.outsider, "relative": world.relative, "volunteer": world.volunteer}[who]
    response = manager_client.post(admit_url(world), admit_data(key_worker=member.user.pk))
    assert response.status_code == 200
    assert field_error(response, "key_worker") == "Choose a key worker from the list of staff at this home."
    assert not Resident.objects.filter(full_name="Winifred Clarke").exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"full_name": "   "}, "full_name", "Enter the person's full name"),
        ({"admitted_on": ""}, "admitted_on", "Enter the day they came to live here"),
        ({"admitted_on": "31/02/2026"}, "admitted_on", "Enter a real date, like 12/11/2026."),
        ({"date_of_birth": "2099-01-01"}, "date_of_birth", "The date of birth cannot be in the future."),
        ({"date_of_birth": "2015-01-01"}, "date_of_birth", "the people who live here are adults"),
        ({"date_of_birth": "1890-01-01"}, "date_of_birth", "would make them over 115"),
        ({"admitted_on": "1930-01-01"}, "admitted_on", "Check the year: 1930 is too long ago."),
        (
            {"date_of_birth": "1980-05-01", "admitted_on": "1975-01-01"},
            "admitted_on",
            "The admission date cannot be before their date of birth",
        ),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_saved(
    world, manager_client, fields, field, message
):
    response = manager_client.post(admit_url(world), admit_data(**fields))
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert Resident.objects.for_home(world.home).count() == 2
    assert PersonalPlan.objects.count() == 0


def test_the_admission_date_cannot_be_in_the_future(world, manager_client):
    today = timezone.localdate()
    tomorrow = manager_client.post(
        admit_url(world), admit_data(admitted_on=(today + timedelta(days=1)).isoformat())
    )
    assert tomorrow.status_code == 200
    assert field_error(tomorrow, "admitted_on") == (
        "The admission date cannot be in the future. Admit them on the day they arrive."
    )
    assert not Resident.objects.filter(full_name="Winifred Clarke").exists()
    ok = manager_client.post(admit_url(world), admit_data(admitted_on=today.isoformat()))
    assert ok.status_code == 302


def test_british_dates_are_understood(world, manager_client):
    today = timezone.localdate()
    response = manager_client.post(
        admit_url(world), admit_data(date_of_birth="12/04/1936", admitted_on=today.strftime("%d/%m/%Y"))
    )
    assert response.status_code == 302
    assert Resident.objects.get(full_name="Winifred Clarke").date_of_birth == date(1936, 4, 12)


@pytest.mark.parametrize("role", ["staff", "champion", "volunteer", "family"])
def test_only_managers_admit(world, client_for, role):
    client = client_for(world.member(role))
    assert client.get(admit_url(world)).status_code == 403
    assert client.post(admit_url(world), admit_data()).status_code == 403
    assert not Resident.objects.filter(full_name="Winifred Clarke").exists()


# --- Photos ----------------------------------------------------------------------------


def test_a_photo_without_consent_is_refused_next_to_the_photo(world, manager_client, scratch_media):
    response = manager_client.post(admit_url(world), admit_data(photo=picture()))
    assert response.status_code == 200
    assert "A photo can only be kept with consent" in field_error(response, "photo")
    assert not Resident.objects.filter(full_name="Winifred Clarke").exists()
    assert not any(p.is_file() for p in scratch_media.rglob("*"))


def test_consent_needs_a_note_of_who_gave_it(world, manager_client):
    response = manager_client.post(admit_url(world), admit_data(photo=picture(), photo_consent="on"))
    assert "Say who gave consent and how" in field_error(response, "photo_consent_note")
    assert not Resident.objects.filter(full_name="Winifred Clarke").exists()


def test_something_that_is_not_a_picture_is_refused(world, manager_client):
    fake = SimpleUploadedFile("photo.jpg", b"not really a picture", content_type="image/jpeg")
    response = manager_client.post(
        admit_url(world), admit_data(photo=fake, photo_consent="on", photo_consent_note="She agreed")
    )
    assert "not a picture we can use" in field_error(response, "photo")
    assert not Resident.objects.filter(full_name="Winifred Clarke").exists()


def test_a_photo_with_consent_is_kept_and_served_only_to_staff(world, manager_client, client_for):
    response = manager_client.post(
        admit_url(world),
        admit_data(
            photo=picture(size=(2000, 1000), fmt="JPEG", name="winnie-clarke.jpg", exif=True),
            photo_consent="on",
            photo_consent_note="Winnie agreed, 3 March",
        ),
    )
    assert response.status_code == 302
    resident = Resident.objects.get(full_name="Winifred Clarke")
    assert resident.photo_consent is True
    assert resident.photo_consent_note == "Winnie agreed, 3 March"
    # The stored name says nothing about the person.
    assert "winnie" not in resident.photo.name.lower() and "clarke" not in resident.photo.name.lower()

    photo_url = reverse("residents:photo", args=[world.home.slug, resident.pk])
    page = manager_client.get(response.url).content.decode()
    assert f'src="{photo_url}"' in page
    assert "/media/" not in page

    served = client_for(world.staff).get(photo_url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert "no-store" in served["Cache-Control"] and "private" in served["Cache-Control"]
    image = Image.open(BytesIO(b"".join(served.streaming_content)))
    # Resized for the screen, with the camera's hidden details left behind.
    assert max(image.size) == 800
    assert "SecretCam" not in str(dict(image.getexif()))

    assert client_for(world.relative).get(photo_url).status_code == 403
    assert client_for(world.volunteer).get(photo_url).status_code == 403
    assert client_for(world.outsider).get(photo_url).status_code == 404


def test_no_photo_or_another_homes_photo_is_not_found(world, manager_client):
    assert (
        manager_client.get(reverse("residents:photo", args=[world.home.slug, world.resident.pk])).status_code
        == 404
    )
    foreign = ResidentFactory(home=world.other_home, photo="residents/photos/x.jpg", photo_consent=True)
    assert (
        manager_client.get(reverse("residents:photo", args=[world.home.slug, foreign.pk])).status_code == 404
    )
