"""The demo tells the community story the issue asks for: a dozen partners
around each home (one going cold), a weekly programme, a fishing trip with
its approved risk assessment and a driver, a nursery visit, a gardening
morning, attendance with responses, a story with consented photos and one
photo hidden from families, and a choir using the lounge."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from community import rules
from community.models import (
    Activity,
    Attendee,
    CommunitySettings,
    Occurrence,
    Partner,
    Partnership,
    StoryPhoto,
)
from community.selectors import partners as partner_selectors
from community.selectors import stories as story_selectors
from homes.models import Home, SpaceHold
from homes.scoping import crossing_homes
from tests.fixtures import restore_reference_rows


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), crossing_homes("the test reads every home's demo data"):
        restore_reference_rows()  # an earlier test may have flushed the data migrations' rows
        call_command("seed_demo", "--quiet", "--i-know-this-is-not-production")
        yield list(Home.objects.order_by("id"))
        call_command("flush", "--noinput")


pytestmark = pytest.mark.django_db


def test_a_dozen_partners_of_different_kinds_around_each_home_one_going_cold(demo):
    for home in demo:
        partners = list(Partner.objects.for_home(home))
        assert len(partners) >= 10, home  # in its directories, most of them worked with already
        assert len({p.kind for p in partners}) >= 6, home
        assert Partnership.objects.filter(home=home).count() >= 8, home
        cold = [p for p in partner_selectors.partners_page(home)["partnerships"] if p.cold_since]
        assert len(cold) >= 1, home


def test_a_weekly_programme_with_a_nursery_visit_a_gardening_morning_and_a_choir_in_the_lounge(demo):
    home = demo[0]
    weekly = Activity.objects.filter(home=home, repeats=Activity.Repeats.WEEKLY)
    assert weekly.filter(intergenerational=True, partnership__partner__kind="nursery").exists()
    assert weekly.filter(nature=True, title__icontains="garden").exists()
    choir = weekly.get(kind=Activity.Kind.VENUE)
    assert choir.space.name == "Lounge"
    assert SpaceHold.objects.filter(
        home=home, space=choir.space, held_for=SpaceHold.HeldFor.VENUE, released_at__isnull=True
    ).exists()


def test_a_fishing_trip_confirmed_with_an_approved_risk_assessment_and_a_driver(demo):
    home = demo[0]
    coming = (
        Occurrence.objects.filter(
            home=home,
            activity__title__icontains="fishing",
            status=Occurrence.Status.CONFIRMED,
            starts_at__gt=timezone.now(),
        )
        .select_related("activity__risk_assessment", "driver")
        .first()
    )
    assert coming is not None and coming.driver is not None
    assert coming.activity.risk_assessment.is_approved
    assert coming.activity.idea is not None
    assert rules.confirm_blockers(coming) == []


def test_attendance_with_responses_is_in_the_connection_log(demo):
    home = demo[0]
    past = Occurrence.objects.filter(home=home, connection__isnull=False).first()
    assert past is not None
    responses = set(
        Attendee.objects.filter(occurrence=past).exclude(response="").values_list("response", flat=True)
    )
    assert len(responses) >= 2
    assert past.connection.participants.count() >= 2


def test_a_story_with_consented_photos_and_one_hidden_from_families(demo):
    home = demo[0]
    photos = list(StoryPhoto.objects.filter(home=home))
    judged = story_selectors.judge(home, photos)
    assert any(p.allowed[story_selectors.USE_FAMILY] for p in judged)
    hidden = [
        p for p in judged if p.allowed[story_selectors.USE_HOME] and not p.allowed[story_selectors.USE_FAMILY]
    ]
    assert hidden, "a photo of a resident who withdrew consent for families"


def test_rowan_house_publishes_its_programme(demo):
    assert CommunitySettings.objects.get(home=demo[0]).publish_programme
