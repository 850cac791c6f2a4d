from django.conf import settings
from django.db import models
from django.db.models import Q

from homes.models import HomeScopedModel


class EventInvitation(HomeScopedModel):
    """Staff invite a resident's people to a meal or an activity."""

    class Kind(models.TextChoices):
        MEAL = "meal", "A meal"
        ACTIVITY = "activity", "An activity"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=150, help_text="e.g. “Sunday lunch”, “Summer garden party”")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=150, blank=True)
    message = models.TextField(blank=True)
    resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="event_invitations",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="visits_event_ends_after"
            ),
        ]

    def __str__(self):
        return self.title


class EventReply(HomeScopedModel):
    """One invited relative's answer."""

    class Answer(models.TextChoices):
        WAITING = "waiting", "Not answered yet"
        YES = "yes", "Yes"
        NO = "no", "No"
        MAYBE = "maybe", "Maybe"

    event = models.ForeignKey(EventInvitation, on_delete=models.CASCADE, related_name="replies")
    membership = models.ForeignKey("homes.Membership", on_delete=models.CASCADE, related_name="event_replies")
    answer = models.CharField(max_length=10, choices=Answer.choices, default=Answer.WAITING)
    adults = models.PositiveSmallIntegerField(default=0)
    children = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(max_length=300, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "membership"], name="visits_reply_once"),
            models.CheckConstraint(
                condition=Q(adults__lte=20, children__lte=20), name="visits_reply_numbers"
            ),
        ]


class SharedUpdate(HomeScopedModel):
    """News about a resident that staff chose to share with their family."""

    resident = models.ForeignKey(
        "residents.Resident", on_delete=models.CASCADE, related_name="shared_updates"
    )
    text = models.TextField()
    # Only of a resident whose live consent to photos being shared with
    # families of the home is in the consent register (PHOTOS_FAMILY, with
    # PHOTOS_HOME), when shared and again each time it is shown or served to a
    # relative; served by a permission-checked view.
    photo = models.ImageField(upload_to="visits/updates/%Y/", blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["resident", "-created_at"])]
