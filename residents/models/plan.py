from django.conf import settings
from django.db import models

from homes.models import HomeScopedModel, Interest
from residents.models.resident import Resident


class PersonalPlan(HomeScopedModel):
    """What connection means to one person. One per resident; every change is
    in the audit history, and each review keeps a snapshot to compare with."""

    class VideoCalls(models.TextChoices):
        UNKNOWN = "unknown", "Not asked yet"
        WELCOME = "welcome", "Welcome"
        WITH_SUPPORT = "with_support", "Welcome with support"
        NOT_FOR_ME = "not_for_me", "Not for me (distressing)"

    class PhoneCalls(models.TextChoices):
        UNKNOWN = "unknown", "Not asked yet"
        WELCOME = "welcome", "Welcome"
        WITH_SUPPORT = "with_support", "Welcome with support"
        NOT_FOR_ME = "not_for_me", "Not for me"

    resident = models.OneToOneField(Resident, on_delete=models.CASCADE, related_name="plan")

    # What matters
    what_matters = models.TextField("what matters to me", blank=True)
    about_me = models.TextField(
        "my story (about me)", blank=True, help_text="In the person's own words where possible."
    )

    # How I like to communicate
    hearing = models.TextField(blank=True)
    sight = models.TextField(blank=True)
    speech = models.TextField("speech and understanding", blank=True)
    language = models.CharField("language(s)", max_length=120, blank=True)
    best_time_of_day = models.CharField("best time of day", max_length=120, blank=True)
    communication_helps = models.TextField("what helps", blank=True)
    communication_avoid = models.TextField("what to avoid", blank=True)

    # Technology
    video_calls = models.CharField(max_length=20, choices=VideoCalls.choices, default=VideoCalls.UNKNOWN)
    phone_calls = models.CharField(max_length=20, choices=PhoneCalls.choices, default=PhoneCalls.UNKNOWN)
    own_devices = models.CharField("own devices", max_length=200, blank=True)
    technology_support = models.TextField("support needed with technology", blank=True)

    # Interests, places, faith
    interests = models.ManyToManyField(Interest, blank=True, related_name="plans")
    interests_notes = models.TextField("more about my interests and hobbies", blank=True)
    former_occupation = models.CharField("former occupation", max_length=200, blank=True)
    places = models.TextField("places that matter to me", blank=True)
    faith_and_groups = models.TextField("faith and community groups", blank=True)

    # Goals
    goals = models.TextField("my goals for connection", blank=True)
    anxious_going_out = models.TextField("what helps when I feel anxious about going out", blank=True)

    review_due_on = models.DateField("next review due", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )

    # The fields a review snapshot keeps, and that "changes since the last
    # review" compares (interests are compared by name).
    SNAPSHOT_FIELDS = [
        "what_matters",
        "about_me",
        "hearing",
        "sight",
        "speech",
        "language",
        "best_time_of_day",
        "communication_helps",
        "communication_avoid",
        "video_calls",
        "phone_calls",
        "own_devices",
        "technology_support",
        "interests_notes",
        "former_occupation",
        "places",
        "faith_and_groups",
        "goals",
        "anxious_going_out",
    ]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resident"], name="residents_plan_one_per_resident"),
        ]

    def __str__(self):
        return f"Personal plan for {self.resident}"


class PersonWhoMatters(HomeScopedModel):
    """A relative, friend or former neighbour who matters to a resident."""

    class Frequency(models.IntegerChoices):
        DAILY = 1, "Every day"
        TWICE_WEEKLY = 3, "Twice a week"
        WEEKLY = 7, "Every week"
        FORTNIGHTLY = 14, "Every two weeks"
        MONTHLY = 30, "Every month"
        NOW_AND_THEN = 90, "Now and then"

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=150)
    relationship = models.CharField(max_length=60, help_text="e.g. daughter, old friend, former neighbour")
    phone = models.CharField("phone number", max_length=30, blank=True)
    email = models.EmailField("email address", blank=True)
    address = models.TextField(blank=True)
    by_visit = models.BooleanField("visits", default=False)
    by_phone = models.BooleanField("phone calls", default=False)
    by_video = models.BooleanField("video calls", default=False)
    by_letter = models.BooleanField("letters or cards", default=False)
    contact_every_days = models.PositiveSmallIntegerField(
        "how often they would like to be in touch", choices=Frequency.choices, null=True, blank=True
    )
    essential_care_supporter = models.BooleanField(
        "essential care supporter / nominated visitor",
        default=False,
        help_text="Can always visit, even when visiting is restricted.",
    )
    notes = models.TextField(blank=True)
    is_active = models.BooleanField("still in touch", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )

    class Meta:
        ordering = ["-essential_care_supporter", "name"]
        verbose_name = "person who matters"
        verbose_name_plural = "people who matter"
        indexes = [models.Index(fields=["home", "resident", "is_active"])]

    def __str__(self):
        return f"{self.name} ({self.relationship})"

    @property
    def ways(self):
        return [
            label
            for flag, label in [
                (self.by_visit, "visits"),
                (self.by_phone, "phone"),
                (self.by_video, "video"),
                (self.by_letter, "letters"),
            ]
            if flag
        ]


class PlanReview(HomeScopedModel):
    """A review of the plan with the person: who took part, and what the plan
    said at that moment (so the next reader sees what changed since)."""

    plan = models.ForeignKey(PersonalPlan, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    resident_took_part = models.BooleanField("the resident took part", default=True)
    relatives_took_part = models.CharField("relatives or friends who took part", max_length=300, blank=True)
    key_worker_took_part = models.BooleanField("the key worker took part", default=True)
    others_took_part = models.CharField("anyone else", max_length=300, blank=True)
    notes = models.TextField("what was agreed", blank=True)
    snapshot = models.JSONField(default=dict)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-id"]
