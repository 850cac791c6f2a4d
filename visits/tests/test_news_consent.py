"""Consent to news (residents.models.ConsentPurpose.NEWS_FAMILY) names the
relatives news about a resident may reach. It is read at the moment of use:
the relatives' pages, the photo's address, each message as it goes, and
sharing itself; withdrawing it stops all of them at once."""

import pytest
from django.urls import reverse

from homes.models import Role
from homes.tests.factories import MembershipFactory
from notifications.models import Reminder
from residents.models import Consent, ConsentPurpose
from residents.services.consent import consent_withdraw
from residents.tests.factories import RelativeLinkFactory
from tests.html import main_text
from visits.messages.family import news_stale
from visits.models import SharedUpdate
from visits.selectors.family import updates_for_family
from visits.tests.factories import SharedUpdateFactory
from visits.tests.test_shared_update_photo import KIND, agree, photo_url, picture, share_url

NEWS = ConsentPurpose.NEWS_FAMILY


def family_page(world):
    return reverse("residents:family", args=[world.home.slug])


def news_consent(world):
    return Consent.objects.get(resident=world.resident, purpose=NEWS, withdrawn_at__isnull=True)


@pytest.fixture
def brother(world):
    """Peggy's brother, linked to her too, whom her consent to news does not name."""
    member = MembershipFactory(home=world.home, role=Role.FAMILY, user__full_name="Tom Baxter")
    RelativeLinkFactory(resident=world.resident, membership=member, relationship="brother")
    return member


def test_news_reaches_only_the_relatives_the_consent_names(world, client_for, brother):
    SharedUpdateFactory(resident=world.resident, text="Peggy sang at lunch.")
    assert [u.text for u in updates_for_family(world.relative)] == ["Peggy sang at lunch."]
    assert "Peggy sang at lunch." in main_text(client_for(world.relative).get(family_page(world)))
    assert updates_for_family(brother) == []
    assert "Peggy sang at lunch." not in main_text(client_for(brother).get(family_page(world)))


def test_withdrawing_consent_to_news_hides_it_everywhere_at_once(world, client_for):
    agree(world.resident)
    from visits.services.family import shared_update_add

    update = shared_update_add(
        home=world.home, actor=world.staff.user, resident=world.resident, text="Peggy sang.", photo=picture()
    )
    linda = client_for(world.relative)
    assert linda.get(photo_url(world, update)).status_code == 200
    consent_withdraw(
        home=world.home,
        actor=world.manager.user,
        consent=news_consent(world),
        note="Peggy, to her key worker",
    )
    assert updates_for_family(world.relative) == []
    assert "Peggy sang." not in main_text(linda.get(family_page(world)))
    assert linda.get(photo_url(world, update)).status_code == 404


def test_messages_go_only_to_named_relatives_and_stop_if_consent_goes(world, client_for, brother):
    client_for(world.staff).post(share_url(world), {"text": "Peggy sang at lunch.", "tell_families": "on"})
    rows = list(Reminder.objects.filter(kind=KIND))
    assert [r.user_id for r in rows] == [world.relative.user.pk]
    update = SharedUpdate.objects.get(resident=world.resident)
    assert news_stale(update, rows[0]) == ""
    consent_withdraw(
        home=world.home,
        actor=world.manager.user,
        consent=news_consent(world),
        note="Peggy, to her key worker",
    )
    assert "no longer names this relative" in news_stale(update, rows[0])


def test_news_cannot_be_shared_without_consent(world, client_for):
    consent_withdraw(
        home=world.home,
        actor=world.manager.user,
        consent=news_consent(world),
        note="Peggy, to her key worker",
    )
    staff = client_for(world.staff)
    page = main_text(staff.get(share_url(world)))
    assert "has no consent recorded for news shared with relatives" in page
    response = staff.post(share_url(world), {"text": "Peggy sang."})
    assert response.status_code == 200
    assert "Peggy has not agreed to news being shared with relatives" in main_text(response)
    assert not SharedUpdate.objects.exists()


def test_the_share_page_names_who_will_see_it(world, client_for, brother):
    page = main_text(client_for(world.staff).get(share_url(world)))
    assert "Linda Baxter" in page and "Tom Baxter" not in page


def test_a_message_waiting_for_a_paused_relative_does_not_go(world, client_for):
    from residents.models import RelativeLink

    client_for(world.staff).post(share_url(world), {"text": "Peggy sang at lunch.", "tell_families": "on"})
    [row] = Reminder.objects.filter(kind=KIND)
    update = SharedUpdate.objects.get(resident=world.resident)
    RelativeLink.objects.filter(membership=world.relative).update(status=RelativeLink.Status.PAUSED)
    assert news_stale(update, row)
