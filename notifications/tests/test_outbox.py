"""The outbox's own guarantees, with the real database: one row per reminder,
one send per row however often a worker is asked, nothing sent that is no
longer wanted, retries with backoff, failures kept for the manager, quiet
hours for text messages, and the clock changes."""

import datetime
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.tests.factories import UserFactory
from carehome.errors import DomainError
from notifications import delivery, services, sms
from notifications.models import ContactPreference, MessageSettings, Reminder
from notifications.timing import after_quiet_hours, at_local

pytestmark = pytest.mark.django_db

Status = Reminder.Status
KIND = "notifications.test_message"


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def schedule(world, recipients, *, due=None, **extra):
    return services.reminders_schedule(
        home=world.home,
        kind=KIND,
        obj=world.home,
        recipients=recipients,
        due=due or timezone.now() - timedelta(minutes=1),
        **extra,
    )


def ids():
    return list(Reminder.objects.order_by("pk").values_list("pk", flat=True))


def test_the_same_reminder_cannot_be_created_twice(world):
    due = timezone.now() + timedelta(hours=2)
    assert schedule(world, [world.relative.user], due=due) == 1
    schedule(world, [world.relative.user], due=due)  # a planner running again
    assert Reminder.objects.count() == 1
    row = Reminder.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            home=row.home,
            kind=row.kind,
            channel=row.channel,
            recipient=row.recipient,
            user=row.user,
            object_type=row.object_type,
            object_id=row.object_id,
            due=row.due,
            not_before=row.due,
        )


def test_a_cancelled_reminder_can_be_scheduled_again(world):
    due = timezone.now() + timedelta(hours=2)
    schedule(world, [world.relative.user], due=due)
    services.reminders_cancel(obj=world.home, reason="The visit moved.")
    schedule(world, [world.relative.user], due=due)  # moved back to the first time
    assert sorted(Reminder.objects.values_list("status", flat=True)) == ["cancelled", "pending"]


def test_a_reminder_is_sent_once_however_often_a_worker_is_asked(world):
    schedule(world, [world.relative.user, "claire@example.org"])
    first = delivery.deliver(ids())
    again = delivery.deliver(ids())  # a redelivered or duplicated Celery message
    assert first["sent"] == 2
    assert again == {**again, "sent": 0, "skipped": 2}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["claire@example.org", world.relative.user.email])
    assert all(r.status == Status.SENT and r.sent_at for r in Reminder.objects.all())
    linda = Reminder.objects.get(user=world.relative.user)
    message = next(m for m in mail.outbox if m.to == [world.relative.user.email])
    assert message.extra_headers["Message-ID"] == f"<reminder-{linda.pk}@localhost>"
    assert "Hello Linda" in message.body


def test_a_batch_records_each_message_sent_with_its_own_address_and_time(world):
    """Sent rows are recorded 25 at a time, in one statement: each keeps its own
    address and moment, and a row another worker holds is left alone."""
    schedule(world, [f"person{n}@example.org" for n in range(30)])
    held = Reminder.objects.order_by("pk").last()
    other_claim = "5f0c8a1e-8a83-4f4e-9a57-2f1c5b7b0a11"
    Reminder.objects.filter(pk=held.pk).update(status=Status.SENDING, claim=other_claim)
    before = timezone.now()
    result = delivery.deliver(ids())
    assert result["sent"] == 29
    rows = Reminder.objects.exclude(pk=held.pk)
    assert {row.status for row in rows} == {Status.SENT}
    assert sorted(row.address for row in rows) == sorted(
        f"person{n}@example.org" for n in range(30) if held.recipient != f"email:person{n}@example.org"
    )
    assert all(before <= row.sent_at <= timezone.now() and row.claim is None for row in rows)
    assert len({row.sent_at for row in rows}) > 1  # each its own moment, not the batch's
    held.refresh_from_db()
    assert (held.status, str(held.claim), held.sent_at) == (Status.SENDING, other_claim, None)


