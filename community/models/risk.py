"""An outing's risk assessment: the hazards, what controls them, who approved
it and when. Any change after approval takes the approval away: the outing
needs approving again before a date can be confirmed (``community.rules``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from homes.models import HomeScopedModel


class RiskAssessment(HomeScopedModel):
    activity = models.OneToOneField(
        "community.Activity", on_delete=models.CASCADE, related_name="risk_assessment"
    )
    summary = models.TextField("the outing and who is going", blank=True)
    emergency_plan = models.TextField("if something goes wrong", blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    review_on = models.DateField(
        "review by", null=True, blank=True, help_text="After this date the outing needs approving again."
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(approved_at__isnull=True) & Q(approved_by__isnull=True))
                | (Q(approved_at__isnull=False) & Q(approved_by__isnull=False)),
                name="community_risk_approval_names_who",
            ),
        ]

    def __str__(self):
        return f"Risk assessment: {self.activity}"

    @property
    def is_approved(self):
        return self.approved_at is not None


class Hazard(HomeScopedModel):
    class Level(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="hazards")
    hazard = models.CharField("hazard", max_length=200)
    who_at_risk = models.CharField("who could be harmed", max_length=200, blank=True)
    controls = models.TextField("what we do about it")
    level = models.CharField("risk with these controls", max_length=10, choices=Level.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.hazard
