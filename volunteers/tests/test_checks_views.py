"""The pages for a volunteer's background checks and references."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from carehome.timeutils import add_months, day_text
from homes.models import Nation
from tests.html import alert_text, field_error, main_text
from volunteers import rules
from volunteers.models import BackgroundCheck, Reference, Volunteer
from volunteers.tests.factories import (
    DbsCheckFactory,
    PvgCheckFactory,
    ReferenceFactory,
    VolunteerFactory,
    VolunteerSettingsFactory,
    cleared_volunteer,
)

pytestmark = pytest.mark.django_db


def url(name, world, *args):
    return reverse(f"volunteers:{name}", args=[world.home.slug, *args])


def today():
    return timezone.localdate()


@pytest.fixture
def volunteer(world):
    return VolunteerFactory(home=world.home, full_name="Ann Jones")


@pytest.fixture
def champion(world, client_for):
    return client_for(world.champion)


def dbs_data(**fields):
    data = {
        "level": "enhanced_barred",
        "certificate_number": "0012 3456 7890",
        "issued_on": date(2025, 3, 14).isoformat(),
        "update_service": "no",
        "update_service_checked_on": "",
        "notes": "",
    }
    data.update(fields)
    return data


def detail(world, volunteer):
    return url("volunteer_detail", world, volunteer.pk)


# --- DBS -------------------------------------------------------------------------------------


def test_the_dbs_form_explains_the_homes_policy_and_offers_the_levels(world, champion, volunteer):
    VolunteerSettingsFactory(home=world.home, dbs_recheck_months=24)
    response = champion.get(url("check_add", world, volunteer.pk))
    assert response.status_code == 200
    text = main_text(response)
    assert "Record a DBS check" in text
    assert "a DBS check counts for 24 months from the certificate date" in text
    assert "Enhanced with the adults' barred list" in text
    assert "No check needed" not in text
    assert 'name="membership_number"' not in response.content.decode()


def test_recording_a_dbs_check_goes_back_to_the_volunteer_and_says_until_when_it_counts(
    world, champion, volunteer
):
    # Dated a month ago, so it still counts when the test runs (a fixed date stops counting one day).
    issued = today() - timedelta(days=30)
    response = champion.post(url("check_add", world, volunteer.pk), dbs_data(issued_on=issued.isoformat()))
    assert response.status_code == 302
    assert response.url == detail(world, volunteer)
    check = BackgroundCheck.objects.get()
    assert check.volunteer == volunteer
    assert check.valid_until == add_months(issued, 36)  # the default policy
    page = champion.get(url("check_add", world, volunteer.pk))  # any page shows the message
    assert (
        f"Ann Jones's DBS check (enhanced with the adults' barred list) was saved. "
        f"It counts until {day_text(add_months(issued, 36))}." in main_text(page)
    )


@pytest.mark.parametrize(
    "case",
    [
        ({"certificate_number": "1234"}, "certificate_number", "That is 4 digits long"),
        ({"certificate_number": "١٢٣٤٥٦٧٨٩٠١٢"}, "certificate_number", "Use only the digits 0 to 9"),
        ({"issued_on": "2099-01-01"}, "issued_on", "That date is in the future"),
        ({"issued_on": "1999-01-01"}, "issued_on", "Check the year"),
        ({"issued_on": ""}, "issued_on", "Enter the date printed on the certificate"),
        ({"level": ""}, "level", "Choose the level of the DBS check"),
        (
            {"update_service": "yes", "update_service_checked_on": "2025-01-01"},
            "update_service_checked_on",
            "cannot be before the certificate date",
        ),
        ({"update_service_checked_on": "2025-06-01"}, "update_service_checked_on", "leave this date empty"),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_saved(world, champion, volunteer, case):
    fields, field, message = case
    response = champion.post(url("check_add", world, volunteer.pk), dbs_data(**fields))
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert not BackgroundCheck.objects.exists()


def test_changing_a_check_shows_what_it_counts_until_and_saves(world, champion, volunteer):
    check = DbsCheckFactory(
        volunteer=volunteer, issued_on=date(2024, 5, 1), certificate_number="001234567890"
    )
    page = champion.get(url("check_edit", world, volunteer.pk, check.pk))
    assert page.status_code == 200
    assert f"Saved now: counts until {day_text(check.valid_until)}" in main_text(page)
    assert 'value="2024-05-01"' in page.content.decode()
    data = dbs_data(
        certificate_number="001234567890",
        issued_on="2024-05-01",
        update_service="yes",
        update_service_checked_on=(today() - timedelta(days=1)).isoformat(),
        version=check.version,
    )
    response = champion.post(url("check_edit", world, volunteer.pk, check.pk), data)
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.update_service == "yes"
    assert check.valid_until == add_months(today() - timedelta(days=1), 36)


def test_two_people_changing_a_check_at_once_are_told_and_the_first_save_is_kept(
    world, client_for, volunteer
):
    check = DbsCheckFactory(
        volunteer=volunteer, certificate_number="001234567890", issued_on=date(2024, 5, 1)
    )
    first, second = client_for(world.champion), client_for(world.manager)
    common = {"certificate_number": "001234567890", "issued_on": "2024-05-01", "version": check.version}
    assert (
        first.post(
            url("check_edit", world, volunteer.pk, check.pk), dbs_data(notes="Seen", **common)
        ).status_code
        == 302
    )
    response = second.post(url("check_edit", world, volunteer.pk, check.pk), dbs_data(notes="Mine", **common))
    assert response.status_code == 200
    assert "saved a change to this" in alert_text(response)
    assert "Notes" in main_text(response)
    check.refresh_from_db()
    assert check.notes == "Seen"


def test_a_check_of_another_volunteer_is_404_under_this_volunteer(world, champion, volunteer):
    other = DbsCheckFactory(volunteer=VolunteerFactory(home=world.home))
    assert champion.get(url("check_edit", world, volunteer.pk, other.pk)).status_code == 404


# --- PVG -------------------------------------------------------------------------------------


def test_in_scotland_the_form_asks_for_pvg_membership(world, champion, volunteer):
    world.home.nation = Nation.SCOTLAND
    world.home.save()
    page = champion.get(url("check_add", world, volunteer.pk))
    text = main_text(page)
    assert "Record PVG scheme membership" in text
    assert "Membership counts for five years" in text
    assert 'name="certificate_number"' not in page.content.decode()
    response = champion.post(
        url("check_add", world, volunteer.pk),
        {"membership_number": "1234 5678 9012 3456", "issued_on": "2025-03-14", "left_notified_on": ""},
    )
    assert response.status_code == 302
    check = BackgroundCheck.objects.get()
    assert (check.scheme, check.valid_until) == ("pvg", date(2030, 3, 14))
    bad = champion.post(
        url("check_add", world, volunteer.pk),
        {"membership_number": "1234", "issued_on": "2025-03-14", "left_notified_on": "2025-01-01"},
    )
    assert "That is 4 digits long: the scheme membership number has 16." in field_error(
        bad, "membership_number"
    )
    assert BackgroundCheck.objects.count() == 1


def test_a_pvg_check_recorded_in_scotland_is_changed_with_pvg_fields(world, champion, volunteer):
    check = PvgCheckFactory(volunteer=volunteer, issued_on=date(2024, 5, 1))
    response = champion.post(
        url("check_edit", world, volunteer.pk, check.pk),
        {
            "membership_number": check.membership_number,
            "issued_on": "2024-05-01",
            "left_notified_on": "2024-04-30",
            "version": check.version,
        },
    )
    assert "cannot be before the statement date" in field_error(response, "left_notified_on")


# --- References ------------------------------------------------------------------------------


def reference_data(**fields):
    data = {
        "name": "Jane Smith",
        "relationship": "former employer",
        "email": "jane@example.org",
        "phone": "",
        "requested_on": (today() - timedelta(days=7)).isoformat(),
        "received_on": "",
        "satisfactory": "",
        "notes": "",
    }
    data.update(fields)
    return data


def test_a_reference_is_added_and_then_recorded_as_received(world, champion, volunteer):
    page = champion.get(url("reference_add", world, volunteer.pk))
    assert page.status_code == 200
    assert "How to contact the referee" in main_text(page)
    response = champion.post(url("reference_add", world, volunteer.pk), reference_data())
    assert response.status_code == 302 and response.url == detail(world, volunteer)
    ref = Reference.objects.get()
    edit = url("reference_edit", world, volunteer.pk, ref.pk)
    form = champion.get(edit)
    assert 'value="Jane Smith"' in form.content.decode()
    response = champion.post(
        edit, reference_data(received_on=today().isoformat(), satisfactory="yes", version=ref.version)
    )
    assert response.status_code == 302
    ref.refresh_from_db()
    assert (ref.received_on, ref.satisfactory) == (today(), True)


@pytest.mark.parametrize(
    "case",
    [
        ({"email": "", "phone": ""}, "email", "Enter an email address or a phone number"),
        ({"name": ""}, "name", "Enter the referee's name."),
        ({"relationship": " "}, "relationship", "Say how the referee knows the volunteer"),
        ({"phone": "ring me"}, "phone", "Enter a phone number using only digits"),
        (
            {"received_on": (today() - timedelta(days=8)).isoformat(), "satisfactory": "yes"},
            "received_on",
            "cannot arrive before it was asked for",
        ),
        ({"received_on": today().isoformat()}, "satisfactory", "Say whether the reference is satisfactory."),
        ({"satisfactory": "no"}, "received_on", "Enter the date the reference arrived"),
        ({"received_on": "9999-12-31", "satisfactory": "yes"}, "received_on", "That date is in the future"),
    ],
)
def test_a_bad_reference_is_explained_next_to_the_field_and_nothing_is_saved(
    world, champion, volunteer, case
):
    fields, field, message = case
    response = champion.post(url("reference_add", world, volunteer.pk), reference_data(**fields))
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert not Reference.objects.exists()


def test_two_people_changing_a_reference_at_once_are_told(world, client_for, volunteer):
    ref = ReferenceFactory(volunteer=volunteer, name="Jane Smith", email="jane@example.org")
    edit = url("reference_edit", world, volunteer.pk, ref.pk)
    opened = ref.version
    client_for(world.manager).post(edit, reference_data(notes="Rang her", version=opened))
    response = client_for(world.champion).post(edit, reference_data(notes="Emailed", version=opened))
    assert "saved a change to this" in alert_text(response)
    ref.refresh_from_db()
    assert ref.notes == "Rang her"


# --- Who may see these pages -----------------------------------------------------------------


def pages(world, volunteer):
    check = DbsCheckFactory(volunteer=volunteer)
    ref = ReferenceFactory(volunteer=volunteer)
    return [
        url("check_add", world, volunteer.pk),
        url("check_edit", world, volunteer.pk, check.pk),
        url("reference_add", world, volunteer.pk),
        url("reference_edit", world, volunteer.pk, ref.pk),
    ]


@pytest.mark.parametrize("role", ["staff", "volunteer", "family"])
def test_staff_volunteers_and_families_get_403(world, client_for, volunteer, role):
    client = client_for(world.member(role))
    for page in pages(world, volunteer):
        assert client.get(page).status_code == 403, page
        assert client.post(page, dbs_data()).status_code == 403, page
    assert BackgroundCheck.objects.count() == 1


def test_another_homes_manager_gets_404(world, client_for, volunteer):
    client = client_for(world.outsider)
    for page in pages(world, volunteer):
        assert client.get(page).status_code == 404, page
        assert client.post(page, reference_data()).status_code == 404, page


def test_another_homes_volunteers_and_records_are_404_even_for_a_manager(world, client_for):
    foreign = VolunteerFactory(home=world.other_home)
    client = client_for(world.manager)
    for page in pages(world, foreign):
        assert client.get(page).status_code == 404, page
        assert client.post(page, reference_data()).status_code == 404, page
    assert Reference.objects.filter(volunteer=foreign).count() == 1


def test_the_pages_cost_the_same_queries_however_many_checks_the_volunteer_has(
    world, champion, volunteer, django_assert_max_num_queries
):
    def grow(n):
        for i in range(n):
            DbsCheckFactory(volunteer=volunteer, issued_on=today() - timedelta(days=10 + i))

    grow(2)
    check = volunteer.checks.first()
    with django_assert_max_num_queries(14) as few:
        champion.get(url("check_edit", world, volunteer.pk, check.pk))
    grow(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        champion.get(url("check_edit", world, volunteer.pk, check.pk))
    with django_assert_max_num_queries(len(few.captured_queries)):
        champion.get(url("check_add", world, volunteer.pk))


def test_a_cleared_volunteers_check_changed_to_an_old_date_blocks_them_by_name(world, champion):
    volunteer = cleared_volunteer(world.home)
    check = volunteer.checks.get()
    old = today() - timedelta(days=4 * 365)
    response = champion.post(
        url("check_edit", world, volunteer.pk, check.pk),
        dbs_data(
            certificate_number=check.certificate_number, issued_on=old.isoformat(), version=check.version
        ),
    )
    assert response.status_code == 302
    until = add_months(old, 36)
    assert f"It stopped counting on {day_text(until)}" in main_text(champion.get(response.url))
    loaded = rules.with_facts(Volunteer.objects.filter(pk=volunteer.pk)).get()
    assert [b.message for b in rules.blockers(loaded)] == [
        f"DBS check was due for renewal on {day_text(until, 'j F')}"
    ]
