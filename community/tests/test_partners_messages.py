"""A partnership going cold: one message to its contact per cold spell, made
by the planner however often it runs; stale once contact is recorded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.messages.partners import PARTNER_COLD, partner_cold_plan
from community.models import Partnership, Rhythm
from community.tests.factories import PartnerContactFactory, PartnershipFactory
from notifications.delivery import compose
from notifications.kinds import get_kind
from notifications.models import Reminder
from notifications.timing import at_local

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def cold_partnership(world, **fields):
    partnership = PartnershipFactory(
        home=world.home,
        partner__name="Kirkby Library",
        rhythm=Rhythm.WEEKLY,
        contact=world.champion,
        **fields,
    )
    PartnerContactFactory(partnership=partnership, on=TODAY() - timedelta(days=20))
    return partnership


def test_one_message_per_cold_spell_to_the_contact(world):
    partnership = cold_partnership(world)
    now = timezone.now()
    assert partner_cold_plan(now) == 1
    assert partner_cold_plan(now) == 0
    assert partner_cold_plan(now + timedelta(hours=1)) == 0
    reminder = Reminder.objects.get(kind=PARTNER_COLD)
    cold_on = TODAY() - timedelta(days=20) + timedelta(days=11)
    assert reminder.user == world.champion.user
    assert reminder.object_id == partnership.pk
    assert reminder.due == at_local(cold_on, 9)
    assert reminder.data == {"cold_since": cold_on.isoformat()}
    assert get_kind(PARTNER_COLD).stale(partnership, reminder) == ""


def test_stale_once_contact_is_recorded_and_a_new_spell_gets_its_own(world):
    partnership = cold_partnership(world)
    partner_cold_plan(timezone.now())
    first = Reminder.objects.get(kind=PARTNER_COLD)
    PartnerContactFactory(partnership=partnership, on=TODAY())
    assert "Contact has been recorded" in get_kind(PARTNER_COLD).stale(partnership, first)
    assert partner_cold_plan(timezone.now()) == 0  # warm again
    later = timezone.now() + timedelta(days=12)
    assert partner_cold_plan(later) == 1  # cold again, a later date
    assert Reminder.objects.filter(kind=PARTNER_COLD).count() == 2


def test_paused_is_stale_and_warm_or_paused_partnerships_get_nothing(world):
    partnership = cold_partnership(world)
    partner_cold_plan(timezone.now())
    reminder = Reminder.objects.get(kind=PARTNER_COLD)
    Partnership.objects.filter(pk=partnership.pk).update(
        status=Partnership.Status.PAUSED, notes="Closed for works"
    )
    partnership.refresh_from_db()
    assert "paused" in get_kind(PARTNER_COLD).stale(partnership, reminder)
    warm = PartnershipFactory(home=world.home, rhythm=Rhythm.MONTHLY)
    PartnerContactFactory(partnership=warm, on=TODAY())
    assert partner_cold_plan(timezone.now()) == 0


def test_with_no_contact_the_managers_hear(world):
    partnership = cold_partnership(world)
    Partnership.objects.filter(pk=partnership.pk).update(contact=None)
    partner_cold_plan(timezone.now())
    assert [r.user for r in Reminder.objects.filter(kind=PARTNER_COLD)] == [world.manager.user]


def test_the_message_reads_well(world):
    partnership = cold_partnership(world)
    partner_cold_plan(timezone.now())
    reminder = Reminder.objects.select_related("home").get(kind=PARTNER_COLD)
    composed = compose(reminder)
    assert composed.subject == "Kirkby Library: no contact for a while"
    assert "The last contact with Kirkby Library was on" in composed.text
    assert "You usually meet every week" in composed.text
    assert f"/h/{world.home.slug}/community/partners/{partnership.pk}/" in composed.html
    assert "point of contact at Rowan House" in composed.text


def test_a_new_point_of_contact_gets_the_message_and_the_old_ones_goes_stale(world):
    partnership = cold_partnership(world)
    now = timezone.now()
    partner_cold_plan(now)
    old = Reminder.objects.get(kind=PARTNER_COLD)
    partnership.contact = world.staff
    partnership.save()
    assert get_kind(PARTNER_COLD).stale(partnership, old) == "The partnership has a new point of contact."
    assert partner_cold_plan(now) == 1
    assert Reminder.objects.filter(kind=PARTNER_COLD, user=world.staff.user).exists()
