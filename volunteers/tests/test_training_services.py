"""The training register's rules: who may do which course, the dates, the
renew-by default, the register's standing of each course, and who is
trained to manage volunteers."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from carehome.errors import DomainError
from carehome.timeutils import add_months
from carehome.versions import EditConflict
from homes.models import Role
from volunteers import rules
from volunteers.models import TrainingRecord, Volunteer
from volunteers.selectors import training as selectors
from volunteers.services.training import training_record_create, training_record_update
from volunteers.tests.factories import (
    MembershipFactory,
    TrainingRecordFactory,
    VolunteerFactory,
    VolunteerRoleFactory,
    cleared_volunteer,
    module,
)

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def record(world, **fields):
    data = {
        "home": world.home,
        "actor": world.champion.user,
        "module": module("safeguarding-adults"),
        "completed_on": today() - timedelta(days=10),
        "volunteer": None,
        "member": world.staff,
        "expires_on": None,
        "provider": "  Skills   for Care ",
    }
    data.update(fields)
    return training_record_create(**data)


def refused(call, field, part=""):
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.field == field, caught.value.message
    assert part in caught.value.message
    return caught.value.message


def test_a_course_is_recorded_with_the_courses_own_renewal_period(world):
    saved = record(world, completed_on=date(2025, 1, 31))
    saved.refresh_from_db()
    assert saved.member == world.staff
    assert saved.expires_on == date(2028, 1, 31)  # safeguarding: three years
    assert saved.provider == "Skills for Care"
    assert saved.recorded_by == world.champion.user


def test_a_course_that_does_not_expire_has_no_renew_by_unless_one_is_given(world):
    assert record(world, module=module("induction")).expires_on is None
    given = today() + timedelta(days=400)
    assert record(world, module=module("technology-support"), expires_on=given).expires_on == given


def test_a_renew_by_date_replaces_the_default(world):
    given = today() + timedelta(days=100)
    assert record(world, expires_on=given).expires_on == given


@pytest.mark.parametrize(
    ("fields", "field", "part"),
    [
        ({"completed_on": None}, "completed_on", "Enter the date they completed it"),
        ({"completed_on": date(1999, 12, 31)}, "completed_on", "from 2000"),
        ({"completed_on": date(2099, 1, 1)}, "completed_on", "in the future"),
        ({"expires_on": date(2020, 1, 1)}, "expires_on", "must be after the date they completed it"),
        ({"expires_on": date(2099, 1, 1)}, "expires_on", "at most 10 years on"),
        ({"module": None}, "module", "Choose the course"),
        ({"member": None}, "person", "Choose who did the training"),
    ],
)
def test_bad_training_is_refused_and_nothing_saved(world, fields, field, part):
    refused(lambda: record(world, **fields), field, part)
    assert not TrainingRecord.objects.exists()


def test_expiry_must_be_after_completion_even_on_the_same_day(world):
    day = today() - timedelta(days=3)
    refused(lambda: record(world, completed_on=day, expires_on=day), "expires_on")


def test_a_course_for_staff_is_refused_for_a_volunteer(world):
    volunteer = VolunteerFactory(home=world.home)
    message = refused(
        lambda: record(world, member=None, volunteer=volunteer, module=module("volunteer-management")),
        "module",
    )
    assert message == "Volunteer management is a course for staff. Choose another course."


def test_both_a_volunteer_and_a_member_of_staff_at_once_is_refused(world):
    refused(lambda: record(world, volunteer=VolunteerFactory(home=world.home)), "person")


def test_people_of_another_home_family_and_volunteers_who_left_are_refused(world):
    with pytest.raises(DomainError):
        record(world, member=world.outsider)
    refused(lambda: record(world, member=world.relative), "person")
    left = VolunteerFactory(home=world.home, status=Volunteer.Status.LEFT, left_reason="Moved away")
    refused(lambda: record(world, member=None, volunteer=left), "person", "has left")
    assert not TrainingRecord.objects.exists()


def test_the_same_course_on_the_same_day_is_recorded_once(world):
    record(world)
    refused(lambda: record(world), "completed_on", "already recorded")


def test_recording_a_missing_course_clears_the_blocker(world):
    role = VolunteerRoleFactory(home=world.home)
    role.training.add(module("dementia-awareness"))
    volunteer = cleared_volunteer(world.home, role=role)
    TrainingRecord.objects.filter(volunteer=volunteer, module__slug="dementia-awareness").delete()

    def messages():
        loaded = rules.with_facts(Volunteer.objects.filter(pk=volunteer.pk)).get()
        return [b.message for b in rules.blockers(loaded)]

    assert messages() == ["No dementia awareness training recorded"]
    record(world, member=None, volunteer=volunteer, module=module("dementia-awareness"))
    assert messages() == []


def test_a_course_edited_to_have_run_out_blocks_the_volunteer_and_names_it(world):
    role = VolunteerRoleFactory(home=world.home)
    role.training.add(module("safeguarding-adults"))
    volunteer = cleared_volunteer(world.home, role=role)
    course = volunteer.training.get(module__slug="safeguarding-adults")
    completed = today() - timedelta(days=4 * 365)
    training_record_update(
        home=world.home,
        actor=world.manager.user,
        record=course,
        module=course.module,
        completed_on=completed,
        expires_on=None,
        provider="",
        version=course.version,
    )
    loaded = rules.with_facts(Volunteer.objects.filter(pk=volunteer.pk)).get()
    found = [b.message for b in rules.blockers(loaded)]
    assert len(found) == 1
    assert found[0].startswith("Safeguarding adults training ran out on ")


def test_an_edit_over_a_newer_save_is_a_conflict(world):
    saved = record(world)
    opened = saved.version
    training_record_update(
        home=world.home,
        actor=world.manager.user,
        record=saved,
        module=saved.module,
        completed_on=saved.completed_on,
        provider="The council",
        version=opened,
    )
    with pytest.raises(EditConflict):
        training_record_update(
            home=world.home,
            actor=world.champion.user,
            record=saved,
            module=saved.module,
            completed_on=saved.completed_on,
            provider="In house",
            version=opened,
        )
    saved.refresh_from_db()
    assert saved.provider == "The council"


# --- The register and who may be a volunteer's contact ---------------------------------------


def test_each_course_has_a_standing_in_date_due_expired_or_missing(world):
    role = VolunteerRoleFactory(home=world.home, needs_induction=True)
    role.training.add(module("safeguarding-adults"), module("dementia-awareness"), module("first-aid"))
    volunteer = VolunteerFactory(home=world.home, status=Volunteer.Status.ACTIVE, roles=[role])
    TrainingRecordFactory(volunteer=volunteer, module=module("induction"))
    TrainingRecordFactory(
        volunteer=volunteer, module=module("safeguarding-adults"), expires_on=today() + timedelta(days=30)
    )
    TrainingRecordFactory(
        volunteer=volunteer,
        module=module("dementia-awareness"),
        completed_on=today() - timedelta(days=800),
        expires_on=today() - timedelta(days=1),
    )
    # An older expired record does not count against a newer one.
    TrainingRecordFactory(
        volunteer=volunteer,
        module=module("confidentiality"),
        completed_on=date(2020, 1, 1),
        expires_on=date(2021, 1, 1),
    )
    TrainingRecordFactory(
        volunteer=volunteer, module=module("confidentiality"), expires_on=today() + timedelta(days=200)
    )
    found = selectors.register(world.home)
    person = found["volunteers"][0]
    standings = {s.module.slug: s.status for s in person.standings}
    assert standings == {
        "induction": "in_date",
        "safeguarding-adults": "due",
        "dementia-awareness": "expired",
        "confidentiality": "in_date",
        "first-aid": "missing",
    }
    assert selectors.register_counts(found) == {"expired": 1, "due": 1, "missing": 1}
    only = selectors.register(world.home, attention=True)
    assert [s.module.slug for s in only["volunteers"][0].standings] == [
        "safeguarding-adults",
        "dementia-awareness",
        "first-aid",
    ]


def test_the_register_lists_active_volunteers_and_staff_not_families_or_other_homes(world):
    VolunteerFactory(home=world.home, status=Volunteer.Status.ACTIVE, full_name="Active Annie")
    VolunteerFactory(home=world.home, status=Volunteer.Status.APPLIED, full_name="Applied Alan")
    VolunteerFactory(home=world.other_home, status=Volunteer.Status.ACTIVE, full_name="Foreign Fay")
    found = selectors.register(world.home)
    assert [p.name for p in found["volunteers"]] == ["Active Annie"]
    staff = {p.name for p in found["staff"]}
    assert {"Ruth Adeyemi", "Aisha Bello"} <= staff
    assert "Linda Baxter" not in staff
    assert "Iain Outsider" not in staff
    assert selectors.register(world.home, people="staff")["volunteers"] == []


def test_trained_in_volunteer_management_is_staff_with_the_course_in_date(world):
    vm = module("volunteer-management")
    TrainingRecordFactory(
        volunteer=None, member=world.staff, module=vm, expires_on=today() + timedelta(days=5)
    )
    TrainingRecordFactory(
        volunteer=None,
        member=world.champion,
        module=vm,
        completed_on=today() - timedelta(days=1200),
        expires_on=today() - timedelta(days=1),
    )
    TrainingRecordFactory(volunteer=None, member=world.manager, module=module("first-aid"))
    gone = MembershipFactory(home=world.home, role=Role.STAFF, is_active=False)
    TrainingRecordFactory(volunteer=None, member=gone, module=vm)
    TrainingRecordFactory(volunteer=None, member=world.outsider, module=vm)
    assert list(selectors.trained_in_volunteer_management(world.home)) == [world.staff]
    later = today() + timedelta(days=6)
    assert list(selectors.trained_in_volunteer_management(world.home, on=later)) == []


def test_the_default_renew_by_uses_whole_months(world):
    saved = record(world, module=module("confidentiality"), completed_on=date(2024, 2, 29))
    assert saved.expires_on == add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
