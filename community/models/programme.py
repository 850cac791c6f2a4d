"""The programme: activities in the home, outings, and partners using the
home as a venue; each dated occurrence; and who comes.

An ``Activity`` is what is planned (one-off or recurring). Each date it
happens is an ``Occurrence``: its own times (an outing's departure and
return), status, driver, hold on a space, and attendance. A recurring
activity's occurrences are made some weeks ahead by a planner
(``community.services.programme.occurrences_plan``).

An outing is **confirmed** only through ``community.rules``: an approved risk
assessment, and when it needs the minibus an eligible, available driver.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from homes.models import HomeScopedModel, Interest
from residents.models import Response


class Activity(HomeScopedModel):
    class Kind(models.TextChoices):
        IN_HOME = "in_home", "An activity in the home"
        OUTING = "outing", "An outing"
        VENUE = "venue", "A community group using our space"

    class Repeats(models.TextChoices):
        ONCE = "once", "Once"
        WEEKLY = "weekly", "Every week"
        FORTNIGHTLY = "fortnightly", "Every two weeks"
        MONTHLY = "monthly", "Every month (same week and day)"

    class Transport(models.TextChoices):
        NONE = "", "No transport needed"
        MINIBUS = "minibus", "The home's minibus, with a driver from the bank"
        COMMUNITY = "community", "Community transport (a partner)"
        TAXI = "taxi", "An accessible taxi"
        WALKING = "walking", "Walking or wheeling"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=150)
    description = models.TextField("what happens", blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.IN_HOME)
    # Where: a space in the home, a partner's venue, a place nearby, or an address.
    space = models.ForeignKey(
        "homes.Space", on_delete=models.PROTECT, null=True, blank=True, related_name="activities"
    )
    partnership = models.ForeignKey(
        "community.Partnership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name="with partner",
    )
    place = models.ForeignKey(
        "community.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="activities"
    )
    address = models.CharField("or an address", max_length=300, blank=True)
    capacity = models.PositiveSmallIntegerField("places for residents", default=10)
    accessibility = models.CharField("accessibility", max_length=300, blank=True)
    interests = models.ManyToManyField(Interest, blank=True, related_name="activities")
    # What the self-evaluation counts.
    intergenerational = models.BooleanField("intergenerational", default=False)
    nature = models.BooleanField("nature and the outdoors", default=False)
    wider_community = models.BooleanField("benefits the wider community", default=False)
    virtual = models.BooleanField("virtual (online)", default=False)
    idea = models.ForeignKey(
        "residents.Idea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name="co-produced from the idea",
    )
    repeats = models.CharField(max_length=12, choices=Repeats.choices, default=Repeats.ONCE)
    first_day = models.DateField("date")
    last_day = models.DateField("repeat until", null=True, blank=True)
    starts = models.TimeField("starts (departs)")
    ends = models.TimeField("ends (returns)")
    staff = models.ManyToManyField(
        "homes.Membership", blank=True, related_name="activities_led", verbose_name="staff"
    )
    volunteers = models.ManyToManyField(
        "volunteers.Volunteer", blank=True, related_name="activities", verbose_name="volunteers"
    )
    # Outings.
    transport = models.CharField(max_length=12, choices=Transport.choices, blank=True, default="")
    transport_partnership = models.ForeignKey(
        "community.Partnership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trips",
        verbose_name="community transport partner",
    )
    what_to_take = models.CharField("what to take", max_length=500, blank=True)
    call_name = models.CharField("who to call", max_length=150, blank=True)
    call_phone = models.CharField("their phone", max_length=30, blank=True)
    on_public_programme = models.BooleanField(
        "show on the public programme", default=False, help_text="Only if the home publishes its programme."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField("taken off the programme", null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )

    class Meta:
        ordering = ["first_day", "starts", "title"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["home", "first_day"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")), name="community_activity_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=200), name="community_activity_capacity_range"
            ),
            models.CheckConstraint(
                condition=Q(last_day__isnull=True) | Q(last_day__gte=F("first_day")),
                name="community_activity_last_day_order",
            ),
            models.CheckConstraint(
                condition=~Q(kind="venue") | (Q(partnership__isnull=False) & Q(space__isnull=False)),
                name="community_activity_venue_has_partner_and_space",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_outing(self):
        return self.kind == self.Kind.OUTING

    @property
    def coproduced(self):
        return self.idea_id is not None

    @property
    def needs_minibus(self):
        return self.is_outing and self.transport == self.Transport.MINIBUS


class Occurrence(HomeScopedModel):
    """One date an activity happens."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned, not confirmed yet"
        CONFIRMED = "confirmed", "Confirmed"
        CANCELLED = "cancelled", "Cancelled"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="occurrences")
    starts_at = models.DateTimeField("starts (departs)")
    ends_at = models.DateTimeField("ends (returns)")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    driver = models.ForeignKey(
        "volunteers.Driver", on_delete=models.PROTECT, null=True, blank=True, related_name="outings"
    )
    hold = models.OneToOneField(
        "homes.SpaceHold", on_delete=models.SET_NULL, null=True, blank=True, related_name="occurrence"
    )
    note = models.CharField("note for this date", max_length=300, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.CharField("why it was cancelled", max_length=300, blank=True)
    # Attendance, once recorded, is one group entry in the connection log.
    connection = models.OneToOneField(
        "residents.Connection", on_delete=models.SET_NULL, null=True, blank=True, related_name="occurrence"
    )
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    # Family invitations made through visits' invitations and replies.
    family_events = models.ManyToManyField("visits.EventInvitation", blank=True, related_name="occurrences")
    sequence = models.PositiveIntegerField(default=0, help_text="Calendar revision: +1 on each change.")
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["home", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="community_occurrence_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["activity", "starts_at"], name="community_occurrence_once_per_start"
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="community_occurrence_cancelled_when",
            ),
        ]

    def __str__(self):
        return f"{self.activity} on {timezone.localtime(self.starts_at):%d %b %Y %H:%M}"


class Attendee(HomeScopedModel):
    """A resident invited to (or turning up at) one occurrence, and how it went."""

    class Answer(models.TextChoices):
        INVITED = "invited", "Invited"
        COMING = "coming", "Would like to come"
        NOT_COMING = "not_coming", "Would rather not"

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="attendees")
    resident = models.ForeignKey(
        "residents.Resident", on_delete=models.CASCADE, related_name="activity_places"
    )
    answer = models.CharField(max_length=12, choices=Answer.choices, default=Answer.INVITED)
    # Filled when attendance is recorded, on the connection log's scale.
    response = models.CharField("how it went", max_length=20, choices=Response.choices, blank=True)
    note = models.CharField(max_length=300, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["resident__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "resident"], name="community_attendee_once"),
        ]
        indexes = [models.Index(fields=["resident", "occurrence"])]
