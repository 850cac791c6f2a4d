"""Background checks (PVG in Scotland, DBS in England and Wales) and references."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from homes.models import HomeScopedModel
from volunteers.models.choices import CheckLevel
from volunteers.models.people import Volunteer

PVG_YEARS = 5  # a PVG membership statement is renewed five years on


class BackgroundCheck(HomeScopedModel):
    class Scheme(models.TextChoices):
        DBS = "dbs", "DBS check (England and Wales)"
        PVG = "pvg", "PVG scheme membership (Scotland)"

    class UpdateService(models.TextChoices):
        NO = "no", "Not subscribed"
        YES = "yes", "Subscribed"

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="checks")
    scheme = models.CharField(max_length=5, choices=Scheme.choices)
    # DBS
    level = models.CharField(
        "level", max_length=20, choices=CheckLevel.choices, blank=True, help_text="DBS only."
    )
    certificate_number = models.CharField("certificate number", max_length=12, blank=True)
    update_service = models.CharField(
        "Update Service", max_length=3, choices=UpdateService.choices, default=UpdateService.NO
    )
    update_service_checked_on = models.DateField("Update Service last checked on", null=True, blank=True)
    # PVG
    membership_number = models.CharField("scheme membership number", max_length=16, blank=True)
    left_notified_on = models.DateField(
        "Disclosure Scotland told they left on",
        null=True,
        blank=True,
        help_text="The date you told Disclosure Scotland this person stopped regulated work here.",
    )
    # Both: the certificate or statement date, and the date it stops counting.
    issued_on = models.DateField("certificate or statement date")
    valid_until = models.DateField(
        "counts until",
        help_text="DBS: the home's recheck date. PVG: the membership end, five years after the statement.",
    )
    notes = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )

    class Meta:
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["home", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("issued_on")), name="volunteers_check_dates"
            ),
            models.CheckConstraint(
                condition=Q(scheme="pvg", membership_number__regex=r"^[0-9]{16}$", level="")
                | Q(scheme="dbs", certificate_number__regex=r"^[0-9]{12}$", membership_number="")
                & ~Q(level__in=["", "none"]),
                name="volunteers_check_scheme_fields",
            ),
        ]

    def __str__(self):
        if self.scheme == self.Scheme.PVG:
            return f"PVG scheme membership, statement of {self.issued_on:%-d %B %Y}"
        return f"{self.get_level_display()} DBS check of {self.issued_on:%-d %B %Y}"


class Reference(HomeScopedModel):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="references")
    name = models.CharField("referee's name", max_length=150)
    relationship = models.CharField("how they know the volunteer", max_length=100)
    email = models.EmailField("email address", blank=True)
    phone = models.CharField("phone number", max_length=30, blank=True)
    requested_on = models.DateField("asked on", null=True, blank=True)
    received_on = models.DateField("received on", null=True, blank=True)
    satisfactory = models.BooleanField(null=True, blank=True)
    notes = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(received_on__isnull=True, satisfactory__isnull=True)
                | Q(received_on__isnull=False, satisfactory__isnull=False),
                name="volunteers_reference_received_says_how",
            ),
            models.CheckConstraint(
                condition=Q(requested_on__isnull=True)
                | Q(received_on__isnull=True)
                | Q(received_on__gte=F("requested_on")),
                name="volunteers_reference_dates",
            ),
        ]

    def __str__(self):
        return f"Reference from {self.name}"
