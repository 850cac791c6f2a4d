"""Who may see a story photo, for each use (cumulative): its image address is
served only through a permission and consent check, answers 404 (never the
bytes) to a relative when anyone in it has not agreed to sharing with
families, to another home and to no session; withdrawing consent hides it
everywhere at once. The "Done when" test sweeps every page a relative can open."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community.models import CommunitySettings
from community.tests.factories import (
    ActivityFactory,
    ConsentFactory,
    OccurrenceFactory,
    StoryFactory,
    StoryPhotoFactory,
    consent_all,
)
from homes.models import Role
from homes.tests.factories import InvitationFactory, MembershipFactory
from residents.models import Consent, ConsentPurpose
from residents.services.consent import consent_withdraw
from residents.tests.factories import ResidentFactory
from tests.html import main_text
from tests.urls_sweep import home_urls, may_see, object_kwargs

HOME, FAMILY, PUBLIC = ConsentPurpose.PHOTOS_HOME, ConsentPurpose.PHOTOS_FAMILY, ConsentPurpose.PHOTOS_PUBLIC


@pytest.fixture(autouse=True)
def scratch_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def image_url(world, photo):
    return reverse("community:photo_image", args=[world.home.slug, photo.pk])


def public_url(world, photo):
    return reverse("programme:photo", args=[world.home.slug, photo.pk])


def photo_of(world, *residents, story=None, **kwargs):
    """A photo of a story shared with families, about a date of an activity on the public programme."""
    if story is None:
        activity = ActivityFactory(home=world.home, on_public_programme=True)
        story = StoryFactory(home=world.home, occurrence=OccurrenceFactory(activity=activity))
    return StoryPhotoFactory(story=story, residents=list(residents), **kwargs)


def is_image(response):
    return response.status_code == 200 and response["Content-Type"].startswith("image/")


def test_staff_see_a_photo_when_everyone_agreed_to_photos_inside_the_home(world, client_for):
    consent_all(world.resident, purposes=[HOME])
    photo = photo_of(world, world.resident)
    response = client_for(world.staff).get(image_url(world, photo))
    assert is_image(response)
    assert b"".join(response.streaming_content)[:4] == b"\x89PNG"  # the factory's picture
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    ted = ResidentFactory(home=world.home, full_name="Ted Morgan")
    consent_all(ted, purposes=[FAMILY, PUBLIC])  # without the home one, these count for nothing
    both = photo_of(world, world.resident, ted)
    assert client_for(world.staff).get(image_url(world, both)).status_code == 404


@pytest.mark.parametrize(
    ("purposes", "expected"),
    [
        ((), (404, 404, 404)),
        ((HOME,), (200, 404, 404)),
        ((FAMILY,), (404, 404, 404)),
        ((HOME, FAMILY), (200, 200, 404)),
        ((HOME, PUBLIC), (200, 404, 404)),
        ((FAMILY, PUBLIC), (404, 404, 404)),
        ((HOME, FAMILY, PUBLIC), (200, 200, 200)),
    ],
)
def test_each_use_needs_the_ones_below_it(world, client_for, purposes, expected):
    staff, family, public = expected
    CommunitySettings.objects.create(home=world.home, publish_programme=True)
    consent_all(world.unlinked_resident, purposes=purposes)
    photo = photo_of(world, world.unlinked_resident)
    assert client_for(world.staff).get(image_url(world, photo)).status_code == staff
    assert client_for(world.relative).get(image_url(world, photo)).status_code == family
    assert Client().get(public_url(world, photo)).status_code == public


def test_the_public_address_needs_the_programme_published(world):
    consent_all(world.resident)
    photo = photo_of(world, world.resident)
    assert Client().get(public_url(world, photo)).status_code == 404
    CommunitySettings.objects.create(home=world.home, publish_programme=True)
    assert is_image(Client().get(public_url(world, photo)))
    other = reverse("programme:photo", args=[world.other_home.slug, photo.pk])
    assert Client().get(other).status_code == 404
    assert Client().get(reverse("programme:photo", args=["no-such-home", photo.pk])).status_code == 404


def test_a_story_not_shared_with_families_shows_them_no_photo_and_stays_off_the_public_page(
    world, client_for
):
    CommunitySettings.objects.create(home=world.home, publish_programme=True)
    consent_all(world.resident)
    private = photo_of(world, world.resident, story=StoryFactory(home=world.home, share_with_families=False))
    assert client_for(world.staff).get(image_url(world, private)).status_code == 200
    assert client_for(world.relative).get(image_url(world, private)).status_code == 404
    assert Client().get(public_url(world, private)).status_code == 404
    family_page = client_for(world.relative).get(reverse("community:family_stories", args=[world.home.slug]))
    assert private.story.title not in family_page.content.decode()
    # Shared with families, but its activity is not on the public programme: families only.
    activity = ActivityFactory(home=world.home, on_public_programme=False)
    story = StoryFactory(home=world.home, occurrence=OccurrenceFactory(activity=activity))
    homely = photo_of(world, world.resident, story=story)
    assert client_for(world.relative).get(image_url(world, homely)).status_code == 200
    assert Client().get(public_url(world, homely)).status_code == 404


def test_volunteers_and_connector_staff_get_no_photo(world, client_for):
    consent_all(world.resident)
    photo = photo_of(world, world.resident)
    for who in (world.volunteer, world.connector):
        response = client_for(who).get(image_url(world, photo))
        assert response.status_code == 403
        assert response["Content-Type"].startswith("text/html")


# --- Done when: a photo without consent for family sharing never reaches a relative --------------


def family_urls(world):
    """Every page of the home a relative may open (the sweep's ids filled in)."""
    urls = []
    for name, (_route, extra) in home_urls().items():
        kwargs = {"home_slug": world.home.slug}
        if extra:
            if name not in object_kwargs():  # tests/test_scoping.py fails for it already
                continue
            kwargs.update(object_kwargs()[name](world, True))
        url = reverse(name, kwargs=kwargs)
        if may_see(name, url, "family"):
            urls.append(url)
    return urls


def test_a_photo_without_family_consent_never_reaches_a_relative(world, client_for):
    invitations = {True: InvitationFactory(home=world.home), False: InvitationFactory(home=world.other_home)}
    world.invitation = lambda own: invitations[own]  # as tests/test_scoping.py's sweep_world
    urls = family_urls(world)  # first: the sweep's ids may record consents of their own
    # Peggy (the relative's own resident) agreed to photos inside the home, not to sharing with families.
    for consent in Consent.objects.filter(resident=world.resident, withdrawn_at__isnull=True).exclude(
        purpose=HOME
    ):
        consent_withdraw(home=world.home, actor=world.manager.user, consent=consent, note="Peggy said no")
    if not Consent.objects.filter(resident=world.resident, purpose=HOME, withdrawn_at__isnull=True).exists():
        consent_all(world.resident, purposes=[HOME])
    Consent.objects.filter(resident=world.unlinked_resident).delete()
    consent_all(world.unlinked_resident)
    hidden = photo_of(world, world.resident, world.unlinked_resident, description="Peggy and Arthur fishing")
    shown = photo_of(world, world.unlinked_resident, description="Arthur by the lake")
    relative = client_for(world.relative)
    seen = 0
    for url in urls:
        response = relative.get(url)
        assert response.status_code < 500, url
        if response.streaming:  # a file (a calendar, the sweep's own photo): not a page
            continue
        page = response.content.decode(errors="replace")
        assert image_url(world, hidden) not in page, url
        assert f"/photos/{hidden.pk}/" not in page, url
        assert "Peggy and Arthur fishing" not in page, url
        seen += 1
    assert seen > 3
    news = relative.get(reverse("community:family_stories", args=[world.home.slug]))
    assert image_url(world, shown) in news.content.decode()  # the page does show allowed photos

    # The image address: 404 to the relative, to another home's member, to no session.
    assert relative.get(image_url(world, hidden)).status_code == 404
    outsider = client_for(world.outsider)
    assert outsider.get(image_url(world, hidden)).status_code == 404
    assert outsider.get(image_url(world, shown)).status_code == 404
    other_relative = MembershipFactory(home=world.other_home, role=Role.FAMILY)
    assert client_for(other_relative).get(image_url(world, shown)).status_code == 404
    # No session: not even a sign-in page (which would say the address exists), a 404.
    for photo in (hidden, shown):
        anonymous = Client().get(image_url(world, photo))
        assert anonymous.status_code == 404
        assert not anonymous.get("Content-Type", "").startswith("image/")
    assert Client().get(public_url(world, hidden)).status_code == 404


def test_withdrawing_consent_hides_a_photo_at_once(world, client_for):
    consent_all(world.resident)
    photo = photo_of(world, world.resident, description="Peggy with her trout")
    relative, staff = client_for(world.relative), client_for(world.staff)
    news_url = reverse("community:family_stories", args=[world.home.slug])
    story_url = reverse("community:story", args=[world.home.slug, photo.story_id])
    assert image_url(world, photo) in relative.get(news_url).content.decode()
    assert is_image(relative.get(image_url(world, photo)))

    family = Consent.objects.get(resident=world.resident, purpose=FAMILY)
    consent_withdraw(home=world.home, actor=world.manager.user, consent=family, note="Peggy said no")

    assert image_url(world, photo) not in relative.get(news_url).content.decode()
    assert relative.get(image_url(world, photo)).status_code == 404
    assert is_image(staff.get(image_url(world, photo)))  # still inside the home
    assert "Not shown to families: Peggy has not agreed" in main_text(staff.get(story_url))

    home = Consent.objects.get(resident=world.resident, purpose=HOME)
    consent_withdraw(home=world.home, actor=world.manager.user, consent=home, note="Peggy said no")
    assert staff.get(image_url(world, photo)).status_code == 404
    response = staff.get(story_url)
    assert image_url(world, photo) not in response.content.decode()
    assert "Hidden: Peggy has not agreed to photos being shown inside the home." in main_text(response)


def test_consent_given_again_shows_it_again(world, client_for):
    consent_all(world.resident, purposes=[HOME])
    old = ConsentFactory(resident=world.resident, purpose=FAMILY)
    consent_withdraw(home=world.home, actor=world.manager.user, consent=old, note="No")
    photo = photo_of(world, world.resident)
    assert client_for(world.relative).get(image_url(world, photo)).status_code == 404
    ConsentFactory(resident=world.resident, purpose=FAMILY, given_on=timezone.localdate() - timedelta(days=1))
    assert is_image(client_for(world.relative).get(image_url(world, photo)))
