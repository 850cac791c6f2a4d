from datetime import timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from homes.models import Home, Invitation, Membership, Organisation, Role, Space


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Care Group {n}")
    slug = factory.Sequence(lambda n: f"care-group-{n}")


class HomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Home

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Home {n}")
    slug = factory.Sequence(lambda n: f"home-{n}")
    phone = "01632 960999"
    email = factory.Sequence(lambda n: f"home{n}@example.org")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    home = factory.SubFactory(HomeFactory)
    role = Role.STAFF


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space

    home = factory.SubFactory(HomeFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    kind = Space.Kind.LOUNGE
    capacity = 6


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    home = factory.SubFactory(HomeFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    full_name = "Pat Invitee"
    role = Role.STAFF
    token_nonce = factory.Sequence(lambda n: f"nonce{n:027d}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
