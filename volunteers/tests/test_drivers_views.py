"""The driver bank's pages: the bank, adding and changing a driver, their
usual times, and finding a driver for a trip."""

import re
from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from homes.models import Role
from tests.html import field_error, main_text
from volunteers.models import Availability, Driver
from volunteers.services import drivers as services
from volunteers.tests.factories import (
    AvailabilityFactory,
    DriverFactory,
    MembershipFactory,
    VolunteerFactory,
)
from volunteers.tests.test_drivers_services import next_weekday, ready_driver, staff_driver

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def url(name, world, *args):
    return reverse(f"volunteers:{name}", args=[world.home.slug, *args])


@pytest.fixture
def manager(world, client_for):
    return client_for(world.manager)


def token(client, page):
    found = re.search(r'name="form_token" value="([^"]+)"', client.get(page).content.decode())
    return found.group(1)


def add_data(person, **fields):
    data = {
        "person": person,
        "licence_categories": ["B", "D1"],
        "licence_checked_on": (TODAY() - timedelta(days=5)).isoformat(),
        "drives": ["minibus"],
        "insurance_expires_on": "",
        "vehicle_check_expires_on": "",
        "notes": "",
        "is_active": "on",
    }
    data.update(fields)
    return data


# --- The bank ------------------------------------------------------------------------------------


def test_the_bank_shows_who_can_drive_and_why_the_others_cannot(world, manager):
    ready_driver(world.home, name="Fred Free", car=True)
    AvailabilityFactory(
        volunteer=None, driver=Driver.objects.get(volunteer__full_name="Fred Free"), weekday=1
    )
    ended = TODAY() - timedelta(days=2)
    ready_driver(world.home, name="Molly Mot", minibus=False, car=True, vehicle_check_expires_on=ended)
    DriverFactory(volunteer=None, member=world.staff)  # no MiDAS
    DriverFactory(volunteer=VolunteerFactory(home=world.other_home, full_name="Fiona Foreign"))

    response = manager.get(url("drivers", world))

    assert response.status_code == 200
    text = main_text(response)
    can, cannot = text.split("Cannot drive yet (2)")
    assert "Can drive today (1)" in can
    assert "Fred Free Volunteer The minibus" in can
    assert "Tuesday 13:00–17:00" in can
    assert "Molly Mot" in cannot and f"MOT ended on {ended:%-d %B}" in cannot
    assert "Aisha Bello Staff" in cannot
    assert "No minibus driving (MiDAS) training recorded" in cannot
    assert "Fiona Foreign" not in text
    assert f"?member={world.staff.pk}" in response.content.decode()  # record MiDAS for her


def test_pages_of_the_bank_cost_the_same_however_many_drivers(world, manager):
    ready_driver(world.home, car=True)
    staff_driver(world)
    tuesday = next_weekday(1)
    find = url("driver_find", world) + f"?date={tuesday.isoformat()}&starts=10:00&ends=12:00&vehicle=minibus"

    def count(page):
        with CaptureQueriesContext(connection) as captured:
            assert manager.get(page).status_code == 200
        return len(captured.captured_queries)

    before = {page: count(page) for page in (url("drivers", world), find)}
    for n in range(6):
        driver = ready_driver(world.home, name=f"Driver {n}", car=n % 2 == 0)
        AvailabilityFactory(volunteer=None, driver=driver, weekday=1, starts_at=time(9), ends_at=time(13))
        DriverFactory(volunteer=None, member=MembershipFactory(home=world.home, role=Role.STAFF))
    after = {page: count(page) for page in before}
    assert after == before
    assert max(after.values()) <= 25


@pytest.mark.parametrize("name", ["drivers", "driver_add", "driver_find"])
def test_another_homes_manager_gets_404(world, client_for, name):
    assert client_for(world.outsider).get(url(name, world)).status_code == 404


def test_another_homes_driver_is_404_even_for_a_manager(world, manager):
    foreign = DriverFactory(volunteer=VolunteerFactory(home=world.other_home))
    for name in ("driver_edit", "driver_availability"):
        assert manager.get(url(name, world, foreign.pk)).status_code == 404
        assert manager.post(url(name, world, foreign.pk), {}).status_code == 404


