"""The consent register: what each resident agreed to, for which use, who
gave it and when, and its withdrawal.

One row is one consent for one purpose. Withdrawing it stamps the row (the
record stays, with who recorded the withdrawal and when) and every feature
that asks ``residents.selectors.consent`` at the moment of use stops at once.
A new consent after a withdrawal is a new row, so the history reads in order.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from homes.models import HomeScopedModel
from residents.models.resident import Resident


class ConsentPurpose(models.TextChoices):
    # Photos are shown to ever wider audiences: inside the home (noticeboards,
    # the staff's pages), to the families of the home, and in public (the
    # published programme, a poster outside). Each is its own consent.
    PHOTOS_HOME = "photos_home", "Photos shown inside the home"
    PHOTOS_FAMILY = "photos_family", "Photos shared with families of the home"
    PHOTOS_PUBLIC = "photos_public", "Photos shown in public"
    # News the staff share about the resident (visits.SharedUpdate) reaches
    # only the relatives this consent names.
    NEWS_FAMILY = "news_family", "News shared with named relatives"
    # Regular visits from a volunteer (volunteers.Assignment), and a
    # volunteer seeing them on their rota.
    VOLUNTEER_VISITS = "volunteer_visits", "Visits and contact from volunteers"
    # Moments from their records shown as examples in the home's
    # self-evaluation and its evidence pack (evaluation.examples).
    EVALUATION_EXAMPLES = "evaluation_examples", "Moments used as examples in the home's self-evaluation"


PHOTO_PURPOSES = (ConsentPurpose.PHOTOS_HOME, ConsentPurpose.PHOTOS_FAMILY, ConsentPurpose.PHOTOS_PUBLIC)


class ConsentGivenBy(models.TextChoices):
    RESIDENT = "resident", "The resident themselves"
    ATTORNEY = "attorney", "Their attorney (lasting or continuing power of attorney for health and welfare)"
    DEPUTY = "deputy", "Their deputy (appointed by the Court of Protection)"
    GUARDIAN = "guardian", "Their welfare guardian (Scotland)"


class Consent(HomeScopedModel):
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=30, choices=ConsentPurpose.choices)
    given_by = models.CharField("given by", max_length=20, choices=ConsentGivenBy.choices)
    given_by_name = models.CharField(
        "their name", max_length=150, blank=True, help_text="The attorney's, deputy's or guardian's name."
    )
    power = models.CharField(
        "the power they hold",
        max_length=300,
        blank=True,
        help_text="e.g. “Health and welfare LPA registered 3 May 2021, seen by the manager”.",
    )
    given_on = models.DateField("given on")
    note = models.CharField("how it was given", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField("withdrawn", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawal_note = models.CharField("who withdrew it, and how", max_length=300, blank=True)
    # For NEWS_FAMILY: the relatives (their links to this resident) the news may go to.
    relatives = models.ManyToManyField(
        "residents.RelativeLink", blank=True, related_name="news_consents", verbose_name="relatives named"
    )

    class Meta:
        ordering = ["purpose", "-recorded_at"]
        indexes = [models.Index(fields=["home", "purpose"])]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="residents_consent_one_live_per_purpose",
            ),
            models.CheckConstraint(
                condition=Q(given_by="resident") | ~Q(given_by_name=""),
                name="residents_consent_names_who_gave_it",
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} — {self.resident}"

    @property
    def is_live(self):
        return self.withdrawn_at is None
