from django.conf import settings
from django.db import models
from django.db.models import Q

from homes.models import HomeScopedModel
from residents.models.resident import Resident


class LonelinessMeasure(HomeScopedModel):
    """The three-item loneliness scale recommended for UK national statistics
    (from the UCLA scale), plus the direct question "How often do you feel
    lonely?". Each item: hardly ever or never (1), some of the time (2),
    often (3); total 3–9."""

    class Answer(models.IntegerChoices):
        HARDLY_EVER = 1, "Hardly ever or never"
        SOME_OF_THE_TIME = 2, "Some of the time"
        OFTEN = 3, "Often"

    class Direct(models.TextChoices):
        OFTEN_ALWAYS = "often_always", "Often or always"
        SOME_OF_THE_TIME = "some_of_the_time", "Some of the time"
        OCCASIONALLY = "occasionally", "Occasionally"
        HARDLY_EVER = "hardly_ever", "Hardly ever"
        NEVER = "never", "Never"
        NO_ANSWER = "no_answer", "Preferred not to say"

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="loneliness_measures")
    recorded_on = models.DateField("date")
    lack_companionship = models.PositiveSmallIntegerField(
        "How often do you feel that you lack companionship?", choices=Answer.choices
    )
    left_out = models.PositiveSmallIntegerField("How often do you feel left out?", choices=Answer.choices)
    isolated = models.PositiveSmallIntegerField(
        "How often do you feel isolated from others?", choices=Answer.choices
    )
    direct = models.CharField("How often do you feel lonely?", max_length=20, choices=Direct.choices)
    staff_helped = models.BooleanField("staff helped to answer", default=False)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_on", "-id"]
        indexes = [models.Index(fields=["resident", "-recorded_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(lack_companionship__gte=1, lack_companionship__lte=3)
                & Q(left_out__gte=1, left_out__lte=3)
                & Q(isolated__gte=1, isolated__lte=3),
                name="residents_loneliness_items_1_to_3",
            ),
        ]

    @property
    def total(self):
        return self.lack_companionship + self.left_out + self.isolated
