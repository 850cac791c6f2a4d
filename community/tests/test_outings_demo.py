"""The demo's outings: last week's fishing trip with attendance in the
connection log and its idea done; next week's confirmed, with Kwame driving,
residents invited and their families; a canal trip not confirmed (no driver),
which the dashboard panel shows. Idempotent."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from community.demo import outings
from community.models import Activity, Occurrence
from community.selectors.outings import outings_not_confirmed
from residents.models import Idea, Resident
from residents.tests.factories import CoproductionSessionFactory, ResidentFactory
from volunteers.models import TrainingRecord
from volunteers.tests.factories import DriverFactory, VolunteerFactory, cleared_volunteer

pytestmark = pytest.mark.django_db


def test_the_demo_outings_tell_the_fishing_story(world):
    today = timezone.localdate()
    for _ in range(6):
        ResidentFactory(home=world.home)
    CoproductionSessionFactory(home=world.home)
    kwame = cleared_volunteer(world.home, full_name="Kwame Asante")
    DriverFactory(
        volunteer=kwame,
        licence_categories=["B"],
        drives_minibus=False,
        drives_own_car=True,
        insurance_expires_on=today + timedelta(days=200),
        vehicle_check_expires_on=today + timedelta(days=200),
    )  # not yet for the minibus
    VolunteerFactory(home=world.home)
    residents = list(Resident.objects.for_home(world.home).order_by("pk"))
    args = {"home": world.home, "residents": residents, "staff": [world.staff.user], "today": today}

    outings.seed(**args, rng=random.Random("outings"))
    outings.seed(**args, rng=random.Random("outings"))  # idempotent

    fishing = Activity.objects.get(home=world.home, title=outings.FISHING)
    assert fishing.idea.text == outings.IDEA and fishing.idea.status == Idea.Status.DONE
    assert fishing.risk_assessment.is_approved and fishing.risk_assessment.hazards.count() == 5
    past, coming = fishing.occurrences.order_by("starts_at")
    assert past.connection is not None and past.connection.participants.count() == 4
    assert coming.status == Occurrence.Status.CONFIRMED and coming.driver.volunteer == kwame
    assert TrainingRecord.objects.filter(volunteer=kwame, module__slug="midas").exists()
    assert coming.attendees.count() >= 3 and coming.family_events.exists()
    assert timezone.localdate(coming.starts_at) == today + timedelta(days=7)

    waiting = outings_not_confirmed(world.home)
    assert [(o.activity.title, [b.message for b in o.blockers]) for o in waiting] == [
        ("Canal boat trip", ["No driver is booked for the minibus"])
    ]
