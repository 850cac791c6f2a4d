from django.db import models

from homes.models import HomeScopedModel


class PendingFamilyLink(HomeScopedModel):
    """Which resident(s) an emailed family invitation will link the new
    account to, and how. Turned into ``residents.RelativeLink`` rows when the
    invitation is accepted (see visits.services.family)."""

    invitation = models.ForeignKey("homes.Invitation", on_delete=models.CASCADE, related_name="family_links")
    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="+")
    relationship = models.CharField(max_length=60)
    person = models.ForeignKey(
        "residents.PersonWhoMatters", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invitation", "resident"], name="visits_pendinglink_once"),
        ]
