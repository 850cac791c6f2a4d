"""Named examples from the records (``evaluation.examples``): the period's
moments only, newest first, residents by their initials unless the manager
chooses names, and a fixed number of queries."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from community.tests.factories import (
    ActivityFactory,
    AttendeeFactory,
    OccurrenceFactory,
    PartnerContactFactory,
    StoryFactory,
)
from evaluation import examples
from homes.tests.factories import HomeFactory
from residents.models import Connection, ConsentPurpose, Idea, Response
from residents.tests.factories import (
    ConnectionFactory,
    ConnectionParticipantFactory,
    CoproductionSessionFactory,
    FriendshipFactory,
    IdeaFactory,
    PersonWhoMattersFactory,
    ResidentFactory,
)
from tests.fixtures import agreed_to_uses
from visits.models import RestrictionReview
from visits.tests.factories import VisitRestrictionFactory
from volunteers.models import Shift, Volunteer
from volunteers.tests.factories import ShiftFactory, TrainingRecordFactory, VolunteerFactory

START, END = date(2026, 7, 1), date(2026, 9, 30)


def at(day, hour=11):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def logged(resident, day, note, **fields):
    connection = ConnectionFactory(home=resident.home, occurred_at=at(day), note=note, **fields)
    return ConnectionParticipantFactory(resident=resident, connection=connection)


@pytest.fixture
def home(db):
    home = HomeFactory()
    margaret = ResidentFactory(home=home, full_name="Margaret Ellis", admitted_on=date(2024, 1, 1))
    tom = ResidentFactory(home=home, full_name="Tom O'Hara", admitted_on=date(2024, 1, 1))
    for resident in (margaret, tom):
        agreed_to_uses(resident, purposes=[ConsentPurpose.EVALUATION_EXAMPLES])
    daughter = PersonWhoMattersFactory(resident=margaret, relationship="daughter")
    logged(
        margaret,
        date(2026, 8, 2),
        "Linda brought the photo album from Whitby.",
        with_whom=Connection.WithWhom.PERSON,
        mode=Connection.Mode.IN_PERSON,
        person=daughter,
        with_name="",
    )
    logged(
        margaret,
        date(2026, 9, 12),
        "Saw the new grandson on the tablet.",
        with_whom=Connection.WithWhom.PERSON,
        mode=Connection.Mode.VIDEO,
        person=daughter,
        with_name="",
    )
    logged(
        tom,
        date(2026, 8, 20),
        "Dominoes in the lounge; Tom won twice.",
        with_whom=Connection.WithWhom.RESIDENT,
        mode=Connection.Mode.IN_PERSON,
        other_resident=margaret,
    )
    logged(tom, date(2026, 6, 20), "Before the period: not an example.")
    declined = logged(tom, date(2026, 8, 21), "Said no to the singing.")
    declined.response = Response.DECLINED
    declined.save()
    FriendshipFactory(
        resident_a=margaret, resident_b=tom, started_on=date(2026, 8, 1), notes="Both from Leeds."
    )
    session = CoproductionSessionFactory(home=home, held_on=date(2026, 7, 15), title="Summer outings")
    session.participants.set([margaret, tom])
    IdeaFactory(session=session, status=Idea.Status.DONE, text="The seaside")
    IdeaFactory(session=session, status=Idea.Status.NEW, text="A zoo")
    picnic = OccurrenceFactory(
        activity=ActivityFactory(home=home, title="Picnic in the park", nature=True),
        starts_at=at(date(2026, 8, 10), 13),
        ends_at=at(date(2026, 8, 10), 15),
    )
    for resident in (margaret, tom):
        AttendeeFactory(occurrence=picnic, resident=resident, response=Response.ACTIVE)
    PartnerContactFactory(
        partnership__home=home, on=date(2026, 9, 1), note="Planning the school choir's visit."
    )
    StoryFactory(home=home, title="Whitby in a photo album", created_at=at(date(2026, 8, 3)))
    volunteer = VolunteerFactory(home=home, status=Volunteer.Status.ACTIVE, full_name="Priya Shah")
    ShiftFactory(
        volunteer=volunteer,
        title="Tea trolley",
        starts_at=at(date(2026, 9, 3), 10),
        status=Shift.Status.DONE,
        minutes_given=90,
        hours_confirmed_at=at(date(2026, 9, 4)),
    )
    TrainingRecordFactory(volunteer=volunteer, completed_on=date(2026, 7, 20))
    restriction = VisitRestrictionFactory(
        resident=tom,
        starts_on=date(2026, 8, 1),
        expected_end_on=date(2026, 8, 30),
        next_review_on=date(2026, 8, 8),
    )
    RestrictionReview.objects.create(
        home=home, restriction=restriction, reviewed_on=date(2026, 8, 8), outcome="Lifted for his son."
    )
    return home


def texts(found, key):
    return [e.text for e in found.get(key, [])]


def test_the_periods_moments_with_residents_by_their_initials(home, django_assert_max_num_queries):
    with django_assert_max_num_queries(examples.QUERIES):
        found = examples.examples_for(home, START, END)
    assert texts(found, "visits_per_week") == [
        "M. E. was visited by their daughter: \u201cLinda brought the photo album from Whitby.\u201d"
    ]
    assert texts(found, "technology") == [
        "M. E. had a video call with their daughter: \u201cSaw the new grandson on the tablet.\u201d"
    ]
    assert texts(found, "peers") == [
        "M. E. and T. O.: friends, \u201cBoth from Leeds.\u201d",
        "T. O. spent time with M. E.: \u201cDominoes in the lounge; Tom won twice.\u201d",
    ]
    # Newest first; nothing from before the period, nothing declined.
    assert [e.when for e in found["meaningful_7d"]] == [
        date(2026, 9, 12),
        date(2026, 8, 20),
        date(2026, 8, 2),
    ]
    everything = " ".join(e.text for moments in found.values() for e in moments)
    assert "Before the period" not in everything and "singing" not in everything
    assert "Margaret" not in everything and "Ellis" not in everything  # initials only
    assert texts(found, "coproduction") == ["Summer outings (group discussion): 2 residents, 1 idea taken up"]
    assert texts(found, "activities") == ["Picnic in the park: 2 residents took part"]
    assert texts(found, "intergenerational_nature") == [
        "Picnic in the park: 2 residents took part (in nature)"
    ]
    assert texts(found, "partners")[0].endswith("\u201cPlanning the school choir's visit.\u201d")
    assert texts(found, "stories") == ["\u201cWhitby in a photo album\u201d, shared with families"]
    assert texts(found, "volunteers") == ["Tea trolley: 1 hour 30 minutes given"]
    assert "Priya" not in everything  # volunteers are not named
    assert texts(found, "restrictions") == [
        "Review of T. O.'s visiting restriction: \u201cLifted for his son.\u201d"
    ]
    assert len(texts(found, "training")) == 1


def test_the_manager_may_choose_full_names(home):
    found = examples.examples_for(home, START, END, names=True)
    assert texts(found, "peers")[0] == "Margaret Ellis and Tom O'Hara: friends, \u201cBoth from Leeds.\u201d"


def test_another_period_or_home_has_none_of_them(home):
    june = examples.examples_for(home, date(2026, 6, 1), date(2026, 6, 30))
    assert {key: texts(june, key) for key in june} == {
        key: ["T. O.: Singing group: \u201cBefore the period: not an example.\u201d"]
        for key in ("connections_by_kind", "meaningful_7d")
    }
    assert examples.examples_for(HomeFactory(), START, END) == {}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Margaret Ellis", "M. E."),
        ("Tom O'Hara", "T. O."),
        ("Mary Anne de Souza", "M. S."),
        ("", "a resident"),
    ],
)
def test_initials(name, expected):
    assert examples.initials(name) == expected


def test_a_resident_without_consent_to_examples_is_in_none(home):
    """Withdrawing consent to evaluation examples takes someone out of every
    example at once; a moment with another resident calls them "another resident"."""
    from residents.models import Consent, Resident

    tom = Resident.objects.get(home=home, full_name="Tom O'Hara")
    Consent.objects.filter(resident=tom, purpose=ConsentPurpose.EVALUATION_EXAMPLES).update(
        withdrawn_at=timezone.now()
    )
    found = examples.examples_for(home, date(2026, 7, 1), date(2026, 9, 30), names=True)
    every = [e.text for kind in found.values() for e in kind]
    assert every and not any("Tom" in text or "T. O." in text for text in every)