def test_the_booking_and_its_reminders_commit_or_roll_back_together(
    world, django_capture_on_commit_callbacks
):
    with pytest.raises(RuntimeError), transaction.atomic():
        schedule(world, [world.relative.user])
        raise RuntimeError("the booking failed after the reminder was made")
    assert Reminder.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            schedule(world, [world.relative.user])
    # Due now: handed to a worker as soon as the transaction commits.
    assert Reminder.objects.get().status == Status.SENT
    assert len(mail.outbox) == 1


def schedule_fresh(world, *, due=None):
    """The messages about something made in this transaction (a visit just booked)."""
    message = services.Message(kind=KIND, due=due or timezone.now() - timedelta(minutes=1))
    return services.reminders_schedule_messages(
        home=world.home, obj=world.home, recipients=[world.relative.user], messages=[message], fresh=True
    )


def test_a_new_things_messages_go_to_a_worker_on_commit_and_the_sweeper_leaves_them(
    world, django_capture_on_commit_callbacks
):
    handed = []
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            schedule_fresh(world)
            # Marked handed out as they are written: a sweep at commit does not send them again.
            assert Reminder.objects.get().queued_at is not None
    assert delivery.sweep(publish=handed.append)["handed_out"] == 0
    assert handed == []
    for callback in callbacks:
        callback()
    assert Reminder.objects.get().status == Status.SENT
    assert len(mail.outbox) == 1


