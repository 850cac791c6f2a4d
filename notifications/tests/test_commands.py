"""`manage.py outbox` shows the state; `manage.py deliver_reminders` sends what is due."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from notifications import services
from notifications.models import Reminder

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
