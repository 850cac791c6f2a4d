"""The demo tells the volunteering story the issue asks for, in every home."""

import pytest
from django.core.management import call_command

from homes.models import Home, Nation
from homes.scoping import crossing_homes
from residents.models import Connection
from tests.fixtures import restore_reference_rows
from volunteers import rules
from volunteers.models import Assignment, BackgroundCheck, Driver, Shift, TrainingRecord, Volunteer


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), crossing_homes("the test reads every home's demo data"):
        restore_reference_rows()  # an earlier test may have flushed the data migrations' rows
        call_command("seed_demo", "--quiet", "--i-know-this-is-not-production")
        yield list(Home.objects.order_by("id"))
        call_command("flush", "--noinput")


pytestmark = pytest.mark.django_db


def test_someone_at_every_stage_and_one_waits_for_a_reference(demo):
    for home in demo:
        statuses = set(Volunteer.objects.filter(home=home).values_list("status", flat=True))
        assert statuses == set(Volunteer.Status.values), home
        waiting = rules.with_facts(
            Volunteer.objects.filter(home=home, status=Volunteer.Status.REFERENCES)
        ).get()
        messages = [b.message for b in rules.blockers(waiting, status=False)]
        assert any(m.startswith("Waiting for the second reference") for m in messages), messages


def test_the_model_maker_visits_weekly_and_the_visits_are_on_the_timeline(demo):
    for home in demo:
        assignment = Assignment.objects.select_related("volunteer", "resident").get(home=home)
        assert assignment.volunteer.full_name == "Beryl Hutchins"
        assert assignment.reason.startswith("Both love model making")
        assert "Model making" in assignment.resident.plan.interests.values_list("name", flat=True)
        logged = Shift.objects.filter(assignment=assignment, status=Shift.Status.DONE)
        assert logged.count() >= 5
        assert (
            Connection.objects.filter(
                pk__in=logged.values("connection"),
                with_whom=Connection.WithWhom.VOLUNTEER,
                with_name="Beryl Hutchins",
            ).count()
            == logged.count()
        )
        assert Shift.objects.filter(assignment=assignment, status__in=["planned", "confirmed"]).exists()
        assert assignment.volunteer.user.email.startswith("volunteer@")


def test_pvg_in_scotland_and_dbs_in_england(demo):
    for home in demo:
        schemes = set(BackgroundCheck.objects.filter(home=home).values_list("scheme", flat=True))
        expected = {"pvg"} if home.nation == Nation.SCOTLAND else {"dbs"}
        assert schemes == expected, home
    assert {h.nation for h in demo} >= {Nation.SCOTLAND, Nation.ENGLAND}


def test_two_drivers_one_out_of_the_bank_for_an_expired_licence_check(demo):
    for home in demo:
        settings = rules.settings_for(home)
        drivers = list(rules.drivers_with_facts(Driver.objects.filter(home=home)))
        assert len(drivers) == 2
        out = [d for d in drivers if rules.driver_blockers(d, settings=settings)]
        assert len(out) == 1
        assert [b.kind for b in rules.driver_blockers(out[0], settings=settings)] == ["licence"]


def test_a_member_of_staff_is_trained_to_manage_volunteers(demo):
    for home in demo:
        trained = TrainingRecord.objects.filter(
            home=home, module__slug="volunteer-management", member__isnull=False
        )
        assert trained.exists()
        coordinator = trained.select_related("member").first().member
        assert Volunteer.objects.filter(home=home, contact=coordinator).exists()
