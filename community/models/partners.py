"""Community partners and places around the home.

A ``Partner`` belongs to an organisation's directory: a provider keeps one for
its homes, and a connector charity keeps one for the homes it serves. Each
home that works with a partner keeps its own ``Partnership``: its single point
of contact in the home, the agreement, how often they meet, travel and access
notes from this home, and the history of contact (``PartnerContact``).
A ``Place`` is somewhere nearby worth going (a park, a café, the canal) that
is not a partner: it belongs to one home.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from homes.models import HomeScopedModel, Interest


def location_valid(prefix=""):
    """Both coordinates or neither, each in range."""
    lat, lng = f"{prefix}latitude", f"{prefix}longitude"
    return (Q(**{f"{lat}__isnull": True}) & Q(**{f"{lng}__isnull": True})) | (
        Q(**{f"{lat}__gte": -90, f"{lat}__lte": 90}) & Q(**{f"{lng}__gte": -180, f"{lng}__lte": 180})
    )


class PartnerKind(models.TextChoices):
    SCHOOL = "school", "School"
    NURSERY = "nursery", "Nursery"
    YOUTH_GROUP = "youth_group", "Youth group"
    GARDENING_CLUB = "gardening_club", "Gardening club"
    FAITH_GROUP = "faith_group", "Faith group"
    UNIVERSITY = "university", "University or college"
    LIBRARY = "library", "Library"
    MUSEUM = "museum", "Museum or gallery"
    SPORTS_CLUB = "sports_club", "Sports club"
    COMMUNITY_TRANSPORT = "community_transport", "Community transport"
    CONNECTOR_CHARITY = "connector_charity", "Connector charity"
    BUSINESS = "business", "Local business"
    OTHER = "other", "Other"


class PartnerQuerySet(models.QuerySet):
    def for_home(self, home):
        """The partners a home may work with: its own organisation's directory
        and the directories of the connector charities it uses."""
        from community.models.settings import CommunitySettings

        directories = CommunitySettings.objects.filter(home=home).values("directories")
        return self.filter(
            Q(organisation_id=home.organisation_id) | Q(organisation_id__in=directories)
        ).distinct()

    def active(self):
        return self.filter(is_active=True)


class Partner(models.Model):
    """One organisation, group or business in an organisation's directory."""

    organisation = models.ForeignKey("homes.Organisation", on_delete=models.PROTECT, related_name="partners")
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=30, choices=PartnerKind.choices)
    about = models.TextField("what they do", blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=12, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    contact_name = models.CharField("contact person", max_length=150, blank=True)
    contact_role = models.CharField("their role", max_length=100, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    offers = models.ManyToManyField(
        Interest, blank=True, related_name="partners_offering", verbose_name="what they offer"
    )
    offers_note = models.CharField("what they offer, in words", max_length=300, blank=True)
    would_like = models.ManyToManyField(
        Interest, blank=True, related_name="partners_wanting", verbose_name="what they would like"
    )
    would_like_note = models.CharField("what they would like, in words", max_length=300, blank=True)
    venue_access = models.CharField("access at their venue", max_length=300, blank=True)
    is_active = models.BooleanField("in the directory", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "organisation", Lower("name"), name="community_partner_unique_name_ci_per_organisation"
            ),
            models.CheckConstraint(condition=location_valid(), name="community_partner_location_valid"),
        ]

    def __str__(self):
        return self.name

    def get_additional_data(self):
        # Audit entries of a directory row are read by organisation.
        return {"organisation_id": self.organisation_id}


class Rhythm(models.IntegerChoices):
    """How often a partnership usually meets, in days: beyond it (and a grace
    of half as long again) the partnership is "going cold"."""

    WEEKLY = 7, "Every week"
    FORTNIGHTLY = 14, "Every two weeks"
    MONTHLY = 31, "Every month"
    TERMLY = 92, "Every school term"
    YEARLY = 366, "Once or twice a year"


class Partnership(HomeScopedModel):
    """One home's relationship with one partner."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="partnerships")
    contact = models.ForeignKey(
        "homes.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partnerships",
        verbose_name="our point of contact",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    rhythm = models.PositiveSmallIntegerField(
        "how often we meet", choices=Rhythm.choices, default=Rhythm.MONTHLY
    )
    started_on = models.DateField("working together since", null=True, blank=True)
    agreement = models.TextField("what we agreed", blank=True)
    agreement_review_on = models.DateField("review the agreement on", null=True, blank=True)
    travel_notes = models.CharField("getting there from the home", max_length=300, blank=True)
    access_notes = models.CharField("accessibility notes", max_length=300, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )

    class Meta:
        ordering = ["partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["home", "partner"], name="community_partnership_once_per_home"),
        ]

    def __str__(self):
        return f"{self.partner} with {self.home}"


class PartnerContact(HomeScopedModel):
    """The history of a partnership: a meeting, a call, an email, a visit."""

    class Kind(models.TextChoices):
        MEETING = "meeting", "Meeting"
        CALL = "call", "Phone call"
        EMAIL = "email", "Email or letter"
        VISIT = "visit", "Visit"
        ACTIVITY = "activity", "Activity together"
        OTHER = "other", "Other"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="contacts")
    on = models.DateField("date")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["partnership", "-on"])]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.on:%d %b %Y}"


class Place(HomeScopedModel):
    """Somewhere nearby worth going that is not a partner."""

    class Kind(models.TextChoices):
        PARK = "park", "Park or green space"
        WATERSIDE = "waterside", "Waterside, canal or beach"
        CAFE = "cafe", "Café, pub or restaurant"
        SHOP = "shop", "Shops or market"
        WORSHIP = "worship", "Place of worship"
        CULTURE = "culture", "Museum, gallery or theatre"
        LIBRARY = "library", "Library"
        SPORT = "sport", "Sports ground"
        OTHER = "other", "Other"

    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=12, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    interests = models.ManyToManyField(Interest, blank=True, related_name="places")
    travel_notes = models.CharField("getting there from the home", max_length=300, blank=True)
    access_notes = models.CharField("accessibility notes", max_length=300, blank=True)
    notes = models.TextField(blank=True)
    is_active = models.BooleanField("on our list", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("home", Lower("name"), name="community_place_unique_name_ci_per_home"),
            models.CheckConstraint(condition=location_valid(), name="community_place_location_valid"),
        ]

    def __str__(self):
        return self.name
