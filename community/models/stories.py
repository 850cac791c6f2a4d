"""Stories and photos of what the home did together.

A photo records who appears in it. It is shown for a use (inside the home, to
families, in public) only while every resident in it has a live consent for
that use in the register (``residents.models.Consent``): withdrawing consent
hides it everywhere at once, its image address included, which is served only
through a permission check (``community.views.stories``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from homes.models import HomeScopedModel


class Story(HomeScopedModel):
    occurrence = models.ForeignKey(
        "community.Occurrence",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories",
        verbose_name="activity",
    )
    title = models.CharField(max_length=150)
    text = models.TextField("the story")
    went_well = models.BooleanField(
        "show this when planning the next one",
        default=True,
        help_text="Stories of outings that went well help people who are anxious about going out.",
    )
    share_with_families = models.BooleanField(
        "families of the home can read it",
        default=False,
        help_text="Only if everyone named in it is happy to be written about to other families.",
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "stories"
        indexes = [models.Index(fields=["home", "-created_at"])]

    def __str__(self):
        return self.title


class StoryPhoto(HomeScopedModel):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="community/photos/%Y/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    description = models.CharField(
        "what the photo shows",
        max_length=300,
        help_text="Read aloud to people who cannot see it, e.g. “Ted holding up a trout by the lake”.",
    )
    residents = models.ManyToManyField(
        "residents.Resident", blank=True, related_name="story_photos", verbose_name="residents in the photo"
    )
    others = models.CharField(
        "anyone else in it", max_length=300, blank=True, help_text="Staff, volunteers or visitors who agreed."
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="community_photo_described"),
        ]

    def __str__(self):
        return self.description