def test_a_new_things_messages_the_broker_refused_are_sent_by_the_next_sweep(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    from notifications.tasks import deliver  # noqa: PLC0415

    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(deliver, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            schedule_fresh(world)
    assert Reminder.objects.get().queued_at is None  # waiting again, not lost
    monkeypatch.undo()
    assert delivery.sweep()["handed_out"] == 1
    assert Reminder.objects.get().status == Status.SENT
    assert len(mail.outbox) == 1


def test_a_new_things_reminder_for_later_is_left_to_the_sweeper(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            schedule_fresh(world, due=timezone.now() + timedelta(hours=1))
    row = Reminder.objects.get()
    assert (row.status, row.queued_at) == (Status.PENDING, None)
    assert mail.outbox == []


def test_a_reminder_that_is_not_due_yet_waits_for_the_sweeper(world):
    schedule(world, [world.relative.user], due=timezone.now() + timedelta(hours=1))
    assert delivery.sweep()["handed_out"] == 0
    assert delivery.deliver(ids())["skipped"] == 1  # a worker cannot jump the queue either
    Reminder.objects.update(not_before=timezone.now() - timedelta(seconds=1))
    assert delivery.sweep()["handed_out"] == 1
    assert Reminder.objects.get().status == Status.SENT
    assert len(mail.outbox) == 1


def test_the_sweeper_does_not_hand_out_the_same_rows_every_minute(world, settings):
    schedule(world, [world.relative.user])
    handed = []
    assert delivery.sweep(publish=handed.append)["handed_out"] == 1
    assert delivery.sweep(publish=handed.append)["handed_out"] == 0  # still in the broker
    # The broker lost the message (Redis restarted with nothing on disk): handed out again later.
    Reminder.objects.update(queued_at=timezone.now() - timedelta(seconds=settings.NOTIFY_REQUEUE_AFTER + 1))
    assert delivery.sweep(publish=handed.append)["handed_out"] == 1
    assert handed == [ids(), ids()]


def test_a_broker_outage_releases_the_rows_for_the_next_sweep(world):
    schedule(world, [world.relative.user])

    def broker_down(batch):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    assert delivery.sweep(publish=broker_down)["handed_out"] == 0
    assert Reminder.objects.get().queued_at is None
    assert delivery.sweep()["handed_out"] == 1
    assert len(mail.outbox) == 1


def test_the_reaper_returns_rows_a_dead_worker_left_sending(world, settings):
    schedule(world, [world.relative.user])
    long_ago = timezone.now() - timedelta(seconds=settings.NOTIFY_SENDING_TIMEOUT + 5)
    assert delivery.claim(ids()[0], timezone.now())
    Reminder.objects.update(claimed_at=long_ago)  # the worker was killed mid-send
    assert delivery.deliver(ids())["skipped"] == 1  # another worker cannot take it while it is "sending"
    result = delivery.sweep()
    assert result["reaped"] == 1
    row = Reminder.objects.get()
    assert row.status == Status.SENT
    assert row.attempts == 2
    assert len(mail.outbox) == 1


def test_a_late_worker_cannot_overwrite_a_newer_attempt(world):
    schedule(world, [world.relative.user])
    reminder = Reminder.objects.get()
    old_claim = delivery.claim(reminder.pk, timezone.now())
    Reminder.objects.update(status=Status.PENDING, claim=None)  # reaped
    new_claim = delivery.claim(reminder.pk, timezone.now())
    assert old_claim != new_claim
    assert delivery._finish(reminder, old_claim, status=Status.FAILED) == 0
    assert Reminder.objects.get().status == Status.SENDING


class FlakyBackend:
    """An SMTP server that answers with ``error`` a given number of times."""

    failures = 0
    error = None

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        if FlakyBackend.failures:
            FlakyBackend.failures -= 1
            raise FlakyBackend.error
        mail.outbox.extend(messages)
        return len(messages)


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = "notifications.tests.test_outbox.FlakyBackend"
    yield FlakyBackend
    FlakyBackend.failures = 0


def test_a_server_that_is_down_is_tried_again_with_backoff_then_given_up(world, settings, flaky_mail):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    flaky_mail.failures = 10
    flaky_mail.error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    schedule(world, [world.relative.user])
    waits = []
    for _ in range(3):
        before = timezone.now()
        delivery.deliver(ids())
        row = Reminder.objects.get()
        if row.status == Status.PENDING:
            waits.append(round((row.not_before - before).total_seconds() / 60))
            Reminder.objects.update(not_before=timezone.now() - timedelta(seconds=1))
    assert waits == [1, 2]
    row = Reminder.objects.get()
    assert row.status == Status.FAILED
    assert row.attempts == 3
    assert "Gave up after 3 tries" in row.last_error
    assert mail.outbox == []


def test_a_temporary_error_then_success_sends_once(world, flaky_mail):
    flaky_mail.failures = 1
    flaky_mail.error = smtplib.SMTPResponseException(451, b"4.3.0 Try again later")
    schedule(world, [world.relative.user])
    assert delivery.deliver(ids())["retry"] == 1
    Reminder.objects.update(not_before=timezone.now() - timedelta(seconds=1))
    assert delivery.deliver(ids())["sent"] == 1
    assert len(mail.outbox) == 1
    assert Reminder.objects.get().last_error == ""


def test_a_refused_address_fails_at_once_and_the_manager_can_try_again(
    world, flaky_mail, django_capture_on_commit_callbacks
):
    flaky_mail.failures = 1
    flaky_mail.error = smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"5.1.1 mailbox unavailable")})
    schedule(world, [world.relative.user])
    assert delivery.deliver(ids())["failed"] == 1
    row = Reminder.objects.get()
    assert row.status == Status.FAILED
    assert "mailbox unavailable" in row.last_error
    with django_capture_on_commit_callbacks(execute=True):
        services.reminder_retry(home=world.home, actor=world.manager.user, reminder_id=row.pk)
    row.refresh_from_db()
    assert row.status == Status.SENT  # tasks run in-process in tests; a worker in production
    assert len(mail.outbox) == 1
    with pytest.raises(DomainError, match="not waiting"):
        services.reminder_retry(home=world.home, actor=world.manager.user, reminder_id=row.pk)
    with pytest.raises(Reminder.DoesNotExist):
        services.reminder_retry(home=world.other_home, actor=world.outsider.user, reminder_id=row.pk)


