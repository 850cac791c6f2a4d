"""Figures kept per home and week (``evaluation.figures``), so a dashboard
over months or over hundreds of homes reads a few hundred small rows instead
of two years of the connection log. Refreshed by Celery (``evaluation.tasks``):
this week and last every few minutes, the last quarter every night; a week
nobody has asked for yet is worked out when first read. Each row says when it
was worked out, and the dashboards show that age."""

from django.db import models

from homes.models import HomeScopedModel


class WeeklyFigures(HomeScopedModel):
    week = models.DateField(help_text="The Monday the week starts on, home time.")
    data = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["home", "week"]
        constraints = [models.UniqueConstraint(fields=["home", "week"], name="evaluation_week_once")]
        verbose_name_plural = "weekly figures"

    def __str__(self):
        return f"Week of {self.week:%-d %b %Y}"
