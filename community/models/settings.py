from django.db import models

from homes.models import HomeScopedModel


class CommunitySettings(HomeScopedModel):
    """A home's choices for its community work."""

    publish_programme = models.BooleanField(
        "publish the programme",
        default=False,
        help_text="A plain public page and calendar feed of the programme, for a website or foyer screen.",
    )
    directories = models.ManyToManyField(
        "homes.Organisation",
        blank=True,
        related_name="+",
        verbose_name="connector charities whose partner directory we use",
    )
    map_enabled = models.BooleanField(
        "show the map",
        default=True,
        help_text="Only when a map tile server is configured (KITH_MAP_TILE_URL).",
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )

    class Meta:
        verbose_name_plural = "community settings"
        constraints = [
            models.UniqueConstraint(fields=["home"], name="community_settings_one_per_home"),
        ]

    def __str__(self):
        return f"Community settings of {self.home}"
