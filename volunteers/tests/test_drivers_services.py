"""The driver bank's services and selectors: who is in the bank and why the
others are not, adding and changing drivers, their usual times, and finding
a driver for a trip."""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carehome.errors import DomainError
from carehome.timeutils import add_months, local_datetime
from carehome.versions import EditConflict
from homes.models import Role
from volunteers.models import Availability, Driver, Volunteer
from volunteers.selectors.drivers import driver_bank, drivers_for_trip, people_who_could_drive
from volunteers.services import drivers as services
from volunteers.services.drivers import Slot
from volunteers.tests.factories import (
    AvailabilityFactory,
    DriverFactory,
    MembershipFactory,
    TrainingRecordFactory,
    VolunteerFactory,
    VolunteerRoleFactory,
    cleared_volunteer,
    module,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def ready_driver(home, *, minibus=True, car=False, name="Dennis Driver", **fields):
    """A driver with everything in date: a cleared volunteer in a driving role,
    a licence checked last month, MiDAS for the minibus, insurance and MOT for a car."""
    role = VolunteerRoleFactory(home=home, name=f"Driver {name}", drives=True, meets_residents=False)
    volunteer = cleared_volunteer(home, role=role, full_name=name)
    defaults = {
        "drives_minibus": minibus,
        "drives_own_car": car,
        "licence_categories": ["B", "D1"] if minibus else ["B"],
    }
    if car:
        defaults["insurance_expires_on"] = TODAY() + timedelta(days=200)
        defaults["vehicle_check_expires_on"] = TODAY() + timedelta(days=200)
    defaults.update(fields)
    driver = DriverFactory(volunteer=volunteer, **defaults)
    if minibus:
        TrainingRecordFactory(
            volunteer=volunteer, module=module("midas"), expires_on=TODAY() + timedelta(days=400)
        )
    return driver


def staff_driver(world, **fields):
    TrainingRecordFactory(
        volunteer=None, member=world.staff, module=module("midas"), expires_on=TODAY() + timedelta(days=400)
    )
    return DriverFactory(volunteer=None, member=world.staff, **fields)


def why_out(home, driver):
    in_bank, out = driver_bank(home)
    assert driver.pk not in [r.driver.pk for r in in_bank]
    return [b.message for r in out if r.driver.pk == driver.pk for b in r.blockers]


def details(**fields):
    data = {
        "licence_categories": ["B", "D1"],
        "licence_checked_on": TODAY() - timedelta(days=10),
        "drives_minibus": True,
        "drives_own_car": False,
        "insurance_expires_on": None,
        "vehicle_check_expires_on": None,
        "notes": "",
    }
    data.update(fields)
    return data


# --- In the bank, or out of it and why ----------------------------------------------------------


def test_drivers_with_everything_in_date_are_in_the_bank(world):
    volunteer = ready_driver(world.home, car=True)
    staff = staff_driver(world)

    in_bank, out = driver_bank(world.home)

    assert [r.driver for r in in_bank] == [staff, volunteer]  # by name: Aisha, Dennis
    assert out == []


def test_a_licence_check_overdue_takes_a_driver_out_with_nothing_to_click(world):
    driver = ready_driver(world.home, licence_checked_on=TODAY() - timedelta(days=400))
    due = add_months(driver.licence_checked_on, 12)

    assert why_out(world.home, driver) == [f"Licence check was due on {due:%-d %B}" + _year(due)]


def _year(day):
    return "" if day.year == TODAY().year else f" {day.year}"


def test_insurance_or_mot_ended_takes_a_car_driver_out(world):
    ended = TODAY() - timedelta(days=3)
    insurance = ready_driver(
        world.home, minibus=False, car=True, name="Ivy Insured", insurance_expires_on=ended
    )
    mot = ready_driver(world.home, minibus=False, car=True, name="Molly Mot", vehicle_check_expires_on=ended)

    assert why_out(world.home, insurance) == [f"Insurance ended on {ended:%-d %B}" + _year(ended)]
    assert why_out(world.home, mot) == [f"MOT ended on {ended:%-d %B}" + _year(ended)]


def test_the_minibus_needs_midas_training(world):
    driver = DriverFactory(volunteer=None, member=world.staff, drives_minibus=True)

    assert why_out(world.home, driver) == ["No minibus driving (MiDAS) training recorded"]


def test_a_driver_taken_out_by_hand_or_who_left_is_out(world):
    paused = ready_driver(world.home, is_active=False, name="Paula Paused")
    gone = ready_driver(world.home, name="Leonard Left")
    Volunteer.objects.filter(pk=gone.volunteer_id).update(status=Volunteer.Status.LEFT, left_reason="Moved")

    assert why_out(world.home, paused) == ["Taken out of the driver bank"]
    assert why_out(world.home, gone) == ["Not an active volunteer: left"]


def test_the_bank_shows_what_runs_out_soon(world):
    driver = ready_driver(world.home, car=True, insurance_expires_on=TODAY() + timedelta(days=20))
    in_bank, _ = driver_bank(world.home)
    assert in_bank[0].driver == driver
    assert in_bank[0].soon == [("Insurance", TODAY() + timedelta(days=20))]


def queries(call):
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured.captured_queries), result


