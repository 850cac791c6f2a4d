"""A relative approved as a regular visitor is told they can see the door
code in Kith: one essential message per chosen channel, with the link to the
door-code page and never the code."""

from django.core import mail
from django.urls import reverse

from notifications.delivery import deliver
from notifications.models import Channel, ContactPreference, Reminder
from residents.models import RelativeLink
from visits.services.access import regular_visitor_set
from visits.tests.factories import DoorCodeFactory

KIND = "visits.regular_visitor_approved"


def set_approved(world, approved=True):
    link = RelativeLink.objects.get(membership=world.relative)
    regular_visitor_set(home=world.home, actor=world.manager.user, link_id=link.pk, approved=approved)
    return link


def test_approval_schedules_one_message_per_chosen_channel(world):
    ContactPreference.objects.create(
        user=world.relative.user, by_email=True, by_text=True, phone="07700900123"
    )
    link = set_approved(world)
    rows = Reminder.objects.filter(kind=KIND)
    assert sorted(rows.values_list("channel", flat=True)) == sorted([Channel.EMAIL, Channel.SMS])
    assert {r.object_id for r in rows} == {link.pk}
    assert {r.user_id for r in rows} == {world.relative.user.pk}


def test_approving_again_or_withdrawing_sends_nothing_more(world):
    set_approved(world)
    set_approved(world)
    set_approved(world, approved=False)
    assert Reminder.objects.filter(kind=KIND).count() == 1


def test_the_email_has_the_link_and_never_the_code(world):
    DoorCodeFactory(home=world.home, code="583920")
    set_approved(world)
    (row,) = Reminder.objects.filter(kind=KIND)
    deliver([row.pk])
    (email,) = mail.outbox
    assert email.to == [world.relative.user.email]
    door_page = reverse("visits:my_door_code", args=[world.home.slug])
    html = email.alternatives[0][0]
    assert door_page in email.body and door_page in html
    assert "583920" not in email.subject + email.body + html


def test_a_withdrawn_approval_is_not_announced(world):
    set_approved(world)
    set_approved(world, approved=False)
    (row,) = Reminder.objects.filter(kind=KIND)
    assert deliver([row.pk])["cancelled"] == 1
    assert mail.outbox == []
