"""Regular visits to residents (assignments) and the shifts they make."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from homes.models import HomeScopedModel, Space
from residents.models import Connection, Resident, Response
from volunteers.models.choices import Weekday
from volunteers.models.people import Volunteer, VolunteerRole


class Assignment(HomeScopedModel):
    """A volunteer visits a resident regularly: a day, a time, how often, where."""

    class Every(models.IntegerChoices):
        WEEK = 1, "Every week"
        FORTNIGHT = 2, "Every two weeks"
        FOUR_WEEKS = 4, "Every four weeks"

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="assignments")
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="volunteer_assignments")
    role = models.ForeignKey(VolunteerRole, on_delete=models.PROTECT, related_name="assignments")
    weekday = models.PositiveSmallIntegerField("day", choices=Weekday.choices)
    starts_at = models.TimeField("time")
    minutes = models.PositiveSmallIntegerField("how long (minutes)", default=60)
    every = models.PositiveSmallIntegerField("how often", choices=Every.choices, default=Every.WEEK)
    space = models.ForeignKey(
        Space, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="where"
    )
    where_note = models.CharField("where, in words", max_length=150, blank=True)
    starts_on = models.DateField("first visit on")
    ends_on = models.DateField("last visit on", null=True, blank=True)
    reason = models.CharField("why they were matched", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField("why it ended", max_length=300, blank=True)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )

    class Meta:
        ordering = ["weekday", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=15) & Q(minutes__lte=480), name="volunteers_assignment_minutes"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="volunteers_assignment_weekday"),
            models.CheckConstraint(condition=Q(every__in=[1, 2, 4]), name="volunteers_assignment_every"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="volunteers_assignment_dates",
            ),
            models.UniqueConstraint(
                fields=["volunteer", "resident", "weekday", "starts_at"],
                condition=Q(ended_at__isnull=True),
                name="volunteers_assignment_once",
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} with {self.resident}, {self.get_weekday_display()}s {self.starts_at:%H:%M}"

    @property
    def is_current(self):
        return self.ended_at is None


class Shift(HomeScopedModel):
    """A time a volunteer is expected: a visit from an assignment, a rota
    shift (the tea trolley, a driving job), or time logged after the fact."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Can't make it"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="shifts")
    assignment = models.ForeignKey(
        Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="shifts"
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.SET_NULL, null=True, blank=True, related_name="volunteer_shifts"
    )
    role = models.ForeignKey(
        VolunteerRole, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField("what", max_length=150, blank=True, help_text="e.g. Tea trolley, Garden club")
    starts_at = models.DateTimeField("starts")
    ends_at = models.DateTimeField("ends")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    status_note = models.CharField("why", max_length=300, blank=True)
    # What happened, logged by the volunteer or by staff for them.
    minutes_given = models.PositiveSmallIntegerField("time given (minutes)", null=True, blank=True)
    response = models.CharField(
        "how it went for the resident", max_length=20, choices=Response.choices, blank=True
    )
    log_note = models.TextField("what happened", blank=True)
    logged_at = models.DateTimeField(null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hours_confirmed_at = models.DateTimeField(null=True, blank=True)
    hours_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The entry on the resident's connection log that this visit made.
    connection = models.ForeignKey(
        Connection, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["home", "starts_at"]),
            models.Index(fields=["volunteer", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="volunteers_shift_order"),
            models.UniqueConstraint(
                fields=["assignment", "starts_at"],
                condition=Q(assignment__isnull=False),
                name="volunteers_shift_once_per_assignment",
            ),
            models.CheckConstraint(
                condition=Q(minutes_given__isnull=True) | Q(minutes_given__gte=1) & Q(minutes_given__lte=720),
                name="volunteers_shift_minutes_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(minutes_given__isnull=False),
                name="volunteers_shift_done_minutes",
            ),
            models.CheckConstraint(
                condition=Q(hours_confirmed_at__isnull=True) | Q(status="done"),
                name="volunteers_shift_confirm_done_only",
            ),
        ]

    def __str__(self):
        what = self.title or (f"Visit to {self.resident}" if self.resident_id else "Volunteering")
        return f"{what}, {timezone.localtime(self.starts_at):%A %-d %B, %H:%M}"