@pytest.mark.parametrize(
    ("role", "name", "status"),
    [
        ("staff", "drivers", 403),
        ("staff", "driver_add", 403),
        ("staff", "driver_find", 200),
        ("volunteer", "driver_find", 403),
        ("family", "driver_find", 403),
        ("champion", "drivers", 200),
    ],
)
def test_who_may_use_which_page(world, client_for, role, name, status):
    assert client_for(world.member(role)).get(url(name, world)).status_code == status


def test_staff_cannot_change_a_driver(world, client_for):
    driver = ready_driver(world.home)
    staff = client_for(world.staff)
    assert staff.post(url("driver_edit", world, driver.pk), {}).status_code == 403
    assert staff.post(url("driver_availability", world, driver.pk), {}).status_code == 403


# --- Adding a driver -----------------------------------------------------------------------------


def test_adding_a_volunteer_to_the_bank(world, manager):
    volunteer = ready_driver(world.home, name="Vera Volunteer").volunteer
    Driver.objects.filter(volunteer=volunteer).delete()
    page = url("driver_add", world)
    form = manager.get(page)
    assert "Vera Volunteer" in form.content.decode()
    assert '<optgroup label="Staff">' in form.content.decode()

    response = manager.post(page, add_data(f"v{volunteer.pk}", form_token=token(manager, page)), follow=True)

    driver = Driver.objects.get(volunteer=volunteer)
    assert driver.licence_categories == ["B", "D1"] and driver.drives_minibus and not driver.drives_own_car
    assert "Vera Volunteer was saved and is in the driver bank." in main_text(response)


def test_a_driver_saved_without_what_they_need_is_told_why_they_cannot_drive_yet(world, manager):
    response = manager.post(
        url("driver_add", world),
        add_data(f"m{world.staff.pk}", form_token=token(manager, url("driver_add", world))),
        follow=True,
    )
    assert Driver.objects.filter(member=world.staff).exists()
    assert (
        "Aisha Bello was saved, but cannot drive yet: No minibus driving (MiDAS) training recorded."
        in main_text(response)
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"licence_categories": []}, "licence_categories", services.CATEGORIES_MISSING),
        ({"licence_categories": ["B"]}, "licence_categories", services.MINIBUS_NEEDS_D1),
        ({"vehicle_check_expires_on": "1999-12-31"}, "vehicle_check_expires_on", services.TOO_LONG_AGO),
        ({"drives": ["car"]}, "insurance_expires_on", services.INSURANCE_MISSING),
        ({"drives": ["car"]}, "vehicle_check_expires_on", services.MOT_MISSING),
        ({"drives": []}, "drives", services.DRIVES_MISSING),
        ({"licence_checked_on": "9999-12-31"}, "licence_checked_on", services.LICENCE_DATE_FUTURE),
        ({"licence_checked_on": "not a date"}, "licence_checked_on", services.LICENCE_DATE_MISSING),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_saved(world, manager, fields, field, message):
    response = manager.post(url("driver_add", world), add_data(f"m{world.staff.pk}", **fields))

    assert response.status_code == 200
    assert message in field_error(response, field)
    assert not Driver.objects.exists()


def test_every_problem_shows_at_once(world, manager):
    response = manager.post(
        url("driver_add", world),
        add_data(f"m{world.staff.pk}", licence_categories=["B"], drives=["minibus", "car"]),
    )
    assert services.MINIBUS_NEEDS_D1 in field_error(response, "licence_categories")
    assert services.INSURANCE_MISSING in field_error(response, "insurance_expires_on")
    assert services.MOT_MISSING in field_error(response, "vehicle_check_expires_on")


def test_a_volunteer_of_another_home_posted_by_id_is_refused(world, manager):
    foreign = VolunteerFactory(home=world.other_home, full_name="Fiona Foreign")
    response = manager.post(url("driver_add", world), add_data(f"v{foreign.pk}"))
    assert response.status_code == 200
    assert field_error(response, "person") == services.PERSON_CHOICE
    assert "Fiona Foreign" not in response.content.decode()
    assert not Driver.objects.exists()