def test_a_broken_template_fails_the_row_not_the_batch(world, settings, tmp_path):
    schedule(world, [world.relative.user, "claire@example.org"])
    first, second = ids()
    Reminder.objects.filter(pk=first).update(kind="no.such_kind")
    result = delivery.deliver([first, second])
    assert result["failed"] == 1 and result["sent"] == 1
    assert "No message kind" in Reminder.objects.get(pk=first).last_error


def test_nothing_is_sent_after_it_expires(world):
    schedule(world, [world.relative.user], expires_at=timezone.now() + timedelta(minutes=5))
    Reminder.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert delivery.sweep()["expired"] == 1
    assert Reminder.objects.get().cancelled_reason == "Too late to be useful."
    assert mail.outbox == []
    # Already expired when asked: nothing is made.
    assert schedule(world, [world.staff.user], expires_at=timezone.now() - timedelta(minutes=1)) == 0


def test_people_get_messages_by_the_channels_they_chose(world):
    services.preference_update(
        user=world.relative.user, channels=["sms", "post"], phone="07700 900123", postal_address="1 Mill Lane"
    )
    MessageSettings.objects.create(
        home=world.home, quiet_from=datetime.time(0, 0), quiet_until=datetime.time(0, 0)
    )
    schedule(world, [world.relative.user])
    assert sorted(Reminder.objects.values_list("channel", flat=True)) == ["post", "sms"]
    assert delivery.sweep()["handed_out"] == 1  # post is printed by staff, never by a worker
    assert sms.outbox[0]["to"] == "+447700900123"
    assert "text messages to you are working" in sms.outbox[0]["body"]
    assert sms.outbox[0]["key"] == f"kith-reminder-{Reminder.objects.get(channel='sms').pk}"
    letter = Reminder.objects.get(channel="post")
    services.reminder_mark_posted(home=world.home, actor=world.staff.user, reminder_id=letter.pk)
    assert Reminder.objects.get(pk=letter.pk).status == Status.SENT


def test_text_messages_wait_for_the_end_of_quiet_hours(world):
    services.preference_update(user=world.relative.user, channels=["sms"], phone="07700900123")
    day = timezone.localdate() + timedelta(days=3)
    late = at_local(day, 22, 30)
    schedule(world, [world.relative.user], due=late)
    row = Reminder.objects.get()
    assert row.due == late
    assert row.not_before == at_local(day + timedelta(days=1), 8, 0)
    # A home that sets its own hours.
    assert after_quiet_hours(at_local(day, 6, 0), datetime.time(20, 0), datetime.time(9, 30)) == at_local(
        day, 9, 30
    )
    assert after_quiet_hours(at_local(day, 12, 0), datetime.time(20, 0), datetime.time(9, 30)) == at_local(
        day, 12, 0
    )


def test_a_text_claimed_during_quiet_hours_is_put_back_until_morning(world):
    services.preference_update(user=world.relative.user, channels=["sms"], phone="07700900123")
    MessageSettings.objects.create(
        home=world.home, quiet_from=datetime.time(0, 0), quiet_until=datetime.time(23, 59)
    )
    schedule(world, [world.relative.user])
    noon = at_local(timezone.localdate(), 12)  # in those hours (23:59 until midnight is not)
    Reminder.objects.update(not_before=noon - timedelta(minutes=1))  # e.g. a retry drifted
    assert delivery.deliver(ids(), now=noon)["deferred"] == 1
    row = Reminder.objects.get()
    assert row.status == Status.PENDING and row.attempts == 0
    assert timezone.localtime(row.not_before).time() == datetime.time(23, 59)
    assert sms.outbox == []


