from datetime import date

import factory

from homes.tests.factories import HomeFactory
from residents.models import RelativeLink, Resident


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