def test_adding_twice_with_one_form_adds_once(world, manager):
    page = url("driver_add", world)
    data = add_data(f"m{world.staff.pk}", form_token=token(manager, page))
    first = manager.post(page, data)
    second = manager.post(page, data, follow=True)
    assert first.status_code == 302
    assert "This was already saved." in main_text(second)
    assert Driver.objects.filter(member=world.staff).count() == 1


def test_when_everyone_is_a_driver_the_page_says_so(world, manager):
    for member in (world.manager, world.champion, world.staff):
        DriverFactory(volunteer=None, member=member)
    assert "Everyone who volunteers or works here is already in the driver bank" in main_text(
        manager.get(url("driver_add", world))
    )


# --- Changing a driver ---------------------------------------------------------------------------


def edit_data(driver, **fields):
    data = add_data("", version=driver.version, **fields)
    del data["person"]
    return data


def test_changing_a_driver(world, manager):
    driver = ready_driver(world.home)
    insurance = TODAY() + timedelta(days=300)
    response = manager.post(
        url("driver_edit", world, driver.pk),
        edit_data(
            driver,
            drives=["minibus", "car"],
            insurance_expires_on=insurance.isoformat(),
            vehicle_check_expires_on=insurance.isoformat(),
        ),
    )
    assert response.status_code == 302
    driver.refresh_from_db()
    assert driver.drives_own_car and driver.insurance_expires_on == insurance


def test_two_people_changing_a_driver_at_once_see_the_conflict(world, manager, client_for):
    driver = ready_driver(world.home)
    opened = edit_data(driver, notes="Prefers mornings")
    assert (
        manager.post(
            url("driver_edit", world, driver.pk), edit_data(driver, notes="Back on Monday")
        ).status_code
        == 302
    )

    response = client_for(world.champion).post(url("driver_edit", world, driver.pk), opened)

    assert response.status_code == 200
    text = main_text(response)
    assert "saved a change to this" in text
    assert "Back on Monday" in text and "Prefers mornings" in text
    driver.refresh_from_db()
    assert driver.notes == "Back on Monday"


def test_taking_a_driver_out_of_the_bank_by_hand(world, manager):
    driver = ready_driver(world.home)
    data = edit_data(driver)
    del data["is_active"]
    manager.post(url("driver_edit", world, driver.pk), data)
    response = manager.get(url("drivers", world))
    assert "Taken out of the driver bank" in main_text(response).split("Cannot drive yet")[1]


# --- Usual times ---------------------------------------------------------------------------------


def test_setting_usual_times(world, manager):
    driver = ready_driver(world.home)
    page = url("driver_availability", world, driver.pk)
    assert manager.get(page).status_code == 200
    response = manager.post(
        page,
        {
            "version": driver.version,
            "tuesday_1_from": "10:00",
            "tuesday_1_until": "12:00",
            "tuesday_2_from": "14:00",
            "tuesday_2_until": "16:30",
            "saturday_1_from": "09:00",
            "saturday_1_until": "17:00",
        },
    )
    assert response.status_code == 302
    assert [str(a) for a in Availability.objects.filter(driver=driver)] == [
        "Tuesday 10:00–12:00",
        "Tuesday 14:00–16:30",
        "Saturday 09:00–17:00",
    ]
    form = manager.get(page).content.decode()
    assert 'name="saturday_1_until" value="17:00"' in form


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"monday_1_from": "13:00", "monday_1_until": "12:00"}, "monday_1_until", services.UNTIL_BEFORE_FROM),
        ({"monday_1_from": "13:00"}, "monday_1_until", services.UNTIL_MISSING),
        ({"monday_2_until": "13:00"}, "monday_2_from", services.FROM_MISSING),
        ({"monday_1_from": "24:00", "monday_1_until": "12:00"}, "monday_1_from", services.TIME_INVALID),
        (
            {
                "monday_1_from": "09:00",
                "monday_1_until": "12:00",
                "monday_2_from": "11:00",
                "monday_2_until": "13:00",
            },
            "monday_2_from",
            services.TIMES_OVERLAP,
        ),
    ],
)
def test_bad_times_are_shown_next_to_their_field_and_nothing_changes(world, manager, fields, field, message):
    driver = ready_driver(world.home)
    AvailabilityFactory(volunteer=None, driver=driver, weekday=4, starts_at=time(9), ends_at=time(10))
    response = manager.post(
        url("driver_availability", world, driver.pk), {"version": driver.version, **fields}
    )
    assert response.status_code == 200
    assert field_error(response, field) == message
    assert [str(a) for a in Availability.objects.filter(driver=driver)] == ["Friday 09:00–10:00"]


