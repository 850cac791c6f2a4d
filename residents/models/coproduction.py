from django.conf import settings
from django.db import models

from homes.models import HomeScopedModel, Interest
from residents.models.resident import Resident


class CoproductionSession(HomeScopedModel):
    """How a home finds out what residents want to do."""

    class Method(models.TextChoices):
        GROUP_DISCUSSION = "group_discussion", "Group discussion"
        REMINISCENCE = "reminiscence", "Reminiscence"
        SUGGESTION_BOX = "suggestion_box", "Suggestion box"
        ONE_TO_ONE = "one_to_one", "One-to-one conversation"
        HANDLING_ITEMS = "handling_items", "Handling items"
        SENSORY = "sensory", "Sensory session"

    held_on = models.DateField("date")
    method = models.CharField(max_length=30, choices=Method.choices)
    title = models.CharField(max_length=150, help_text="e.g. “Summer outings: what would you like?”")
    participants = models.ManyToManyField(Resident, blank=True, related_name="coproduction_sessions")
    others_present = models.CharField("others who took part", max_length=300, blank=True)
    notes = models.TextField(blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.title} ({self.held_on:%d %b %Y})"


class Idea(HomeScopedModel):
    """An idea raised in a session; ideas become activities later."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        PLANNED = "planned", "Planned"
        DONE = "done", "Done"
        NOT_TAKEN_FORWARD = "not_taken_forward", "Not taken forward"

    session = models.ForeignKey(CoproductionSession, on_delete=models.CASCADE, related_name="ideas")
    text = models.CharField("the idea", max_length=300)
    raised_by = models.ForeignKey(
        Resident, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    interests = models.ManyToManyField(Interest, blank=True, related_name="ideas")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    status_note = models.CharField("why, or what happens next", max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "-updated_at"]

    def __str__(self):
        return self.text
