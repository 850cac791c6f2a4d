"""Messages about meals and activities through the outbox: the invitation,
the receipt for a reply, the reminder the evening before for those coming,
and the cancellation to everyone who had not said no."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from homes.models import Role
from homes.tests.factories import MembershipFactory
from notifications import delivery
from notifications.models import Reminder
from notifications.services import preference_update
from notifications.timing import at_local
from residents.tests.factories import RelativeLinkFactory
from visits.models import EventReply
from visits.services.events import event_cancel, event_invite, event_reply

Status = Reminder.Status
Answer = EventReply.Answer


def day():
    return timezone.localdate() + timedelta(days=3)


@pytest.fixture
def sam(world):
    """A second relative of Peggy's."""
    membership = MembershipFactory(home=world.home, role=Role.FAMILY, user__full_name="Sam Baxter")
    RelativeLinkFactory(resident=world.resident, membership=membership, relationship="grandson")
    return membership


@pytest.fixture
def lunch(world, sam, django_capture_on_commit_callbacks):
    start = at_local(day(), 12, 30)
    with django_capture_on_commit_callbacks(execute=True):
        (event,), _ = event_invite(
            home=world.home,
            actor=world.staff.user,
            residents=[world.resident],
            kind="meal",
            title="Sunday lunch",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            place="Dining room",
        )
    return event


def reply_of(event, membership):
    return EventReply.objects.get(event=event, membership=membership)


def answer(world, membership, reply, value, *, adults=0, children=0):
    return event_reply(
        home=world.home,
        actor=membership.user,
        membership=membership,
        reply=reply,
        answer=value,
        adults=adults,
        children=children,
    )


def test_each_relative_is_invited_once(world, sam, lunch):
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.relative.user.email, sam.user.email])
    message = next(m for m in mail.outbox if m.to == [world.relative.user.email])
    assert message.subject == "You're invited: Sunday lunch with Peggy at Rowan House"
    reply = reply_of(lunch, world.relative)
    assert reverse("visits:event_reply", args=[world.home.slug, reply.pk]) in message.body
    assert "Dining room" in message.body and "12:30 to 14:30" in message.body
    assert "Stop reminders like this" in message.body
    invitations = Reminder.objects.filter(kind="visits.event_invitation")
    assert invitations.count() == 2
    assert {r.expires_at for r in invitations} == {lunch.starts_at}
    assert delivery.deliver(list(invitations.values_list("pk", flat=True)))["skipped"] == 2
    assert len(mail.outbox) == 2


def test_a_reply_gets_a_receipt_and_a_yes_gets_a_reminder(world, lunch, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    reply = reply_of(lunch, world.relative)
    with django_capture_on_commit_callbacks(execute=True):
        answer(world, world.relative, reply, Answer.YES, adults=2, children=1)
    (receipt,) = mail.outbox
    assert receipt.subject == "Thank you for your reply: Sunday lunch"
    assert "We've noted 2 adults and 1 child for Sunday lunch." in receipt.body
    (evening,) = Reminder.objects.filter(kind="visits.event_reminder")
    assert evening.due == at_local(day() - timedelta(days=1), 18)
    assert evening.user == world.relative.user and evening.expires_at == lunch.starts_at

    Reminder.objects.filter(pk=evening.pk).update(not_before=timezone.now() - timedelta(minutes=1))
    delivery.sweep()
    reminder = mail.outbox[-1]
    assert reminder.subject == "Tomorrow: Sunday lunch at Rowan House, 12:30"
    assert "You said you are coming (2 adults and 1 child)" in reminder.body


def test_changing_to_maybe_or_no_drops_the_reminder(world, lunch, django_capture_on_commit_callbacks):
    reply = reply_of(lunch, world.relative)
    answer(world, world.relative, reply, Answer.YES, adults=1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer(world, world.relative, reply, Answer.MAYBE, adults=1)
    assert [m.body.split("\n")[2] for m in mail.outbox] == [
        "We've noted that you might come to Sunday lunch (1 adult)."
    ]
    (evening,) = Reminder.objects.filter(kind="visits.event_reminder")
    assert evening.status == Status.CANCELLED and evening.cancelled_reason == "They no longer plan to come."
    # The first receipt, never sent, is replaced by the latest.
    receipts = Reminder.objects.filter(kind="visits.event_reply").order_by("pk")
    assert [r.status for r in receipts] == [Status.CANCELLED, Status.SENT]
    # Yes again: a fresh reminder.
    answer(world, world.relative, reply, Answer.YES, adults=1)
    assert Reminder.objects.filter(kind="visits.event_reminder", status=Status.PENDING).count() == 1


def test_an_old_receipt_is_not_sent_after_a_newer_answer(world, lunch):
    reply = reply_of(lunch, world.relative)
    answer(world, world.relative, reply, Answer.YES, adults=1)
    first = Reminder.objects.get(kind="visits.event_reply")
    answer(world, world.relative, reply, Answer.NO)
    Reminder.objects.filter(pk=first.pk).update(status=Status.PENDING)  # a late message
    Reminder.objects.filter(kind="visits.event_reply").exclude(pk=first.pk).update(status=Status.CANCELLED)
    mail.outbox.clear()
    assert delivery.deliver([first.pk])["cancelled"] == 1
    assert mail.outbox == []


def test_cancelling_tells_those_who_had_not_said_no_even_with_reminders_off(
    world, sam, lunch, django_capture_on_commit_callbacks
):
    answer(world, world.relative, reply_of(lunch, world.relative), Answer.YES, adults=2)
    answer(world, sam, reply_of(lunch, sam), Answer.NO)
    preference_update(user=world.relative.user, channels=["email"], reminders=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(home=world.home, actor=world.staff.user, event=lunch)
    (message,) = mail.outbox
    assert message.to == [world.relative.user.email]
    assert message.subject == "Cancelled: Sunday lunch at Rowan House"
    assert "has been cancelled" in message.body
    assert not Reminder.objects.filter(kind="visits.event_reminder", status=Status.PENDING).exists()
    Reminder.objects.filter(status=Status.PENDING).update(not_before=timezone.now() - timedelta(minutes=1))
    delivery.sweep()
    assert len(mail.outbox) == 1


def test_no_evening_reminder_for_a_yes_after_six_the_evening_before(
    world, django_capture_on_commit_callbacks
):
    start = timezone.now() + timedelta(hours=2)
    (event,), _ = event_invite(
        home=world.home,
        actor=world.staff.user,
        residents=[world.resident],
        kind="activity",
        title="Singing group",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    answer(world, world.relative, reply_of(event, world.relative), Answer.YES, adults=1)
    assert not Reminder.objects.filter(kind="visits.event_reminder").exists()
    assert Reminder.objects.filter(kind="visits.event_reply").count() == 1
