from django.conf import settings
from django.db import models
from django.db.models import Q

from homes.models import HomeScopedModel


class DoorCode(HomeScopedModel):
    """The front door code. One current code per home; the old ones are kept
    so the log of who saw which code stays readable."""

    code = models.CharField(max_length=12)
    valid_from = models.DateTimeField()
    replaced_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When approved visitors were told this code changed (never the code itself).
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["home"], condition=Q(replaced_at__isnull=True), name="visits_doorcode_one_current"
            ),
        ]

    def __str__(self):
        return f"Door code from {self.valid_from:%d %b %Y}"


class DoorCodeView(HomeScopedModel):
    """Every time someone is shown a door code."""

    door_code = models.ForeignKey(DoorCode, on_delete=models.CASCADE, related_name="views")
    membership = models.ForeignKey("homes.Membership", on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-viewed_at"]


class VisitRestriction(HomeScopedModel):
    """An exceptional, time-limited restriction on one resident's visiting
    (Anne's Law / Regulation 9A): why, what else was tried, who was involved,
    reviews, and who is exempt (the essential care supporter)."""

    resident = models.ForeignKey(
        "residents.Resident", on_delete=models.CASCADE, related_name="visit_restrictions"
    )
    reason = models.TextField()
    alternatives_considered = models.TextField("less restrictive options considered")
    people_involved = models.TextField("who was involved in the decision")
    starts_on = models.DateField()
    expected_end_on = models.DateField("expected end date")
    next_review_on = models.DateField("next review")
    exempt_links = models.ManyToManyField(
        "residents.RelativeLink", blank=True, related_name="restriction_exemptions"
    )
    other_exempt_visitors = models.CharField(max_length=300, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_end_on__gte=models.F("starts_on")),
                name="visits_restriction_end_after_start",
            ),
        ]


class RestrictionReview(HomeScopedModel):
    restriction = models.ForeignKey(VisitRestriction, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    outcome = models.TextField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-reviewed_on"]


class FamilyContribution(HomeScopedModel):
    """A relative's suggested addition to the plan, waiting for staff."""

    class Kind(models.TextChoices):
        ABOUT_ME = "about_me", "My story (about me)"
        INTEREST = "interest", "An interest or hobby"
        PERSON = "person", "Someone who matters"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the home"
        APPROVED = "approved", "Added to the plan"
        DECLINED = "declined", "Not added"

    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="contributions")
    membership = models.ForeignKey("homes.Membership", on_delete=models.CASCADE, related_name="contributions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField()
    interest = models.ForeignKey("homes.Interest", on_delete=models.SET_NULL, null=True, blank=True)
    person_name = models.CharField(max_length=150, blank=True)
    person_relationship = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["home", "status"])]
