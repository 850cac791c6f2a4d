"""The stories list, a story's page, the families' news page and the two
template tags cost the same number of queries with few photos or many."""

from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.tests.factories import (
    OccurrenceFactory,
    OutingFactory,
    StoryFactory,
    StoryPhotoFactory,
    consent_all,
)
from homes.scoping import home_scope
from residents.models import PHOTO_PURPOSES, ConsentPurpose
from residents.tests.factories import ResidentFactory


@pytest.fixture(autouse=True)
def scratch_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def fill(world, photos, *, stories=5, occurrence=None):
    people = [world.resident, world.unlinked_resident]
    for n in range(len(people), 6):
        people.append(ResidentFactory(home=world.home, full_name=f"Resident {n}"))
    for n, person in enumerate(people):
        if not person.consents.exists():
            consent_all(person, purposes=[ConsentPurpose.PHOTOS_HOME] if n % 3 == 0 else PHOTO_PURPOSES)
    made = [StoryFactory(home=world.home, occurrence=occurrence) for _ in range(stories)]
    for n in range(photos):
        StoryPhotoFactory(story=made[n % len(made)], residents=people[n % 4 : n % 4 + 2])


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("name", "who"), [("stories", "staff"), ("family_stories", "relative")])
def test_the_lists_cost_the_same_with_10_or_60_photos(world, client_for, name, who):
    client = client_for(getattr(world, who))
    url = reverse(f"community:{name}", args=[world.home.slug])
    client.get(url)
    fill(world, 10)
    few = count(client, url)
    fill(world, 50, stories=5)
    many = count(client, url)
    assert many <= few <= 20


def test_a_story_page_costs_the_same_with_many_photos(world, client_for):
    client = client_for(world.staff)
    story = StoryFactory(home=world.home)
    url = reverse("community:story", args=[world.home.slug, story.pk])
    client.get(url)
    consent_all(world.resident)
    StoryPhotoFactory(story=story, residents=[world.resident])
    few = count(client, url)
    for _ in range(30):
        StoryPhotoFactory(story=story, residents=[world.resident, ResidentFactory(home=world.home)])
    assert count(client, url) <= few


def render_tag(world, source, **context):
    request = RequestFactory().get("/")
    request.home, request.membership, request.user = world.home, world.staff, world.staff.user
    with home_scope(world.home), CaptureQueriesContext(connection) as ctx:
        html = Template("{% load community_stories %}" + source).render(
            Context({"request": request, "home": world.home, **context})
        )
    return html, len(ctx.captured_queries)


def test_the_tags_cost_at_most_four_queries(world):
    activity = OutingFactory(home=world.home, first_day=timezone.localdate() - timedelta(days=1))
    occurrence = OccurrenceFactory(activity=activity)
    fill(world, 40, stories=6, occurrence=occurrence)
    html, queries = render_tag(world, "{% occurrence_stories occurrence %}", occurrence=occurrence)
    assert queries <= 4 and "Write the story of this day" in html
    html, queries = render_tag(world, "{% went_well_stories activity %}", activity=activity)
    assert queries <= 4 and "Outings that went well" in html
    assert html.count("<article") == 3


def test_the_tags_show_nothing_to_a_connector(world):
    occurrence = OccurrenceFactory(
        activity=OutingFactory(home=world.home, first_day=timezone.localdate() - timedelta(days=1))
    )
    StoryFactory(home=world.home, occurrence=occurrence)
    request = RequestFactory().get("/")
    request.home, request.membership, request.user = world.home, world.connector, world.connector.user
    with home_scope(world.home):
        html = Template(
            "{% load community_stories %}{% occurrence_stories o %}{% went_well_stories %}"
        ).render(Context({"request": request, "o": occurrence}))
    assert html == ""


def test_a_date_to_come_offers_no_story_yet(world):
    occurrence = OccurrenceFactory(activity=OutingFactory(home=world.home))
    html, _ = render_tag(world, "{% occurrence_stories occurrence %}", occurrence=occurrence)
    assert "Write the story" not in html and "Once this date has happened" in html
