from datetime import timedelta

import factory
from django.utils import timezone

from residents.tests.factories import ResidentFactory
from visits.models import (
    DoorCode,
    EventInvitation,
    EventReply,
    FamilyContribution,
    SharedUpdate,
    Visit,
    VisitingInfo,
    VisitRestriction,
)


def _tomorrow_at(hour):
    day = timezone.localdate() + timedelta(days=1)
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, hour, 0))


class VisitingInfoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitingInfo
        django_get_or_create = ["home"]

    parking = "Free parking at the front; two blue-badge bays by the door."


class VisitFactory(factory.django.DjangoModelFactory):
    """A booked visit tomorrow 14:00–15:00 (pass ``space`` to hold one)."""

    class Meta:
        model = Visit

    resident = factory.SubFactory(ResidentFactory)
    home = factory.SelfAttribute("resident.home")
    visitor_name = "Linda Baxter"
    starts_at = factory.LazyFunction(lambda: _tomorrow_at(14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    blocked_from = factory.LazyAttribute(lambda o: o.starts_at - timedelta(minutes=15))
    blocked_until = factory.LazyAttribute(lambda o: o.ends_at + timedelta(minutes=15))


class EventInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventInvitation

    resident = factory.SubFactory(ResidentFactory)
    home = factory.SelfAttribute("resident.home")
    kind = EventInvitation.Kind.MEAL
    title = "Sunday lunch"
    starts_at = factory.LazyFunction(lambda: _tomorrow_at(12))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))


class EventReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventReply

    event = factory.SubFactory(EventInvitationFactory)
    home = factory.SelfAttribute("event.home")
    membership = None


class SharedUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SharedUpdate

    resident = factory.SubFactory(ResidentFactory)
    home = factory.SelfAttribute("resident.home")
    text = "Peggy sang every song at the singing group this morning."


class DoorCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DoorCode

    code = "4721"
    valid_from = factory.LazyFunction(timezone.now)


class VisitRestrictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitRestriction

    resident = factory.SubFactory(ResidentFactory)
    home = factory.SelfAttribute("resident.home")
    reason = "An outbreak of norovirus on the first floor."
    alternatives_considered = "Window visits; video calls; visits in the garden room."
    people_involved = "Home manager, GP, Peggy's daughter Linda."
    starts_on = factory.LazyFunction(timezone.localdate)
    expected_end_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    next_review_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=3))


class FamilyContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyContribution

    resident = factory.SubFactory(ResidentFactory)
    home = factory.SelfAttribute("resident.home")
    membership = None
    kind = FamilyContribution.Kind.ABOUT_ME
    text = "Mum won the village show for her Victoria sponge three years running."
