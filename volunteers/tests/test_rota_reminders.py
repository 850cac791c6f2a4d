"""The day-before reminder to a volunteer (volunteers/messages/visits.py):
made by the planner once per recipient and channel, due 09:00 the day
before, naming the resident only by their preferred name and the place, and
never sent to a volunteer who is not clear."""

from datetime import time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.tests.factories import UserFactory
from notifications import delivery
from notifications.kinds import all_planners, get_kind
from notifications.models import ContactPreference, Reminder
from notifications.timing import at_local
from residents.tests.factories import PersonalPlanFactory
from tests.fixtures import agreed_to_uses
from volunteers.messages.visits import VISIT_REMINDER, visit_reminders_planner
from volunteers.models import Shift
from volunteers.tests.factories import AssignmentFactory, cleared_volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def tomorrow_visit(world):
    """Jo (with a Kith account) visits Peggy in the garden room, every week on tomorrow's weekday at 14:00."""
    PersonalPlanFactory(resident=world.resident, what_matters="Her late husband Bill and the allotment.")
    jo = cleared_volunteer(world.home, full_name="Jo Gardener", user=UserFactory(full_name="Jo Gardener"))
    tomorrow = timezone.localdate() + timedelta(days=1)
    AssignmentFactory(
        volunteer=jo,
        resident=world.resident,
        role=jo.roles.get(),
        weekday=tomorrow.weekday(),
        starts_at=time(14, 0),
        starts_on=tomorrow,
        space=world.space,
    )
    return jo


def reminders():
    return list(Reminder.objects.filter(kind=VISIT_REMINDER).order_by("id"))


def send_all():
    Reminder.objects.filter(status=Reminder.Status.PENDING).update(
        not_before=timezone.now() - timedelta(minutes=1)
    )
    return delivery.deliver(list(Reminder.objects.order_by("id").values_list("pk", flat=True)))


def test_the_planner_is_registered_for_beat():
    assert VISIT_REMINDER in all_planners()


def test_the_planner_puts_visits_on_the_rota_and_reminds_the_volunteer_once(world, tomorrow_visit):
    now = timezone.now()
    assert visit_reminders_planner(now) == 1
    assert visit_reminders_planner(now) == 0
    assert visit_reminders_planner(now + timedelta(minutes=15)) == 0
    (row,) = reminders()
    shift = Shift.objects.get(pk=row.object_id)
    assert row.user == tomorrow_visit.user and row.channel == "email"
    assert row.due == at_local(timezone.localdate(shift.starts_at) - timedelta(days=1), 9)
    assert row.expires_at == at_local(timezone.localdate(shift.starts_at), 0)
    assert Shift.objects.filter(volunteer=tomorrow_visit).count() >= 4


def test_email_and_text_each_once_for_someone_who_chose_both(world, tomorrow_visit):
    ContactPreference.objects.create(
        user=tomorrow_visit.user, by_email=True, by_text=True, phone="07700 900456"
    )
    visit_reminders_planner(timezone.now())
    visit_reminders_planner(timezone.now())
    assert sorted(r.channel for r in reminders()) == ["email", "sms"]


def test_a_volunteer_without_an_account_is_reminded_at_their_email_address_once(world, tomorrow_visit):
    tomorrow_visit.user = None
    tomorrow_visit.email = "Jo.Gardener@example.org"
    tomorrow_visit.save()
    assert visit_reminders_planner(timezone.now()) == 1
    assert visit_reminders_planner(timezone.now()) == 0
    (row,) = reminders()
    assert row.user is None and row.recipient == "email:jo.gardener@example.org"


def test_the_reminder_names_the_resident_and_the_place_and_nothing_else(world, tomorrow_visit):
    visit_reminders_planner(timezone.now())
    send_all()
    (message,) = mail.outbox
    assert message.to == [tomorrow_visit.user.email]
    assert message.subject == "Tomorrow at 14:00: your visit to Peggy at Rowan House"
    assert "Hello Jo," in message.body
    assert "Where: Garden room" in message.body
    assert "/volunteering/shifts/" in message.body
    assert "Margaret" not in message.body and "Baxter" not in message.body
    assert "allotment" not in message.body and "Bill" not in message.body
    (row,) = reminders()
    assert row.status == Reminder.Status.SENT


def test_no_reminder_is_made_for_a_volunteer_who_is_not_clear(world, tomorrow_visit):
    tomorrow_visit.checks.all().delete()
    assert visit_reminders_planner(timezone.now()) == 0
    assert reminders() == []


def test_a_reminder_is_stale_when_the_volunteer_stops_being_clear(world, tomorrow_visit):
    visit_reminders_planner(timezone.now())
    tomorrow_visit.checks.update(valid_until=timezone.localdate() - timedelta(days=1))
    send_all()
    assert mail.outbox == []
    (row,) = reminders()
    assert row.status == Reminder.Status.CANCELLED
    assert row.cancelled_reason.startswith("The volunteer is not clear: DBS check was due for renewal")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"status": Shift.Status.DECLINED}, "The volunteer said they can't make it."),
        ({"status": Shift.Status.CANCELLED}, "The shift was cancelled."),
    ],
)
def test_a_reminder_is_stale_when_the_shift_is_declined_or_cancelled(world, tomorrow_visit, change, reason):
    visit_reminders_planner(timezone.now())
    Shift.objects.filter(volunteer=tomorrow_visit).update(**change)
    send_all()
    assert mail.outbox == []
    (row,) = reminders()
    assert row.status == Reminder.Status.CANCELLED and row.cancelled_reason == reason


def test_a_moved_shift_is_stale(world, tomorrow_visit):
    visit_reminders_planner(timezone.now())
    (row,) = reminders()
    Shift.objects.filter(pk=row.object_id).update(
        starts_at=timezone.now() + timedelta(days=1, hours=1),
        ends_at=timezone.now() + timedelta(days=1, hours=2),
    )
    assert get_kind(VISIT_REMINDER).stale(Shift.objects.get(pk=row.object_id), row) == "The shift moved."


def test_the_messages_page_describes_the_shift_in_words(world, tomorrow_visit):
    visit_reminders_planner(timezone.now())
    (row,) = reminders()
    shift = get_kind(VISIT_REMINDER).load(row.object_id, home_id=world.home.pk)
    described = get_kind(VISIT_REMINDER).describe(shift)
    assert described.startswith("Visit to Peggy, ")
    assert described.endswith("14:00, Garden room")


def test_the_planner_keeps_every_homes_rota(world):
    theirs = cleared_volunteer(world.other_home, full_name="Birch Volunteer")
    agreed_to_uses(world.foreign_resident)
    tomorrow = timezone.localdate() + timedelta(days=1)
    AssignmentFactory(
        volunteer=theirs,
        resident=world.foreign_resident,
        role=theirs.roles.get(),
        weekday=tomorrow.weekday(),
        starts_on=tomorrow,
    )
    assert visit_reminders_planner(timezone.now()) == 1  # Birch's volunteer has an email address
    assert Shift.objects.filter(home=world.other_home).count() >= 4
    (row,) = reminders()
    assert row.home == world.other_home and row.recipient == f"email:{theirs.email}"
