from django.conf import settings
from django.db import models

from homes.models import HomeScopedModel, HomeScopedQuerySet, Role


class ResidentQuerySet(HomeScopedQuerySet):
    def for_member(self, membership):
        """The residents this membership may see: all of the home's for staff,
        only linked ones for a relative, none for anyone else."""
        qs = self.filter(home_id=membership.home_id)
        if membership.has_perm("residents.view"):
            return qs
        if membership.role == Role.FAMILY:
            return qs.filter(
                relative_links__membership=membership,
                relative_links__status=RelativeLink.Status.ACTIVE,
            )
        return qs.none()

    def current(self):
        return self.filter(status=Resident.Status.CURRENT)


class Resident(HomeScopedModel):
    class Status(models.TextChoices):
        CURRENT = "current", "Living here"
        HOSPITAL = "hospital", "In hospital"
        LEFT = "left", "Moved out"
        DIED = "died", "Died"

    full_name = models.CharField(max_length=150)
    preferred_name = models.CharField("preferred name", max_length=80, blank=True)
    room = models.CharField(max_length=20, blank=True)
    unit = models.CharField("unit or floor", max_length=60, blank=True)
    admitted_on = models.DateField("admission date")
    key_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_residents",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CURRENT)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        indexes = [models.Index(fields=["home", "status", "full_name"])]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        if self.preferred_name and self.preferred_name not in self.full_name.split():
            return f"{self.full_name} ({self.preferred_name})"
        return self.full_name


class RelativeLink(HomeScopedModel):
    """A family or friend membership linked to a resident they may follow."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    membership = models.ForeignKey(
        "homes.Membership", on_delete=models.CASCADE, related_name="relative_links"
    )
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="relative_links")
    relationship = models.CharField(max_length=60, help_text="e.g. daughter, friend, neighbour")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "resident"], name="residents_relativelink_unique"),
        ]

    def __str__(self):
        return f"{self.membership.user} ({self.relationship}) → {self.resident}"
