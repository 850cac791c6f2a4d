"""The training register, for volunteers and staff alike."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from homes.models import HomeScopedModel, Membership
from volunteers.models.people import Volunteer


class TrainingModule(models.Model):
    """One shared list of modules (a data migration fills it)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    valid_months = models.PositiveSmallIntegerField(
        "renew after (months)", null=True, blank=True, help_text="Empty: it does not need renewing."
    )
    for_staff = models.BooleanField(default=True)
    for_volunteers = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=50)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class TrainingRecord(HomeScopedModel):
    """Someone completed a module: a volunteer, or a member of staff."""

    module = models.ForeignKey(TrainingModule, on_delete=models.PROTECT, related_name="records")
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, null=True, blank=True, related_name="training"
    )
    member = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="training",
        verbose_name="member of staff",
    )
    completed_on = models.DateField("completed on")
    expires_on = models.DateField("renew by", null=True, blank=True)
    provider = models.CharField("who ran it", max_length=150, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )

    class Meta:
        ordering = ["-completed_on", "-id"]
        indexes = [models.Index(fields=["home", "expires_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(volunteer__isnull=False, member__isnull=True)
                | Q(volunteer__isnull=True, member__isnull=False),
                name="volunteers_training_one_person",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("completed_on")),
                name="volunteers_training_dates",
            ),
        ]

    def __str__(self):
        return f"{self.module} on {self.completed_on:%-d %B %Y}"
