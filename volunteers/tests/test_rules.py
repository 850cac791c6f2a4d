"""The gate: what a volunteer or driver is missing, in words a co-ordinator reads."""

from datetime import timedelta

import pytest
from django.utils import timezone

from homes.models import Nation
from volunteers import rules
from volunteers.models import CheckLevel, Volunteer
from volunteers.tests.factories import (
    DbsCheckFactory,
    DriverFactory,
    MembershipFactory,
    ReferenceFactory,
    TrainingRecordFactory,
    VolunteerFactory,
    VolunteerRoleFactory,
    cleared_volunteer,
    module,
)

pytestmark = pytest.mark.django_db


def messages(volunteer, **kwargs):
    loaded = rules.with_facts(Volunteer.objects.filter(pk=volunteer.pk)).get()
    return [b.message for b in rules.blockers(loaded, **kwargs)]


def test_a_cleared_volunteer_has_nothing_missing(world):
    volunteer = cleared_volunteer(world.home)
    assert messages(volunteer) == []


def test_each_missing_thing_is_named(world):
    role = VolunteerRoleFactory(home=world.home, name="Befriender", needs_interview=True)
    role.training.add(module("safeguarding-adults"))
    volunteer = VolunteerFactory(home=world.home, roles=[role], status=Volunteer.Status.REFERENCES)
    ReferenceFactory(
        volunteer=volunteer, name="Jane Smith", received_on=timezone.localdate(), satisfactory=True
    )
    ReferenceFactory(
        volunteer=volunteer, name="Tom Reid", requested_on=timezone.localdate() - timedelta(days=5)
    )
    found = messages(volunteer)
    assert found[0] == "Not active: references"
    assert "Identity not checked" in found
    assert "No interview recorded" in found
    assert any(m.startswith("Waiting for the second reference (Tom Reid, asked ") for m in found)
    assert "No enhanced DBS check with the adults' barred list recorded" in found
    assert "Induction not done" in found
    assert "No safeguarding adults training recorded" in found


def test_an_expired_check_or_training_says_when(world):
    volunteer = cleared_volunteer(world.home)
    check = volunteer.checks.get()
    check.valid_until = timezone.localdate() - timedelta(days=1)
    check.save()
    assert [m for m in messages(volunteer) if "DBS" in m] == [
        m for m in messages(volunteer) if "due for renewal" in m
    ]
    assert len(messages(volunteer)) == 1


def test_a_lower_dbs_level_does_not_count(world):
    volunteer = cleared_volunteer(world.home)
    volunteer.checks.update(level=CheckLevel.STANDARD)
    assert messages(volunteer) == ["No enhanced DBS check with the adults' barred list recorded"]


def test_scotland_needs_pvg_not_dbs(world):
    world.home.nation = Nation.SCOTLAND
    world.home.save()
    volunteer = cleared_volunteer(world.home)
    assert messages(volunteer) == []
    volunteer.checks.all().delete()
    DbsCheckFactory(volunteer=volunteer)
    assert messages(volunteer) == ["No PVG scheme membership recorded"]


def test_require_clear_refuses_with_the_reasons(world):
    volunteer = VolunteerFactory(home=world.home, roles=[VolunteerRoleFactory(home=world.home)])
    loaded = rules.with_facts(Volunteer.objects.filter(pk=volunteer.pk)).get()
    with pytest.raises(rules.NotClear) as caught:
        rules.require_clear(loaded, doing="assigned")
    assert caught.value.message.startswith(
        f"{volunteer.full_name} cannot be assigned yet: Not active: applied;"
    )


def test_a_driver_with_an_expired_licence_check_is_out_of_the_bank(world):
    volunteer = cleared_volunteer(world.home)
    driver = DriverFactory(volunteer=volunteer, licence_checked_on=timezone.localdate() - timedelta(days=400))
    TrainingRecordFactory(
        volunteer=volunteer, module=module("midas"), expires_on=timezone.localdate() + timedelta(days=90)
    )
    loaded = rules.drivers_with_facts(type(driver).objects.filter(pk=driver.pk)).get()
    settings = rules.settings_for(world.home)
    found = [b.message for b in rules.driver_blockers(loaded, settings=settings)]
    assert len(found) == 1 and found[0].startswith("Licence check was due on ")


def test_a_staff_driver_needs_minibus_training(world):
    member = MembershipFactory(home=world.home)
    driver = DriverFactory(volunteer=None, member=member)
    loaded = rules.drivers_with_facts(type(driver).objects.filter(pk=driver.pk)).get()
    found = [b.message for b in rules.driver_blockers(loaded, settings=rules.settings_for(world.home))]
    assert found == ["No minibus driving (MiDAS) training recorded"]


@pytest.mark.parametrize(
    ("days", "expected"), [(61, None), (60, 60), (31, 60), (30, 30), (8, 30), (7, 7), (0, 7), (-1, None)]
)
def test_warning_days(days, expected):
    today = timezone.localdate()
    assert rules.warning_days(today + timedelta(days=days), today) == expected


def test_a_volunteer_driver_without_a_role_that_drives_is_out_of_the_bank(world):
    volunteer = cleared_volunteer(world.home)
    TrainingRecordFactory(
        volunteer=volunteer, module=module("midas"), expires_on=timezone.localdate() + timedelta(days=90)
    )
    driver = DriverFactory(volunteer=volunteer, driving_role=False)
    loaded = rules.drivers_with_facts(type(driver).objects.filter(pk=driver.pk)).get()
    found = [b.message for b in rules.driver_blockers(loaded, settings=rules.settings_for(world.home))]
    assert found == ["No volunteer role that drives"]