# --- Finding a driver ----------------------------------------------------------------------------


def test_staff_find_who_can_drive_a_trip(world, client_for):
    tuesday = next_weekday(1)
    free = ready_driver(world.home, name="Fred Free")
    free.volunteer.phone = "07700 900456"
    free.volunteer.save()
    AvailabilityFactory(volunteer=None, driver=free, weekday=1, starts_at=time(9), ends_at=time(17))
    busy = ready_driver(world.home, name="Bella Busy")
    AvailabilityFactory(volunteer=None, driver=busy, weekday=1, starts_at=time(9), ends_at=time(11))
    DriverFactory(volunteer=None, member=world.manager)  # no MiDAS

    response = client_for(world.staff).get(
        url("driver_find", world) + f"?date={tuesday.isoformat()}&starts=13:30&ends=16:00&vehicle=minibus"
    )

    text = main_text(response)
    free_part, rest = text.split("Can drive the minibus that day, but not usually free then (1)")
    assert "(1)" in free_part and "Fred Free" in free_part and "07700 900456" in free_part
    assert "Bella Busy" in rest and "09:00–11:00" in rest
    assert "1 other person in the driver bank cannot drive the minibus that day." in rest
    assert "See why" not in rest  # staff do not manage the bank


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("date=2026-02-30&starts=10:00&ends=12:00&vehicle=minibus", "date", "Enter the date of the trip"),
        ("date=1999-01-01&starts=10:00&ends=12:00&vehicle=minibus", "date", "That date has passed."),
        (
            "date={day}&starts=12:00&ends=10:00&vehicle=minibus",
            "ends",
            "The trip must be back after it leaves",
        ),
        ("date={day}&starts=10:00&ends=12:00&vehicle=bus", "vehicle", "Choose the minibus or a car."),
        ("date={day}&starts=%00&ends=12:00&vehicle=car", "starts", "Enter when the trip leaves"),
    ],
)
def test_a_trip_that_cannot_be_looked_up_says_why(world, client_for, query, field, message):
    day = next_weekday(1).isoformat()
    response = client_for(world.staff).get(url("driver_find", world) + "?" + query.format(day=day))
    assert response.status_code == 200
    assert message in field_error(response, field)


def test_a_trip_at_a_time_the_clocks_skip_says_so(world, client_for):
    year = TODAY().year + (1 if TODAY() >= date(TODAY().year, 3, 25) else 0)
    last_sunday = max(date(year, 3, d) for d in range(25, 32) if date(year, 3, d).weekday() == 6)
    response = client_for(world.staff).get(
        url("driver_find", world) + f"?date={last_sunday.isoformat()}&starts=01:30&ends=03:00&vehicle=car"
    )
    assert "01:30 does not exist" in field_error(response, "starts")


def test_hostile_values_in_the_address_never_break_finding_a_driver(world, client_for):
    from tests.test_hostile_forms import HOSTILE_VALUES

    staff = client_for(world.staff)
    good = {"date": next_weekday(1).isoformat(), "starts": "10:00", "ends": "12:00", "vehicle": "minibus"}
    for name in good:
        for value in HOSTILE_VALUES:
            response = staff.get(url("driver_find", world), {**good, name: value})
            assert response.status_code == 200, (name, value[:20])
