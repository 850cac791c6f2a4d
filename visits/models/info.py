from django.db import models
from django.db.models import Q

from homes.models import Home


class VisitingInfo(models.Model):
    """What a visitor needs to know, shown on the home's public visiting page."""

    home = models.OneToOneField(Home, on_delete=models.CASCADE, related_name="visiting_info")
    welcome = models.TextField(
        "a welcome", blank=True, default="Visiting is your right. You do not need to book to visit."
    )
    front_door = models.TextField("opening of the front door", blank=True)
    parking = models.TextField(blank=True)
    public_transport = models.TextField("buses, trains and taxis", blank=True)
    what_to_bring = models.TextField("what to bring", blank=True)
    accessibility = models.TextField("getting around (step-free access, hearing loop, toilets)", blank=True)
    who_to_contact = models.TextField("who to contact", blank=True)
    door_code_rotate_days = models.PositiveSmallIntegerField("change the door code every (days)", default=30)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )

    class Meta:
        verbose_name = "visiting information"
        verbose_name_plural = "visiting information"
        constraints = [
            models.CheckConstraint(
                condition=Q(door_code_rotate_days__gte=1, door_code_rotate_days__lte=365),
                name="visits_info_rotate_days_range",
            ),
        ]

    def __str__(self):
        return f"Visiting {self.home}"

    def get_additional_data(self):
        return {"home_id": self.home_id}
