"""`manage.py outbox` shows the state; `manage.py deliver_reminders` sends what is due."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from notifications import services
from notifications.models import Channel, Outcome, Reminder
from notifications.tests.sweep_messages import reminder_for

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_outbox_shows_counts_failures_and_the_sweeper(world):
    services.reminders_schedule(
        home=world.home,
        kind="notifications.test_message",
        obj=world.home,
        recipients=[world.relative.user, "claire@example.org"],
        due=timezone.now() - timedelta(minutes=5),
    )
    Reminder.objects.filter(recipient="email:claire@example.org").update(
        status="failed", attempts=6, last_error="The mail server refused it: 550 mailbox unavailable"
    )
    text = run("outbox")
    assert "Test message" in text
    assert "The sweeper has never run" in text
    assert "Due and waiting for a worker: 1, the oldest due 5 min ago." in text
    assert "550 mailbox unavailable" in text

    assert "reminders: 1 handed out" in run("deliver_reminders")
    assert len(mail.outbox) == 1
    text = run("outbox", "--home", "rowan")
    assert "Outbox for Rowan House" in text
    assert "Nothing due is waiting" in text
    assert "The sweeper last ran" in text


def test_outbox_refuses_an_unknown_home(world):
    with pytest.raises(CommandError, match="No home has the slug 'nowhere'"):
        run("outbox", "--home", "nowhere")


def test_outbox_names_who_a_failure_was_for_and_why(world):
    reminder_for(
        world.home,
        world.relative.user,
        outcome=Outcome.UNREACHABLE,
        attempts=6,
        last_error="Gave up after 6 tries: timed out.",
    )
    text = run("outbox")
    assert "Test message to Linda Baxter by email" in text
    assert f"user:{world.relative.user.pk}" not in text
    assert "Could not reach the provider after 6 tries. Gave up after 6 tries: timed out." in text


def test_outbox_names_the_address_for_someone_without_an_account(world):
    row = reminder_for(world.home, world.relative.user, outcome=Outcome.REFUSED)
    Reminder.objects.filter(pk=row.pk).update(user=None, recipient="email:dot@example.org")
    text = run("outbox")
    assert "to dot@example.org by email" in text
    assert "The provider refused it." in text


def test_outbox_counts_overdue_and_stuck_with_the_oldest_age(world, settings):
    settings.NOTIFY_OVERDUE_AFTER = 300
    settings.NOTIFY_SENDING_TIMEOUT = 120
    text = run("outbox")
    assert "Overdue (due more than 5 minutes ago, not sent): none." in text
    assert "Stuck (sending for more than 2 minutes): none." in text

    now = timezone.now()
    for minutes in (12, 40):
        late = now - timedelta(minutes=minutes, seconds=5)
        reminder_for(world.home, world.relative.user, status="pending", due=late, not_before=late)
    reminder_for(
        world.home, world.staff.user, status="pending", channel=Channel.POST, due=now - timedelta(hours=5)
    )
    reminder_for(
        world.home, world.staff.user, status="sending", claimed_at=now - timedelta(minutes=7, seconds=5)
    )
    reminder_for(world.home, world.manager.user, status="sending", claimed_at=now - timedelta(seconds=20))
    text = run("outbox", "--home", "rowan")
    assert "Overdue (due more than 5 minutes ago, not sent): 2, the oldest due 40 minutes ago." in text
    assert "Stuck (sending for more than 2 minutes): 1, the oldest sending for 7 minutes" in text