def test_the_bank_costs_the_same_however_many_drivers(world):
    ready_driver(world.home, car=True)
    staff_driver(world)
    few, _ = queries(lambda: driver_bank(world.home))
    for n in range(5):
        ready_driver(world.home, name=f"Driver {n}", car=True)
        member = MembershipFactory(home=world.home, role=Role.STAFF)
        DriverFactory(volunteer=None, member=member)
    many, (in_bank, out) = queries(lambda: driver_bank(world.home))
    assert len(in_bank) + len(out) == 12
    assert many == few <= 12


# --- Adding and changing a driver ----------------------------------------------------------------


def test_adding_a_volunteer_and_a_member_of_staff(world):
    volunteer = VolunteerFactory(home=world.home, full_name="Vera Volunteer")

    driver = services.driver_add(home=world.home, actor=world.manager.user, volunteer=volunteer, **details())
    member = services.driver_add(
        home=world.home,
        actor=world.manager.user,
        member=world.staff,
        **details(
            licence_categories=["D1", "B"],
            drives_own_car=True,
            insurance_expires_on=TODAY() + timedelta(days=100),
            vehicle_check_expires_on=TODAY() + timedelta(days=100),
            notes="  Car   takes three passengers ",
        ),
    )

    assert driver.volunteer == volunteer and driver.recorded_by == world.manager.user
    assert member.licence_categories == ["B", "D1"]  # in the licence's own order
    assert member.notes == "Car takes three passengers"
    volunteers, staff = people_who_could_drive(world.home)
    assert volunteer not in volunteers
    assert world.staff not in staff
    assert world.manager in staff


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"licence_categories": []}, "licence_categories", services.CATEGORIES_MISSING),
        ({"licence_categories": ["B", "Z"]}, "licence_categories", services.CATEGORY_CHOICE),
        ({"licence_categories": ["B"]}, "licence_categories", services.MINIBUS_NEEDS_D1),
        ({"drives_minibus": False}, "drives", services.DRIVES_MISSING),
        ({"licence_checked_on": None}, "licence_checked_on", services.LICENCE_DATE_MISSING),
        ({"licence_checked_on": date(1999, 12, 31)}, "licence_checked_on", services.TOO_LONG_AGO),
        (
            {"licence_checked_on": TODAY() + timedelta(days=2)},
            "licence_checked_on",
            services.LICENCE_DATE_FUTURE,
        ),
        ({"drives_own_car": True}, "insurance_expires_on", services.INSURANCE_MISSING),
        (
            {"drives_own_car": True, "insurance_expires_on": TODAY() + timedelta(days=100)},
            "vehicle_check_expires_on",
            services.MOT_MISSING,
        ),
        ({"vehicle_check_expires_on": date(1999, 1, 1)}, "vehicle_check_expires_on", services.TOO_LONG_AGO),
        ({"insurance_expires_on": date(9999, 12, 31)}, "insurance_expires_on", "more than 3 years ahead"),
        ({"notes": "x" * 301}, "notes", services.NOTES_TOO_LONG),
    ],
)
def test_bad_details_are_refused_next_to_their_field_and_nothing_is_saved(world, fields, field, message):
    volunteer = VolunteerFactory(home=world.home)
    with pytest.raises(DomainError) as refused:
        services.driver_add(
            home=world.home, actor=world.manager.user, volunteer=volunteer, **details(**fields)
        )
    assert refused.value.field == field
    assert message in refused.value.message
    assert not Driver.objects.filter(home=world.home).exists()