def test_reminders_are_at_the_right_local_time_across_the_clock_changes():
    # Clocks go back at 02:00 BST on Sunday 31 October 2027.
    assert at_local(datetime.date(2027, 10, 30), 18) == datetime.datetime(
        2027, 10, 30, 17, 0, tzinfo=datetime.UTC
    )
    assert at_local(datetime.date(2027, 10, 31), 8) == datetime.datetime(
        2027, 10, 31, 8, 0, tzinfo=datetime.UTC
    )
    # Clocks go forward at 01:00 GMT on Sunday 28 March 2027; 01:30 does not exist that night.
    assert at_local(datetime.date(2027, 3, 28), 8) == datetime.datetime(
        2027, 3, 28, 7, 0, tzinfo=datetime.UTC
    )
    assert at_local(datetime.date(2027, 3, 28), 1, 30) == datetime.datetime(
        2027, 3, 28, 1, 30, tzinfo=datetime.UTC
    )


def test_quiet_hours_end_at_the_right_time_on_the_night_the_clocks_go_back(world):
    late = at_local(datetime.date(2027, 10, 30), 23, 0)  # 22:00 UTC, BST
    morning = after_quiet_hours(late, datetime.time(21, 0), datetime.time(8, 0))
    assert morning == datetime.datetime(2027, 10, 31, 8, 0, tzinfo=datetime.UTC)  # 08:00 GMT


def test_opting_out_stops_reminders_but_not_essential_messages(world):
    from notifications.kinds import Kind, register

    register(
        Kind(
            name="tests.optional",
            label="Optional",
            model="homes.Home",
            template_dir="messages/notifications.test_message",
        )
    )
    services.preference_update(user=world.relative.user, channels=["email"], reminders=False)
    assert (
        services.reminders_schedule(
            home=world.home,
            kind="tests.optional",
            obj=world.home,
            recipients=[world.relative.user],
            due=timezone.now(),
        )
        == 0
    )
    assert schedule(world, [world.relative.user]) == 1  # essential


def test_opting_out_cancels_waiting_reminders(world):
    from notifications.kinds import Kind, register

    register(
        Kind(
            name="tests.optional",
            label="Optional",
            model="homes.Home",
            template_dir="messages/notifications.test_message",
        )
    )
    services.reminders_schedule(
        home=world.home,
        kind="tests.optional",
        obj=world.home,
        recipients=[world.relative.user],
        due=timezone.now() + timedelta(days=1),
    )
    schedule(world, [world.relative.user], due=timezone.now() + timedelta(days=1))
    services.reminders_stop(subject={"u": world.relative.user.pk})
    statuses = dict(Reminder.objects.values_list("kind", "status"))
    assert statuses == {"tests.optional": "cancelled", KIND: "pending"}
    assert ContactPreference.objects.get(user=world.relative.user).reminders_off


@pytest.mark.parametrize(
    ("channels", "phone", "address", "field", "message"),
    [
        (["fax"], "", "", "channels", "Choose from email, text message or post."),
        ([], "", "", "channels", "Choose at least one way"),
        (["sms"], "", "", "phone", "Enter a mobile number"),
        (["sms"], "not a number", "", "phone", "That is not a phone number"),
        (["sms"], "0770", "", "phone", "not complete"),
        (["sms"], "0161 496 0000", "", "phone", "landline"),
        (["post"], "", "  ", "postal_address", "Enter the address"),
    ],
)
def test_bad_contact_choices_are_refused_with_a_clear_message(  # noqa: PLR0917
    world, channels, phone, address, field, message
):
    with pytest.raises(DomainError) as error:
        services.preference_update(
            user=world.relative.user, channels=channels, phone=phone, postal_address=address
        )
    assert error.value.field == field
    assert message in str(error.value)
    assert not ContactPreference.objects.exists()


def test_an_unknown_channel_or_kind_is_refused(world):
    with pytest.raises(DomainError, match="Choose email, text message or post"):
        schedule(world, [world.relative.user], channel="fax")
    with pytest.raises(DomainError, match="No message kind"):
        services.reminders_schedule(
            home=world.home, kind="visits.nope", obj=world.home, recipients=[], due=timezone.now()
        )


def test_inactive_accounts_get_nothing(world):
    user = UserFactory(is_active=False)
    assert schedule(world, [user]) == 0
