"""The shared fixture set, in the spirit of healthchecks' BaseTestCase.

For each test: a home with a manager, a champion, a staff member, a volunteer
and a relative linked to one resident; and an outsider who belongs to another
home that has its own resident and space.
"""

import importlib
from dataclasses import dataclass
from datetime import time, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from carehome.timeutils import local_datetime
from homes.models import Interest, Role
from homes.scoping import crossing_homes
from homes.tests.factories import HomeFactory, MembershipFactory, SpaceFactory
from residents.tests.factories import RelativeLinkFactory, ResidentFactory


@dataclass
class World:
    home: object
    other_home: object
    manager: object
    champion: object
    staff: object
    volunteer: object
    relative: object
    outsider: object
    resident: object
    unlinked_resident: object
    foreign_resident: object
    space: object
    foreign_space: object
    connector: object = None  # a connector charity's member of staff serving the home

    def member(self, role):
        return {
            "manager": self.manager,
            "champion": self.champion,
            "staff": self.staff,
            "volunteer": self.volunteer,
            "connector": self.connector,
            "family": self.relative,
            "outsider": self.outsider,
        }[role]


@pytest.fixture(autouse=True)
def test_body_crosses_homes():
    """A test's own set-up and assertions read every home's rows; the code under
    test does not: each request opens its home's scope (strict in tests, see
    homes/scoping.py), and so does each task and command."""
    with crossing_homes("a test's own set-up and assertions"):
        yield


def restore_reference_rows():
    """Put back the rows data migrations make (the shared interest list, the
    training modules and the inspection frameworks), which a flushing test
    removes. Three queries when they are there."""
    rows = []
    for migration in ("0003_interest_taxonomy", "0007_interest_model_making"):
        taxonomy = importlib.import_module(f"homes.migrations.{migration}").INTERESTS
        rows += [
            Interest(name=name, category=category) for category, names in taxonomy.items() for name in names
        ]
    Interest.objects.bulk_create(rows, ignore_conflicts=True)
    from volunteers.models import TrainingModule

    modules = importlib.import_module("volunteers.migrations.0002_training_modules").MODULES
    TrainingModule.objects.bulk_create(
        [
            TrainingModule(
                slug=slug,
                name=name,
                description=description,
                valid_months=months,
                for_staff=staff,
                for_volunteers=volunteers,
                order=order * 10,
            )
            for order, (slug, name, description, months, staff, volunteers) in enumerate(modules)
        ],
        ignore_conflicts=True,
    )
    from evaluation.loader import load_shipped
    from evaluation.models import Framework

    if not Framework.objects.exists():  # the inspection frameworks (evaluation 0002)
        load_shipped()


@pytest.fixture(autouse=True)
def interest_taxonomy(request):
    """The shared interest list (and the training modules) come from data migrations; tests that flush
    the database (browser journeys) would lose it for the tests after them.
    Put it back for every test that uses the database."""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if not uses_db:
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    restore_reference_rows()


def agreed_to_uses(resident, *, news_to=(), purposes=None):
    """Live consents for ``resident``: to volunteers' visits and evaluation
    examples, and to news for the ``news_to`` relative links if any."""
    from residents.models import Consent, ConsentGivenBy, ConsentPurpose

    if purposes is None:
        purposes = [ConsentPurpose.VOLUNTEER_VISITS, ConsentPurpose.EVALUATION_EXAMPLES]
        if news_to:
            purposes.append(ConsentPurpose.NEWS_FAMILY)
    made = []
    for purpose in purposes:
        consent = Consent.objects.create(
            home_id=resident.home_id,
            resident=resident,
            purpose=purpose,
            given_by=ConsentGivenBy.RESIDENT,
            given_on=resident.admitted_on,
        )
        if purpose == ConsentPurpose.NEWS_FAMILY:
            consent.relatives.set(news_to)
        made.append(consent)
    return made


@pytest.fixture
def world(db):
    home = HomeFactory(name="Rowan House", slug="rowan")
    other = HomeFactory(name="Birch Court", slug="birch")
    relative = MembershipFactory(home=home, role=Role.FAMILY, user__full_name="Linda Baxter")
    resident = ResidentFactory(home=home, full_name="Margaret Baxter", preferred_name="Peggy")
    link = RelativeLinkFactory(resident=resident, membership=relative)
    unlinked = ResidentFactory(home=home, full_name="Arthur Hughes")
    # Both agreed to volunteers' visits and to evaluation examples, and Peggy
    # to news for Linda (not to photos: the photo tests record what they need).
    agreed_to_uses(resident, news_to=[link])
    agreed_to_uses(unlinked)
    return World(
        home=home,
        other_home=other,
        manager=MembershipFactory(home=home, role=Role.MANAGER, user__full_name="Ruth Adeyemi"),
        champion=MembershipFactory(home=home, role=Role.CHAMPION),
        staff=MembershipFactory(home=home, role=Role.STAFF, user__full_name="Aisha Bello"),
        volunteer=MembershipFactory(home=home, role=Role.VOLUNTEER),
        relative=relative,
        outsider=MembershipFactory(home=other, role=Role.MANAGER, user__full_name="Iain Outsider"),
        resident=resident,
        unlinked_resident=unlinked,
        foreign_resident=ResidentFactory(home=other, full_name="Doris Foreign"),
        space=SpaceFactory(home=home, name="Garden room"),
        foreign_space=SpaceFactory(home=other, name="Other lounge"),
        connector=MembershipFactory(home=home, role=Role.CONNECTOR, user__full_name="Cara Connector"),
    )


@pytest.fixture
def wednesday_morning():
    """The clock at 10:00 home time on the Wednesday of this week, running on
    from there. For tests of what "now", "today" and "this week" mean, which
    would otherwise depend on when the suite runs: late on a Sunday (now plus a
    few hours is next week; a week's nudge stops at 23:59), just after midnight
    (an hour ago is yesterday), or the hour the clocks go forward (an hour ago
    does not exist)."""
    today = timezone.localdate()
    wednesday = today - timedelta(days=today.weekday()) + timedelta(days=2)
    with time_machine.travel(local_datetime(wednesday, time(10, 0)), tick=True):
        yield


@pytest.fixture
def client_for():
    """``client_for(membership_or_user)`` → a test client signed in as them."""

    def make(who):
        user = getattr(who, "user", who)
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def sweep_world(world):
    from homes.tests.factories import InvitationFactory

    invitations = {
        True: InvitationFactory(home=world.home),
        False: InvitationFactory(home=world.other_home),
    }
    world.invitation = lambda own: invitations[own]
    return world
