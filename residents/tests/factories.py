from datetime import date

import factory
from django.utils import timezone

from homes.tests.factories import HomeFactory
from residents.models import (
    Connection,
    ConnectionParticipant,
    CoproductionSession,
    Friendship,
    Idea,
    LonelinessMeasure,
    PersonalPlan,
    PersonWhoMatters,
    PlanReview,
    RelativeLink,
    Resident,
    Response,
    SupportFlag,
)


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    home = factory.SubFactory(HomeFactory)
    full_name = factory.Faker("name", locale="en_GB")
    room = factory.Sequence(lambda n: str(n + 1))
    admitted_on = date(2024, 3, 1)


class RelativeLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RelativeLink

    home = factory.SelfAttribute("resident.home")
    resident = factory.SubFactory(ResidentFactory)
    membership = None
    relationship = "daughter"


class PersonalPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonalPlan

    resident = factory.SubFactory(ResidentFactory)
    home = factory.SelfAttribute("resident.home")
    what_matters = "Seeing my grandchildren; the garden in spring."


class PersonWhoMattersFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonWhoMatters

    resident = factory.SubFactory(ResidentFactory)
    home = factory.SelfAttribute("resident.home")
    name = factory.Faker("name", locale="en_GB")
    relationship = "daughter"
    by_phone = True
    contact_every_days = PersonWhoMatters.Frequency.WEEKLY


class PlanReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanReview

    plan = factory.SubFactory(PersonalPlanFactory)
    home = factory.SelfAttribute("plan.home")
    reviewed_on = date(2026, 9, 1)
    snapshot = factory.LazyAttribute(lambda o: {"what_matters": o.plan.what_matters})


class ConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Connection

    home = factory.SubFactory(HomeFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    with_whom = Connection.WithWhom.GROUP
    with_name = "Singing group"
    mode = Connection.Mode.GROUP_ACTIVITY


class ConnectionParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConnectionParticipant

    resident = factory.SubFactory(ResidentFactory)
    home = factory.SelfAttribute("resident.home")
    connection = factory.SubFactory(ConnectionFactory, home=factory.SelfAttribute("..home"))
    occurred_at = factory.SelfAttribute("connection.occurred_at")
    response = Response.ACTIVE


class FriendshipFactory(factory.django.DjangoModelFactory):
    """Pass two residents of one home; they are put in id order."""

    class Meta:
        model = Friendship

    resident_a = factory.SubFactory(ResidentFactory)
    resident_b = factory.SubFactory(ResidentFactory, home=factory.SelfAttribute("..resident_a.home"))
    home = factory.SelfAttribute("resident_a.home")
    started_on = date(2026, 1, 10)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        a, b = kwargs["resident_a"], kwargs["resident_b"]
        if a.pk > b.pk:
            kwargs["resident_a"], kwargs["resident_b"] = b, a
        return super()._create(model_class, *args, **kwargs)


class SupportFlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportFlag

    resident = factory.SubFactory(ResidentFactory)
    home = factory.SelfAttribute("resident.home")
    reason = "Their friend has moved out."
    raised_on = date(2026, 11, 1)


class LonelinessMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LonelinessMeasure

    resident = factory.SubFactory(ResidentFactory)
    home = factory.SelfAttribute("resident.home")
    recorded_on = date(2026, 10, 1)
    lack_companionship = 2
    left_out = 2
    isolated = 1
    direct = LonelinessMeasure.Direct.OCCASIONALLY


class CoproductionSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoproductionSession

    home = factory.SubFactory(HomeFactory)
    held_on = date(2026, 10, 14)
    method = CoproductionSession.Method.GROUP_DISCUSSION
    title = "What shall we do this winter?"


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Idea

    session = factory.SubFactory(CoproductionSessionFactory)
    home = factory.SelfAttribute("session.home")
    text = "A trip to the garden centre"
