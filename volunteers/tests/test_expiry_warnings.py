"""Expiry warnings through the outbox: 60, 30 and 7 days before a check,
training or a driver's document runs out, to the person and their contact
(or the co-ordinators), each once however often the planner runs."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from homes.models import Role
from notifications import delivery
from notifications.kinds import all_planners
from notifications.models import Reminder
from notifications.timing import at_local
from volunteers.models import Volunteer
from volunteers.services.expiry import (
    CHECK_EXPIRING,
    DRIVER_EXPIRING,
    TRAINING_EXPIRING,
    expiry_warnings_plan,
)
from volunteers.tests.factories import (
    DbsCheckFactory,
    DriverFactory,
    MembershipFactory,
    TrainingRecordFactory,
    VolunteerFactory,
    module,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
Status = Reminder.Status


def days(n, start=None):
    return (start or TODAY()) + timedelta(days=n)


def morning(day=None, hour=10):
    """A time the planner might run: after the 09:00 warnings of ``day``."""
    return at_local(day or TODAY(), hour)


def volunteer_with_account(world, **fields):
    user = UserFactory(full_name=fields.pop("full_name", "Vera Volunteer"))
    return VolunteerFactory(
        home=world.home, user=user, full_name=user.full_name, contact=world.champion, **fields
    )


def check_until(volunteer, until):
    return DbsCheckFactory(volunteer=volunteer, issued_on=until - timedelta(days=1000), valid_until=until)


def rows(kind=None):
    found = Reminder.objects.exclude(status=Status.CANCELLED).order_by("due", "recipient")
    return found.filter(kind=kind) if kind else found


def recipients(kind=None):
    return sorted(r.recipient for r in rows(kind))


def key(user):
    return f"user:{user.pk}"


# --- Who hears, and once ---------------------------------------------------------------------------


def test_each_warning_is_made_once_per_person_however_often_the_planner_runs(world):
    volunteer = volunteer_with_account(world)
    check = check_until(volunteer, days(30))
    no_account = VolunteerFactory(home=world.home, email="Walter@Example.org", full_name="Walter Walker")
    TrainingRecordFactory(volunteer=no_account, module=module("first-aid"), expires_on=days(7))
    TrainingRecordFactory(volunteer=None, member=world.staff, module=module("first-aid"), expires_on=days(60))
    driver = DriverFactory(
        volunteer=volunteer,
        drives_own_car=True,
        insurance_expires_on=days(30),
        vehicle_check_expires_on=days(30),
    )

    first = expiry_warnings_plan(morning())
    second = expiry_warnings_plan(morning())
    later = expiry_warnings_plan(morning(hour=15))

    coordinators = sorted([key(world.manager.user), key(world.champion.user)])
    assert recipients(CHECK_EXPIRING) == sorted([key(volunteer.user), key(world.champion.user)])
    assert recipients(TRAINING_EXPIRING) == sorted(
        ["email:walter@example.org", *coordinators, key(world.staff.user), *coordinators]
    )
    # Insurance and MOT end the same day: two warnings, each once, to each person.
    assert recipients(DRIVER_EXPIRING) == sorted([key(volunteer.user), key(world.champion.user)] * 2)
    assert {r.data["document"] for r in rows(DRIVER_EXPIRING)} == {"insurance", "mot"}
    assert first == rows().count() == 12
    assert second == later == 0
    warning = rows(CHECK_EXPIRING).first()
    assert warning.object_id == check.pk
    assert warning.data == {"document": "check", "expires_on": days(30).isoformat(), "days": 30}
    assert warning.due == at_local(TODAY(), 9)
    assert rows(DRIVER_EXPIRING).filter(object_id=driver.pk).count() == 4


def test_the_registered_planner_is_this_one(world):
    assert all_planners()["volunteers.expiry_warnings"] is expiry_warnings_plan


@pytest.mark.parametrize(
    ("left", "warned"), [(61, None), (60, 60), (59, 60), (31, 60), (30, 30), (8, 30), (7, 7)]
)
def test_warnings_come_at_60_30_and_7_days(world, left, warned):
    check_until(volunteer_with_account(world), days(left))

    expiry_warnings_plan(morning())

    made = rows(CHECK_EXPIRING)
    if warned is None:
        assert not made.exists()
    else:
        assert {r.data["days"] for r in made} == {warned}
        assert {r.due for r in made} == {at_local(days(left - warned), 9)}


def test_nothing_for_a_date_already_passed(world):
    check_until(volunteer_with_account(world), days(-1))
    TrainingRecordFactory(volunteer=None, member=world.staff, module=module("first-aid"), expires_on=days(-3))
    assert expiry_warnings_plan(morning()) == 0
    assert not Reminder.objects.exists()


def test_a_date_today_still_gets_its_7_day_warning_until_the_day_ends(world):
    check_until(volunteer_with_account(world), TODAY())
    expiry_warnings_plan(morning())
    warning = rows(CHECK_EXPIRING).first()
    assert warning.data["days"] == 7
    assert warning.expires_at == at_local(days(1), 0)


def test_a_late_planner_still_sends_the_60_day_warning_until_the_30_day_one_is_due(world):
    volunteer = volunteer_with_account(world)
    runs_out = days(31)
    check_until(volunteer, runs_out)

    # The planner was not running when the 60-day mark came: it sends that warning now.
    expiry_warnings_plan(morning(days(-2)))
    sixty = list(rows(CHECK_EXPIRING))
    assert {r.data["days"] for r in sixty} == {60}
    assert {r.expires_at for r in sixty} == {at_local(days(-30, runs_out), 9)}

    # Still waiting when the 30-day one is due: it is dropped, and the 30-day one goes.
    expiry_warnings_plan(morning(days(1)))
    thirty = [r for r in rows(CHECK_EXPIRING) if r.data["days"] == 30]
    assert len(thirty) == 2
    outcome = delivery.deliver([r.pk for r in rows(CHECK_EXPIRING)], now=morning(days(1)))
    assert outcome["sent"] == 2 and outcome["cancelled"] == 2
    assert len(mail.outbox) == 2
    assert set(Reminder.objects.filter(pk__in=[r.pk for r in thirty]).values_list("status", flat=True)) == {
        Status.SENT
    }
    assert set(Reminder.objects.filter(pk__in=[r.pk for r in sixty]).values_list("status", flat=True)) == {
        Status.CANCELLED
    }


# --- Not sent once it is out of date ------------------------------------------------------------


def test_a_warning_is_not_sent_once_the_check_is_renewed(world):
    volunteer = volunteer_with_account(world)
    check_until(volunteer, days(30))
    expiry_warnings_plan(morning())
    waiting = [r.pk for r in rows()]

    check_until(volunteer, days(1100))  # a new certificate
    outcome = delivery.deliver(waiting, now=morning())

    assert outcome["cancelled"] == len(waiting) == 2
    assert mail.outbox == []
    assert set(Reminder.objects.values_list("cancelled_reason", flat=True)) == {
        "A newer check has been recorded."
    }
    assert expiry_warnings_plan(morning()) == 0  # and nothing for the new one, years off


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            lambda record: setattr(record, "expires_on", days(300)),
            "The date changed since this warning was made.",
        ),
        (
            lambda record: TrainingRecordFactory(
                volunteer=record.volunteer, module=record.module, completed_on=TODAY(), expires_on=None
            ),
            "A refresher has been recorded since.",
        ),
        (
            lambda record: Volunteer.objects.filter(pk=record.volunteer_id).update(
                status=Volunteer.Status.LEFT, left_reason="Moved away"
            ),
            "Vera Volunteer has left.",
        ),
    ],
)
def test_a_training_warning_is_not_sent_once_it_is_out_of_date(world, change, reason):
    volunteer = volunteer_with_account(world)
    record = TrainingRecordFactory(
        volunteer=volunteer, module=module("safeguarding-adults"), expires_on=days(7)
    )
    expiry_warnings_plan(morning())
    change(record)
    record.save()

    delivery.deliver([r.pk for r in rows()], now=morning())

    assert mail.outbox == []
    assert set(Reminder.objects.values_list("cancelled_reason", flat=True)) == {reason}


def test_a_driver_warning_is_not_sent_once_the_document_is_renewed(world):
    driver = DriverFactory(
        volunteer=volunteer_with_account(world),
        drives_own_car=True,
        insurance_expires_on=days(7),
        vehicle_check_expires_on=days(300),
    )
    expiry_warnings_plan(morning())
    driver.insurance_expires_on = days(372)
    driver.save()

    delivery.deliver([r.pk for r in rows()], now=morning())

    assert mail.outbox == []
    assert set(Reminder.objects.values_list("cancelled_reason", flat=True)) == {
        "The date changed since this warning was made."
    }


# --- What the messages say ---------------------------------------------------------------------------


def test_the_messages_say_what_runs_out_when_and_what_to_do(world):
    volunteer = volunteer_with_account(world, full_name="Dennis Driver")
    driver = DriverFactory(
        volunteer=volunteer,
        drives_own_car=True,
        insurance_expires_on=days(30),
        vehicle_check_expires_on=days(300),
    )
    expiry_warnings_plan(morning())

    delivery.deliver([r.pk for r in rows()], now=morning())

    day = f"{days(30):%A %-d %B}" + ("" if days(30).year == TODAY().year else f" {days(30).year}")
    to_champion = next(m for m in mail.outbox if m.to == [world.champion.user.email])
    assert to_champion.subject == f"Dennis Driver's business-use car insurance ends on {day}"
    assert "in 30 days" in to_champion.body
    assert "Ask Dennis for their renewed certificate of insurance" in to_champion.body
    assert reverse("volunteers:driver_edit", args=[world.home.slug, driver.pk]) in to_champion.body
    assert "as Dennis's contact at Rowan House" in to_champion.body
    to_driver = next(m for m in mail.outbox if m.to == [volunteer.user.email])
    assert to_driver.subject == f"Your business-use car insurance with Rowan House ends on {day}"
    assert to_driver.body.startswith("Hello Dennis,")
    assert f"please show {world.champion.user.full_name} the new certificate" in to_driver.body
    assert reverse("volunteers:driver_edit", args=[world.home.slug, driver.pk]) not in to_driver.body
    assert reverse("volunteers:portal", args=[world.home.slug]) in to_driver.body


def test_a_volunteer_without_an_account_is_emailed_and_greeted_by_name(world):
    volunteer = VolunteerFactory(home=world.home, full_name="Walter Walker", email="walter@example.org")
    check_until(volunteer, days(7))
    expiry_warnings_plan(morning())

    delivery.deliver([r.pk for r in rows()], now=morning())

    to_walter = next(m for m in mail.outbox if m.to == ["walter@example.org"])
    assert to_walter.body.startswith("Hello Walter,")
    assert "Please talk to the volunteer co-ordinator about renewing it" in to_walter.body
    to_manager = next(m for m in mail.outbox if m.to == [world.manager.user.email])
    assert "Ask Walter for a new DBS check" in to_manager.body
    assert "as a volunteer co-ordinator at Rowan House" in to_manager.body


def test_the_messages_page_says_what_each_warning_is_about(world, client_for):
    check_until(volunteer_with_account(world), days(30))
    DriverFactory(volunteer=None, member=world.staff, licence_checked_on=days(7 - 365))
    expiry_warnings_plan(morning(hour=6))  # waiting for 09:00

    response = client_for(world.manager).get(reverse("notifications:outbox", args=[world.home.slug]))

    page = response.content.decode()
    assert "DBS check (enhanced with the adults&#x27; barred list) of Vera Volunteer" in page
    assert "driving documents of Aisha Bello" in page


def test_the_planner_costs_the_same_however_many_warnings(world):
    def plan_counting():
        with CaptureQueriesContext(connection) as captured:
            expiry_warnings_plan(morning())
        return len(captured.captured_queries)

    check_until(volunteer_with_account(world, full_name="First Person"), days(30))
    TrainingRecordFactory(volunteer=None, member=world.staff, module=module("first-aid"), expires_on=days(7))
    few = plan_counting()
    Reminder.objects.all().delete()
    for n in range(8):
        check_until(volunteer_with_account(world, full_name=f"Person {n}"), days(30 + n))
        member = MembershipFactory(home=world.home, role=Role.STAFF)
        TrainingRecordFactory(
            volunteer=None, member=member, module=module("first-aid"), expires_on=days(7 - n % 3)
        )
    assert plan_counting() == few
    assert rows().count() == 2 * 9 + 3 * 9
