"""The demo's consent register and fishing story: most residents agreed to
every use, one through an attorney, one withdrew consent for families last
week; the story's photo with that resident is hidden from families only.
Idempotent."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from community.demo import stories
from community.models import Story, StoryPhoto
from community.selectors.stories import USE_FAMILY, USE_HOME, judge
from community.tests.factories import AttendeeFactory, OccurrenceFactory, OutingFactory
from residents.demo import consent
from residents.models import Consent, ConsentGivenBy, Resident
from residents.tests.factories import ResidentFactory


@pytest.fixture(autouse=True)
def scratch_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def seed_both(world):
    today = timezone.localdate()
    for n in range(12):
        ResidentFactory(home=world.home, admitted_on=today - timedelta(days=60 + n * 30))
    residents = list(Resident.objects.for_home(world.home).order_by("id"))
    trip = OutingFactory(home=world.home, title="Fishing at the lake", first_day=today - timedelta(days=6))
    occurrence = OccurrenceFactory(activity=trip)
    for resident in residents[:6]:
        AttendeeFactory(occurrence=occurrence, resident=resident)
    args = {"home": world.home, "residents": residents, "staff": [world.staff.user], "today": today}
    consent.seed(**args, rng=random.Random("consent"))
    stories.seed(**args, rng=random.Random("stories"))
    return args, occurrence


def test_the_demo_register_and_story(world):
    args, occurrence = seed_both(world)
    rows = Consent.objects.for_home(world.home)
    assert rows.filter(given_by=ConsentGivenBy.ATTORNEY).exclude(power="").exists()
    withdrawn = rows.filter(withdrawn_at__isnull=False)
    assert withdrawn.count() == 1 and withdrawn.get().purpose == "photos_family"
    assert withdrawn.get().withdrawn_at.date() >= timezone.localdate() - timedelta(days=7)

    story = Story.objects.for_home(world.home).get(occurrence=occurrence)
    assert story.went_well
    photos = judge(world.home, StoryPhoto.objects.for_home(world.home).filter(story=story))
    assert len(photos) >= 3
    hidden = [p for p in photos if not p.allowed[USE_FAMILY]]
    assert any(withdrawn.get().resident in p.residents.all() for p in hidden)
    assert all(p.allowed[USE_HOME] for p in photos if withdrawn.get().resident in p.residents.all())
    assert sum(p.allowed[USE_FAMILY] for p in photos) >= 2

    consent.seed(**args, rng=random.Random("again"))
    stories.seed(**args, rng=random.Random("again"))
    assert Story.objects.for_home(world.home).count() == 2
    assert Consent.objects.for_home(world.home).count() == rows.count()
