"""Factories for community. ``minibus_driver`` makes a driver who may drive
the minibus today and for the next year; ``approved_outing`` an outing with
an approved risk assessment: the starting points for tests that take one
thing away."""

import io
from datetime import datetime, time, timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from community.models import (
    Activity,
    Attendee,
    CommunitySettings,
    Hazard,
    Occurrence,
    Partner,
    PartnerContact,
    PartnerKind,
    Partnership,
    Place,
    RiskAssessment,
    Story,
    StoryPhoto,
)
from homes.tests.factories import HomeFactory, MembershipFactory
from residents.models import PHOTO_PURPOSES, Consent, ConsentGivenBy, ConsentPurpose
from residents.tests.factories import ResidentFactory
from volunteers.tests.factories import DriverFactory, TrainingRecordFactory, cleared_volunteer, module


def local(day, at):
    return datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


def png_bytes(size=(40, 30), colour=(40, 120, 60)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def png_upload(name="photo.png", size=(40, 30)):
    return SimpleUploadedFile(name, png_bytes(size), content_type="image/png")


class CommunitySettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunitySettings

    home = factory.SubFactory(HomeFactory)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        skip_postgeneration_save = True

    organisation = factory.LazyAttribute(lambda o: HomeFactory().organisation)
    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = PartnerKind.SCHOOL
    contact_name = "Sam Patel"
    email = factory.Sequence(lambda n: f"partner{n}@example.org")
    phone = "0161 496 0000"

    @factory.post_generation
    def offers(self, create, extracted, **kwargs):
        if create and extracted:
            self.offers.set(extracted)


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    home = factory.SubFactory(HomeFactory)
    partner = factory.SubFactory(PartnerFactory, organisation=factory.SelfAttribute("..home.organisation"))
    contact = factory.SubFactory(MembershipFactory, home=factory.SelfAttribute("..home"), role="champion")
    started_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=200))


class PartnerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerContact

    partnership = factory.SubFactory(PartnershipFactory)
    home = factory.SelfAttribute("partnership.home")
    on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    kind = PartnerContact.Kind.CALL
    note = "Talked about the spring term."


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    home = factory.SubFactory(HomeFactory)
    name = factory.Sequence(lambda n: f"Park {n}")
    kind = Place.Kind.PARK


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity
        skip_postgeneration_save = True

    home = factory.SubFactory(HomeFactory)
    title = factory.Sequence(lambda n: f"Activity {n}")
    kind = Activity.Kind.IN_HOME
    capacity = 10
    first_day = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=3))
    starts = time(14, 0)
    ends = time(15, 30)
    on_public_programme = True  # the calendars' tests show it; the form's default is off


class OutingFactory(ActivityFactory):
    title = factory.Sequence(lambda n: f"Fishing trip {n}")
    kind = Activity.Kind.OUTING
    transport = Activity.Transport.MINIBUS
    address = "Hollingworth Lake, Rochdale"
    starts = time(10, 0)
    ends = time(14, 0)


class OccurrenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occurrence

    activity = factory.SubFactory(ActivityFactory)
    home = factory.SelfAttribute("activity.home")
    starts_at = factory.LazyAttribute(lambda o: local(o.activity.first_day, o.activity.starts))
    ends_at = factory.LazyAttribute(lambda o: local(o.activity.first_day, o.activity.ends))
    status = Occurrence.Status.CONFIRMED


class AttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendee

    occurrence = factory.SubFactory(OccurrenceFactory)
    home = factory.SelfAttribute("occurrence.home")
    resident = factory.SubFactory(ResidentFactory, home=factory.SelfAttribute("..home"))


class RiskAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskAssessment

    activity = factory.SubFactory(OutingFactory)
    home = factory.SelfAttribute("activity.home")
    summary = "Six residents, two staff, one volunteer; minibus to the lake."
    emergency_plan = "Ring 999, then the home. First aid kit in the minibus."


class HazardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hazard

    assessment = factory.SubFactory(RiskAssessmentFactory)
    home = factory.SelfAttribute("assessment.home")
    hazard = "Uneven ground by the water"
    who_at_risk = "Residents who walk with a frame"
    controls = "Use the accessible platform; one staff member per two residents near the water."
    level = Hazard.Level.LOW


def approved_outing(home, *, approver=None, **fields):
    """An outing with a risk assessment listing one hazard, approved today."""
    outing = OutingFactory(home=home, **fields)
    assessment = RiskAssessmentFactory(activity=outing)
    HazardFactory(assessment=assessment)
    approver = approver or MembershipFactory(home=home, role="manager").user
    assessment.approved_by = approver
    assessment.approved_at = timezone.now()
    assessment.save()
    return outing


def minibus_driver(home, **fields):
    """A cleared volunteer driver with D1 and MiDAS in date: may drive the minibus."""
    volunteer = cleared_volunteer(home, **fields)
    driver = DriverFactory(volunteer=volunteer, drives_minibus=True, licence_categories=["B", "D1"])
    TrainingRecordFactory(
        volunteer=volunteer, module=module("midas"), expires_on=timezone.localdate() + timedelta(days=365)
    )
    return driver


class StoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Story

    home = factory.SubFactory(HomeFactory)
    title = factory.Sequence(lambda n: f"A good day {n}")
    text = "Everyone came back smiling."
    share_with_families = True


class StoryPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoryPhoto
        skip_postgeneration_save = True

    story = factory.SubFactory(StoryFactory)
    home = factory.SelfAttribute("story.home")
    image = factory.LazyFunction(png_upload)
    description = "Residents by the lake"

    @factory.post_generation
    def residents(self, create, extracted, **kwargs):
        if create and extracted:
            self.residents.set(extracted)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    resident = factory.SubFactory(ResidentFactory)
    home = factory.SelfAttribute("resident.home")
    purpose = ConsentPurpose.PHOTOS_FAMILY
    given_by = ConsentGivenBy.RESIDENT
    given_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))


def consent_all(resident, purposes=PHOTO_PURPOSES):
    """Live consent for each of ``purposes`` (all photo uses by default)."""
    return [ConsentFactory(resident=resident, purpose=p) for p in purposes]
