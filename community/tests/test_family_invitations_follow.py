"""Families invited to a date (through visits' invitations) follow it: a
moved date moves their invitation and its reminder; a cancelled one withdraws
it, and they hear once, from the programme's cancellation."""

from datetime import time, timedelta

from django.utils import timezone

from community.messages import programme as messages
from community.models import Activity
from community.services import programme as services
from notifications.models import Reminder
from visits.messages.common import EVENT_CANCELLED, EVENT_REMINDER
from visits.models import EventReply
from visits.services.events import event_invite, event_reply


def _dated_with_family(world):
    day = timezone.localdate() + timedelta(days=7)
    activity = services.activity_create(
        home=world.home,
        actor=world.staff.user,
        title="Garden party",
        kind=Activity.Kind.IN_HOME,
        space=world.space,
        capacity=20,
        repeats=Activity.Repeats.ONCE,
        first_day=day,
        starts=time(14),
        ends=time(16),
    )
    occurrence = activity.occurrences.get()
    events, _ = event_invite(
        home=world.home,
        actor=world.staff.user,
        residents=[world.resident],
        kind="activity",
        title=activity.title,
        starts_at=occurrence.starts_at,
        ends_at=occurrence.ends_at,
    )
    occurrence.family_events.set(events)
    reply = EventReply.objects.get(event=events[0])
    event_reply(
        home=world.home,
        actor=world.relative.user,
        membership=world.relative,
        reply=reply,
        answer="yes",
        adults=1,
    )
    return occurrence, events[0]


def test_a_moved_date_moves_the_families_invitation_and_its_reminder(world):
    occurrence, event = _dated_with_family(world)
    new_day = timezone.localdate(occurrence.starts_at) + timedelta(days=1)
    services.occurrence_move(
        home=world.home,
        actor=world.staff.user,
        occurrence=occurrence,
        day=new_day,
        starts=time(15),
        ends=time(17),
    )
    event.refresh_from_db()
    occurrence.refresh_from_db()
    assert (event.starts_at, event.ends_at) == (occurrence.starts_at, occurrence.ends_at)
    waiting = Reminder.objects.filter(kind=EVENT_REMINDER, status=Reminder.Status.PENDING)
    assert [timezone.localtime(r.due).date() for r in waiting] == [new_day - timedelta(days=1)]
    # The relative is told once that it moved: by the programme.
    assert (
        Reminder.objects.filter(
            kind=messages.ACTIVITY_CHANGED, recipient=f"user:{world.relative.user.pk}"
        ).count()
        == 1
    )


def test_a_cancelled_date_withdraws_the_invitation_and_the_family_hears_once(world):
    occurrence, event = _dated_with_family(world)
    services.occurrence_cancel(
        home=world.home, actor=world.staff.user, occurrence=occurrence, reason="Rain forecast"
    )
    event.refresh_from_db()
    assert event.cancelled_at is not None
    relative = f"user:{world.relative.user.pk}"
    assert Reminder.objects.filter(kind=messages.ACTIVITY_CANCELLED, recipient=relative).count() == 1
    assert not Reminder.objects.filter(kind=EVENT_CANCELLED).exists()
    assert not Reminder.objects.filter(kind=EVENT_REMINDER, status=Reminder.Status.PENDING).exists()


def test_a_relative_whose_link_is_paused_hears_nothing_more(world):
    occurrence, _event = _dated_with_family(world)
    relative = f"user:{world.relative.user.pk}"
    assert relative in messages.recipients(occurrence)
    link = world.relative.relative_links.get(resident=world.resident)
    link.status = "paused"
    link.save()
    assert relative not in messages.recipients(occurrence)


def test_a_resident_who_leaves_comes_off_the_dates_to_come_and_their_family_invitation_is_withdrawn(world):
    from community.models import Attendee
    from residents.services.residents import resident_leave

    occurrence, event = _dated_with_family(world)
    Attendee.objects.create(home=world.home, occurrence=occurrence, resident=world.resident)
    resident_leave(
        home=world.home,
        actor=world.manager.user,
        resident=world.resident,
        kind="left",
        left_on=timezone.localdate(),
        reason="Moved nearer her son",
    )
    event.refresh_from_db()
    assert event.cancelled_at is not None
    assert not Attendee.objects.filter(resident=world.resident).exists()
    assert f"user:{world.relative.user.pk}" not in messages.recipients(occurrence)
