"""A home's self-evaluations: dated, kept, each beside the last."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from evaluation.models.frameworks import EvidenceCategory, Framework, Theme
from homes.models import HomeScopedModel

VERSION_HELP = "One more on every edit (carehome.versions)."


class Evaluation(HomeScopedModel):
    """The home rating itself against a framework for a period."""

    class Status(models.TextChoices):
        DRAFT = "draft", "In progress"
        COMPLETED = "completed", "Completed"

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField("from")
    period_end = models.DateField("until")
    title = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField("what we do well, and what we will improve", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False, help_text=VERSION_HELP)

    class Meta:
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="evaluation_period_in_order"
            ),
        ]
        indexes = [models.Index(fields=["home", "-period_end"])]

    def __str__(self):
        return self.title or f"Self-evaluation {self.period_start:%-d %b %Y} to {self.period_end:%-d %b %Y}"


class Rating(HomeScopedModel):
    """One theme's rating in one evaluation, with the manager's reasons."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="ratings")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")
    # The value of one of the framework's RatingLevels; empty until rated.
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    rationale = models.TextField("why this rating", blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False, help_text=VERSION_HELP)

    class Meta:
        ordering = ["evaluation", "theme__order", "theme_id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "theme"], name="evaluation_rating_once"),
        ]

    def __str__(self):
        return f"{self.theme.code}: {self.level or 'not rated'}"


class EvidenceNote(HomeScopedModel):
    """Evidence the manager adds to a theme beyond what the records show:
    what people said, what was observed, a document."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="notes")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(
        EvidenceCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField("evidence")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["evaluation", "theme", "added_at", "id"]

    def __str__(self):
        return self.text[:60]


class ImprovementAction(HomeScopedModel):
    """One action of the home's improvement plan: what, who, by when."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "No longer needed"

    OPEN = (Status.PLANNED, Status.IN_PROGRESS)

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    action = models.TextField("what we will do")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField("due by")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    done_on = models.DateField(null=True, blank=True)
    progress = models.TextField("progress so far", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False, help_text=VERSION_HELP)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["home", "status", "due_on"])]

    def __str__(self):
        return self.action[:60]
