"""Reminders for the improvement plan (evaluation/messages.py): the lead
hears a week before an action is due and the morning after if it is still
open; nothing for actions done, without a lead or led by someone who has left;
running the planner again changes nothing."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from evaluation import services
from evaluation.messages import actions_due_planner, due_times
from evaluation.tests.factories import action_for
from homes.models import Membership
from homes.scoping import home_scope
from notifications import delivery
from notifications.kinds import all_planners
from notifications.models import Reminder

KIND = "evaluation.action_due"


def rows():
    return list(Reminder.objects.filter(kind=KIND).order_by("not_before", "id"))


def deliver_waiting():
    Reminder.objects.filter(status=Reminder.Status.PENDING).update(
        not_before=timezone.now() - timedelta(minutes=1)
    )
    return delivery.deliver(list(Reminder.objects.order_by("id").values_list("pk", flat=True)))


def test_the_lead_is_reminded_before_the_due_date_and_after_it_once_per_stage(world):
    today = timezone.localdate()
    item = action_for(world.home, due_on=today + timedelta(days=5), actor=world.manager.user)
    assert KIND in all_planners()
    assert actions_due_planner(timezone.now()) == 2
    assert actions_due_planner(timezone.now()) == 0  # again: nothing new
    soon, overdue = rows()
    assert (soon.user_id, soon.not_before) == (world.manager.user.pk, due_times(item.due_on)["soon"])
    assert overdue.not_before == due_times(item.due_on)["overdue"]

    Reminder.objects.filter(pk=overdue.pk).delete()  # only the first is due now
    deliver_waiting()
    message = mail.outbox[-1]
    assert message.to == [world.manager.user.email]
    assert "An improvement action you lead is due on" in message.subject
    assert "Start a weekly tea dance with the nursery." in message.body
    assert f"/h/{world.home.slug}/evaluation/plan/{item.pk}/" in message.body


def test_nothing_for_actions_done_without_a_lead_or_led_by_someone_gone(world):
    today = timezone.localdate()
    done = action_for(world.home, due_on=today + timedelta(days=3), actor=world.manager.user)
    with home_scope(world.home):
        services.action_update(
            home=world.home,
            actor=world.manager.user,
            item=done,
            action=done.action,
            due_on=done.due_on,
            owner=done.owner,
            status="done",
        )
        nobody = action_for(world.home, due_on=today + timedelta(days=3), actor=world.manager.user)
        nobody.owner = None
        nobody.save(update_fields=["owner"])
    action_for(world.home, due_on=today + timedelta(days=3), actor=world.champion.user)
    Membership.objects.for_home(world.home).filter(pk=world.champion.pk).update(is_active=False)
    action_for(world.home, due_on=today + timedelta(days=60), actor=world.manager.user)  # not yet
    assert actions_due_planner(timezone.now()) == 0
    assert rows() == []


def test_a_reminder_for_an_action_done_meanwhile_is_not_sent(world):
    today = timezone.localdate()
    item = action_for(world.home, due_on=today + timedelta(days=2), actor=world.manager.user)
    actions_due_planner(timezone.now())
    with home_scope(world.home):
        services.action_update(
            home=world.home,
            actor=world.manager.user,
            item=item,
            action=item.action,
            due_on=item.due_on,
            owner=item.owner,
            status="done",
        )
    deliver_waiting()
    assert not [m for m in mail.outbox if "improvement action" in m.subject]
    assert {r.status for r in rows()} == {Reminder.Status.CANCELLED}
