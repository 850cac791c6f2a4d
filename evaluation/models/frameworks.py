"""A framework is data: loaded from a JSON file (``evaluation/frameworks/``,
``manage.py load_framework``), never written in code. Shared by every home;
a home uses the active framework of its nation unless it chooses another."""

from django.db import models

from homes.models import Nation


class Framework(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60)
    publisher = models.CharField(max_length=200)
    edition = models.CharField(max_length=120, blank=True)
    source_url = models.URLField(blank=True)
    description = models.TextField(blank=True)
    # The homes whose framework it is by default (blank: no nation's default).
    nation = models.CharField(max_length=10, choices=Nation.choices, blank=True)
    scale_name = models.CharField(max_length=100)
    # What a theme is called in this framework ("quality indicator", "quality statement").
    theme_word = models.CharField(max_length=60, default="theme")
    is_active = models.BooleanField(default=True)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.short_name


class RatingLevel(models.Model):
    """One point of the framework's scale: 6 "Excellent" … 1 "Unsatisfactory"."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    value = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=60)
    meaning = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["framework", "-value"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "value"], name="evaluation_level_once"),
        ]

    def __str__(self):
        return f"{self.value} {self.label}"


class EvidenceCategory(models.Model):
    """How a framework sorts its evidence (CQC: people's experience, feedback
    from staff and leaders, …, outcomes)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="categories")
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "slug"], name="evaluation_category_once"),
        ]
        verbose_name_plural = "evidence categories"

    def __str__(self):
        return self.name


class Theme(models.Model):
    """What a home rates itself on: a quality indicator, a quality statement or
    a theme of the connection guidance, with the prompts that help a manager
    think it through and the measures that are evidence for it."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="themes")
    code = models.CharField(max_length=30)
    # The heading it sits under ("Key question 1: How well do we support people's wellbeing?").
    group = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    prompts = models.JSONField(default=list, blank=True)
    # Keys of evaluation.measures.MEASURES: the figures shown as evidence.
    measures = models.JSONField(default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    # A theme a newer edition dropped: kept for the evaluations that rated it.
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["framework", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="evaluation_theme_once"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        """ "1.2 People get the most out of life"; a code that is only a key
        ("caring-independence", as CQC's statements have) is left out."""
        if len(self.code) <= 8 and "-" not in self.code:
            return f"{self.code} {self.title}"
        return self.title
