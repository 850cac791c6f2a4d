"""The driver bank: volunteers and staff who can drive residents."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from homes.models import HomeScopedModel, Membership
from volunteers.models.people import Volunteer

# Driving licence categories that matter for carrying residents.
LICENCE_CATEGORIES = [
    ("B", "B — car"),
    ("BE", "BE — car with trailer"),
    ("D1", "D1 — minibus (up to 16 passengers)"),
    ("D1E", "D1E — minibus with trailer"),
    ("D", "D — bus"),
]


class Driver(HomeScopedModel):
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, null=True, blank=True, related_name="driving"
    )
    member = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="driving",
        verbose_name="member of staff",
    )
    licence_categories = models.JSONField("licence categories", default=list)
    licence_checked_on = models.DateField("licence last checked on")
    drives_minibus = models.BooleanField("drives the home's minibus", default=False)
    drives_own_car = models.BooleanField("drives their own car", default=False)
    insurance_expires_on = models.DateField(
        "business-use insurance ends on", null=True, blank=True, help_text="For driving their own car."
    )
    vehicle_check_expires_on = models.DateField(
        "vehicle MOT ends on", null=True, blank=True, help_text="For driving their own car."
    )
    notes = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField("in the bank", default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(volunteer__isnull=False, member__isnull=True)
                | Q(volunteer__isnull=True, member__isnull=False),
                name="volunteers_driver_one_person",
            ),
            models.UniqueConstraint(
                fields=["volunteer"], condition=Q(volunteer__isnull=False), name="volunteers_driver_once_v"
            ),
            models.UniqueConstraint(
                fields=["member"], condition=Q(member__isnull=False), name="volunteers_driver_once_m"
            ),
            models.CheckConstraint(
                condition=Q(drives_minibus=True) | Q(drives_own_car=True), name="volunteers_driver_drives"
            ),
        ]

    def __str__(self):
        return f"Driver: {self.name}"

    @property
    def name(self):
        """The driver's name (load with ``volunteer`` and ``member__user``)."""
        if self.volunteer_id:
            return self.volunteer.full_name
        return self.member.user.full_name
