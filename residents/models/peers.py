from django.conf import settings
from django.db import models
from django.db.models import F, Q

from homes.models import HomeScopedModel
from residents.models.resident import Resident


class Friendship(HomeScopedModel):
    """Two residents who enjoy each other's company, or a buddy for someone new.

    Stored once per pair, with the lower id first."""

    class Kind(models.TextChoices):
        FRIEND = "friend", "Friends"
        BUDDY = "buddy", "Buddy for a new resident"

    resident_a = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="+")
    resident_b = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FRIEND)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    notes = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resident_a__lt=F("resident_b")), name="residents_friendship_ordered"
            ),
            models.UniqueConstraint(
                fields=["resident_a", "resident_b", "kind"],
                condition=Q(ended_on__isnull=True),
                name="residents_friendship_once",
            ),
        ]


class SupportFlag(HomeScopedModel):
    """Someone who may need extra support: e.g. a friend has left or died."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="support_flags")
    reason = models.CharField(max_length=300)
    about = models.ForeignKey(Resident, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    raised_on = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-raised_on", "-id"]
        indexes = [models.Index(fields=["home", "resolved_on"])]