def test_a_volunteer_of_another_home_cannot_be_added(world):
    foreign = VolunteerFactory(home=world.other_home, full_name="Fiona Foreign")
    with pytest.raises(DomainError) as refused:
        services.driver_add(home=world.home, actor=world.manager.user, volunteer=foreign, **details())
    assert refused.value.message == "That volunteer is not at Rowan House."
    assert not Driver.objects.exists()


def test_someone_already_in_the_bank_or_who_left_cannot_be_added(world):
    driver = ready_driver(world.home)
    with pytest.raises(DomainError, match="already in the driver bank") as refused:
        services.driver_add(
            home=world.home, actor=world.manager.user, volunteer=driver.volunteer, **details()
        )
    assert refused.value.field == "person"
    gone = VolunteerFactory(home=world.home, status=Volunteer.Status.LEFT, left_reason="Moved away")
    with pytest.raises(DomainError, match="has left"):
        services.driver_add(home=world.home, actor=world.manager.user, volunteer=gone, **details())
    family = MembershipFactory(home=world.home, role=Role.FAMILY)
    with pytest.raises(DomainError) as refused:
        services.driver_add(home=world.home, actor=world.manager.user, member=family, **details())
    assert refused.value.message == services.PERSON_CHOICE
    assert Driver.objects.count() == 1


def test_changing_a_driver_checks_for_a_newer_save(world):
    driver = ready_driver(world.home)
    opened = driver.version
    services.driver_update(
        home=world.home,
        actor=world.manager.user,
        driver=driver,
        version=opened,
        **details(licence_categories=["B", "D1", "D1E"]),
    )
    with pytest.raises(EditConflict) as conflict:
        services.driver_update(
            home=world.home,
            actor=world.champion.user,
            driver=driver,
            version=opened,
            **details(licence_categories=["B", "D1"], notes="Older form"),
        )
    assert {d["field"] for d in conflict.value.differences} == {"licence_categories", "notes"}
    driver.refresh_from_db()
    assert driver.licence_categories == ["B", "D1", "D1E"]
    assert driver.version == opened + 1


def test_changing_a_driver_of_another_home_is_refused(world):
    foreign = DriverFactory(volunteer=VolunteerFactory(home=world.other_home))
    with pytest.raises(DomainError):
        services.driver_update(home=world.home, actor=world.manager.user, driver=foreign, **details())


# --- Usual times ---------------------------------------------------------------------------------


def test_usual_times_are_replaced_all_at_once(world):
    driver = ready_driver(world.home)
    AvailabilityFactory(volunteer=None, driver=driver, weekday=0, starts_at=time(9), ends_at=time(10))

    services.driver_times_set(
        home=world.home,
        actor=world.manager.user,
        driver=driver,
        slots=[Slot(1, time(13), time(17)), Slot(3, time(9), time(12)), Slot(3, time(14), time(16))],
        version=driver.version,
    )

    saved = [str(a) for a in Availability.objects.filter(driver=driver)]
    assert saved == ["Tuesday 13:00–17:00", "Thursday 09:00–12:00", "Thursday 14:00–16:00"]


@pytest.mark.parametrize(
    ("slots", "message"),
    [
        ([Slot(1, time(13), time(12))], "Tuesday: " + services.UNTIL_BEFORE_FROM),
        ([Slot(2, time(9), time(12)), Slot(2, time(11), time(13))], "Wednesday: " + services.TIMES_OVERLAP),
    ],
)
def test_bad_times_save_nothing(world, slots, message):
    driver = ready_driver(world.home)
    AvailabilityFactory(volunteer=None, driver=driver, weekday=0, starts_at=time(9), ends_at=time(10))
    with pytest.raises(DomainError) as refused:
        services.driver_times_set(home=world.home, actor=world.manager.user, driver=driver, slots=slots)
    assert refused.value.message == message
    assert [str(a) for a in Availability.objects.filter(driver=driver)] == ["Monday 09:00–10:00"]


