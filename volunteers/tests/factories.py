"""Factories for volunteers. ``cleared_volunteer`` makes one with everything
their role needs, in date: the starting point for tests that take one thing away."""

from datetime import date, time, timedelta

import factory
from django.utils import timezone

from carehome.timeutils import add_months
from homes.tests.factories import HomeFactory, MembershipFactory
from residents.tests.factories import ResidentFactory
from volunteers.models import (
    Assignment,
    Availability,
    BackgroundCheck,
    CheckLevel,
    Driver,
    Reference,
    Shift,
    TrainingModule,
    TrainingRecord,
    Volunteer,
    VolunteerRole,
    VolunteerSettings,
)


def module(slug):
    return TrainingModule.objects.get(slug=slug)


class VolunteerSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VolunteerSettings

    home = factory.SubFactory(HomeFactory)


class VolunteerRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VolunteerRole

    home = factory.SubFactory(HomeFactory)
    name = factory.Sequence(lambda n: f"Befriender {n}")
    check_level = CheckLevel.ENHANCED_BARRED
    references_needed = 2


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer
        skip_postgeneration_save = True

    home = factory.SubFactory(HomeFactory)
    full_name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"volunteer{n}@example.org")
    phone = "07700 900123"
    over_16 = True
    consent_to_checks = True
    status = Volunteer.Status.APPLIED

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.set(extracted)


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    volunteer = factory.SubFactory(VolunteerFactory)
    home = factory.SelfAttribute("volunteer.home")
    name = factory.Faker("name", locale="en_GB")
    relationship = "former employer"
    email = factory.Sequence(lambda n: f"referee{n}@example.org")
    requested_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=20))


class DbsCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BackgroundCheck

    volunteer = factory.SubFactory(VolunteerFactory)
    home = factory.SelfAttribute("volunteer.home")
    scheme = BackgroundCheck.Scheme.DBS
    level = CheckLevel.ENHANCED_BARRED
    certificate_number = factory.Sequence(lambda n: f"{n:012d}")
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=100))
    valid_until = factory.LazyAttribute(lambda o: o.issued_on + timedelta(days=3 * 365))


class PvgCheckFactory(DbsCheckFactory):
    scheme = BackgroundCheck.Scheme.PVG
    level = ""
    certificate_number = ""
    membership_number = factory.Sequence(lambda n: f"{n:016d}")
    valid_until = factory.LazyAttribute(lambda o: add_months(o.issued_on, 60))  # 29 February: 28 February


class TrainingRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingRecord

    volunteer = factory.SubFactory(VolunteerFactory)
    home = factory.LazyAttribute(lambda o: (o.volunteer or o.member).home)
    member = None
    module = factory.LazyFunction(lambda: module("induction"))
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))


class AvailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Availability

    volunteer = factory.SubFactory(VolunteerFactory)
    home = factory.LazyAttribute(lambda o: (o.volunteer or o.driver).home)
    driver = None
    weekday = 1
    starts_at = time(13, 0)
    ends_at = time(17, 0)


def cleared_volunteer(home, *, role=None, **fields):
    """An active volunteer with everything ``role`` (made if not given) needs:
    identity, two satisfactory references, the check for the home's nation,
    induction and each training module of the role, all in date."""
    role = role or VolunteerRoleFactory(home=home, name="Befriender")
    volunteer = VolunteerFactory(home=home, status=Volunteer.Status.ACTIVE, roles=[role], **fields)
    today = timezone.localdate()
    volunteer.identity_checked_on = today - timedelta(days=60)
    volunteer.identity_documents = "Passport"
    volunteer.interviewed_on = today - timedelta(days=60)
    volunteer.save()
    for _ in range(2):
        ReferenceFactory(volunteer=volunteer, received_on=today - timedelta(days=10), satisfactory=True)
    if home.nation == "scotland":
        PvgCheckFactory(volunteer=volunteer)
    else:
        DbsCheckFactory(volunteer=volunteer)
    TrainingRecordFactory(volunteer=volunteer, module=module("induction"))
    for needed in role.training.all():
        if needed.slug != "induction":
            TrainingRecordFactory(volunteer=volunteer, module=needed, expires_on=today + timedelta(days=365))
    return volunteer


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    volunteer = factory.SubFactory(VolunteerFactory)
    home = factory.SelfAttribute("volunteer.home")
    resident = factory.SubFactory(ResidentFactory, home=factory.SelfAttribute("..home"))
    role = factory.SubFactory(VolunteerRoleFactory, home=factory.SelfAttribute("..home"))
    weekday = 1
    starts_at = time(14, 0)
    minutes = 60
    starts_on = factory.LazyFunction(timezone.localdate)


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    volunteer = factory.SubFactory(VolunteerFactory)
    home = factory.SelfAttribute("volunteer.home")
    title = "Tea trolley"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))


class DriverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Driver
        skip_postgeneration_save = True

    volunteer = factory.SubFactory(VolunteerFactory)
    member = None
    home = factory.LazyAttribute(lambda o: (o.volunteer or o.member).home)
    licence_categories = factory.LazyFunction(lambda: ["B", "D1"])
    licence_checked_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    drives_minibus = True

    @factory.post_generation
    def driving_role(self, create, extracted, **kwargs):
        """A volunteer driver holds a role that drives (what it needs is what a
        ``cleared_volunteer`` has); ``driving_role=False`` leaves them without one."""
        if not create or self.volunteer_id is None or extracted is False:
            return
        if not self.volunteer.roles.filter(drives=True).exists():
            role = VolunteerRole.objects.filter(home=self.home, name="Volunteer driver").first()
            role = role or VolunteerRoleFactory(home=self.home, name="Volunteer driver", drives=True)
            self.volunteer.roles.add(role)


__all__ = [
    "AssignmentFactory",
    "AvailabilityFactory",
    "DbsCheckFactory",
    "DriverFactory",
    "HomeFactory",
    "MembershipFactory",
    "PvgCheckFactory",
    "ReferenceFactory",
    "ShiftFactory",
    "TrainingRecordFactory",
    "VolunteerFactory",
    "VolunteerRoleFactory",
    "VolunteerSettingsFactory",
    "cleared_volunteer",
    "date",
]
