import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from homes.models import HomeScopedModel


class Visit(HomeScopedModel):
    """A reserved visit or call. Booking never gates visiting: it reserves a
    space, a meal, the home's tablet or a member of staff's time."""

    class Kind(models.TextChoices):
        VISIT = "visit", "Visit"
        VIDEO_CALL = "video_call", "Video call"
        PHONE_CALL = "phone_call", "Phone call"

    class Meal(models.TextChoices):
        NONE = "none", "No meal"
        LUNCH = "lunch", "Lunch"
        TEA = "tea", "Afternoon tea"
        EVENING = "evening", "Evening meal"

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="visits")
    booked_by = models.ForeignKey(
        "homes.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="visits_booked"
    )
    visitor_name = models.CharField("visitor's name", max_length=150)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.VISIT)
    space = models.ForeignKey(
        "homes.Space", on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # The time the space is held, including its buffer either side. Stored so
    # PostgreSQL can refuse an overlapping booking (an exclusion constraint).
    blocked_from = models.DateTimeField()
    blocked_until = models.DateTimeField()
    # The same held range in the home's one table of holds, where PostgreSQL
    # keeps visits, activities and community groups from overlapping.
    hold = models.OneToOneField(
        "homes.SpaceHold", on_delete=models.SET_NULL, null=True, blank=True, related_name="visit"
    )
    visitors = models.PositiveSmallIntegerField("number of visitors", default=1)
    meal = models.CharField(max_length=10, choices=Meal.choices, default=Meal.NONE)
    accessibility_needs = models.CharField("accessibility needs", max_length=300, blank=True)
    note = models.TextField(blank=True)
    support_needed = models.BooleanField("a member of staff helps with the call", default=False)
    supporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    sequence = models.PositiveIntegerField(default=0, help_text="Calendar revision: +1 on each change.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["home", "starts_at"]),
            models.Index(fields=["resident", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="visits_visit_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(blocked_from__lte=F("starts_at")) & Q(blocked_until__gte=F("ends_at")),
                name="visits_visit_blocked_covers_visit",
            ),
            models.CheckConstraint(
                condition=Q(visitors__gte=1, visitors__lte=20), name="visits_visit_visitors_range"
            ),
            # The exclusion constraint "no two booked visits hold one space at
            # overlapping times" is PostgreSQL-only: see migration 0002.
        ]

    def __str__(self):
        return f"{self.get_kind_display()} with {self.resident} on {self.starts_at:%d %b %Y %H:%M}"


class CalendarFeed(HomeScopedModel):
    """A secret, revocable address of a relative's visits as a calendar."""

    membership = models.ForeignKey(
        "homes.Membership", on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["membership"], condition=Q(revoked_at__isnull=True), name="visits_feed_one_live"
            ),
        ]
