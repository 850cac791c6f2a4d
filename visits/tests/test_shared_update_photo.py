"""News shared with families: an optional photo (only of residents whose live
consent to photos being shared with families of the home is in the consent
register), served only to this home's staff and to relatives linked to the
resident while that consent is live; and an optional "Tell the families" tick
that sends linked relatives a "news from the home" message."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carehome.errors import DomainError
from homes.models import Role
from homes.tests.factories import MembershipFactory
from notifications.delivery import deliver
from notifications.models import ContactPreference, Reminder
from residents.models import Consent, ConsentPurpose, RelativeLink
from residents.services.consent import consent_withdraw
from residents.tests.factories import RelativeLinkFactory
from residents.tests.sweep_residents import TINY_PNG
from tests.fixtures import agreed_to_uses
from tests.html import field_error, main_text
from visits.messages.family import news_context
from visits.models import SharedUpdate
from visits.services.family import shared_update_add
from visits.tests.factories import SharedUpdateFactory

KIND = "visits.news_shared"


def picture(name="peggy.png"):
    return SimpleUploadedFile(name, TINY_PNG, content_type="image/png")


HOME, FAMILY = ConsentPurpose.PHOTOS_HOME, ConsentPurpose.PHOTOS_FAMILY


def agree(resident, share=True):
    """Record in the register that ``resident`` agreed to photos being shown
    inside the home and (with ``share``) shared with families of the home."""
    agreed_to_uses(resident, purposes=[HOME, FAMILY] if share else [HOME])


def withdraw(world, purpose=FAMILY):
    consent = Consent.objects.get(resident=world.resident, purpose=purpose, withdrawn_at__isnull=True)
    consent_withdraw(
        home=world.home, actor=world.manager.user, consent=consent, note="Peggy, to her key worker"
    )


def share_url(world, resident=None):
    return reverse("visits:update_add", args=[world.home.slug, (resident or world.resident).pk])


def photo_url(world, update):
    return reverse("visits:update_photo", args=[world.home.slug, update.pk])


@pytest.fixture
def update_with_photo(world):
    agree(world.resident)
    return shared_update_add(
        home=world.home, actor=world.staff.user, resident=world.resident, text="Peggy sang.", photo=picture()
    )


# --- The photo -------------------------------------------------------------------------


def test_staff_share_news_with_a_photo_when_the_resident_agreed(world, client_for):
    agree(world.resident)
    response = client_for(world.staff).post(share_url(world), {"text": "Peggy sang.", "photo": picture()})
    assert response.status_code == 302
    update = SharedUpdate.objects.get(resident=world.resident)
    assert update.photo.name.endswith(".jpg") and "peggy" not in update.photo.name
    page = client_for(world.staff).get(
        reverse("visits:family_links", args=[world.home.slug, world.resident.pk])
    )
    assert photo_url(world, update) in page.content.decode()


def test_no_photo_for_a_resident_whose_consent_does_not_cover_family(world, client_for):
    agree(world.resident, share=False)
    page = client_for(world.staff).get(share_url(world))
    assert 'name="photo"' not in page.content.decode()
    assert "has not agreed to photos being shared with families of the home" in main_text(page)
    consent_page = reverse("residents:consent", args=[world.home.slug, world.resident.pk])
    assert f'href="{consent_page}"' in page.content.decode()
    with pytest.raises(DomainError) as refused:
        shared_update_add(
            home=world.home, actor=world.staff.user, resident=world.resident, text="Hi", photo=picture()
        )
    assert refused.value.field == "photo"
    assert SharedUpdate.objects.count() == 0


def test_a_file_that_is_not_a_picture_is_refused_next_to_the_field(world, client_for):
    agree(world.resident)
    fake = SimpleUploadedFile("notes.png", b"not a picture", content_type="image/png")
    response = client_for(world.staff).post(share_url(world), {"text": "Peggy sang.", "photo": fake})
    assert response.status_code == 200
    assert "JPEG, PNG or WebP" in field_error(response, "photo")
    assert SharedUpdate.objects.count() == 0


def test_the_photo_is_shown_to_staff_and_the_linked_relative(world, client_for, update_with_photo):
    for member in (world.staff, world.manager, world.relative):
        response = client_for(member).get(photo_url(world, update_with_photo))
        assert response.status_code == 200, member
        assert response["Content-Type"] == "image/jpeg"
        assert "private" in response["Cache-Control"]
        b"".join(response.streaming_content)
    dashboard = client_for(world.relative).get(reverse("homes:dashboard", args=[world.home.slug]))
    assert photo_url(world, update_with_photo) in dashboard.content.decode()


def test_a_relative_not_linked_gets_404(world, client_for, update_with_photo):
    stranger = MembershipFactory(home=world.home, role=Role.FAMILY)
    RelativeLinkFactory(resident=world.unlinked_resident, membership=stranger)
    assert client_for(stranger).get(photo_url(world, update_with_photo)).status_code == 404
    RelativeLink.objects.filter(membership=world.relative).update(status=RelativeLink.Status.PAUSED)
    assert client_for(world.relative).get(photo_url(world, update_with_photo)).status_code == 404


def test_another_homes_user_gets_404(world, client_for, update_with_photo):
    assert client_for(world.outsider).get(photo_url(world, update_with_photo)).status_code == 404
    other_url = reverse("visits:update_photo", args=[world.other_home.slug, update_with_photo.pk])
    assert client_for(world.outsider).get(other_url).status_code == 404


def test_a_volunteer_is_refused(world, client_for, update_with_photo):
    volunteer = MembershipFactory(home=world.home, role=Role.VOLUNTEER)
    assert client_for(volunteer).get(photo_url(world, update_with_photo)).status_code == 403


# --- The register decides, at the moment of use ------------------------------------------


def relatives_page(world):
    return reverse("residents:family", args=[world.home.slug])


def dashboard(world):
    return reverse("homes:dashboard", args=[world.home.slug])


@pytest.mark.parametrize("purpose", [FAMILY, HOME], ids=["families", "inside the home"])
def test_withdrawing_consent_to_photos_hides_the_news_photo_at_once(
    world, client_for, update_with_photo, purpose
):
    linda = client_for(world.relative)
    src = f'src="{photo_url(world, update_with_photo)}"'
    assert linda.get(photo_url(world, update_with_photo)).status_code == 200
    assert src in linda.get(relatives_page(world)).content.decode()
    assert src in linda.get(dashboard(world)).content.decode()

    # Families see photos only with both (the register's cumulative rule).
    withdraw(world, purpose)

    assert linda.get(photo_url(world, update_with_photo)).status_code == 404
    for page in (relatives_page(world), dashboard(world)):
        response = linda.get(page)
        assert src not in response.content.decode()
        assert 'class="relative-news-photo"' not in response.content.decode()
        assert 'class="update-photo' not in response.content.decode()
        assert "Peggy sang." in main_text(response)  # the news itself still reaches her
    # The staff still see it, with a word that the family does not.
    staff_page = client_for(world.staff).get(
        reverse("visits:family_links", args=[world.home.slug, world.resident.pk])
    )
    assert src in staff_page.content.decode()
    assert "The family does not see this photo: Peggy has not agreed" in main_text(staff_page)
    # Recorded again, it shows again.
    agreed_to_uses(world.resident, purposes=[purpose])
    assert linda.get(photo_url(world, update_with_photo)).status_code == 200


def test_a_photo_sent_after_consent_was_withdrawn_is_refused_next_to_the_field(world, client_for):
    agree(world.resident)
    staff = client_for(world.staff)
    assert 'name="photo"' in staff.get(share_url(world)).content.decode()
    withdraw(world)  # while the page is open
    response = staff.post(share_url(world), {"text": "Peggy sang.", "photo": picture()})
    assert response.status_code == 200
    assert "Peggy has not agreed to photos being shared with families of the home" in field_error(
        response, "photo"
    )
    assert "Consent page" in field_error(response, "photo")
    assert not SharedUpdate.objects.exists()
    assert not Reminder.objects.filter(kind=KIND).exists()


def test_the_message_promises_a_photo_only_while_families_may_see_it(world, update_with_photo):
    assert news_context(update_with_photo, None)["has_photo"] is True
    withdraw(world)
    assert news_context(update_with_photo, None)["has_photo"] is False


def test_the_old_tick_box_no_longer_lets_a_photo_through(world, client_for):
    from residents.models import Resident

    Resident.objects.filter(pk=world.resident.pk).update(
        photo_consent=True, photo_consent_note="Peggy agreed, 3 March", photo_share_family=True
    )
    world.resident.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        shared_update_add(
            home=world.home, actor=world.staff.user, resident=world.resident, text="Hi", photo=picture()
        )
    assert refused.value.field == "photo"
    update = shared_update_add(home=world.home, actor=world.staff.user, resident=world.resident, text="Hi")
    SharedUpdate.objects.filter(pk=update.pk).update(photo="visits/updates/x.jpg")
    assert client_for(world.relative).get(photo_url(world, update)).status_code == 404


def test_the_relatives_pages_read_the_register_in_their_own_queries(world, client_for):
    """Photos on the relatives' pages cost no query per news item."""
    agree(world.resident)
    linda = client_for(world.relative)

    def count(page):
        with CaptureQueriesContext(connection) as queries:
            response = linda.get(page)
        assert "/visits/family-news/" in response.content.decode()  # the photos are shown
        return len(queries.captured_queries)

    SharedUpdateFactory(resident=world.resident, text="News.", photo="visits/updates/x.jpg")
    small = [count(relatives_page(world)), count(dashboard(world))]
    for n in range(6):
        SharedUpdateFactory(resident=world.resident, text=f"News {n}.", photo="visits/updates/x.jpg")
    assert [count(relatives_page(world)), count(dashboard(world))] == small


