"""A relative's "My relatives" page: for each person, the news the home
shared, their next visits and invitations, and quick ways to book and to
tell the home about them — in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from homes.tests.factories import SpaceFactory
from residents.models import ConsentPurpose
from residents.tests.factories import RelativeLinkFactory, ResidentFactory
from tests.fixtures import agreed_to_uses
from tests.html import main_text
from visits.models import EventReply, Visit
from visits.tests.factories import (
    EventInvitationFactory,
    EventReplyFactory,
    SharedUpdateFactory,
    VisitFactory,
)


def page_url(world):
    return reverse("residents:family", args=[world.home.slug])


def add_person(world, name):
    resident = ResidentFactory(home=world.home, full_name=name)
    link = RelativeLinkFactory(resident=resident, membership=world.relative, relationship="niece")
    agreed_to_uses(resident, news_to=[link], purposes=[ConsentPurpose.NEWS_FAMILY])
    SharedUpdateFactory(resident=resident, text=f"{name} planted sweet peas.")
    VisitFactory(resident=resident, booked_by=world.relative)
    EventReplyFactory(event=EventInvitationFactory(resident=resident), membership=world.relative)
    return resident


def test_each_person_has_news_visits_invitations_and_ways_to_book(world, client_for):
    SpaceFactory(home=world.home, name="Tablet", kind="tablet")
    SharedUpdateFactory(resident=world.resident, text="Peggy sang at the singing group.")
    SharedUpdateFactory(resident=world.unlinked_resident, text="Arthur's private news.")
    visit = VisitFactory(resident=world.resident, booked_by=world.relative, space=world.space)
    VisitFactory(resident=world.resident, booked_by=world.relative, status=Visit.Status.CANCELLED)
    reply = EventReplyFactory(
        event=EventInvitationFactory(resident=world.resident, title="Sunday lunch"), membership=world.relative
    )
    EventReplyFactory(
        event=EventInvitationFactory(resident=None, home=world.home, title="Summer fair"),
        membership=world.relative,
        answer=EventReply.Answer.YES,
    )
    response = client_for(world.relative).get(page_url(world))
    assert response.status_code == 200
    text = main_text(response)
    html = response.content.decode()
    assert "Soon you will be able" not in text
    assert "Peggy sang at the singing group." in text
    assert "Arthur's private news." not in text
    assert "Visit with Peggy" in text and "Garden room" in text
    assert reverse("visits:visit_detail", args=[world.home.slug, visit.pk]) in html
    assert "Sunday lunch" in text and "Waiting for your reply." in text
    assert reverse("visits:event_reply", args=[world.home.slug, reply.pk]) in html
    assert "Invitations from Rowan House" in text and "Summer fair" in text
    book = reverse("visits:book", args=[world.home.slug])
    assert f'href="{book}?resident={world.resident.pk}"' in html
    assert f'href="{book}?resident={world.resident.pk}&amp;kind=video_call"' in html
    assert "Tell us about Peggy" in text
    assert reverse("visits:contribution_add", args=[world.home.slug, world.resident.pk]) in html


def test_a_quiet_page_says_what_to_expect(world, client_for):
    text = main_text(client_for(world.relative).get(page_url(world)))
    assert "No news yet. When the team shares news about Peggy" in text
    assert "Nothing booked. You are welcome to visit at any time." in text
    assert "Book a call" not in text  # the home has no tablet or phone to book


def test_only_the_newest_news_and_visits_show(world, client_for):
    for days in range(5):
        update = SharedUpdateFactory(resident=world.resident, text=f"News number {days}.")
        update.created_at = timezone.now() - timedelta(days=days)
        update.save(update_fields=["created_at"])
    text = main_text(client_for(world.relative).get(page_url(world)))
    assert "News number 0." in text and "News number 2." in text
    assert "News number 3." not in text


@pytest.mark.parametrize("people", [1, 4])
def test_the_page_takes_the_same_queries_however_many_people(
    world, client_for, django_assert_max_num_queries, people
):
    for n in range(people):
        add_person(world, f"Person {n}")
    client = client_for(world.relative)
    with django_assert_max_num_queries(9):
        response = client.get(page_url(world))
    assert response.status_code == 200
    assert "Person 0 planted sweet peas." in main_text(response)


@pytest.mark.parametrize("shared", [True, False])
def test_a_news_photo_shows_only_with_consent_to_share_it(world, client_for, shared):
    purposes = [ConsentPurpose.PHOTOS_HOME]
    if shared:
        purposes.append(ConsentPurpose.PHOTOS_FAMILY)
    agreed_to_uses(world.resident, purposes=purposes)
    update = SharedUpdateFactory(
        resident=world.resident, text="Peggy in the garden.", photo="visits/updates/x.jpg"
    )
    html = client_for(world.relative).get(page_url(world)).content.decode()
    photo_url = reverse("visits:update_photo", args=[world.home.slug, update.pk])
    assert (f'src="{photo_url}"' in html) is shared
