"""The gate keeps following a volunteer after they are matched: a check that
lapses for the role they visit in, a resident who leaves, a pause or leaving,
a role taken away — the rota, the reminders and the portal all follow."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from homes.models import Role
from homes.tests.factories import MembershipFactory
from notifications.models import Reminder
from residents.models import Resident
from residents.tests.factories import PersonalPlanFactory
from volunteers import rules
from volunteers.messages.visits import visit_reminders_planner
from volunteers.models import Assignment, CheckLevel, Shift, Volunteer
from volunteers.services.recruitment import volunteer_status_set, volunteer_update
from volunteers.services.rota import shifts_plan
from volunteers.tests.factories import AssignmentFactory, VolunteerRoleFactory, cleared_volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def regular(world):
    befriender = VolunteerRoleFactory(home=world.home, name="Befriender")
    volunteer = cleared_volunteer(world.home, role=befriender, user=world.volunteer.user)
    # A second role that needs no check at all.
    helper = VolunteerRoleFactory(
        home=world.home,
        name="Tea trolley",
        check_level=CheckLevel.NONE,
        references_needed=0,
        needs_identity=False,
        needs_induction=False,
    )
    volunteer.roles.add(helper)
    PersonalPlanFactory(resident=world.resident)
    return AssignmentFactory(
        volunteer=volunteer,
        resident=world.resident,
        role=befriender,
        weekday=timezone.localdate().weekday(),
        starts_on=timezone.localdate(),
    )


def lapse_check(volunteer, *, on):
    volunteer.checks.update(valid_until=on)


def planned(assignment):
    return Shift.objects.filter(assignment=assignment).exclude(status=Shift.Status.CANCELLED)


def test_a_check_lapsed_for_the_visits_role_hides_the_resident_whatever_other_roles_allow(
    world, client_for, regular
):
    client = client_for(world.volunteer)
    page = reverse("volunteers:portal_resident", args=[world.home.slug, world.resident.pk])
    assert client.get(page).status_code == 200
    lapse_check(regular.volunteer, on=timezone.localdate() - timedelta(days=1))
    assert client.get(page).status_code == 404


def test_no_visit_is_planned_for_a_day_the_check_will_have_run_out(world, regular):
    today = timezone.localdate()
    lapse_check(regular.volunteer, on=today + timedelta(days=10))
    shifts_plan(home=world.home, until=today + timedelta(weeks=4))
    days = [timezone.localtime(s.starts_at).date() for s in planned(regular)]
    assert days and all(day <= today + timedelta(days=10) for day in days)


def test_the_day_before_reminder_is_not_made_when_the_check_runs_out_before_the_visit(world, regular):
    tomorrow = timezone.localdate() + timedelta(days=1)
    regular.weekday = tomorrow.weekday()
    regular.save()
    shifts_plan(home=world.home, until=tomorrow + timedelta(days=1))
    assert planned(regular).exists()
    lapse_check(regular.volunteer, on=timezone.localdate())  # counts today, not tomorrow
    visit_reminders_planner(timezone.now(), home=world.home)
    assert not Reminder.objects.filter(kind="volunteers.visit_reminder").exists()


def test_a_resident_who_moved_out_is_no_longer_visited_or_reminded_about(world, regular):
    tomorrow = timezone.localdate() + timedelta(days=1)
    regular.weekday = tomorrow.weekday()
    regular.save()
    shifts_plan(home=world.home, until=tomorrow + timedelta(days=1))
    Resident.objects.filter(pk=world.resident.pk).update(
        status=Resident.Status.LEFT, left_on=timezone.localdate()
    )
    visit_reminders_planner(timezone.now(), home=world.home)
    assert not Reminder.objects.filter(kind="volunteers.visit_reminder").exists()


def test_leaving_ends_the_visits_cancels_what_is_to_come_and_closes_their_pages(world, regular):
    shifts_plan(home=world.home, until=timezone.localdate() + timedelta(weeks=3))
    assert planned(regular).filter(starts_at__gt=timezone.now()).exists()
    volunteer_status_set(
        home=world.home,
        volunteer=regular.volunteer,
        actor=world.champion.user,
        status=Volunteer.Status.LEFT,
        reason="Moved away",
    )
    assert Assignment.objects.get(pk=regular.pk).ended_at is not None
    assert not planned(regular).filter(starts_at__gt=timezone.now()).exists()
    world.volunteer.refresh_from_db()
    assert not world.volunteer.is_active


def test_a_pause_cancels_the_visits_to_come_and_coming_back_plans_them_again(world, regular):
    until = timezone.localdate() + timedelta(weeks=3)
    shifts_plan(home=world.home, until=until)
    volunteer_status_set(
        home=world.home,
        volunteer=regular.volunteer,
        actor=world.champion.user,
        status="paused",
        reason="Unwell",
    )
    assert not planned(regular).filter(starts_at__gt=timezone.now()).exists()
    assert shifts_plan(home=world.home, until=until) == 0  # paused: nothing planned
    volunteer_status_set(
        home=world.home, volunteer=regular.volunteer, actor=world.champion.user, status="active"
    )
    assert shifts_plan(home=world.home, until=until) > 0


def test_taking_the_role_away_ends_the_visits_made_in_it(world, regular):
    volunteer = regular.volunteer
    keep = [r for r in volunteer.roles.all() if r.name == "Tea trolley"]
    volunteer_update(
        home=world.home,
        volunteer=volunteer,
        actor=world.champion.user,
        version=volunteer.version,
        full_name=volunteer.full_name,
        preferred_name="",
        email=volunteer.email,
        phone=volunteer.phone,
        postcode="",
        what_to_do="",
        skills_notes="",
        roles=keep,
        interests=[],
        contact=None,
        over_16=True,
        consent_to_checks=True,
    )
    assert Assignment.objects.get(pk=regular.pk).ended_at is not None


def test_a_staff_member_who_also_volunteered_keeps_their_staff_access_on_leaving(world):
    member = MembershipFactory(home=world.home, role=Role.STAFF)
    volunteer = cleared_volunteer(world.home, user=member.user)
    volunteer_status_set(
        home=world.home, volunteer=volunteer, actor=world.champion.user, status="left", reason="Too busy"
    )
    member.refresh_from_db()
    assert member.is_active
    assert rules  # the gate module is what all of this follows


def test_a_resident_who_dies_is_no_longer_visited_and_the_visits_to_come_are_cancelled(world, regular):
    from residents.services.residents import resident_leave

    shifts_plan(home=world.home, until=timezone.localdate() + timedelta(weeks=3))
    assert planned(regular).filter(starts_at__gt=timezone.now()).exists()
    resident_leave(
        home=world.home,
        actor=world.manager.user,
        resident=world.resident,
        kind=Resident.Status.DIED,
        left_on=timezone.localdate(),
    )
    ended = Assignment.objects.get(pk=regular.pk)
    assert ended.ended_at is not None and ended.end_reason == "Peggy died."
    assert not planned(regular).filter(starts_at__gt=timezone.now()).exists()