# --- Telling the families ----------------------------------------------------------------


def test_tell_the_families_sends_each_linked_relative_a_message(world, client_for):
    cousin = MembershipFactory(home=world.home, role=Role.FAMILY)
    cousin_link = RelativeLinkFactory(resident=world.resident, membership=cousin)
    paused = MembershipFactory(home=world.home, role=Role.FAMILY)
    paused_link = RelativeLinkFactory(
        resident=world.resident, membership=paused, status=RelativeLink.Status.PAUSED
    )
    unnamed = MembershipFactory(home=world.home, role=Role.FAMILY)
    RelativeLinkFactory(resident=world.resident, membership=unnamed)  # not in Peggy's consent to news
    world.resident.consents.get(purpose="news_family").relatives.add(cousin_link, paused_link)
    client_for(world.staff).post(share_url(world), {"text": "Peggy sang at lunch.", "tell_families": "on"})
    rows = Reminder.objects.filter(kind=KIND)
    assert sorted(rows.values_list("user_id", flat=True)) == sorted([world.relative.user.pk, cousin.user.pk])
    deliver(list(rows.values_list("pk", flat=True)))
    assert len(mail.outbox) == 2
    email = next(m for m in mail.outbox if m.to == [world.relative.user.email])
    assert "Peggy sang at lunch." in email.body
    assert "News about Peggy" in email.subject


def test_without_the_tick_nobody_is_told(world, client_for):
    client_for(world.staff).post(share_url(world), {"text": "Peggy sang."})
    assert SharedUpdate.objects.count() == 1
    assert not Reminder.objects.filter(kind=KIND).exists()


def test_news_is_not_essential_so_reminders_off_means_no_message(world):
    ContactPreference.objects.create(user=world.relative.user, reminders_off_at="2026-01-01T00:00Z")
    shared_update_add(
        home=world.home, actor=world.staff.user, resident=world.resident, text="Hi", tell_families=True
    )
    assert not Reminder.objects.filter(kind=KIND).exists()