# --- Finding a driver for a trip -----------------------------------------------------------------


def next_weekday(weekday):
    day = TODAY() + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


def trip(day, starts, ends):
    return local_datetime(day, starts), local_datetime(day, ends)


def test_a_trip_finds_drivers_who_may_drive_and_are_free_then(world):
    tuesday = next_weekday(1)
    free = ready_driver(world.home, name="Fred Free")
    AvailabilityFactory(volunteer=None, driver=free, weekday=1, starts_at=time(12), ends_at=time(14))
    AvailabilityFactory(volunteer=None, driver=free, weekday=1, starts_at=time(14), ends_at=time(18))
    busy = ready_driver(world.home, name="Bella Busy")
    AvailabilityFactory(volunteer=None, driver=busy, weekday=1, starts_at=time(9), ends_at=time(12))
    # A volunteer with no driving times of their own: their volunteering times count.
    volunteering = ready_driver(world.home, name="Vic Volunteering")
    AvailabilityFactory(volunteer=volunteering.volunteer, weekday=1, starts_at=time(13), ends_at=time(17))
    lapsed = ready_driver(world.home, name="Larry Lapsed", licence_checked_on=tuesday - timedelta(days=400))
    AvailabilityFactory(volunteer=None, driver=lapsed, weekday=1, starts_at=time(9), ends_at=time(18))
    car_only = ready_driver(world.home, minibus=False, car=True, name="Carla Car")
    AvailabilityFactory(volunteer=None, driver=car_only, weekday=1, starts_at=time(9), ends_at=time(18))
    untrained = DriverFactory(volunteer=None, member=world.staff)  # no MiDAS
    AvailabilityFactory(volunteer=None, driver=untrained, weekday=1, starts_at=time(9), ends_at=time(18))

    starts_at, ends_at = trip(tuesday, time(13, 30), time(16))
    found = drivers_for_trip(home=world.home, starts_at=starts_at, ends_at=ends_at, minibus=True)

    assert [r.name for r in found.available] == ["Fred Free", "Vic Volunteering"]
    assert [r.name for r in found.not_free] == ["Bella Busy"]
    out = {r.name: [b.message for b in r.blockers] for r in found.out}
    assert set(out) == {"Larry Lapsed", "Carla Car", "Aisha Bello"}
    assert out["Carla Car"][-1] == "Does not drive the minibus"
    assert out["Aisha Bello"] == ["No minibus driving (MiDAS) training recorded"]

    by_car = drivers_for_trip(home=world.home, starts_at=starts_at, ends_at=ends_at, minibus=False)
    assert [r.name for r in by_car.available] == ["Carla Car"]


def test_a_trip_on_a_later_day_sees_documents_that_will_have_run_out(world):
    tuesday = next_weekday(1)
    driver = ready_driver(
        world.home, minibus=False, car=True, vehicle_check_expires_on=tuesday - timedelta(days=1)
    )
    AvailabilityFactory(volunteer=None, driver=driver, weekday=1, starts_at=time(9), ends_at=time(18))
    assert driver_bank(world.home)[0][0].driver == driver  # fine today

    starts_at, ends_at = trip(tuesday, time(10), time(12))
    found = drivers_for_trip(home=world.home, starts_at=starts_at, ends_at=ends_at, minibus=False)

    assert found.available == []
    assert [r.driver for r in found.out] == [driver]


def test_finding_a_driver_costs_the_same_however_many(world):
    tuesday = next_weekday(1)
    starts_at, ends_at = trip(tuesday, time(10), time(12))
    ready_driver(world.home)
    staff_driver(world)

    def find():
        return drivers_for_trip(home=world.home, starts_at=starts_at, ends_at=ends_at, minibus=True)

    few, _ = queries(find)
    for n in range(6):
        driver = ready_driver(world.home, name=f"Driver {n}")
        AvailabilityFactory(volunteer=None, driver=driver, weekday=1)
    many, found = queries(find)
    assert len(found.available) + len(found.not_free) + len(found.out) == 8
    assert many == few <= 12
